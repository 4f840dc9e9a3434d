/**
 * The connection table (ip_vs_conn.c): lookups for requests (client → VIP), for replies
 * (NAT: real server → client; DR/TUN: VIP → client) and for persistence templates.
 *
 * Expiry is lazy: an entry keeps one engine timer; a packet only moves `expires` forward,
 * and a timer that fires early re-arms itself at `expires`. Restarting a timer on every
 * packet (as the kernel's mod_timer does) would cost a heap push per packet here.
 */
import { Conn, IP_VS_CONN_F_MASQ } from './conn';
import { TupleMap } from '../sim/tuple-map';

const PROTO_ID: Record<string, number> = { tcp: 6, udp: 17, ip: 0 };
const pid = (proto: string) => PROTO_ID[proto] ?? 255;

export class ConnTable {
  /** By (proto, caddr, cport, vaddr, vport): requests, and replies of DR/TUN entries. */
  private byVip = new TupleMap<Conn>();
  /** By (proto, caddr, cport, daddr, dport): replies of NAT entries. */
  private byRip = new TupleMap<Conn>();
  /** Templates by (proto, caddr&mask, 0, vaddr, vport). */
  private templates = new TupleMap<Conn>();
  /** Every live entry, in creation order (what `ipvsadm -Lc` walks). */
  readonly all = new Set<Conn>();

  get size(): number {
    return this.all.size;
  }

  lookupIn(proto: string, caddr: number, cport: number, vaddr: number, vport: number): Conn | undefined {
    return this.byVip.get(caddr, cport, vaddr, vport, pid(proto));
  }

  /** ip_vs_conn_out_get: NAT entries match the real server as source, others the VIP. */
  lookupOut(proto: string, caddr: number, cport: number, saddr: number, sport: number): Conn | undefined {
    const p = pid(proto);
    const nat = this.byRip.get(caddr, cport, saddr, sport, p);
    if (nat) return nat;
    // byVip holds NAT entries too; ip_vs_conn_out_get compares a MASQ entry's daddr:dport
    // only, so a packet from VIP:vport never matches a NAT entry.
    const c = this.byVip.get(caddr, cport, saddr, sport, p);
    return c && c.fwd !== IP_VS_CONN_F_MASQ ? c : undefined;
  }

  lookupTemplate(proto: string, caddr: number, vaddr: number, vport: number): Conn | undefined {
    return this.templates.get(caddr, 0, vaddr, vport, pid(proto));
  }

  insert(c: Conn, nat: boolean): void {
    this.all.add(c);
    if (c.isTemplate) {
      this.templates.set(c.caddr, 0, c.vaddr, c.vport, c, pid(c.proto));
      return;
    }
    this.byVip.set(c.caddr, c.cport, c.vaddr, c.vport, c, pid(c.proto));
    if (nat) this.byRip.set(c.caddr, c.cport, c.daddr, c.dport, c, pid(c.proto));
  }

  /** Take an entry out of the lookups; it stays in `all` until `remove` (an invalidated template still ticks). */
  unhash(c: Conn): void {
    const p = pid(c.proto);
    if (c.isTemplate) {
      this.templates.delete(c.caddr, 0, c.vaddr, c.vport, p, c);
      return;
    }
    this.byVip.delete(c.caddr, c.cport, c.vaddr, c.vport, p, c);
    this.byRip.delete(c.caddr, c.cport, c.daddr, c.dport, p, c);
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
