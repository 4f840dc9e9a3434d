/**
 * tcpdump 4.99.3's one-line packet decode, for the packet model.
 *
 * Follows print-ether.c, print-sll.c (LINUX_SLL2, `-i any`), print-arp.c, print-ip.c,
 * print-tcp.c, print-udp.c, print-icmp.c, print-vrrp.c and txtproto_print (HTTP) as
 * captured in shared/reference/linux-tools.md §1. One call formats one packet; the only state
 * tcpdump keeps between packets (relative TCP sequence numbers, the -ttt reference time)
 * lives in a TcpdumpState that one running tcpdump owns (see TcpdumpSession).
 */
import type { Frame, Ipv4, Tcp, Udp, Icmp, Vrrp, Arp, AppData } from '../../net/packet';
import { ACK, FIN, PSH, RST, SYN, ETH_P_ARP, ETH_P_IP } from '../../net/packet';
import type { Ip, Mac } from '../../net/addr';
import { BROADCAST_MAC, ipStr } from '../../net/addr';
import { appText, tcpChecksum, tcpOptionBytes, tcpOptions, type VrrpAuthFields } from './wire';
import { tcpPortName, udpPortName } from './services';
import { civil, LAB_EPOCH_S, p2 } from '../commands/util';

/** `-i any` packet types, as print-sll.c prints them (B, M: received broadcast/multicast). */
export type SllDir = 'In' | 'Out' | 'B' | 'M' | 'P';

export interface AnyIface {
  readonly iface: string;
  /** 'In' becomes 'B' or 'M' by itself for broadcast/multicast destination MACs. */
  readonly dir: SllDir;
  /** Printed only with -e (`ifindex 2`). */
  readonly ifindex?: number;
}

/** -t (none), default, -tt (epoch), -ttt (delta), -tttt (date), -ttttt (since first). */
export type TstampMode = 'none' | 'hms' | 'epoch' | 'delta' | 'date' | 'since-first';

export interface TcpdumpClock {
  /** Time of day at simulated time 0, in µs (a lab may start at 00:59:13). Default 0. */
  readonly dayOffsetUs?: number;
  /** Unix time of that day's midnight, for -tt / -tttt. Default 2026-11-26 (the reference). */
  readonly midnightEpochS?: number;
}

export interface TcpdumpFormatOptions {
  readonly numeric: boolean; // -n
  readonly ether: boolean; // -e
  readonly verbose?: boolean | number; // -v, -vv
  readonly quiet?: boolean; // -q
  readonly absoluteSeq?: boolean; // -S
  readonly noChecksum?: boolean; // -K: no `cksum ... (correct)`, no `[udp sum ok]`
  readonly tstamp?: TstampMode;
  readonly clock?: TcpdumpClock;
  /** Capture link type: Ethernet, or RAW for tunl0-like devices. `-i any` is `anyIface`. */
  readonly linkType?: 'EN10MB' | 'RAW';
  /** Reverse lookup used without -n (PTR / /etc/hosts). Default: every address stays numeric. */
  readonly resolveHost?: (ip: Ip) => string | undefined;
}

export interface TcpdumpLineOptions extends TcpdumpFormatOptions {
  /** Simulated time of the packet, µs. */
  readonly timeUs: number;
  /** Set when capturing on `any` (LINUX_SLL2). */
  readonly anyIface?: AnyIface;
}

/**
 * print-tcp.c's tcp_seq_hash: the initial sequence numbers of each conversation this
 * capture has seen, keyed so both directions share one entry.
 */
export class TcpSeqTable {
  private readonly conv = new Map<string, { seq: number; ack: number }>();

