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
import { ipStr, isLoopback } from '../net/addr';
import { IP_VS_CONN_F_DROUTE, IP_VS_CONN_F_LOCALNODE, IP_VS_CONN_F_MASQ, IP_VS_CONN_F_TUNNEL, type Conn } from './conn';
import type { Ipvs } from './ipvs';

/**
 * Send `pkt` to the conn's real server. Returns the packet the LOCAL_IN hook should let
 * continue to the local stack (a local real server), or null when IPVS took it.
 * `pkt` is a TCP/UDP request, or an ICMP error about a reply (ip_vs_icmp_xmit).
 */
export function transmit(ipvs: Ipvs, cp: Conn, pkt: Ipv4): Ipv4 | null {
  const host = ipvs.host;
  const l4 = pkt.l4;
  if (l4.kind !== 'tcp' && l4.kind !== 'udp' && !(l4.kind === 'icmp' && 'orig' in l4)) return null;
  const rr = host.route(cp.daddr);
  if (rr.kind === 'unreachable') {
    host.drop('no-route', `IPVS: no route to the real server ${ipStr(cp.daddr)}`, { ip: pkt });
    host.icmpError(pkt, 3, 1);
    return null;
  }
  const fwd = cp.fwd;
  if (rr.kind === 'local') {
    // A local real server: no TTL decrement, no encapsulation; NAT still rewrites.
    // ip_vs_send_or_cont / ip_vs_nat_send_or_cont with local=1 return NF_ACCEPT: the
    // packet continues in LOCAL_IN to the local socket (it must not re-enter IPVS).
    if (fwd !== IP_VS_CONN_F_MASQ) return pkt;
    // ip_vs_nat_xmit: "From world but DNAT to loopback address?" → tx_error (dropped).
    if (isLoopback(cp.daddr)) {
      host.drop('martian', `IPVS: NAT to the loopback address ${ipStr(cp.daddr)} for a packet from outside is refused`, { ip: pkt });
      return null;
    }
    return natIn(pkt, cp);
  }
  if (pkt.ttl <= 1) {
    host.drop('ttl-exceeded', `IPVS: TTL exceeded forwarding to ${ipStr(cp.daddr)}`, { ip: pkt });
    host.icmpError(pkt, 11, 0);
    return null;
  }
  const dev = rr.dev;
  const routeMtu = ipvs.routeMtu(cp.daddr, dev.mtu);
  const tr = host.world.trace;
  // __ip_vs_get_out_rt: decrement_ttl comes before ensure_mtu_is_adequate, so an ICMP
  // "fragmentation needed" quotes the header with the TTL already decremented.
  const dec = withIp(pkt, { ttl: pkt.ttl - 1 });
  switch (fwd) {
    case IP_VS_CONN_F_MASQ: {
      if (!mtuOk(ipvs, dec, routeMtu)) return null;
      const out = natIn(dec, cp);
      if (tr.active) tr.emit({ type: 'ip.forward', t: host.world.now, node: host.name, before: pkt, after: out, why: l4.kind === 'icmp' ? `IPVS NAT: ICMP error about ${ipStr(pkt.dst)}:${cp.vport} passed on to the real server ${ipStr(cp.daddr)}:${cp.dport}` : `IPVS NAT: destination ${ipStr(pkt.dst)}:${l4.dport} rewritten to the real server ${ipStr(cp.daddr)}:${cp.dport}` });
      host.postRouting(out, dev, rr.nextHop);
      return null;
    }
    case IP_VS_CONN_F_DROUTE:
    case IP_VS_CONN_F_LOCALNODE: {
      if (!mtuOk(ipvs, dec, routeMtu)) return null;
      const out = dec;
      if (tr.active) tr.emit({ type: 'ip.forward', t: host.world.now, node: host.name, before: pkt, after: out, why: `IPVS DR: the frame is sent to ${ipStr(cp.daddr)}'s MAC; the IP header keeps the VIP` });
      // IP_VS_RT_MODE_KNOWN_NH (rt_set_nexthop on an uncached route): the next hop is the
      // RIP when it is on-link, else the route's gateway — which then routes the packet
      // (dst VIP) straight back to the director: the §2.3 loop, TTL decremented each pass.
      host.postRouting(out, dev, rr.nextHop);
      return null;
    }
    case IP_VS_CONN_F_TUNNEL: {
      const mtu = routeMtu - IP_HLEN;
      const pmtu = ipvs.sysctl('pmtu_disc') === 1;
      if (mtu < 68) {
        host.drop('frag-needed', 'IPVS: tunnel MTU below 68', { ip: pkt });
        return null;
      }
      if (pmtu && !mtuOk(ipvs, dec, mtu)) return null;
      const inner = dec;
      const src = host.sourceFor(cp.daddr) ?? 0;
      const outer = makeIp({ src, dst: cp.daddr, ttl: inner.ttl, id: host.nextIpId(), df: pmtu ? inner.df : false, tos: ecnEncapsulate(inner.tos), l4: { kind: 'ipip', inner } });
      if (tr.active) tr.emit({ type: 'ip.forward', t: host.world.now, node: host.name, before: pkt, after: outer, why: `IPVS TUN: wrapped in IP-in-IP, ${ipStr(src)} → ${ipStr(cp.daddr)}` });
      host.postRouting(outer, dev, rr.nextHop);
      return null;
    }
    default:
      host.drop('no-route', 'IPVS: bypass forwarding is not modelled', { ip: pkt });
      return null;
  }
}

