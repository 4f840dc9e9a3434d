/**
 * The simulation engine: a virtual clock in integer microseconds and an event queue.
 *
 * Events at the same time run in the order they were scheduled (ties broken by a
 * sequence number, as ns-3's EventKey does), so a run is a pure function of the
 * scenario, the seed and the command log. Nothing here reads wall-clock time.
 */

export type Micros = number;

export const US = 1;
export const MS = 1_000;
export const SEC = 1_000_000;

export interface Timer {
  /** Cancel the event if it has not run yet. Cancelling twice is harmless. */
  cancel(): void;
  readonly at: Micros;
}

/** A scheduled event. It is its own Timer handle, so scheduling allocates one object. */
class Slot implements Timer {
  constructor(
    public at: Micros,
    public seq: number,
    public fn: ((arg: unknown) => void) | null,
    /** The callback's argument; RECYCLE marks a slot the engine may reuse once it ran. */
    public arg: unknown,
  ) {}
  cancel(): void {
    this.fn = null;
  }
}

const RECYCLE = Symbol('recycle');

/** A binary min-heap on (at, seq). Cancelled slots stay in the heap with fn = null and are skipped. */
class EventHeap {
  private items: Slot[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Slot | undefined {
    return this.items[0];
  }
  push(s: Slot): void {
    const a = this.items;
    a.push(s);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const ap = a[p]!;
      if (before(ap, s)) break;
      a[i] = ap;
      i = p;
    }
    a[i] = s;
  }
  liveCount(): number {
    let n = 0;
    for (const x of this.items) if (x.fn) n++;
    return n;
  }
  /** Drop every slot whose callback is gone and restore the heap order (Floyd's heapify). */
  compact(): void {
    const a = this.items.filter((x) => x.fn !== null);
    this.items = a;
    for (let i = (a.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }
  private siftDown(i0: number): void {
    const a = this.items;
    const n = a.length;
    const x = a[i0]!;
    let i = i0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(a[r]!, a[l]!) ? r : l;
      if (before(x, a[c]!)) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = x;
  }
  pop(): Slot | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(a[r]!, a[l]!) ? r : l;
      if (before(last, a[c]!)) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = last;
    return top;
  }
}

function before(x: Slot, y: Slot): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}

export class Engine {
  private heap = new EventHeap();
  private seq = 0;
  private _now: Micros = 0;
  /** Heap size at which cancelled slots are next swept out. */
  private compactAt = 4096;
  /** Number of events executed since the start: handy for benchmarks and stepping. */
  executed = 0;

  get now(): Micros {
    return this._now;
  }

  /** Events still waiting to run (cancelled ones excluded). O(n): for tests and tools. */
  get pending(): number {
    return this.heap.liveCount();
  }

  /** Run `fn` after `delay` microseconds (rounded down to an integer, never negative). */
  after(delay: Micros, fn: () => void): Timer {
    return this.at(this._now + Math.max(0, Math.floor(delay)), fn);
  }

  /**
   * Like `after`, calling `fn(arg)`: a shared function plus its argument instead of a
   * closure per call, for timers that exist once per connection (memory at 100k conns).
   */
  afterWith<T>(delay: Micros, fn: (arg: T) => void, arg: T): Timer {
    const t = this._now + (delay > 0 ? Math.floor(delay) : 0);
    const slot = new Slot(t, this.seq++, fn as (a: unknown) => void, arg);
    this.push(slot);
    return slot;
  }

  atWith<T>(time: Micros, fn: (arg: T) => void, arg: T): Timer {
    return this.afterWith(time - this._now, fn, arg);
  }

  at(time: Micros, fn: () => void): Timer {
    const t = time > this._now ? Math.floor(time) : this._now;
    const slot = new Slot(t, this.seq++, fn, undefined);
    this.push(slot);
    return slot;
  }

  /**
   * Cancelled slots stay in the heap until popped; when the heap doubles, it is swept so
   * timers that are usually cancelled (curl deadlines) cannot make it grow without bound.
   */
  private push(slot: Slot): void {
    const heap = this.heap;
    heap.push(slot);
    if (heap.size > this.compactAt) {
      heap.compact();
      this.compactAt = Math.max(4096, heap.size * 2);
    }
  }

  /**
   * Schedule a callback that will never be cancelled (link arrivals: most events). Its
   * slot is recycled after it runs, which spares the garbage collector one object per hop.
   */
  atRecycled(time: Micros, fn: () => void): void {
    const t = time > this._now ? Math.floor(time) : this._now;
    const slot = this.pool.pop();
    if (slot) {
      slot.at = t;
      slot.seq = this.seq++;
      slot.fn = fn;
      this.push(slot);
    } else {
      this.push(new Slot(t, this.seq++, fn, RECYCLE));
    }
  }
  private pool: Slot[] = [];


  /** Time of the next event that will run, or undefined when idle. */
  nextAt(): Micros | undefined {
    this.dropCancelled();
    return this.heap.peek()?.at;
  }

  /** Run exactly one event. Returns false when there was none. */
  step(): boolean {
    this.dropCancelled();
    const s = this.heap.pop();
    if (!s || !s.fn) return false;
    const fn = s.fn;
    s.fn = null;
    this._now = s.at;
    this.executed++;
    const arg = s.arg;
    if (arg === RECYCLE) this.pool.push(s);
    fn(arg);
    return true;
  }

  /** Run every event due at or before `time`, then set the clock to `time`. */
  runUntil(time: Micros): void {
    const heap = this.heap;
    for (;;) {
      const s = heap.peek();
      if (!s || s.at > time) break;
      heap.pop();
      const fn = s.fn;
      if (!fn) continue;
      s.fn = null;
      this._now = s.at;
      this.executed++;
      const arg = s.arg;
      if (arg === RECYCLE) this.pool.push(s);
      fn(arg);
    }
    if (time > this._now) this._now = Math.floor(time);
  }

  runFor(duration: Micros): void {
    this.runUntil(this._now + duration);
  }

  /** Run until no event is left, or until `limit` (a guard against periodic timers). */
  runUntilIdle(limit: Micros = Number.MAX_SAFE_INTEGER): void {
    for (;;) {
      const next = this.nextAt();
      if (next === undefined || next > limit) return;
      this.step();
    }
  }

  private dropCancelled(): void {
    for (;;) {
      const top = this.heap.peek();
      if (!top || top.fn) return;
      this.heap.pop();
    }
  }
}