  /** The seq/ack to print for a segment, recording the conversation as tcpdump does. */
  relative(ip: Ipv4, tcp: Tcp): { seq: number; ack: number } {
    const { sport, dport, seq, ack, flags } = tcp;
    if ((flags & ACK) === 0) return { seq, ack };
    const rev = sport > dport || (sport === dport && ip.src >>> 0 > ip.dst >>> 0);
    const key = rev ? `${ip.dst}|${ip.src}|${dport}|${sport}` : `${ip.src}|${ip.dst}|${sport}|${dport}`;
    const th = this.conv.get(key);
    if (th === undefined || (flags & SYN) !== 0) {
      const ackm1 = (ack - 1) >>> 0;
      this.conv.set(key, rev ? { seq: ackm1, ack: seq } : { seq, ack: ackm1 });
      return { seq, ack };
    }
    return rev
      ? { seq: (seq - th.ack) >>> 0, ack: (ack - th.seq) >>> 0 }
      : { seq: (seq - th.seq) >>> 0, ack: (ack - th.ack) >>> 0 };
  }

  get size(): number {
    return this.conv.size;
  }
}

/** What one running tcpdump remembers between packets. */
export interface TcpdumpState {
  readonly tcpSeq: TcpSeqTable;
  /** -ttt: time of the previous packet; -ttttt: time of the first. */
  tsRefUs?: number;
}

export function newTcpdumpState(): TcpdumpState {
  return { tcpSeq: new TcpSeqTable() };
}

const DAY_US = 86_400_000_000;

const pad6 = (n: number): string => String(n).padStart(6, '0');

function hms(us: number): string {
  const t = Math.floor(us / 1e6);
  return `${p2(Math.floor(t / 3600) % 24)}:${p2(Math.floor(t / 60) % 60)}:${p2(t % 60)}.${pad6(us % 1e6)}`;
}

/** The timestamp and its trailing space, as ts_print writes it ('' for -t). */
export function formatTimestamp(
  timeUs: number,
  mode: TstampMode = 'hms',
  clock: TcpdumpClock = {},
  state?: TcpdumpState,
): string {
  const t = Math.max(0, Math.floor(timeUs));
  const dayUs = (clock.dayOffsetUs ?? 0) + t;
  switch (mode) {
    case 'none':
      return '';
    case 'hms':
      return hms(dayUs % DAY_US) + ' ';
    case 'epoch': {
      const abs = (clock.midnightEpochS ?? LAB_EPOCH_S) * 1e6 + dayUs;
      return `${Math.floor(abs / 1e6)}.${pad6(abs % 1e6)} `;
    }
    case 'date': {
      const abs = (clock.midnightEpochS ?? LAB_EPOCH_S) * 1e6 + dayUs;
      const c = civil(Math.floor(abs / 1e6));
      return `${c.y}-${p2(c.mo)}-${p2(c.d)} ${hms(abs % DAY_US)} `;
    }
    case 'delta':
    case 'since-first': {
      const ref = state?.tsRefUs ?? t;
      if (state !== undefined && (mode === 'delta' || state.tsRefUs === undefined)) state.tsRefUs = t;
      const d = t - ref;
      return (d < 0 ? '-' : ' ') + hms(Math.abs(d)) + ' ';
    }
  }
}

/** What an address prints as; private per call so the hot path allocates little. */
interface Ctx {
  readonly o: TcpdumpFormatOptions;
  readonly v: number;
  readonly state: TcpdumpState;
}

function host(c: Ctx, a: Ip): string {
  return c.o.numeric ? ipStr(a) : (c.o.resolveHost?.(a) ?? ipStr(a));
}

/** Small excerpt of tcpdump's oui.c; the lab's 52:54:00 (QEMU) is not in it. */
const OUI: Record<number, string> = { 0x000000: 'Ethernet', 0x00000c: 'Cisco', 0x0000f8: 'Cisco', 0x080007: 'Apple' };

/** mac48_string: numeric with -n, else `Broadcast` or `MAC (oui NAME)`. */
export function macName(m: Mac, numeric: boolean): string {
  if (numeric) return m;
  if (m === BROADCAST_MAC) return 'Broadcast';
  return `${m} (oui ${OUI[parseInt(m.slice(0, 8).replace(/:/g, ''), 16)] ?? 'Unknown'})`;
}

function tport(c: Ctx, p: number): string {
  return c.o.numeric ? String(p) : (tcpPortName(p) ?? String(p));
}

