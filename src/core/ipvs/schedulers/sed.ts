/**
 * sed — Shortest Expected Delay (ip_vs_sed.c). Minimises (active + 1)/weight: inactive
 * conns are ignored, so both kernels agree.
 */
import type { Dest } from '../dest';
import { EXACT_PRODUCTS, exactGreater, type PacketView, type SchedService, type Scheduler } from './scheduler';

export class ShortestExpectedDelay implements Scheduler {
  readonly name = 'sed';

  /** ip_vs_sed_schedule: same first-eligible-then-strict-compare loop as wlc. */
  schedule(svc: SchedService, _pkt: PacketView): Dest | null {
    const ds = svc.dests;
    const n = ds.length;
    let i = 0;
    let least: Dest | null = null;
    for (; i < n; i++) {
      const d = ds[i]!;
      if (!d.overload && d.weight > 0) {
        least = d;
        break;
      }
    }
    if (least === null) {
      svc.schedulerErr('no destination available');
      return null;
    }
    // ip_vs_sed_dest_overhead: activeconns + 1.
    let loh = least.activeConns + 1;
    let lw = least.weight;
    for (i++; i < n; i++) {
      const d = ds[i]!;
      if (d.overload) continue;
      const doh = d.activeConns + 1;
      const p = loh * d.weight;
      const q = doh * lw;
      if (p > q || (p === q && p >= EXACT_PRODUCTS && exactGreater(loh, d.weight, doh, lw))) {
        least = d;
        loh = doh;
        lw = d.weight;
      }
    }
    return least;
  }
}
