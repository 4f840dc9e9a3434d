/**
 * Hand-made trace events for the scene model tests: a small topology (client — sw — dir,
 * sw — rs1, sw — rs2), frames built with the core's own packet helpers.
 */
import { ip } from '../../../src/core/net/addr';
import { arpFrame, ipFrame, makeIp, withIp, ACK, SYN, type Frame, type Ipv4 } from '../../../src/core/net/packet';
import type { TraceEvent } from '../../../src/core/sim/trace';
import { layoutTopology, type Layout } from '../../../src/render/layout';
import type { LinkTx } from '../../../src/render/scene/types';

export const TOPO = {
  nodes: [
    { id: 'client', kind: 'client' as const },
    { id: 'sw', kind: 'switch' as const },
    { id: 'dir', kind: 'director' as const },
    { id: 'rs1', kind: 'rs' as const },
    { id: 'rs2', kind: 'rs' as const },
  ],
  links: [
    { a: 'client', b: 'sw' },
    { a: 'dir', b: 'sw' },
    { a: 'rs1', b: 'sw' },
    { a: 'rs2', b: 'sw' },
  ],
};

export function layout(): Layout {
  return layoutTopology(TOPO, { width: 1600, height: 400 });
}

/** Link ids as the core names them: `${a port}-${b port}`. */
export const LINK = {
  client: { id: 'client:eth0-sw:p0', a: 'client:eth0', b: 'sw:p0' },
  dir: { id: 'dir:eth0-sw:p1', a: 'dir:eth0', b: 'sw:p1' },
  rs1: { id: 'rs1:eth0-sw:p2', a: 'rs1:eth0', b: 'sw:p2' },
  rs2: { id: 'rs2:eth0-sw:p3', a: 'rs2:eth0', b: 'sw:p3' },
} as const;

export const CLIENT = ip('203.0.113.10');
export const VIP = ip('192.168.10.100');
export const RIP1 = ip('192.168.10.11');
export const RIP2 = ip('192.168.10.12');

export function tcp(src: number, sport: number, dst: number, dport: number, flags = SYN): Ipv4 {
  return makeIp({ src, dst, l4: { kind: 'tcp', sport, dport, seq: 1, ack: 0, flags, win: 65535, plen: 0 } });
}

export function request(sport = 40000, flags = SYN): Frame {
  return ipFrame('52:54:00:00:01:10', '52:54:00:00:0a:02', tcp(CLIENT, sport, VIP, 80, flags));
}

export function reply(sport = 40000, flags = SYN | ACK): Frame {
  return ipFrame('52:54:00:00:0a:11', '52:54:00:00:01:10', tcp(VIP, 80, CLIENT, sport, flags));
}

export function arp(): Frame {
  return arpFrame('52:54:00:00:0a:02', 'ff:ff:ff:ff:ff:ff', { op: 'request', sha: '52:54:00:00:0a:02', spa: ip('192.168.10.2'), tha: '00:00:00:00:00:00', tpa: RIP1 });
}

export function vrrp(): Frame {
  return ipFrame('00:00:5e:00:01:33', '01:00:5e:00:00:12', makeIp({ src: ip('192.168.10.2'), dst: ip('224.0.0.18'), ttl: 255, l4: { kind: 'vrrp', version: 2, vrid: 51, prio: 150, advertInt: 1, addrs: [VIP] } }));
}

export function ipip(inner: Ipv4): Frame {
  return ipFrame('52:54:00:00:0a:02', '52:54:00:00:0a:11', makeIp({ src: ip('192.168.10.2'), dst: RIP1, l4: { kind: 'ipip', inner } }));
}

/** A frame on a link, from its `a` end (dir 'ab') or its `b` end ('ba'). */
export function tx(link: { id: string; a: string; b: string }, dir: 'ab' | 'ba', frame: Frame, t: number, dur = 100): LinkTx {
  const [from, to] = dir === 'ab' ? [link.a, link.b] : [link.b, link.a];
  return { type: 'link.tx', t, tArrive: t + dur, link: link.id, from, to, frame };
}

export function forward(node: string, before: Ipv4, after: Ipv4, t: number, why = 'routed out eth0'): TraceEvent {
  return { type: 'ip.forward', t, node, before, after, why };
}

export function schedule(t: number, client: string, dest: string): TraceEvent {
  return { type: 'ctl', t, node: 'dir', what: 'ipvs.schedule', text: `rr: ${client} → ${dest}`, data: { svc: 'TCP 192.168.10.100:80', client, dest, persistent: false } };
}

export { withIp };
