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

interface Slot {
  at: Micros;
  seq: number;
  fn: (() => void) | null;
}

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
  private live = 0;
  /** Number of events executed since the start: handy for benchmarks and stepping. */
  executed = 0;

  get now(): Micros {
    return this._now;
  }

  /** Events still waiting to run (cancelled ones excluded). */
  get pending(): number {
    return this.live;
  }

  /** Run `fn` after `delay` microseconds (rounded down to an integer, never negative). */
  after(delay: Micros, fn: () => void): Timer {
    return this.at(this._now + Math.max(0, Math.floor(delay)), fn);
  }

  at(time: Micros, fn: () => void): Timer {
    const slot: Slot = { at: Math.max(this._now, Math.floor(time)), seq: this.seq++, fn };
    this.heap.push(slot);
    this.live++;
    const engine = this;
    return {
      at: slot.at,
      cancel() {
        if (slot.fn) {
          slot.fn = null;
          engine.live--;
        }
      },
    };
  }

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
    this.live--;
    this._now = s.at;
    this.executed++;
    fn();
    return true;
  }

  /** Run every event due at or before `time`, then set the clock to `time`. */
  runUntil(time: Micros): void {
    for (;;) {
      const next = this.nextAt();
      if (next === undefined || next > time) break;
      this.step();
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
