/**
 * The connection table (ip_vs_conn.c): lookups for requests (client → VIP), for replies
 * (NAT: real server → client; DR/TUN: VIP → client) and for persistence templates.
 *
 * Expiry is lazy: an entry keeps one engine timer; a packet only moves `expires` forward,
 * and a timer that fires early re-arms itself at `expires`. Restarting a timer on every
 * packet (as the kernel's mod_timer does) would cost a heap push per packet here.
 */
import { Conn } from './conn';

function key(proto: string, caddr: number, cport: number, addr: number, port: number): string {
  return `${proto},${caddr},${cport},${addr},${port}`;
}

export class ConnTable {
  /** By (proto, caddr, cport, vaddr, vport): requests, and replies of DR/TUN entries. */
  private byVip = new Map<string, Conn>();
  /** By (proto, caddr, cport, daddr, dport): replies of NAT entries. */
  private byRip = new Map<string, Conn>();
  /** Templates by (proto, caddr&mask, 0, vaddr, vport). */
  private templates = new Map<string, Conn>();
  /** Every live entry, in creation order (what `ipvsadm -Lc` walks). */
  readonly all = new Set<Conn>();

  get size(): number {
    return this.all.size;
  }

  lookupIn(proto: string, caddr: number, cport: number, vaddr: number, vport: number): Conn | undefined {
    return this.byVip.get(key(proto, caddr, cport, vaddr, vport));
  }

  /** ip_vs_conn_out_get: NAT entries match the real server as source, others the VIP. */
  lookupOut(proto: string, caddr: number, cport: number, saddr: number, sport: number): Conn | undefined {
    return this.byRip.get(key(proto, caddr, cport, saddr, sport)) ?? this.byVip.get(key(proto, caddr, cport, saddr, sport));
  }

  lookupTemplate(proto: string, caddr: number, vaddr: number, vport: number): Conn | undefined {
    return this.templates.get(key(proto, caddr, 0, vaddr, vport));
  }

  insert(c: Conn, nat: boolean): void {
    this.all.add(c);
    if (c.isTemplate) {
      this.templates.set(key(c.proto, c.caddr, 0, c.vaddr, c.vport), c);
      return;
    }
    this.byVip.set(key(c.proto, c.caddr, c.cport, c.vaddr, c.vport), c);
    if (nat) this.byRip.set(key(c.proto, c.caddr, c.cport, c.daddr, c.dport), c);
  }

  /** Take an entry out of the lookups; it stays in `all` until `remove` (an invalidated template still ticks). */
  unhash(c: Conn): void {
    if (c.isTemplate) {
      const k = key(c.proto, c.caddr, 0, c.vaddr, c.vport);
      if (this.templates.get(k) === c) this.templates.delete(k);
      return;
    }
    const k1 = key(c.proto, c.caddr, c.cport, c.vaddr, c.vport);
    if (this.byVip.get(k1) === c) this.byVip.delete(k1);
    const k2 = key(c.proto, c.caddr, c.cport, c.daddr, c.dport);
    if (this.byRip.get(k2) === c) this.byRip.delete(k2);
  }

  remove(c: Conn): void {
    this.unhash(c);
    this.all.delete(c);
  }

  clear(): void {
    this.byVip.clear();
    this.byRip.clear();
    this.templates.clear();
    this.all.clear();
  }
}
