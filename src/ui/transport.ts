/**
 * Pacing simulated time from the browser's frames, and the speeds the toolbar offers.
 * Pure, so the arithmetic is tested in Node.
 */

/** 1/100× … 10×, as the toolbar's speed menu lists them. */
export const SPEEDS: readonly number[] = [0.01, 0.1, 0.25, 0.5, 1, 2, 5, 10];
export const DEFAULT_SPEED = 1;

/** A background tab or a long GC pause must not jump the lab minutes ahead. */
export const MAX_FRAME_MS = 100;

/** Simulated µs to run for `elapsedMs` of wall time at `speed`. */
export function simDelta(elapsedMs: number, speed: number): number {
  if (!(elapsedMs > 0) || !(speed > 0)) return 0;
  return Math.round(Math.min(elapsedMs, MAX_FRAME_MS) * 1000 * speed);
}

export function speedLabel(speed: number): string {
  if (speed >= 1) return `${speed}×`;
  return `1/${Math.round(1 / speed)}×`;
}

export function nearestSpeed(x: number): number {
  let best = DEFAULT_SPEED;
  for (const s of SPEEDS) if (Math.abs(Math.log(s / x)) < Math.abs(Math.log(best / x))) best = s;
  return best;
}

/**
 * Where "step back" goes: the latest event time strictly before `now` among `times`
 * (ascending), or a millisecond back when none is known.
 */
export function previousTime(times: readonly number[], now: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < now) lo = mid + 1;
    else hi = mid;
  }
  const t = times[lo - 1];
  return t !== undefined ? t : Math.max(0, now - 1000);
}
