/**
 * lc — Least Connection (ip_vs_lc.c). Minimum ip_vs_dest_conn_overhead, which differs per
 * kernel (257·active + inactive on 6.12, 256·active + inactive on 6.1: kernel.ts).
 * Weights count only as 0 / non-zero.
 */
import type { Dest } from '../dest';
import type { PacketView, SchedService, Scheduler } from './scheduler';

export class LeastConnection implements Scheduler {
  readonly name = 'lc';

  /** ip_vs_lc_schedule: strict `<`, so the first in list order wins a tie. */
  schedule(svc: SchedService, _pkt: PacketView): Dest | null {
    const ds = svc.dests;
    // Dest.overhead written out, as in wlc.ts (wlcLeast) and for the same reason.
    const k612 = svc.kernel === '6.12';
    let least: Dest | null = null;
    let loh = 0;
    for (let i = 0, n = ds.length; i < n; i++) {
      const d = ds[i]!;
      if (d.overload || d.weight === 0) continue;
      const doh = ((d.activeConns << 8) + (k612 ? d.totalConns : d.inactConns)) | 0;
      if (least === null || doh < loh) {
        least = d;
        loh = doh;
      }
    }
    if (least === null) svc.schedulerErr('no destination available');
    return least;
  }
}