function uport(c: Ctx, p: number): string {
  return c.o.numeric ? String(p) : (udpPortName(p) ?? String(p));
}

function ethertypeName(t: number): string {
  return t === ETH_P_IP ? 'IPv4' : t === ETH_P_ARP ? 'ARP' : t === 0x86dd ? 'IPv6' : 'Unknown';
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

function isGroup(m: Mac): boolean {
  return (parseInt(m.slice(0, 2), 16) & 1) === 1;
}

function sllType(dir: SllDir, dst: Mac): string {
  if (dir === 'In') return dst === BROADCAST_MAC ? 'B  ' : isGroup(dst) ? 'M  ' : 'In ';
  return dir === 'Out' ? 'Out' : `${dir}  `;
}

/** The link-layer part of a line, up to the network-layer decode. */
function linkPrefix(c: Ctx, frame: Frame, any: AnyIface | undefined): string {
  const o = c.o;
  if (any !== undefined) {
    let s = `${any.iface.padEnd(5)} ${sllType(any.dir, frame.dst)} `;
    if (o.ether) {
      s += `ifindex ${any.ifindex ?? 0} ${macName(frame.src, o.numeric)} `;
      if (!o.quiet) {
        const t = frame.ethertype;
        s += `ethertype ${ethertypeName(t)} (0x${hex4(t)}), length ${frame.len - 14 + 20}: `;
      }
    }
    return s;
  }
  if (o.linkType === 'RAW') return o.ether ? 'ip: ' : '';
  if (!o.ether) return '';
  const t = frame.ethertype;
  const type = o.quiet ? `${ethertypeName(t)}, ` : `ethertype ${ethertypeName(t)} (0x${hex4(t)}), `;
  return `${macName(frame.src, o.numeric)} > ${macName(frame.dst, o.numeric)}, ${type}length ${frame.len}: `;
}

/**
 * One packet as tcpdump prints it: usually one line; -v adds lines joined by '\n'
 * (no trailing newline). `state` carries relative sequence numbers between calls.
 */
export function formatTcpdumpLine(frame: Frame, opts: TcpdumpLineOptions, state?: TcpdumpState): string {
  const st = state ?? newTcpdumpState();
  const v = opts.verbose === true ? 1 : typeof opts.verbose === 'number' ? opts.verbose : 0;
  const c: Ctx = { o: opts, v, state: st };
  const ts = formatTimestamp(opts.timeUs, opts.tstamp, opts.clock, st);
  const head = ts + linkPrefix(c, frame, opts.anyIface);
  if (frame.ip !== undefined) return head + ipPrint(c, frame.ip, frame.ip.len);
  if (frame.arp !== undefined) return head + (opts.ether ? '' : 'ARP, ') + arpPrint(c, frame.arp);
  return head + `ethertype ${ethertypeName(frame.ethertype)} (0x${hex4(frame.ethertype)}), length ${frame.len}`;
}

function arpPrint(c: Ctx, a: Arp): string {
  const n = c.o.numeric;
  let s = c.v > 0 ? 'Ethernet (len 6), IPv4 (len 4), ' : '';
  if (a.op === 'request') {
    s += `Request who-has ${host(c, a.tpa)}`;
    if (a.tha !== '00:00:00:00:00:00') s += ` (${macName(a.tha, n)})`;
    s += ` tell ${host(c, a.spa)}`;
  } else {
    s += `Reply ${host(c, a.spa)} is-at ${macName(a.sha, n)}`;
  }
  return s + ', length 28';
}

const PROTO_NAMES: Record<number, string> = {
  1: 'ICMP',
  2: 'IGMP',
  4: 'IPIP',
  6: 'TCP',
  17: 'UDP',
  41: 'IPv6',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  89: 'OSPF',
  103: 'PIM',
  112: 'VRRP',
  132: 'SCTP',
};

const ECN = ['', ',ECT(1)', ',ECT(0)', ',CE'];

/**
 * ip_print. `avail` is how many bytes of the packet are present: less than ip.len only
 * for a packet quoted inside an ICMP error, where tcpdump then skips checksums.
 */
function ipPrint(c: Ctx, ip: Ipv4, avail: number): string {
  let s = c.o.ether ? '' : 'IP ';
  if (c.v > 0) {
    s +=
      `(tos 0x${ip.tos.toString(16)}${ECN[ip.tos & 3] ?? ''}` +
      (ip.ttl >= 1 ? `, ttl ${ip.ttl}` : '') +
      `, id ${ip.id}, offset 0, flags [${ip.df ? 'DF' : 'none'}]` +
      `, proto ${PROTO_NAMES[ip.proto] ?? 'unknown'} (${ip.proto}), length ${ip.len})\n    `;
  }
  const l4 = ip.l4;
  if (l4.kind !== 'tcp' && l4.kind !== 'udp') s += `${host(c, ip.src)} > ${host(c, ip.dst)}: `;
  const whole = avail >= ip.len;
  switch (l4.kind) {
    case 'tcp':
      return s + tcpPrint(c, ip, l4, whole, avail);
    case 'udp':
      return s + udpPrint(c, ip, l4, whole);
    case 'icmp':
      return s + icmpPrint(c, ip, l4);
    case 'ipip':
      return s + ipPrint(c, l4.inner, avail - 20);
    case 'vrrp':
      return s + vrrpPrint(c, ip, l4);
  }
}

function tcpFlags(f: number): string {
  let s = '';
  if (f & FIN) s += 'F';
  if (f & SYN) s += 'S';
  if (f & RST) s += 'R';
  if (f & PSH) s += 'P';
  if (f & ACK) s += '.';
  if (f & 0x20) s += 'U';
  if (f & 0x40) s += 'E';
  if (f & 0x80) s += 'W';
  return s === '' ? 'none' : s;
}

function tcpOptionsText(tcp: Tcp): string {
  const opts = tcpOptions(tcp);
  if (opts.length === 0) return '';
  const parts = opts.map((o) => {
    switch (o.kind) {
      case 'mss':
        return `mss ${o.value}`;
      case 'nop':
        return 'nop';
      case 'sackOK':
        return 'sackOK';
      case 'TS':
        return `TS val ${o.val >>> 0} ecr ${o.ecr >>> 0}`;
      case 'wscale':
        return `wscale ${o.value}`;
    }
  });
  return `, options [${parts.join(',')}]`;
}

function tcpPrint(c: Ctx, ip: Ipv4, tcp: Tcp, whole: boolean, avail: number): string {
  let s = `${host(c, ip.src)}.${tport(c, tcp.sport)} > ${host(c, ip.dst)}.${tport(c, tcp.dport)}: `;
  if (c.o.quiet) return s + `tcp ${tcp.plen}`;
  const flags = tcp.flags;
  s += `Flags [${tcpFlags(flags)}]`;
  const { seq, ack } = c.o.absoluteSeq === true ? tcp : c.state.tcpSeq.relative(ip, tcp);
  if (c.v > 0 && whole && c.o.noChecksum !== true) s += `, cksum 0x${hex4(tcpChecksum(ip))} (correct)`;
  const len = tcp.plen;
  if (c.v > 1 || len > 0 || (flags & (SYN | FIN | RST)) !== 0) {
    s += `, seq ${seq >>> 0}`;
    if (len > 0) s += `:${(seq + len) >>> 0}`;
  }
  if (flags & ACK) s += `, ack ${ack >>> 0}`;
  s += `, win ${tcp.win}`;
  s += tcpOptionsText(tcp);
  s += `, length ${len}`;
  if (len > 0 && (flags & RST) === 0 && isHttpPort(tcp)) {
    // How much of the payload is present (an ICMP quote may cut it).
    const hlen = 20 + tcpOptionBytes(tcpOptions(tcp)).length;
    const present = Math.max(0, Math.min(len, avail - 20 - hlen));
    s += ': ' + httpPrint(c, tcp.data, len, present);
  }
  return s;
}

/** print-tcp.c decodes HTTP on 80 and 8080, after ports it checks first (none used here). */
function isHttpPort(t: Tcp): boolean {
  return t.sport === 80 || t.dport === 80 || t.sport === 8080 || t.dport === 8080;
}

const HTTP_CMDS = new Set([
  'OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT', 'PROPFIND', 'PROPPATCH',
  'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'MKCOL', 'PATCH', 'BIND', 'REBIND', 'UNBIND', 'ACL', 'SEARCH',
  'CHECKOUT', 'CHECKIN', 'REPORT', 'MERGE', 'MKACTIVITY', 'MKWORKSPACE', 'VERSION-CONTROL',
  'BASELINE-CONTROL', 'LABEL', 'UPDATE', 'UNCHECKOUT', 'ORDERPATCH', 'MKCALENDAR',
]);

const isPrint = (ch: number): boolean => ch >= 0x20 && ch < 0x7f;

/** fetch_token: the token at `i` and the index after it and its trailing blanks, or 0. */
function fetchToken(t: string, i: number, len: number): { tok: string; next: number } | undefined {
  let j = i;
  let tok = '';
  for (; j < len; j++) {
    const ch = t.charCodeAt(j);
    if (ch > 0x7f) return undefined;
    if (ch === 0x20 || ch === 0x09 || ch === 0x0d || ch === 0x0a) break;
    if (!isPrint(ch)) return undefined;
    if (tok.length + 2 > 128) return undefined;
    tok += t[j];
  }
  if (tok === '') return undefined;
  for (; j < len; j++) {
    const ch = t.charCodeAt(j);
    if (ch === 0x0d || ch === 0x0a || !isPrint(ch) || (ch !== 0x20 && ch !== 0x09)) break;
  }
  return { tok, next: j };
}

/** print_txt_line: prints prefix + line; returns the index after the line end, or 0 to stop. */
function txtLine(t: string, start: number, len: number, prefix: string, out: string[]): number {
  for (let i = start; i < len; i++) {
    const ch = t.charCodeAt(i);
    if (ch === 0x0a) {
      out.push(prefix + t.slice(start, i));
      return i + 1;
    }
    if (ch === 0x0d) {
      if (i + 1 >= len) return 0;
      if (t.charCodeAt(i + 1) === 0x0a) {
        out.push(prefix + t.slice(start, i));
        return i + 2;
      }
      return 0;
    }
    if (!isPrint(ch) && ch !== 0x09) return 0;
  }
  out.push(prefix + t.slice(start, len) + ' [|http]');
  return 0;
}

/** txtproto_print(..., httpcmds, RESP_CODE_SECOND_TOKEN) over the payload the model knows. */
function httpPrint(c: Ctx, data: AppData | undefined, len: number, present: number): string {
  const full = appText(data);
  if (full === undefined) return 'HTTP';
  const n = Math.min(present, full.length);
  const t = full.slice(0, n);
  let show = false;
  const first = fetchToken(t, 0, n);
  if (first !== undefined) {
    if (HTTP_CMDS.has(first.tok.toUpperCase())) show = true;
    const second = fetchToken(t, first.next, n);
    if (second !== undefined && /^[0-9]{3}$/.test(second.tok)) show = true;
  }
  if (!show) return 'HTTP';
  const out: string[] = [];
  if (c.v > 0) {
    for (let i = 0; i < n; ) {
      const next = txtLine(t, i, n, '\n\t', out);
      if (next === 0) break;
      i = next;
    }
    return `HTTP, length: ${len}` + out.join('');
  }
  txtLine(t, 0, n, ': ', out);
  return 'HTTP' + out.join('');
}

function udpPrint(c: Ctx, ip: Ipv4, u: Udp, whole: boolean): string {
  const s = `${host(c, ip.src)}.${uport(c, u.sport)} > ${host(c, ip.dst)}.${uport(c, u.dport)}: `;
  const sum = c.v > 0 && whole && !c.o.quiet && c.o.noChecksum !== true ? '[udp sum ok] ' : '';
  return s + sum + `UDP, length ${u.plen}`;
}

const UNREACH: Record<number, string> = {
  0: 'net %s unreachable',
  1: 'host %s unreachable',
  5: '%s unreachable - source route failed',
  6: 'net %s unreachable - unknown',
  7: 'host %s unreachable - unknown',
  8: '%s unreachable - source host isolated',
  9: 'net %s unreachable - admin prohibited',
  10: 'host %s unreachable - admin prohibited',
  11: 'net %s unreachable - tos prohibited',
  12: 'host %s unreachable - tos prohibited',
  13: 'host %s unreachable - admin prohibited filter',
  14: 'host %s unreachable - host precedence violation',
  15: 'host %s unreachable - precedence cutoff',
};

function icmpText(c: Ctx, m: Icmp): string {
  if (!('orig' in m)) return `echo ${m.type === 8 ? 'request' : 'reply'}, id ${m.echoId}, seq ${m.echoSeq}`;
  const o = m.orig;
  const odst = host(c, o.dst);
  if (m.type === 11) {
    return m.code === 0 ? 'time exceeded in-transit' : m.code === 1 ? 'ip reassembly time exceeded' : `time exceeded-#${m.code}`;
  }
  switch (m.code) {
    case 2:
      return `${odst} protocol ${o.proto} unreachable`;
    case 3: {
      const l4 = o.l4;
      if (l4.kind === 'tcp') return `${odst} tcp port ${tport(c, l4.dport)} unreachable`;
      if (l4.kind === 'udp') return `${odst} udp port ${uport(c, l4.dport)} unreachable`;
      return `${odst} protocol ${o.proto} port 0 unreachable`;
    }
    case 4:
      return m.mtu ? `${odst} unreachable - need to frag (mtu ${m.mtu})` : `${odst} unreachable - need to frag`;
    default:
      return (UNREACH[m.code] ?? `#${m.code} %s unreachable`).replace('%s', odst);
  }
}

function icmpPrint(c: Ctx, ip: Ipv4, m: Icmp): string {
  const plen = ip.len - 20;
  let s = `ICMP ${icmpText(c, m)}, length ${plen}`;
  if (c.v > 0 && 'orig' in m) s += '\n\t' + ipPrint(c, m.orig, Math.max(0, plen - 8));
  return s;
}

const VRRP_AUTH: Record<number, string> = { 0: 'none', 1: 'simple', 2: 'ah' };

function vrrpPrint(c: Ctx, ip: Ipv4, v: Vrrp): string {
  const len = ip.len - 20;
  let s = `VRRPv${v.version}, Advertisement`;
  if (ip.ttl !== 255) s += `, (ttl ${ip.ttl})`;
  s += `, vrid ${v.vrid}, prio ${v.prio}`;
  const auth = v.authType ?? 0;
  if (v.version === 2) s += `, authtype ${VRRP_AUTH[auth] ?? ''}, intvl ${Math.round(v.advertInt)}s, length ${len}`;
  else s += `, intvl ${Math.round(v.advertInt * 100)}cs, length ${len}`;
  if (c.v > 0) {
    s += ', addrs';
    if (v.addrs.length > 1) s += `(${v.addrs.length})`;
    s += ':';
    v.addrs.forEach((a, i) => (s += (i === 0 ? ' ' : ',') + host(c, a)));
    const pass = (v as Vrrp & VrrpAuthFields).authPass;
    if (v.version === 2 && auth === 1 && pass !== undefined) s += ` auth "${pass.slice(0, 8)}"`;
  }
  return s;
}

/** One running tcpdump's formatter: fixed options, its own TCP conversation table. */
export class TcpdumpSession {
  readonly state: TcpdumpState = newTcpdumpState();
  /** Packets formatted so far (`N packets captured`). */
  captured = 0;

  constructor(readonly opts: TcpdumpFormatOptions) {}

  format(frame: Frame, timeUs: number, anyIface?: AnyIface): string {
    this.captured++;
    return formatTcpdumpLine(frame, { ...this.opts, timeUs, anyIface }, this.state);
  }
}