/**
 * ip_vs_prepare_tunneled_skb: the outer DS field is INET_ECN_encapsulate(inner, inner) —
 * the inner DSCP, and its ECN bits except that CE (3) becomes ECT(0) (2). §2.1 "outer TOS".
 */
function ecnEncapsulate(tos: number): number {
  return (tos & 3) === 3 ? (tos & ~3) | 2 : tos;
}

/**
 * The NAT rewrite towards the real server: TCP/UDP get VIP:vport → RIP:dport; an ICMP error
 * (ip_vs_nat_icmp, inout=0) gets its outer destination and the embedded reply's source
 * rewritten to RIP:dport.
 */
function natIn(pkt: Ipv4, cp: Conn): Ipv4 {
  const l4 = pkt.l4;
  if (l4.kind === 'icmp' && 'orig' in l4) {
    const o = l4.orig;
    const ol4 = o.l4.kind === 'tcp' || o.l4.kind === 'udp' ? { ...o.l4, sport: cp.dport } : o.l4;
    return withIp(pkt, { dst: cp.daddr, l4: { ...l4, orig: withIp(o, { src: cp.daddr, l4: ol4 }) } });
  }
  if (l4.kind !== 'tcp' && l4.kind !== 'udp') return pkt;
  return withIp(pkt, { dst: cp.daddr, l4: { ...l4, dport: cp.dport } });
}

/**
 * ip_vs_nat_icmp with inout=1 (handle_response_icmp): an ICMP error from the real server
 * about a client request leaves with outer source VIP and the embedded request's
 * destination VIP:vport.
 */
export function natIcmpOut(pkt: Ipv4, cp: Conn): Ipv4 {
  const l4 = pkt.l4;
  if (l4.kind !== 'icmp' || !('orig' in l4)) return pkt;
  const o = l4.orig;
  const ol4 = o.l4.kind === 'tcp' || o.l4.kind === 'udp' ? { ...o.l4, dport: cp.vport } : o.l4;
  return withIp(pkt, { src: cp.vaddr, l4: { ...l4, orig: withIp(o, { dst: cp.vaddr, l4: ol4 }) } });
}

/**
 * ensure_mtu_is_adequate (IPv4): DF and too long → ICMP frag needed to the client, drop.
 * Relayed ICMP errors are exempt (!ip_vs_iph_icmp).
 */
function mtuOk(ipvs: Ipvs, pkt: Ipv4, mtu: number): boolean {
  if (pkt.len <= mtu || !pkt.df || pkt.l4.kind === 'icmp') return true;
  ipvs.host.drop('frag-needed', `IPVS: ${pkt.len}-byte packet with DF set exceeds MTU ${mtu}: ICMP fragmentation needed (mtu ${mtu})`, { ip: pkt });
  ipvs.host.icmpError(pkt, 3, 4, mtu);
  return false;
}

export { IP_VS_CONN_F_TUNNEL };
