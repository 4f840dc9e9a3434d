/**
 * The simulation engine: a virtual clock in integer microseconds and an event queue.
 *
 * Events at the same time run in the order they were scheduled (ties broken by a
 * sequence number, as ns-3's EventKey does), so a run is a pure function of the
 * scenario, the seed and the command log. Nothing here reads wall-clock time.
 *
 * The queue has two tiers, like a calendar queue: a binary heap holds the events of the
 * current one-second bucket and earlier; later events (TIME_WAIT, connection timeouts,
 * curl deadlines — most of them far away and many cancelled) wait in per-second buckets
 * and join the heap when their second comes. The heap stays small and fast; the order
 * of events is exactly the one a single heap would give.
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

/** Width of a far bucket. */
const BUCKET_US = 1_000_000;

function before(x: Slot, y: Slot): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}

/** A binary min-heap on (at, seq). Cancelled slots stay until popped or swept. */
class EventHeap {
  items: Slot[] = [];
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
  pop(): Slot | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    this.siftDown(0, last);
    return top;
  }
  /** Drop every cancelled slot and restore the heap order (Floyd's heapify). */
  compact(): void {
    const a = this.items.filter((x) => x.fn !== null);
    this.items = a;
    for (let i = (a.length >> 1) - 1; i >= 0; i--) this.siftDown(i, a[i]!);
  }
  private siftDown(i0: number, x: Slot): void {
    const a = this.items;
    const n = a.length;
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
}

export class Engine {
  private heap = new EventHeap();
  /** Far events by bucket index; `loaded` is the last bucket whose events are in the heap. */
  private far = new Map<number, Slot[]>();
  private farKeys: number[] = [];
  private farCount = 0;
  private loaded = 0;
  private seq = 0;
  private _now: Micros = 0;
  /**
   * Queue sizes at which cancelled slots are next swept out. The heap is swept early:
   * under load it holds ~100 live events but thousands of cancelled timers (lazy RTO
   * timers brought forward, closed sockets), and every pop sifts through all of them.
   */
  private heapCompactAt = 256;
  private farCompactAt = 65536;
  private pool: Slot[] = [];
  /** Number of events executed since the start: handy for benchmarks and stepping. */
  executed = 0;

  get now(): Micros {
    return this._now;
  }

  /** Events still waiting to run (cancelled ones excluded). O(n): for tests and tools. */
  get pending(): number {
    let n = 0;
    for (const s of this.heap.items) if (s.fn) n++;
    for (const b of this.far.values()) for (const s of b) if (s.fn) n++;
    return n;
  }

  /** Run `fn` after `delay` microseconds (rounded down to an integer, never negative). */
  after(delay: Micros, fn: () => void): Timer {
    return this.at(this._now + Math.max(0, Math.floor(delay)), fn);
  }

  at(time: Micros, fn: () => void): Timer {
    const t = time > this._now ? Math.floor(time) : this._now;
    const slot = new Slot(t, this.seq++, fn, undefined);
    this.push(slot);
    return slot;
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

  private push(slot: Slot): void {
    const b = Math.floor(slot.at / BUCKET_US);
    if (b <= this.loaded) {
      const heap = this.heap;
      heap.push(slot);
      if (heap.size > this.heapCompactAt) {
        heap.compact();
        this.heapCompactAt = Math.max(256, heap.size * 2);
      }
      return;
    }
    let bucket = this.far.get(b);
    if (!bucket) {
      bucket = [];
      this.far.set(b, bucket);
      insertSorted(this.farKeys, b);
    }
    bucket.push(slot);
    if (++this.farCount > this.farCompactAt) this.compactFar();
  }

  /** Sweep cancelled slots out of the far buckets (curl deadlines are nearly all cancelled). */
  private compactFar(): void {
    let n = 0;
    for (const [k, b] of this.far) {
      const live = b.filter((s) => s.fn !== null);
      if (live.length === 0) {
        this.far.delete(k);
        this.farKeys.splice(this.farKeys.indexOf(k), 1);
      } else this.far.set(k, live);
      n += live.length;
    }
    this.farCount = n;
    this.farCompactAt = Math.max(65536, n * 2);
  }

  /** Move the next far bucket into the heap. */
  private loadNext(): boolean {
    const k = this.farKeys.shift();
    if (k === undefined) return false;
    const bucket = this.far.get(k)!;
    this.far.delete(k);
    this.farCount -= bucket.length;
    this.loaded = k;
    for (const s of bucket) if (s.fn) this.heap.push(s);
    return true;
  }

  /** The next live slot, loading far buckets as needed; undefined when idle. */
  private peekLive(): Slot | undefined {
    const heap = this.heap;
    for (;;) {
      const top = heap.peek();
      const nextFar = this.farKeys[0];
      if (top && (nextFar === undefined || top.at < nextFar * BUCKET_US)) {
        if (top.fn) return top;
        heap.pop();
        continue;
      }
      if (!this.loadNext()) return top?.fn ? top : undefined;
    }
  }

  /** Time of the next event that will run, or undefined when idle. */
  nextAt(): Micros | undefined {
    return this.peekLive()?.at;
  }

  /** Run exactly one event. Returns false when there was none. */
  step(): boolean {
    const s = this.peekLive();
    if (!s) return false;
    this.heap.pop();
    this.run(s);
    return true;
  }

  /** Run every event due at or before `time`, then set the clock to `time`. */
  runUntil(time: Micros): void {
    for (;;) {
      const s = this.peekLive();
      if (!s || s.at > time) break;
      this.heap.pop();
      this.run(s);
    }
    if (time > this._now) {
      this._now = Math.floor(time);
      const b = Math.floor(this._now / BUCKET_US);
      // Keep the invariant "buckets up to `loaded` live in the heap" for the new now.
      while (this.farKeys.length > 0 && this.farKeys[0]! <= b) this.loadNext();
      if (b > this.loaded) this.loaded = b;
    }
  }

  runFor(duration: Micros): void {
    this.runUntil(this._now + duration);
  }

  /** Run until no event is left, or until `limit` (a guard against periodic timers). */
  runUntilIdle(limit: Micros = Number.MAX_SAFE_INTEGER): void {
    for (;;) {
      const s = this.peekLive();
      if (!s || s.at > limit) return;
      this.heap.pop();
      this.run(s);
    }
  }

  private run(s: Slot): void {
    const fn = s.fn!;
    s.fn = null;
    this._now = s.at;
    this.executed++;
    const arg = s.arg;
    if (arg === RECYCLE) this.pool.push(s);
    fn(arg);
  }
}

function insertSorted(a: number[], v: number): void {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  a.splice(lo, 0, v);
}
