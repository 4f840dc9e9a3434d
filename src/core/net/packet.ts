/**
 * Packets as plain objects. A packet is never mutated after it is sent: a node that
 * rewrites a header makes a shallow copy (see `withIp`, `withTcp`), so the trace can
 * keep the packet before and after every hop without copying on every hop.
 *
 * Payload bytes are not simulated; lengths are. Application data rides on the segment
 * that carries its last byte (`data`), which is enough for HTTP-like exchanges.
 */
import type { Ip, Mac } from './addr';

export const ETH_P_IP = 0x0800;
export const ETH_P_ARP = 0x0806;

export const IPPROTO_ICMP = 1;
export const IPPROTO_IPIP = 4;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_VRRP = 112;

export const ETH_HLEN = 14;
export const IP_HLEN = 20;
export const TCP_HLEN = 20;
export const UDP_HLEN = 8;
export const ICMP_HLEN = 8;
export const ARP_LEN = 28;
/** Most of the offending packet an ICMP error carries: 576 - IP_HLEN - ICMP_HLEN. */
export const ICMP_ERR_QUOTE_MAX = 576 - 20 - 8;

/** TCP flag bits, as on the wire. */
export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

export interface Frame {
  readonly src: Mac;
  readonly dst: Mac;
  readonly ethertype: number;
  readonly ip?: Ipv4;
  readonly arp?: Arp;
  /** Frame length without FCS, as tcpdump -e prints it. */
  readonly len: number;
}

export interface Arp {
  readonly op: 'request' | 'reply';
  readonly sha: Mac;
  readonly spa: Ip;
  readonly tha: Mac;
  readonly tpa: Ip;
}

export type L4 = Tcp | Udp | Icmp | IpipInner | Vrrp;

export interface Ipv4 {
  readonly src: Ip;
  readonly dst: Ip;
  readonly ttl: number;
  readonly proto: number;
  readonly id: number;
  readonly df: boolean;
  readonly tos: number;
  /** Total length: IP header + payload. */
  readonly len: number;
  readonly l4: L4;
}

export interface Tcp {
  readonly kind: 'tcp';
  readonly sport: number;
  readonly dport: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly win: number;
  /** Payload length in bytes. */
  readonly plen: number;
  /** MSS option, only on SYN and SYN+ACK. */
  readonly mss?: number;
  /** Timestamps option (RFC 7323): TS val, TS ecr. Linux puts it on every segment once negotiated. */
  readonly ts?: { readonly val: number; readonly ecr: number };
  /** SACK-permitted option: SYN and SYN+ACK only. */
  readonly sackOk?: boolean;
  /** Window scale option (shift count): SYN and SYN+ACK only. */
  readonly wscale?: number;
  readonly data?: AppData;
}

export interface Udp {
  readonly kind: 'udp';
  readonly sport: number;
  readonly dport: number;
  readonly plen: number;
  readonly data?: AppData;
}

export type IcmpType =
  | { readonly type: 0 | 8; readonly code: 0; readonly echoId: number; readonly echoSeq: number; readonly plen: number }
  /** Destination unreachable, time exceeded: carry the offending IP header (+8 bytes). */
  | { readonly type: 3 | 11; readonly code: number; readonly mtu?: number; readonly orig: Ipv4 };

export type Icmp = { readonly kind: 'icmp' } & IcmpType;

/** IP-in-IP (protocol 4): the payload is a whole IPv4 packet. */
export interface IpipInner {
  readonly kind: 'ipip';
  readonly inner: Ipv4;
}

export interface Vrrp {
  readonly kind: 'vrrp';
  readonly version: 2 | 3;
  readonly vrid: number;
  readonly prio: number;
  readonly advertInt: number;
  readonly addrs: readonly Ip[];
  readonly authType?: number;
  /** auth_type PASS: the password (8 bytes on the wire, zero padded). */
  readonly authPass?: string;
}

