/**
 * wrr — Weighted Round Robin (ip_vs_wrr.c), identical in 6.1 and 6.12.
 * Passes over the list at a falling current weight cw = mw, mw−di, …; a dest is served in
 * every pass whose cw it reaches. See ipvs-schedulers.md §2 for the start-up transient.
 */
import type { Dest } from '../dest';
import type { PacketView, SchedService, Scheduler } from './scheduler';

/** lib/math/gcd.c (binary or Euclid: the result is what matters). */
export function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

export class WeightedRoundRobin implements Scheduler {
  readonly name = 'wrr';
  // struct ip_vs_wrr_mark. `cl` is a list index; -1 is the list head. Every list change
  // resets it to the head (dest_changed), so the index never goes stale.
  cl = -1;
  cw = 0;
  mw = 0;
  di = 1;

  /** ip_vs_wrr_init_svc: starts a full cycle at cw = mw. */
  initService(svc: SchedService): void {
    this.cl = -1;
    this.di = gcdWeight(svc);
    this.mw = maxWeight(svc) - (this.di - 1);
    this.cw = this.mw;
  }

  addDest(svc: SchedService): void {
    this.destChanged(svc);
  }
  delDest(svc: SchedService): void {
    this.destChanged(svc);
  }
  updDest(svc: SchedService): void {
    this.destChanged(svc);
  }

  /** ip_vs_wrr_dest_changed: keep cw when it still fits, rounded to a pass of the new gcd. */
  private destChanged(svc: SchedService): void {
    this.cl = -1;
    this.di = gcdWeight(svc);
    this.mw = maxWeight(svc) - (this.di - 1);
    if (this.cw > this.mw || this.cw === 0) this.cw = this.mw;
    else if (this.di > 1) this.cw = Math.trunc(this.cw / this.di) * this.di + 1;
  }

  /**
   * ip_vs_wrr_schedule. The `last_pass`/`restarted`/`stop` bookkeeping ends the search once
   * every dest has been checked at cw ≤ di, so an all-overloaded list fails instead of looping.
   */
  schedule(svc: SchedService, _pkt: PacketView): Dest | null {
    if (this.mw === 0) {
      svc.schedulerErr('no destination available');
      return null;
    }
    const ds = svc.dests;
    const n = ds.length;
    const last = this.cl;
    let i = last;
    let stop = -2; // NULL: no entry has index -2
    let lastPass = false;
    let restarted = false;
    for (;;) {
      for (i++; i < n; i++) {
        const d = ds[i]!;
        if (!d.overload && d.weight >= this.cw) {
          this.cl = i;
          return d;
        }
        if (i === stop) return this.overloaded(svc);
      }
      i = -1;
      this.cw -= this.di;
      if (this.cw <= 0) {
        this.cw = this.mw;
        if (lastPass || last === -1) {
          // err_over sets mark->cl = dest, which is the list head after a full traversal.
          this.cl = -1;
          return this.overloaded(svc);
        }
        restarted = true;
      }
      lastPass = this.cw <= this.di;
      if (lastPass && restarted && last !== -1) stop = last;
    }
  }

  private overloaded(svc: SchedService): null {
    svc.schedulerErr('no destination available: all destinations are overloaded');
    return null;
  }
}

/** ip_vs_wrr_gcd_weight: gcd of the positive weights, 1 if there are none. */
function gcdWeight(svc: SchedService): number {
  let g = 0;
  for (const d of svc.dests) {
    if (d.weight > 0) g = g > 0 ? gcd(d.weight, g) : d.weight;
  }
  return g || 1;
}

/** ip_vs_wrr_max_weight. */
function maxWeight(svc: SchedService): number {
  let w = 0;
  for (const d of svc.dests) if (d.weight > w) w = d.weight;
  return w;
}
