/**
 * nq — Never Queue (ip_vs_nq.c). An idle dest (no active conns) is taken at once, whatever
 * its weight; otherwise the sed rule applies.
 */
import type { Dest } from '../dest';
import { EXACT_PRODUCTS, exactGreater, type PacketView, type SchedService, type Scheduler } from './scheduler';

export class NeverQueue implements Scheduler {
  readonly name = 'nq';

  /** ip_vs_nq_schedule. */
  schedule(svc: SchedService, _pkt: PacketView): Dest | null {
    const ds = svc.dests;
    let least: Dest | null = null;
    let loh = 0;
    for (let i = 0, n = ds.length; i < n; i++) {
      const d = ds[i]!;
      if (d.overload || d.weight === 0) continue;
      // The first idle dest in list order wins outright.
      if (d.activeConns === 0) return d;
      const doh = d.activeConns + 1;
      if (least === null) {
        least = d;
        loh = doh;
        continue;
      }
      const p = loh * d.weight;
      const q = doh * least.weight;
      if (p > q || (p === q && p >= EXACT_PRODUCTS && exactGreater(loh, d.weight, doh, least.weight))) {
        least = d;
        loh = doh;
      }
    }
    if (least === null) svc.schedulerErr('no destination available');
    return least;
  }
}
