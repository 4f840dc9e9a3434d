/**
 * IPVS and ICMP errors (ip_vs_core.c): errors about connections IPVS handles are matched to
 * their entry and forwarded (and rewritten for NAT) in both directions; errors about the
 * director's own IP-in-IP packets feed path MTU discovery and are relayed to the client.
 */
import type { Icmp, Ipv4, Tcp, Udp } from '../net/packet';
import { IP_HLEN, RST } from '../net/packet';
import { ipStr } from '../net/addr';
import type { Ipvs } from './ipvs';
import { count } from './stats';
import { natIcmpOut, transmit } from './xmit';

/**
 * ip_vs_in_icmp: an ICMP error (dest unreachable, time exceeded) from the client about a
 * reply; the embedded header is that reply (VIP:vport → CIP:cport), so the entry is
 * found with source and destination swapped. It is counted in InPkts and sent to the
 * real server (NAT: embedded source and outer destination rewritten to RIP:dport), with
 * no state transition and no timer restart. Without an entry it goes to the local stack
 * (schedule_icmp=0). Errors about our own IP-in-IP packets go to `tunnelIcmp` (§2.2).
 */
export function inIcmp(ipvs: Ipvs, pkt: Ipv4): Ipv4 | null {
  const ic = pkt.l4;
  if (ic.kind !== 'icmp' || !('orig' in ic)) return pkt;
  const o = ic.orig;
  const ol4 = o.l4;
  if (ol4.kind === 'ipip') return tunnelIcmp(ipvs, pkt, ic, o, ol4.inner);
  if (ol4.kind !== 'tcp' && ol4.kind !== 'udp') return pkt;
  const cp = ipvs.conns.lookupIn(ol4.kind, o.dst, ol4.dport, o.src, ol4.sport);
  if (!cp) return pkt;
  const dest = cp.dest;
  if (dest && dest.available) {
    count(dest.stats, pkt.len, true);
    count(cp.svc.stats, pkt.len, true);
    count(ipvs.stats, pkt.len, true);
  }
  cp.inPkts++;
  return transmit(ipvs, cp, pkt);
}

/**
 * ip_vs_in_icmp, tunnel case (§2.2): an ICMP error about an IP-in-IP packet we sent to a
 * known tunnel dest. The entry is found from the inner request (not reversed). "Frag
 * needed" lowers the path MTU to the RIP and, if the client's packet had DF, is relayed to
 * the client with that MTU − 20 (only if the result stays above 68); other errors are
 * relayed with their type and code. The relayed ICMP counts in OutPkts/OutBytes; the
 * error itself is consumed.
 */
export function tunnelIcmp(ipvs: Ipvs, pkt: Ipv4, ic: Extract<Icmp, { orig: Ipv4 }>, outer: Ipv4, inner: Ipv4): Ipv4 | null {
  const il4 = inner.l4;
  if (il4.kind !== 'tcp' && il4.kind !== 'udp') return pkt;
  // ip_vs_find_tunnel: only for a known IPIP dest.
  if (!ipvs.services.some((s) => s.dests.some((d) => d.addr === outer.dst && d.fwd === 'tunnel'))) return pkt;
  const cp = ipvs.conns.lookupIn(il4.kind, inner.src, il4.sport, inner.dst, il4.dport);
  if (!cp) return pkt;
  let mtu: number | undefined;
  if (ic.type === 3 && ic.code === 4) {
    // ipv4_update_pmtu on the route to the RIP, then "Client uses PMTUD?".
    if (ic.mtu !== undefined) ipvs.pmtu.learn(outer.dst, ic.mtu, ipvs.host.world.now);
    if (!inner.df) return null;
    // The dest's cached route: its MTU now includes the PMTU just learned.
    const rr = ipvs.host.route(outer.dst);
    mtu = ipvs.routeMtu(outer.dst, rr.kind === 'unicast' ? rr.dev.mtu : (ic.mtu ?? 576));
    if (mtu - IP_HLEN > 68) mtu -= IP_HLEN;
  }
  ipvs.host.ctl('ipvs', `ICMP ${ic.type}/${ic.code} about the IP-in-IP packet to ${ipStr(outer.dst)} relayed to the client ${ipStr(inner.src)}${mtu !== undefined ? ` with mtu ${mtu}` : ''}`);
  ipvs.host.icmpError(inner, ic.type, ic.code, mtu);
  // "ICMP can be shorter but anyways, account it": what the error quoted of the inner
  // packet (a Linux router quotes at most 576 − 28 bytes of the outer datagram).
  const dest = cp.dest;
  if (dest && dest.available) {
    const len = Math.min(inner.len, 576 - 28 - IP_HLEN);
    count(dest.stats, len, false);
    count(cp.svc.stats, len, false);
    count(ipvs.stats, len, false);
  }
  return null;
}


/**
 * ip_vs_out_icmp / handle_response_icmp: an ICMP error from the real server side about a
 * client request (embedded CIP:cport → RIP:dport, or → VIP:vport for DR/TUN) is matched
 * like a reply, rewritten (ip_vs_nat_icmp: outer source and embedded destination become
 * VIP:vport) and counted in OutPkts; no state transition, no timer restart.
 */
export function outIcmp(ipvs: Ipvs, pkt: Ipv4): Ipv4 | null {
  const ic = pkt.l4;
  if (ic.kind !== 'icmp' || !('orig' in ic)) return pkt;
  const o = ic.orig;
  const ol4 = o.l4;
  if (ol4.kind !== 'tcp' && ol4.kind !== 'udp') return pkt;
  const cp = ipvs.conns.lookupOut(ol4.kind, o.src, ol4.sport, o.dst, ol4.dport);
  if (!cp) return pkt;
  const out = natIcmpOut(pkt, cp);
  const dest = cp.dest;
  if (dest && dest.available) {
    count(dest.stats, out.len, false);
    count(cp.svc.stats, out.len, false);
    count(ipvs.stats, out.len, false);
  }
  const tr = ipvs.host.world.trace;
  if (tr.active && out !== pkt && out.src !== pkt.src) {
    tr.emit({ type: 'ip.forward', t: ipvs.host.world.now, node: ipvs.host.name, before: pkt, after: out, why: `IPVS NAT reply: ICMP error from ${ipStr(pkt.src)} rewritten to come from the VIP ${ipStr(cp.vaddr)}` });
  }
  return out;
}

/**
 * ip_vs_out_hook without an entry: with nat_icmp_send=1, a packet from a configured NAT
 * real server (ip_vs_has_real_service: proto, RIP, port, method MASQ) gets ICMP port
 * unreachable and is dropped — TCP RSTs excepted (§3).
 */
export function natIcmpSend(ipvs: Ipvs, pkt: Ipv4, l4: Tcp | Udp): Ipv4 | null {
  if (ipvs.sysctl('nat_icmp_send') === 0) return pkt;
  if (l4.kind === 'tcp' && l4.flags & RST) return pkt;
  const real = ipvs.services.some((s) => (s.proto === l4.kind || s.fwmark !== 0) && s.dests.some((d) => d.addr === pkt.src && d.port === l4.sport && d.fwd === 'masq'));
  if (!real) return pkt;
  ipvs.host.drop('ipvs-no-dest', `IPVS: reply from the real server ${ipStr(pkt.src)}:${l4.sport} matches no connection (nat_icmp_send=1): ICMP port unreachable to it`, { ip: pkt });
  ipvs.host.icmpError(pkt, 3, 3);
  return null;
}

