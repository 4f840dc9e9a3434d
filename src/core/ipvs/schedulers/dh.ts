/**
 * dh — Destination Hashing (ip_vs_dh.c): a static 256-bucket table keyed by the packet's
 * destination address. Weights are not used to fill it, so an edit does not rebuild it.
 */
import type { Dest } from '../dest';
import { hash32 } from './hash';
import type { PacketView, SchedService, Scheduler } from './scheduler';

/** IP_VS_DH_TAB_BITS (CONFIG_IP_VS_DH_TAB_BITS is not a Kconfig option: always 8). */
const DH_TAB_BITS = 8;
const DH_TAB_SIZE = 1 << DH_TAB_BITS;

export class DestinationHashing implements Scheduler {
  readonly name = 'dh';
  readonly buckets: (Dest | null)[] = new Array<Dest | null>(DH_TAB_SIZE).fill(null);

  initService(svc: SchedService): void {
    this.reassign(svc);
  }
  addDest(svc: SchedService): void {
    this.reassign(svc);
  }
  delDest(svc: SchedService): void {
    this.reassign(svc);
  }

  /** ip_vs_dh_reassign: bucket i → list entry i mod N, head first. */
  private reassign(svc: SchedService): void {
    const ds = svc.dests;
    const n = ds.length;
    for (let i = 0; i < DH_TAB_SIZE; i++) this.buckets[i] = n === 0 ? null : ds[i % n]!;
  }

  /** ip_vs_dh_schedule: no fallback; AVAILABLE is checked too (unlike sh/mh). */
  schedule(svc: SchedService, pkt: PacketView): Dest | null {
    const d = this.buckets[hash32(pkt.daddr, DH_TAB_BITS)] as Dest | null;
    if (d === null || !d.available || d.weight <= 0 || d.overload) {
      svc.schedulerErr('no destination available');
      return null;
    }
    return d;
  }
}
