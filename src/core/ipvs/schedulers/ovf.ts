/**
 * ovf — Weighted Overflow (ip_vs_ovf.c): the highest-weight dest while its active conns do
 * not exceed its weight, then the next one. UDP conns are never active, so UDP never overflows.
 */
import type { Dest } from '../dest';
import type { PacketView, SchedService, Scheduler } from './scheduler';

export class WeightedOverflow implements Scheduler {
  readonly name = 'ovf';

  /** ip_vs_ovf_schedule: strict `>` on weight, ties keep the first in list order. */
  schedule(svc: SchedService, _pkt: PacketView): Dest | null {
    const ds = svc.dests;
    let h: Dest | null = null;
    for (let i = 0, n = ds.length; i < n; i++) {
      const d = ds[i]!;
      const w = d.weight;
      if (d.overload || d.activeConns > w || w === 0) continue;
      if (h === null || w > h.weight) h = d;
    }
    if (h === null) svc.schedulerErr('no destination available');
    return h;
  }
}
