/**
 * Trace events as JSON a person can read (dotted addresses, flag letters), one line per
 * event: the CLI's --trace JSONL, the browser's event list, and the determinism hash
 * that must match between Node and the browser.
 */
import { ipStr } from '../net/addr';
import type { Frame, Ipv4, L4 } from '../net/packet';
import type { TraceEvent } from './trace';

export function tcpFlagsText(f: number): string {
  let s = '';
  if (f & 0x01) s += 'F';
  if (f & 0x02) s += 'S';
  if (f & 0x04) s += 'R';
  if (f & 0x08) s += 'P';
  if (f & 0x10) s += '.';
  return s || 'none';
}

function l4Json(l4: L4): Record<string, unknown> {
  switch (l4.kind) {
    case 'tcp':
      return { tcp: { sport: l4.sport, dport: l4.dport, flags: tcpFlagsText(l4.flags), seq: l4.seq, ack: l4.ack, win: l4.win, len: l4.plen, ...(l4.data ? { data: l4.data } : {}) } };
    case 'udp':
      return { udp: { sport: l4.sport, dport: l4.dport, len: l4.plen } };
    case 'icmp':
      return { icmp: 'orig' in l4 ? { type: l4.type, code: l4.code, ...(l4.mtu !== undefined ? { mtu: l4.mtu } : {}), orig: ipJson(l4.orig) } : { type: l4.type, code: l4.code, id: l4.echoId, seq: l4.echoSeq } };
    case 'ipip':
      return { inner: ipJson(l4.inner) };
    case 'vrrp':
      return { vrrp: { version: l4.version, vrid: l4.vrid, prio: l4.prio, addrs: l4.addrs.map(ipStr) } };
  }
}

export function ipJson(p: Ipv4): Record<string, unknown> {
  return { src: ipStr(p.src), dst: ipStr(p.dst), ttl: p.ttl, proto: p.proto, id: p.id, df: p.df, len: p.len, ...l4Json(p.l4) };
}

export function frameJson(f: Frame): Record<string, unknown> {
  return {
    src: f.src,
    dst: f.dst,
    len: f.len,
    ...(f.ip ? { ip: ipJson(f.ip) } : {}),
    ...(f.arp ? { arp: { op: f.arp.op, sha: f.arp.sha, spa: ipStr(f.arp.spa), tha: f.arp.tha, tpa: ipStr(f.arp.tpa) } } : {}),
  };
}

export function eventJson(ev: TraceEvent): Record<string, unknown> {
  switch (ev.type) {
    case 'link.tx':
      return { type: ev.type, t: ev.t, tArrive: ev.tArrive, from: ev.from, to: ev.to, frame: frameJson(ev.frame) };
    case 'dev.rx':
    case 'dev.tx':
      return { type: ev.type, t: ev.t, node: ev.node, dev: ev.dev, frame: frameJson(ev.frame) };
    case 'ip.deliver':
      return { type: ev.type, t: ev.t, node: ev.node, ip: ipJson(ev.ip) };
    case 'ip.forward':
      return { type: ev.type, t: ev.t, node: ev.node, why: ev.why, before: ipJson(ev.before), after: ipJson(ev.after) };
    case 'drop':
      return { type: ev.type, t: ev.t, node: ev.node, reason: ev.reason, text: ev.text, ...(ev.frame ? { frame: frameJson(ev.frame) } : {}), ...(ev.ip ? { ip: ipJson(ev.ip) } : {}) };
    case 'ctl':
      return { type: ev.type, t: ev.t, node: ev.node, what: ev.what, text: ev.text, ...(ev.data ? { data: ev.data } : {}) };
  }
}

/** A 64-bit FNV-1a style hash of a stream of lines, as 16 hex digits (two 32-bit lanes). */
export class TraceHasher {
  private a = 0x811c9dc5;
  private b = 0x01000193 ^ 0x5bd1e995;
  count = 0;

  add(line: string): void {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
    a = Math.imul(a ^ 10, 0x01000193);
    this.a = a;
    this.b = b;
    this.count++;
  }

  digest(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}
