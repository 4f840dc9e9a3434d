/**
 * Path MTUs learned towards real servers from ICMP "fragmentation needed" about the
 * director's tunnel packets: the route's PMTU exception, expiring after
 * ip_rt_mtu_expires = 600 s; never below 552 (ip_rt_min_pmtu).
 */
const EXPIRES_US = 600_000_000;
const MIN_PMTU = 552;

export class PmtuCache {
  private entries = new Map<number, { mtu: number; expires: number }>();

  learn(addr: number, mtu: number, now: number): void {
    if (mtu >= this.mtu(addr, Infinity, now)) return;
    this.entries.set(addr, { mtu: Math.max(mtu, MIN_PMTU), expires: now + EXPIRES_US });
  }

  /** dst_mtu of the route to `addr`: the device MTU, lowered by a learned PMTU. */
  mtu(addr: number, devMtu: number, now: number): number {
    const e = this.entries.get(addr);
    if (!e) return devMtu;
    if (now >= e.expires) {
      this.entries.delete(addr);
      return devMtu;
    }
    return Math.min(devMtu, e.mtu);
  }
}
