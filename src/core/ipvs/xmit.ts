/**
 * The forwarding methods (ip_vs_xmit.c), ipvs-datapath.md §2.1–§2.2:
 *  - NAT (masq): destination VIP:vport → RIP:dport, TTL decremented;
 *  - DR (gatewaying): only the destination MAC changes — the frame goes to the RIP's MAC;
 *  - TUN (ipip): the packet is wrapped in an outer IPv4 header, director → RIP.
 * Every method routes to the RIP first; no route → ICMP host unreachable to the client.
 * Too big with DF set → ICMP fragmentation needed with the next-hop MTU (TUN: MTU − 20).
 */
import type { Ipv4 } from '../net/packet';
import { makeIp, withIp, IP_HLEN } from '../net/packet';
import { ipStr } from '../net/addr';
import { IP_VS_CONN_F_DROUTE, IP_VS_CONN_F_LOCALNODE, IP_VS_CONN_F_MASQ, IP_VS_CONN_F_TUNNEL, type Conn } from './conn';
import type { Ipvs } from './ipvs';

export function transmit(ipvs: Ipvs, cp: Conn, pkt: Ipv4): void {
  const host = ipvs.host;
  const l4 = pkt.l4;
  if (l4.kind !== 'tcp' && l4.kind !== 'udp') return;
  const rr = host.route(cp.daddr);
  if (rr.kind === 'unreachable') {
    host.drop('no-route', `IPVS: no route to the real server ${ipStr(cp.daddr)}`, { ip: pkt });
    host.icmpError(pkt, 3, 1);
    return;
  }
  const fwd = cp.fwd;
  if (rr.kind === 'local') {
    // A local real server: no TTL decrement, no encapsulation; NAT still rewrites.
    const p = fwd === IP_VS_CONN_F_MASQ ? withIp(pkt, { dst: cp.daddr, l4: { ...l4, dport: cp.dport } }) : pkt;
    host.ipReceive(host.iface('lo')!, p);
    return;
  }
  if (pkt.ttl <= 1) {
    host.drop('ttl-exceeded', `IPVS: TTL exceeded forwarding to ${ipStr(cp.daddr)}`, { ip: pkt });
    host.icmpError(pkt, 11, 0);
    return;
  }
  const dev = rr.dev;
  const tr = host.world.trace;
  switch (fwd) {
    case IP_VS_CONN_F_MASQ: {
      if (!mtuOk(ipvs, pkt, dev.mtu)) return;
      const out = withIp(pkt, { dst: cp.daddr, ttl: pkt.ttl - 1, l4: { ...l4, dport: cp.dport } });
      if (tr.active) tr.emit({ type: 'ip.forward', t: host.world.now, node: host.name, before: pkt, after: out, why: `IPVS NAT: destination ${ipStr(pkt.dst)}:${l4.dport} rewritten to the real server ${ipStr(cp.daddr)}:${cp.dport}` });
      host.postRouting(out, dev, rr.nextHop);
      return;
    }
    case IP_VS_CONN_F_DROUTE:
    case IP_VS_CONN_F_LOCALNODE: {
      if (!mtuOk(ipvs, pkt, dev.mtu)) return;
      const out = withIp(pkt, { ttl: pkt.ttl - 1 });
      if (tr.active) tr.emit({ type: 'ip.forward', t: host.world.now, node: host.name, before: pkt, after: out, why: `IPVS DR: the frame is sent to ${ipStr(cp.daddr)}'s MAC; the IP header keeps the VIP` });
      // IP_VS_RT_MODE_KNOWN_NH: the next hop is the real server itself, gateway or not.
      host.postRouting(out, dev, cp.daddr);
      return;
    }
    case IP_VS_CONN_F_TUNNEL: {
      const mtu = dev.mtu - IP_HLEN;
      const pmtu = ipvs.sysctl('pmtu_disc') === 1;
      if (mtu < 68) {
        host.drop('frag-needed', 'IPVS: tunnel MTU below 68', { ip: pkt });
        return;
      }
      if (pmtu && !mtuOk(ipvs, pkt, mtu)) return;
      const inner = withIp(pkt, { ttl: pkt.ttl - 1 });
      const src = host.sourceFor(cp.daddr) ?? 0;
      const outer = makeIp({ src, dst: cp.daddr, ttl: inner.ttl, id: host.nextIpId(), df: pmtu ? inner.df : false, tos: inner.tos, l4: { kind: 'ipip', inner } });
      if (tr.active) tr.emit({ type: 'ip.forward', t: host.world.now, node: host.name, before: pkt, after: outer, why: `IPVS TUN: wrapped in IP-in-IP, ${ipStr(src)} → ${ipStr(cp.daddr)}` });
      host.postRouting(outer, dev, rr.nextHop);
      return;
    }
    default:
      host.drop('no-route', 'IPVS: bypass forwarding is not modelled', { ip: pkt });
  }
}

/** ensure_mtu_is_adequate (IPv4): DF and too long → ICMP frag needed to the client, drop. */
function mtuOk(ipvs: Ipvs, pkt: Ipv4, mtu: number): boolean {
  if (pkt.len <= mtu || !pkt.df) return true;
  ipvs.host.drop('frag-needed', `IPVS: ${pkt.len}-byte packet with DF set exceeds MTU ${mtu}: ICMP fragmentation needed (mtu ${mtu})`, { ip: pkt });
  ipvs.host.icmpError(pkt, 3, 4, mtu);
  return false;
}

export { IP_VS_CONN_F_TUNNEL };
