/**
 * Trace events as the Event list shows them: a kind to filter on, the nodes involved, and
 * a one-line summary in tcpdump's words (`TCP 203.0.113.10:51638 > 192.168.10.100:80 [S]`).
 * Pure functions over the core's plain-data events.
 */
import { ipStr } from '../core/net/addr';
import { ACK, FIN, PSH, RST, SYN, type Frame, type Ipv4 } from '../core/net/packet';
import type { TraceEvent } from '../core/sim/trace';

export type EventKind = 'hop' | 'forward' | 'deliver' | 'drop' | 'arp' | 'schedule' | 'ipvs' | 'power' | 'service' | 'vrrp' | 'check' | 'link' | 'other';
export const EVENT_KINDS: readonly EventKind[] = ['hop', 'forward', 'deliver', 'drop', 'arp', 'schedule', 'ipvs', 'power', 'service', 'vrrp', 'check', 'link', 'other'];
/** Kinds that are control-plane events (not packets). */
export const CONTROL_KINDS: readonly EventKind[] = ['arp', 'schedule', 'ipvs', 'power', 'service', 'vrrp', 'check', 'link', 'other'];

/** The events the list keeps: per-device rx/tx duplicate the link hops, so they are left out. */
export type ListedEvent = Exclude<TraceEvent, { type: 'dev.rx' | 'dev.tx' }>;

export function isListed(ev: TraceEvent): ev is ListedEvent {
  return ev.type !== 'dev.rx' && ev.type !== 'dev.tx';
}

export function kindOf(ev: ListedEvent): EventKind {
  switch (ev.type) {
    case 'link.tx':
      return ev.frame.arp ? 'arp' : 'hop';
    case 'ip.forward':
      return 'forward';
    case 'ip.deliver':
      return 'deliver';
    case 'drop':
      return 'drop';
    case 'ctl': {
      const w = ev.what;
      if (w === 'neigh' || w === 'arp') return 'arp';
      if (w === 'ipvs.schedule') return 'schedule';
      if (w.startsWith('ipvs')) return 'ipvs';
      if (w === 'power') return 'power';
      if (w === 'service') return 'service';
      if (w.startsWith('vrrp')) return 'vrrp';
      if (w.startsWith('check') || w.startsWith('health')) return 'check';
      if (w === 'link' || w === 'addr') return 'link';
      return 'other';
    }
  }
}

/** `rs1:eth0` → `rs1`. */
export function portNode(portId: string): string {
  const i = portId.indexOf(':');
  return i < 0 ? portId : portId.slice(0, i);
}

/** Nodes an event is about: both ends of a hop, the acting node otherwise. */
export function nodesOf(ev: ListedEvent): string[] {
  if (ev.type === 'link.tx') return [portNode(ev.from), portNode(ev.to)];
  return [ev.node];
}

export function tcpFlags(flags: number): string {
  let s = '';
  if (flags & SYN) s += 'S';
  if (flags & FIN) s += 'F';
  if (flags & RST) s += 'R';
  if (flags & PSH) s += 'P';
  if (flags & ACK) s += '.';
  return s || 'none';
}

export function ipSummary(p: Ipv4): string {
  const l4 = p.l4;
  switch (l4.kind) {
    case 'tcp':
      return `TCP ${ipStr(p.src)}:${l4.sport} > ${ipStr(p.dst)}:${l4.dport} [${tcpFlags(l4.flags)}]${l4.plen ? ` len ${l4.plen}` : ''}${appSummary(l4.data)}`;
    case 'udp':
      return `UDP ${ipStr(p.src)}:${l4.sport} > ${ipStr(p.dst)}:${l4.dport} len ${l4.plen}`;
    case 'icmp':
      return `ICMP ${ipStr(p.src)} > ${ipStr(p.dst)} type ${l4.type} code ${l4.code}`;
    case 'ipip':
      return `IPIP ${ipStr(p.src)} > ${ipStr(p.dst)} (${ipSummary(l4.inner)})`;
    case 'vrrp':
      return `VRRP ${ipStr(p.src)} > ${ipStr(p.dst)} vrid ${l4.vrid} prio ${l4.prio}`;
  }
}

function appSummary(d: import('../core/net/packet').AppData | undefined): string {
  if (!d) return '';
  if (d.app === 'http-req') return ` HTTP ${d.method} ${d.path}`;
  if (d.app === 'http-resp') return ` HTTP ${d.status}`;
  return '';
}

export function frameSummary(f: Frame): string {
  if (f.arp) {
    const a = f.arp;
    return a.op === 'request' ? `ARP who-has ${ipStr(a.tpa)} tell ${ipStr(a.spa)}` : `ARP ${ipStr(a.spa)} is-at ${a.sha}`;
  }
  if (f.ip) return ipSummary(f.ip);
  return `ethertype 0x${f.ethertype.toString(16).padStart(4, '0')} len ${f.len}`;
}

export function summary(ev: ListedEvent): string {
  switch (ev.type) {
    case 'link.tx':
      return `${ev.from} → ${ev.to}  ${frameSummary(ev.frame)}`;
    case 'ip.forward':
      return ev.why;
    case 'ip.deliver':
      return `delivered ${ipSummary(ev.ip)}`;
    case 'drop':
      return ev.text;
    case 'ctl':
      return ev.text;
  }
}

/** Simulated time as `12.345678 s` (µs precision: events a microsecond apart stay apart). */
export function formatTime(us: number): string {
  const s = Math.floor(us / 1e6);
  const frac = String(Math.floor(us % 1e6)).padStart(6, '0');
  return `${s}.${frac} s`;
}

/** Shorter, for the toolbar: `1:02.3` or `12.3 s`. */
export function formatClock(us: number): string {
  const tenths = Math.floor(us / 100_000);
  const s = Math.floor(tenths / 10);
  const d = tenths % 10;
  if (s < 60) return `${s}.${d} s`;
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}.${d}`;
}

/** Rows to draw of a fixed-height virtual list: [start, end) with some overscan. */
export function windowOf(total: number, rowHeight: number, scrollTop: number, viewHeight: number, overscan = 8): { start: number; end: number } {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const start = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const end = Math.min(total, Math.ceil((scrollTop + Math.max(viewHeight, rowHeight)) / rowHeight) + overscan);
  return { start, end: Math.max(start, end) };
}
