/**
 * fo — Weighted Fail Over (ip_vs_fo.c): the highest weight wins, connections are ignored.
 */
import type { Dest } from '../dest';
import type { PacketView, SchedService, Scheduler } from './scheduler';

export class WeightedFailOver implements Scheduler {
  readonly name = 'fo';

  /** ip_vs_fo_schedule: `weight > hw` from hw = 0, so ties keep the first in list order. */
  schedule(svc: SchedService, _pkt: PacketView): Dest | null {
    const ds = svc.dests;
    let best: Dest | null = null;
    let hw = 0;
    for (let i = 0, n = ds.length; i < n; i++) {
      const d = ds[i]!;
      if (!d.overload && d.weight > hw) {
        best = d;
        hw = d.weight;
      }
    }
    if (best === null) svc.schedulerErr('no destination available');
    return best;
  }
}
