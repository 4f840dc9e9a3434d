/**
 * Packets as bytes, for the few places tcpdump looks at bytes the model does not keep:
 * checksums under -v, HTTP text, and filter loads like `tcp[tcpflags]`.
 *
 * The model carries headers as fields and payloads only as lengths plus application
 * data, so the bytes here are a faithful serialisation of the headers and a best effort
 * for payloads (application text, then zeros). Checksums computed over them are correct
 * for these bytes, which is what `-v` needs to print `(correct)`.
 */
import type { Frame, Ipv4, Tcp, Vrrp, AppData, L4 } from '../../net/packet';
import { ETH_P_IP } from '../../net/packet';

/** The option fields of a segment (all optional on `Tcp`). */
export type TcpOptionFields = Pick<Tcp, 'sackOk' | 'wscale' | 'ts'>;

export type TcpOption =
  | { readonly kind: 'mss'; readonly value: number }
  | { readonly kind: 'nop' }
  | { readonly kind: 'sackOK' }
  | { readonly kind: 'TS'; readonly val: number; readonly ecr: number }
  | { readonly kind: 'wscale'; readonly value: number };

const NOP: TcpOption = { kind: 'nop' };

/** The options of a segment in the order Linux writes them (tcp_options_write). */
export function tcpOptions(tcp: Tcp): TcpOption[] {
  const x: TcpOptionFields = tcp;
  const out: TcpOption[] = [];
  const syn = (tcp.flags & 0x02) !== 0;
  if (tcp.mss !== undefined) out.push({ kind: 'mss', value: tcp.mss });
  const ts = x.ts;
  const sack = syn && x.sackOk === true;
  if (ts !== undefined) {
    if (sack) out.push({ kind: 'sackOK' });
    else out.push(NOP, NOP);
    out.push({ kind: 'TS', val: ts.val, ecr: ts.ecr });
  } else if (sack) {
    out.push(NOP, NOP, { kind: 'sackOK' });
  }
  if (syn && x.wscale !== undefined) out.push(NOP, { kind: 'wscale', value: x.wscale });
  return out;
}

export function tcpOptionBytes(opts: readonly TcpOption[]): number[] {
  const b: number[] = [];
  for (const o of opts) {
    switch (o.kind) {
      case 'mss':
        b.push(2, 4, (o.value >>> 8) & 255, o.value & 255);
        break;
      case 'nop':
        b.push(1);
        break;
      case 'sackOK':
        b.push(4, 2);
        break;
      case 'TS':
        b.push(8, 10, ...u32(o.val), ...u32(o.ecr));
        break;
      case 'wscale':
        b.push(3, 3, o.value & 255);
        break;
    }
  }
  while (b.length % 4 !== 0) b.push(0);
  return b;
}

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Moved Temporarily', // nginx's wording
  304: 'Not Modified',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Not Allowed',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

/**
 * The text an application put on the wire, as far as the model knows it. Requests are
 * curl's (and ab's) shape; responses carry no headers in the model, so only the status
 * line, the blank line and the body are known.
 */
export function appText(data: AppData | undefined): string | undefined {
  if (data === undefined) return undefined;
  switch (data.app) {
    case 'http-req':
      return (
        `${data.method} ${data.path} HTTP/1.1\r\n` +
        `Host: ${data.host}\r\nUser-Agent: ${data.agent}\r\nAccept: */*\r\n\r\n`
      );
    case 'http-resp':
      return `HTTP/1.1 ${data.status} ${REASONS[data.status] ?? 'Unknown'}\r\n\r\n${data.body}`;
    case 'text':
      return data.text;
    case 'sync':
      return undefined;
  }
}

function u16(v: number): [number, number] {
  return [(v >>> 8) & 255, v & 255];
}

function u32(v: number): [number, number, number, number] {
  return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

function macBytes(m: string): number[] {
  return m.split(':').map((h) => parseInt(h, 16) & 255);
}

/** Payload bytes: the application text (Latin-1), cut or zero-padded to `len`. */
function payloadBytes(data: AppData | undefined, len: number): Uint8Array {
  const out = new Uint8Array(len);
  const text = appText(data);
  if (text !== undefined) for (let i = 0; i < len && i < text.length; i++) out[i] = text.charCodeAt(i) & 255;
  return out;
}

/** RFC 1071 sum of byte arrays, folded, not yet complemented. */
function sum16(parts: readonly ArrayLike<number>[]): number {
  let s = 0;
  let odd = -1; // a byte left over from the previous part
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      const byte = p[i]!;
      if (odd < 0) odd = byte;
      else {
        s += (odd << 8) | byte;
        odd = -1;
      }
    }
  }
  if (odd >= 0) s += odd << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

function cksum(parts: readonly ArrayLike<number>[]): number {
  return ~sum16(parts) & 0xffff;
}

function pseudoHeader(ip: Ipv4, proto: number, len: number): number[] {
  return [...u32(ip.src), ...u32(ip.dst), 0, proto, ...u16(len)];
}