/** What an application put in a segment or datagram. */
export type AppData =
  | { readonly app: 'http-req'; readonly method: string; readonly path: string; readonly host: string; readonly agent: string }
  | { readonly app: 'http-resp'; readonly status: number; readonly body: string }
  | { readonly app: 'text'; readonly text: string }
  | { readonly app: 'sync'; readonly syncid: number; readonly conns: readonly unknown[] };

/**
 * Bytes of TCP options as Linux lays them out (tcp_options_write): `mss` 4; TS 12 (either
 * `sackOK,TS` on a SYN or `nop,nop,TS`); SACK-permitted alone `nop,nop,sackOK` 4; window
 * scale `nop,wscale` 4. A Linux SYN has all four: 20 bytes, a 40-byte header.
 */
export function tcpOptLen(t: Tcp): number {
  const syn = (t.flags & SYN) !== 0;
  let n = t.mss !== undefined ? 4 : 0;
  if (t.ts !== undefined) n += 12;
  else if (syn && t.sackOk === true) n += 4;
  if (syn && t.wscale !== undefined) n += 4;
  return n;
}

export function l4Len(l4: L4): number {
  switch (l4.kind) {
    case 'tcp':
      return TCP_HLEN + tcpOptLen(l4) + l4.plen;
    case 'udp':
      return UDP_HLEN + l4.plen;
    case 'icmp':
      // An ICMP error quotes as much of the original as fits in 576 bytes (icmp_send:
      // room = 576 - IP header - ICMP header), so tcpdump shows "length 92" for a ping.
      return ICMP_HLEN + ('orig' in l4 ? Math.min(l4.orig.len, ICMP_ERR_QUOTE_MAX) : l4.plen);
    case 'ipip':
      return l4.inner.len;
    case 'vrrp':
      return 8 + 4 * l4.addrs.length + (l4.version === 2 ? 8 : 0);
  }
}

export function protoOf(l4: L4): number {
  switch (l4.kind) {
    case 'tcp':
      return IPPROTO_TCP;
    case 'udp':
      return IPPROTO_UDP;
    case 'icmp':
      return IPPROTO_ICMP;
    case 'ipip':
      return IPPROTO_IPIP;
    case 'vrrp':
      return IPPROTO_VRRP;
  }
}

export interface IpInit {
  src: Ip;
  dst: Ip;
  l4: L4;
  ttl?: number;
  id?: number;
  df?: boolean;
  tos?: number;
}

export function makeIp(p: IpInit): Ipv4 {
  return {
    src: p.src,
    dst: p.dst,
    ttl: p.ttl ?? 64,
    proto: protoOf(p.l4),
    id: p.id ?? 0,
    df: p.df ?? true,
    tos: p.tos ?? 0,
    len: IP_HLEN + l4Len(p.l4),
    l4: p.l4,
  };
}

export function withIp(p: Ipv4, change: Partial<Omit<Ipv4, 'len' | 'proto'>>): Ipv4 {
  // Written out field by field: this runs for every forwarded packet, and a literal with a
  // fixed shape is several times faster than object spread.
  const l4 = change.l4 ?? p.l4;
  return {
    src: change.src ?? p.src,
    dst: change.dst ?? p.dst,
    ttl: change.ttl ?? p.ttl,
    proto: l4 === p.l4 ? p.proto : protoOf(l4),
    id: change.id ?? p.id,
    df: change.df ?? p.df,
    tos: change.tos ?? p.tos,
    len: l4 === p.l4 ? p.len : IP_HLEN + l4Len(l4),
    l4,
  };
}

export function ipFrame(src: Mac, dst: Mac, ip: Ipv4): Frame {
  return { src, dst, ethertype: ETH_P_IP, ip, len: ETH_HLEN + ip.len };
}

export function arpFrame(src: Mac, dst: Mac, arp: Arp): Frame {
  return { src, dst, ethertype: ETH_P_ARP, arp, len: ETH_HLEN + ARP_LEN };
}

/** The ports of a TCP or UDP packet, or undefined. */
export function portsOf(p: Ipv4): { sport: number; dport: number } | undefined {
  const l4 = p.l4;
  return l4.kind === 'tcp' || l4.kind === 'udp' ? l4 : undefined;
}
