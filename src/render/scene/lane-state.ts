/**
 * What the scene remembers per lane (cable + direction): its geometry, the visual queue
 * that spaces packets apart, whether it is drawn as a stream, and a sliding-window rate
 * with the colour mix of recent packets (for the stream's dots).
 */
import { PACKET_COLOURS } from '../palette';
import type { LaneGeometry } from './lanes';

const NC = PACKET_COLOURS.length;

export class LaneState {
  /** Earliest visual time (ms) the next packet may start: keeps packets on a lane apart. */
  nextStartV = -Infinity;
  /** Drawn as a stream until this visual time because its queue overflowed. */
  busyUntilV = -Infinity;
  /** Drawn as a stream until this visual time because the whole picture had too many packets. */
  lodUntilV = -Infinity;
  /** Packets drawn one by one in the frame being built. */
  visible = 0;
  /**
   * Bumped each time the lane turns busy: hops queued before that are not drawn when it
   * calms down (they would be stale), their place taken by the stream meanwhile.
   */
  epoch = 0;

  // Sliding window over simulated time (µs): the previous and the current bucket.
  private winStart = 0;
  private winUs = 1_000_000;
  private cur = 0;
  private prev = 0;
  private readonly colCur = [new Float64Array(NC), new Float64Array(NC)];
  private readonly colPrev = [new Float64Array(NC), new Float64Array(NC)];

  constructor(
    readonly index: number,
    readonly from: string,
    readonly to: string,
    public geometry: LaneGeometry | null,
  ) {}

  /** Count one packet sent at `t` (sim µs), with its colour in each mode (0 connection, 1 server). */
  count(t: number, winUs: number, colourConn: number, colourServer: number): void {
    this.roll(t, winUs);
    this.cur++;
    this.colCur[0]![colourConn]!++;
    this.colCur[1]![colourServer]!++;
  }

  private roll(t: number, winUs: number): void {
    if (t < this.winStart + this.winUs) return;
    const fresh = t >= this.winStart + 2 * this.winUs;
    this.prev = fresh ? 0 : this.cur;
    for (let m = 0; m < 2; m++) {
      const p = this.colPrev[m]!;
      const c = this.colCur[m]!;
      if (fresh) p.fill(0);
      else p.set(c);
      c.fill(0);
    }
    this.cur = 0;
    this.winUs = winUs;
    this.winStart = fresh ? t : this.winStart + this.winUs;
    if (t >= this.winStart + this.winUs) this.winStart = t;
  }

  /** Packets in the last window ending at `now` (sim µs), prorating the older bucket. */
  windowCount(now: number): number {
    const end = this.winStart + this.winUs;
    if (now < end) return this.prev * (1 - Math.max(0, now - this.winStart) / this.winUs) + this.cur;
    if (now < end + this.winUs) return this.cur * (1 - (now - end) / this.winUs);
    return 0;
  }

  /** Packets per simulated second around `now`. */
  rate(now: number): number {
    return (this.windowCount(now) * 1_000_000) / this.winUs;
  }

  /** The colour found at quantile `q` (0..1) of the recent mix, for mode 0 or 1. */
  colourAt(q: number, mode: 0 | 1, fallback: number): number {
    const c = this.colCur[mode]!;
    const p = this.colPrev[mode]!;
    let total = 0;
    for (let i = 0; i < NC; i++) total += c[i]! + p[i]!;
    if (total === 0) return fallback;
    let acc = 0;
    const target = q * total;
    for (let i = 0; i < NC; i++) {
      acc += c[i]! + p[i]!;
      if (acc > target) return i;
    }
    return fallback;
  }

  reset(): void {
    this.nextStartV = -Infinity;
    this.busyUntilV = -Infinity;
    this.lodUntilV = -Infinity;
    this.visible = 0;
    this.epoch = 0;
    this.winStart = 0;
    this.cur = 0;
    this.prev = 0;
    for (const a of [...this.colCur, ...this.colPrev]) a.fill(0);
  }
}
