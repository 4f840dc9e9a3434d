/**
 * sh — Source Hashing (ip_vs_sh.c): a 256-bucket table keyed by the client address (and
 * source port with sh-port), each dest owning `weight` consecutive buckets per cycle.
 */
import type { Dest } from '../dest';
import { hash32 } from './hash';
import type { PacketView, SchedService, Scheduler } from './scheduler';

/** IP_VS_SVC_F_SCHED1 / SCHED2 as ip_vs_sh.c names them. */
export const IP_VS_SVC_F_SCHED_SH_FALLBACK = 0x0008;
export const IP_VS_SVC_F_SCHED_SH_PORT = 0x0010;

/** CONFIG_IP_VS_SH_TAB_BITS default (range 4..20). */
const SH_TAB_BITS = 8;
const SH_TAB_SIZE = 1 << SH_TAB_BITS;
const SH_TAB_MASK = SH_TAB_SIZE - 1;

export class SourceHashing implements Scheduler {
  readonly name = 'sh';
  readonly buckets: (Dest | null)[] = new Array<Dest | null>(SH_TAB_SIZE).fill(null);

  initService(svc: SchedService): void {
    this.reassign(svc);
  }
  addDest(svc: SchedService): void {
    this.reassign(svc);
  }
  delDest(svc: SchedService): void {
    this.reassign(svc);
  }
  updDest(svc: SchedService): void {
    this.reassign(svc);
  }

  /**
   * ip_vs_sh_reassign: walk the list cyclically, giving each dest `weight` buckets in a row.
   * A weight-0 dest still takes one bucket per cycle (`++d_count >= weight`), so quiescing
   * a server reshuffles the table.
   */
  private reassign(svc: SchedService): void {
    const ds = svc.dests;
    const n = ds.length;
    let p = 0;
    let count = 0;
    for (let i = 0; i < SH_TAB_SIZE; i++) {
      if (n === 0) {
        this.buckets[i] = null;
        continue;
      }
      const d = ds[p]!;
      this.buckets[i] = d;
      if (++count >= d.weight) {
        p = p + 1 === n ? 0 : p + 1;
        count = 0;
      }
    }
  }

  /** ip_vs_sh_schedule, with ip_vs_sh_get / ip_vs_sh_get_fallback. */
  schedule(svc: SchedService, pkt: PacketView): Dest | null {
    const port = svc.flags & IP_VS_SVC_F_SCHED_SH_PORT ? pkt.sport : 0;
    // ip_vs_sh_hashkey: u32 sum of host-order port and address, offset 0.
    const ihash = hash32(port + pkt.saddr, SH_TAB_BITS);
    let d = this.buckets[ihash] as Dest | null;
    if (!(svc.flags & IP_VS_SVC_F_SCHED_SH_FALLBACK)) {
      if (d !== null && !unavailable(d)) return d;
      svc.schedulerErr('no destination available');
      return null;
    }
    if (d === null) return this.fail(svc);
    if (!unavailable(d)) return d;
    // Probe with offset (k + ihash): the bucket is (k + 2·ihash) mod 256; stop at a hole.
    for (let k = 0; k < SH_TAB_SIZE; k++) {
      d = this.buckets[(((k + ihash) & SH_TAB_MASK) + ihash) & SH_TAB_MASK] as Dest | null;
      if (d === null) break;
      if (!unavailable(d)) return d;
    }
    return this.fail(svc);
  }

  private fail(svc: SchedService): null {
    svc.schedulerErr('no destination available');
    return null;
  }
}

/** ip_vs_sh.c: is_unavailable. AVAILABLE itself is not looked at. */
function unavailable(d: Dest): boolean {
  return d.weight <= 0 || d.overload;
}
