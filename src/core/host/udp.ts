/**
 * UDP sockets: bind to a port (optionally an address), receive datagrams, and answer
 * ICMP port unreachable when nobody listens (as the kernel does, rate limited).
 */
import type { Ip } from '../net/addr';
import type { AppData, Icmp, Ipv4, Udp } from '../net/packet';
import { makeIp } from '../net/packet';
import type { Iface } from './iface';
import type { Host } from './host';

export interface UdpSocket {
  readonly port: number;
  readonly addr: Ip;
  onDatagram(from: { addr: Ip; port: number; to: Ip }, data: AppData | undefined, plen: number, dev: Iface): void;
  onError?(icmp: Icmp): void;
}

export class UdpStack {
  private sockets = new Map<number, UdpSocket[]>();
  private nextEphemeral = 0;

  constructor(private readonly host: Host) {}

  bind(sock: UdpSocket): boolean {
    const list = this.sockets.get(sock.port) ?? [];
    if (list.some((s) => s.addr === sock.addr || s.addr === 0 || sock.addr === 0)) return false;
    list.push(sock);
    this.sockets.set(sock.port, list);
    return true;
  }

  unbind(sock: UdpSocket): void {
    const list = this.sockets.get(sock.port);
    if (!list) return;
    const rest = list.filter((s) => s !== sock);
    if (rest.length) this.sockets.set(sock.port, rest);
    else this.sockets.delete(sock.port);
  }

  ephemeralPort(): number {
    if (this.nextEphemeral === 0) this.nextEphemeral = this.host.rng().int(32768, 60999);
    for (let i = 0; i < 28232; i++) {
      const p = this.nextEphemeral;
      this.nextEphemeral = p >= 60999 ? 32768 : p + 1;
      if (!this.sockets.has(p)) return p;
    }
    return 0;
  }

  send(src: Ip, sport: number, dst: Ip, dport: number, data: AppData | undefined, plen: number, dev?: Iface): boolean {
    const l4: Udp = { kind: 'udp', sport, dport, plen, ...(data ? { data } : {}) };
    return this.host.output(makeIp({ src, dst, id: this.host.nextIpId(), df: true, l4 }), dev ? { dev } : {});
  }

  receive(pkt: Ipv4, dev: Iface): void {
    const u = pkt.l4;
    if (u.kind !== 'udp') return;
    const list = this.sockets.get(u.dport);
    const sock = list?.find((s) => s.addr === pkt.dst) ?? list?.find((s) => s.addr === 0);
    if (!sock) {
      this.host.drop('no-socket', `no UDP socket on port ${u.dport}: ICMP port unreachable`, { ip: pkt });
      this.host.icmpError(pkt, 3, 3);
      return;
    }
    sock.onDatagram({ addr: pkt.src, port: u.sport, to: pkt.dst }, u.data, u.plen, dev);
  }

  icmpError(orig: Ipv4, icmp: Icmp): void {
    const u = orig.l4;
    if (u.kind !== 'udp') return;
    const list = this.sockets.get(u.sport);
    list?.find((s) => s.addr === orig.src || s.addr === 0)?.onError?.(icmp);
  }

  reset(): void {
    this.sockets.clear();
  }
}
