/**
 * VRRP's timer arithmetic as keepalived implements it (vrrp.h: VRRP_TIMER_SKEW,
 * VRRP_MS_DOWN_TIMER; ha.md §1.2), in integer microseconds.
 *
 *   v2: Skew_Time = (256 − priority) / 256 s (independent of advert_int, RFC 3768)
 *   v3: Skew_Time = (256 − priority) × Master_Adver_Interval / 256
 *   Master_Down_Interval = 3 × Master_Adver_Interval + Skew_Time
 *
 * Priority 100, advert 1 s, v2: 3 s + 156/256 s = 3.609375 s.
 */

/** down_timer_adverts: keepalived's default (non-default values are non-RFC). */
export const DOWN_TIMER_ADVERTS = 3;

export function skewUs(version: 2 | 3, priority: number, masterAdverIntUs: number): number {
  const p = Math.min(Math.max(priority, 0), 255);
  if (version === 2) return Math.floor(((256 - p) * 1_000_000) / 256);
  return Math.floor(((256 - p) * masterAdverIntUs) / 256);
}

export function masterDownUs(version: 2 | 3, priority: number, masterAdverIntUs: number): number {
  return DOWN_TIMER_ADVERTS * masterAdverIntUs + skewUs(version, priority, masterAdverIntUs);
}