/** The transport header and payload of an IP packet, checksums filled in. */
function l4Bytes(ip: Ipv4, l4: L4): Uint8Array {
  switch (l4.kind) {
    case 'tcp': {
      const opts = tcpOptionBytes(tcpOptions(l4));
      const doff = (20 + opts.length) / 4;
      const hdr = [
        ...u16(l4.sport),
        ...u16(l4.dport),
        ...u32(l4.seq),
        ...u32(l4.ack),
        doff << 4,
        l4.flags & 255,
        ...u16(l4.win),
        0,
        0,
        0,
        0,
        ...opts,
      ];
      const pay = payloadBytes(l4.data, l4.plen);
      const c = cksum([pseudoHeader(ip, 6, hdr.length + pay.length), hdr, pay]);
      hdr[16] = c >>> 8;
      hdr[17] = c & 255;
      return concat(hdr, pay);
    }
    case 'udp': {
      const hdr = [...u16(l4.sport), ...u16(l4.dport), ...u16(8 + l4.plen), 0, 0];
      const pay = payloadBytes(l4.data, l4.plen);
      const c = cksum([pseudoHeader(ip, 17, 8 + l4.plen), hdr, pay]) || 0xffff;
      hdr[6] = c >>> 8;
      hdr[7] = c & 255;
      return concat(hdr, pay);
    }
    case 'icmp': {
      let body: Uint8Array;
      let hdr: number[];
      if ('orig' in l4) {
        hdr = [l4.type, l4.code, 0, 0, 0, 0, ...u16(l4.mtu ?? 0)];
        const quoted = Math.max(0, ip.len - 20 - 8);
        body = ipBytes(l4.orig).subarray(0, quoted);
      } else {
        hdr = [l4.type, l4.code, 0, 0, ...u16(l4.echoId), ...u16(l4.echoSeq)];
        body = new Uint8Array(l4.plen);
      }
      const c = cksum([hdr, body]);
      hdr[2] = c >>> 8;
      hdr[3] = c & 255;
      return concat(hdr, body);
    }
    case 'ipip':
      return ipBytes(l4.inner);
    case 'vrrp':
      return vrrpBytes(ip, l4);
  }
}

/** VRRP authentication string, if the model grows one (keepalived `auth_pass`). */
export interface VrrpAuthFields {
  readonly authPass?: string;
}

function vrrpBytes(ip: Ipv4, v: Vrrp): Uint8Array {
  const b: number[] = [(v.version << 4) | 1, v.vrid & 255, v.prio & 255, v.addrs.length & 255];
  if (v.version === 2) b.push(v.authType ?? 0, Math.round(v.advertInt) & 255);
  else b.push(...u16(Math.round(v.advertInt * 100) & 0x0fff));
  b.push(0, 0);
  for (const a of v.addrs) b.push(...u32(a));
  if (v.version === 2) {
    const pass = (v as Vrrp & VrrpAuthFields).authPass ?? '';
    for (let i = 0; i < 8; i++) b.push(i < pass.length ? pass.charCodeAt(i) & 255 : 0);
  }
  const c = v.version === 2 ? cksum([b]) : cksum([pseudoHeader(ip, 112, b.length), b]);
  b[6] = c >>> 8;
  b[7] = c & 255;
  return Uint8Array.from(b);
}

/** The 20-byte IPv4 header, checksum filled in. */
export function ipHeaderBytes(ip: Ipv4): number[] {
  const h = [
    0x45,
    ip.tos & 255,
    ...u16(ip.len),
    ...u16(ip.id),
    ip.df ? 0x40 : 0,
    0,
    ip.ttl & 255,
    ip.proto & 255,
    0,
    0,
    ...u32(ip.src),
    ...u32(ip.dst),
  ];
  const c = cksum([h]);
  h[10] = c >>> 8;
  h[11] = c & 255;
  return h;
}

const ipCache = new WeakMap<Ipv4, Uint8Array>();

/** The whole IP packet, `ip.len` bytes (cut or zero-padded if the model's length disagrees). */
export function ipBytes(ip: Ipv4): Uint8Array {
  let b = ipCache.get(ip);
  if (b === undefined) {
    const body = l4Bytes(ip, ip.l4);
    b = new Uint8Array(Math.max(ip.len, 20));
    b.set(ipHeaderBytes(ip), 0);
    b.set(body.subarray(0, b.length - 20), 20);
    ipCache.set(ip, b);
  }
  return b;
}

/** The network-layer bytes of a frame: an IP packet, or the 28-byte ARP payload. */
export function networkBytes(frame: Frame): Uint8Array {
  if (frame.ip !== undefined) return ipBytes(frame.ip);
  const a = frame.arp;
  if (a === undefined) return new Uint8Array(0);
  return Uint8Array.from([
    0,
    1,
    ...u16(ETH_P_IP),
    6,
    4,
    0,
    a.op === 'request' ? 1 : 2,
    ...macBytes(a.sha),
    ...u32(a.spa),
    ...macBytes(a.tha),
    ...u32(a.tpa),
  ]);
}

/** The 14-byte Ethernet header. */
export function etherHeaderBytes(frame: Frame): number[] {
  return [...macBytes(frame.dst), ...macBytes(frame.src), ...u16(frame.ethertype)];
}

/** The TCP checksum as it sits in the header (for `cksum 0x.... (correct)`). */
export function tcpChecksum(ip: Ipv4): number {
  const b = ipBytes(ip);
  return ((b[20 + 16] ?? 0) << 8) | (b[20 + 17] ?? 0);
}

function concat(a: readonly number[], b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
