/**
 * wlc — Weighted Least Connection (ip_vs_wlc.c), the ipvsadm default.
 * Minimises overhead/weight by cross-multiplying; ties keep the earlier dest.
 */
import type { Dest } from '../dest';
import { EXACT_PRODUCTS, exactGreater, type PacketView, type SchedService, type Scheduler } from './scheduler';

/**
 * The weighted least-connection pick over the service list, shared with lblc and lblcr
 * (ip_vs_lblc.c: __ip_vs_lblc_schedule and ip_vs_lblcr.c: __ip_vs_lblcr_schedule are the
 * same loop). The first dest with weight > 0 and no OVERLOAD starts; later dests only need
 * to be free of OVERLOAD, as a weight of 0 can never win the comparison.
 *
 * ip_vs_dest_conn_overhead (Dest.overhead) is written out in the loop: V8 stops inlining a
 * per-dest call once several schedulers share the caller, which cost 4× at 256 dests.
 */
export function wlcLeast(svc: SchedService): Dest | null {
  const ds = svc.dests;
  const k612 = svc.kernel === '6.12';
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
  if (least === null) return null;
  let loh = least.overhead();
  let lw = least.weight;
  for (i++; i < n; i++) {
    const d = ds[i]!;
    if (d.overload) continue;
    const doh = ((d.activeConns << 8) + (k612 ? d.totalConns : d.inactConns)) | 0;
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

export class WeightedLeastConnection implements Scheduler {
  readonly name = 'wlc';

  /** ip_vs_wlc_schedule. */
  schedule(svc: SchedService, _pkt: PacketView): Dest | null {
    const d = wlcLeast(svc);
    if (d === null) svc.schedulerErr('no destination available');
    return d;
  }
}
