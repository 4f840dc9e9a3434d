/**
 * What a frame looks like on screen: its glyph, its connection and its colours. Pure; one
 * call per `link.tx`, so it allocates nothing but the returned look.
 *
 * A connection is named by its client end (address and port): LVS rewrites the virtual
 * side (NAT: VIP → RIP; TUN: an outer header; DR: MACs only) but never the client side,
 * so the key — and the colour — stays the same on every hop of a request and its reply.
 * The client end is the one with the higher port (the ephemeral one), ties broken by the
 * higher address: a heuristic, right for the lab's clients (ports ≥ 32768) and services.
 */
import type { Frame, Ipv4, L4 } from '../../core/net/packet';
import { FIN, RST, SYN, ACK } from '../../core/net/packet';
import { ipStr } from '../../core/net/addr';
import { COLOUR, CONN_COLOURS, type Shape } from '../palette';

/** `ip * 65536 + port` of the client end; -1 when the packet belongs to no connection. */
export type ConnKey = number;

export interface Look {
  shape: Shape;
  /** Colour index when colouring by connection (palette.ts PACKET_COLOURS). */
  colourConn: number;
  connKey: ConnKey;
  /** Sent by the service side (SYN-ACK, response, FIN from the server). */
  reply: boolean;
  /** An IP-in-IP packet: the inner packet's glyph, drawn inside the outer frame. */
  inner: Shape | null;
  /** ARP, VRRP, ICMP error, other: its colour never depends on the mode. */
  fixedColour: number | null;
}

export function connKeyOf(addr: number, port: number): ConnKey {
  return (addr >>> 0) * 65536 + port;
}

/** "203.0.113.10:40123" → key; undefined when it does not parse. */
export function parseEndpoint(s: string): ConnKey | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+):(\d+)$/.exec(s);
  if (!m) return undefined;
  const o = m.slice(1, 5).map(Number);
  if (o.some((x) => x > 255)) return undefined;
  const addr = ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
  return connKeyOf(addr, Number(m[5]));
}

export function endpointText(key: ConnKey): string {
  return `${ipStr(Math.floor(key / 65536))}:${key % 65536}`;
}

/** A stable colour for a connection: an integer hash of its key onto the Okabe–Ito set. */
export function connColour(key: ConnKey): number {
  let h = Math.imul((key % 0x100000000) ^ Math.floor(key / 0x100000000), 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) % CONN_COLOURS;
}

/** Client end and direction of an IP packet (the inner one for IP-in-IP). */
function ends(p: Ipv4): { key: ConnKey; reply: boolean } {
  const l4: L4 = p.l4;
  if (l4.kind === 'tcp' || l4.kind === 'udp') {
    const srcIsClient = l4.sport > l4.dport || (l4.sport === l4.dport && p.src >= p.dst);
    return srcIsClient ? { key: connKeyOf(p.src, l4.sport), reply: false } : { key: connKeyOf(p.dst, l4.dport), reply: true };
  }
  if (l4.kind === 'icmp' && 'orig' in l4) {
    // An ICMP error quotes the packet it is about: colour it with that packet's connection.
    const o = ends(l4.orig);
    return { key: o.key, reply: !o.reply };
  }
  return { key: -1, reply: false };
}

function ipLook(p: Ipv4): Look {
  const l4 = p.l4;
  switch (l4.kind) {
    case 'tcp':
    case 'udp': {
      const e = ends(p);
      return { shape: e.reply ? 'circle' : 'square', colourConn: connColour(e.key), connKey: e.key, reply: e.reply, inner: null, fixedColour: null };
    }
    case 'ipip': {
      const inner = ipLook(l4.inner);
      return { ...inner, shape: 'frame', inner: inner.shape };
    }
    case 'vrrp':
      return { shape: 'triangle', colourConn: COLOUR.vrrp, connKey: -1, reply: false, inner: null, fixedColour: COLOUR.vrrp };
    case 'icmp': {
      if ('orig' in l4) {
        const e = ends(p);
        return { shape: 'hexagon', colourConn: COLOUR.icmpError, connKey: e.key, reply: e.reply, inner: null, fixedColour: COLOUR.icmpError };
      }
      return { shape: 'hexagon', colourConn: COLOUR.neutral, connKey: -1, reply: l4.type === 0, inner: null, fixedColour: COLOUR.neutral };
    }
  }
}

export function lookOf(frame: Frame): Look {
  if (frame.ip) return ipLook(frame.ip);
  if (frame.arp) return { shape: 'diamond', colourConn: COLOUR.arp, connKey: -1, reply: frame.arp.op === 'reply', inner: null, fixedColour: COLOUR.arp };
  return { shape: 'square', colourConn: COLOUR.neutral, connKey: -1, reply: false, inner: null, fixedColour: COLOUR.neutral };
}

function tcpFlags(f: number): string {
  if (f & SYN) return f & ACK ? 'SYN-ACK' : 'SYN';
  if (f & RST) return 'RST';
  if (f & FIN) return f & ACK ? 'FIN-ACK' : 'FIN';
  return f & ACK ? 'ACK' : '';
}

/** One line naming a packet the way a learner reads tcpdump: for tooltips and the headless twin. */
export function describeFrame(frame: Frame): string {
  if (frame.arp) {
    const a = frame.arp;
    return a.op === 'request' ? `ARP who-has ${ipStr(a.tpa)} tell ${ipStr(a.spa)}` : `ARP ${ipStr(a.spa)} is-at ${a.sha}`;
  }
  if (!frame.ip) return `ethertype 0x${frame.ethertype.toString(16)}`;
  return describeIp(frame.ip);
}

export function describeIp(p: Ipv4): string {
  const l4 = p.l4;
  const s = ipStr(p.src);
  const d = ipStr(p.dst);
  switch (l4.kind) {
    case 'tcp': {
      const app = l4.data ? (l4.data.app === 'http-req' ? ` ${l4.data.method} ${l4.data.path}` : l4.data.app === 'http-resp' ? ` HTTP ${l4.data.status}` : '') : '';
      return `TCP ${s}:${l4.sport} > ${d}:${l4.dport} ${tcpFlags(l4.flags)}${app}`.trimEnd();
    }
    case 'udp':
      return `UDP ${s}:${l4.sport} > ${d}:${l4.dport}`;
    case 'icmp':
      return `ICMP ${s} > ${d} type ${l4.type}`;
    case 'ipip':
      return `IPIP ${s} > ${d} [${describeIp(l4.inner)}]`;
    case 'vrrp':
      return `VRRP ${s} > ${d} vrid ${l4.vrid} prio ${l4.prio}`;
  }
}
