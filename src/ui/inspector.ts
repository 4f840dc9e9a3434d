/**
 * The Inspector's model of one event: the packet's layers (Ethernet, outer and inner IP,
 * TCP/UDP/ICMP, the application data) with every field compared to the same packet at its
 * previous hop, and a sentence on why it changed.
 *
 * Finding "the same packet at its previous hop" relies on the core's rule that packets are
 * never mutated (net/packet.ts): a switch relays the same Frame object, and a host that
 * forwards emits `ip.forward` with the received packet (`before`) and the one it sends
 * (`after`). So we walk back through the recent events by object identity.
 */
import { ipStr } from '../core/net/addr';
import type { Frame, Ipv4 } from '../core/net/packet';
import type { MessageKey } from './i18n/translate';
import { portNode, tcpFlags, type ListedEvent } from './event-format';

export type LayerId = 'eth' | 'arp' | 'ip-outer' | 'ip' | 'tcp' | 'udp' | 'icmp' | 'vrrp' | 'app';

export interface Field {
  name: string;
  value: string;
  /** The value at the previous hop, when it differs. */
  before?: string;
  changed: boolean;
}

export interface Layer {
  id: LayerId;
  /** 'added': not there at the previous hop (an encapsulation); 'removed': only there before. */
  status: 'same' | 'changed' | 'added' | 'removed' | 'new';
  fields: Field[];
}

export interface Explanation {
  key: MessageKey;
  params: Record<string, string>;
}

export interface Inspection {
  t: number;
  /** Where it happens: a hop `rs1:eth0 → switch:p2`, or a node. */
  where: string;
  layers: Layer[];
  why: Explanation;
  /** The core's own note (English), e.g. the ip.forward `why`. */
  note: string | undefined;
  /** Nodes to highlight on the canvas. */
  nodes: string[];
  /** The connection's client end (`203.0.113.10:51638`), for TCP/UDP packets. */
  conn?: string;
}

type Flat = { id: LayerId; fields: [string, string][] };

/** Layers of a frame (or a bare IP packet), outermost first. */
export function flatten(frame: Frame | undefined, ip: Ipv4 | undefined): Flat[] {
  const out: Flat[] = [];
  if (frame) {
    out.push({ id: 'eth', fields: [['src', frame.src], ['dst', frame.dst], ['type', ethType(frame.ethertype)], ['len', String(frame.len)]] });
    if (frame.arp) {
      const a = frame.arp;
      out.push({ id: 'arp', fields: [['op', a.op], ['sender MAC', a.sha], ['sender IP', ipStr(a.spa)], ['target MAC', a.tha], ['target IP', ipStr(a.tpa)]] });
    }
  }
  let p = frame?.ip ?? ip;
  const ips: Ipv4[] = [];
  while (p) {
    ips.push(p);
    p = p.l4.kind === 'ipip' ? p.l4.inner : undefined;
  }
  ips.forEach((q, i) => {
    out.push({
      id: i < ips.length - 1 ? 'ip-outer' : 'ip',
      fields: [['src', ipStr(q.src)], ['dst', ipStr(q.dst)], ['ttl', String(q.ttl)], ['proto', protoName(q.proto)], ['id', String(q.id)], ['len', String(q.len)], ['df', q.df ? '1' : '0'], ['tos', `0x${q.tos.toString(16).padStart(2, '0')}`]],
    });
  });
  const last = ips[ips.length - 1];
  if (last) {
    const l4 = last.l4;
    if (l4.kind === 'tcp') {
      out.push({ id: 'tcp', fields: [['sport', String(l4.sport)], ['dport', String(l4.dport)], ['flags', tcpFlags(l4.flags)], ['seq', String(l4.seq >>> 0)], ['ack', String(l4.ack >>> 0)], ['win', String(l4.win)], ['len', String(l4.plen)], ...(l4.mss ? ([['mss', String(l4.mss)]] as [string, string][]) : [])] });
    } else if (l4.kind === 'udp') {
      out.push({ id: 'udp', fields: [['sport', String(l4.sport)], ['dport', String(l4.dport)], ['len', String(l4.plen)]] });
    } else if (l4.kind === 'icmp') {
      out.push({ id: 'icmp', fields: [['type', String(l4.type)], ['code', String(l4.code)]] });
    } else if (l4.kind === 'vrrp') {
      out.push({ id: 'vrrp', fields: [['vrid', String(l4.vrid)], ['prio', String(l4.prio)], ['advert', String(l4.advertInt)], ['addrs', l4.addrs.map(ipStr).join(', ')]] });
    }
    const data = l4.kind === 'tcp' || l4.kind === 'udp' ? l4.data : undefined;
    if (data?.app === 'http-req') out.push({ id: 'app', fields: [['http', `${data.method} ${data.path}`], ['host', data.host], ['user-agent', data.agent]] });
    else if (data?.app === 'http-resp') out.push({ id: 'app', fields: [['http', `${data.status}`], ['body', data.body]] });
    else if (data?.app === 'text') out.push({ id: 'app', fields: [['text', data.text]] });
  }
  return out;
}

/**
 * Compare layer lists. Link layers (eth/arp) align from the outside; IP layers align from
 * the innermost out, so an added or removed tunnel header shows as such.
 */
export function diffLayers(cur: Flat[], prev: Flat[] | undefined): Layer[] {
  if (!prev) return cur.map((l) => ({ id: l.id, status: 'new', fields: l.fields.map(([name, value]) => ({ name, value, changed: false })) }));
  const isNet = (l: Flat) => l.id !== 'eth' && l.id !== 'arp';
  const curLink = cur.filter((l) => !isNet(l));
  const prevLink = prev.filter((l) => !isNet(l));
  const curNet = cur.filter(isNet);
  const prevNet = prev.filter(isNet);
  const out: Layer[] = [];
  for (const l of curLink) out.push(compare(l, prevLink.find((p) => p.id === l.id)));
  // Align IP/L4 from the innermost.
  const n = Math.max(curNet.length, prevNet.length);
  const pairs: { c?: Flat; p?: Flat }[] = [];
  for (let i = 1; i <= n; i++) {
    const c = curNet[curNet.length - i];
    const p = prevNet[prevNet.length - i];
    pairs.unshift({ ...(c ? { c } : {}), ...(p ? { p } : {}) });
  }
  for (const { c, p } of pairs) {
    if (c && p) out.push(compare(c, { ...p, id: c.id }));
    else if (c) out.push({ id: c.id, status: 'added', fields: c.fields.map(([name, value]) => ({ name, value, changed: true })) });
    else if (p) out.push({ id: p.id, status: 'removed', fields: p.fields.map(([name, value]) => ({ name, value: '', before: value, changed: true })) });
  }
  return out;
}

function compare(c: Flat, p: Flat | undefined): Layer {
  if (!p) return { id: c.id, status: 'added', fields: c.fields.map(([name, value]) => ({ name, value, changed: true })) };
  let any = false;
  const fields = c.fields.map(([name, value]) => {
    const old = p.fields.find(([n]) => n === name)?.[1];
    const changed = old !== undefined && old !== value;
    if (changed) any = true;
    return changed ? { name, value, before: old, changed } : { name, value, changed };
  });
  return { id: c.id, status: any ? 'changed' : 'same', fields };
}

/** Who owns a MAC or an address, for sentences ("rs2's MAC"). */
export interface Names {
  macOwner(mac: string): string | undefined;
  addrOwner(addr: string): string | undefined;
}

/** Inspect `events[idx]`, looking back (and, for a forward, ahead) through `events`. */
export function inspect(events: readonly ListedEvent[], idx: number, names: Names): Inspection | undefined {
  const ev = events[idx];
  if (!ev) return undefined;
  switch (ev.type) {
    case 'link.tx': {
      const prev = previousHop(events, idx);
      const cur = flatten(ev.frame, undefined);
      const layers = diffLayers(cur, prev ? flatten(prev.frame, prev.ip) : undefined);
      const conn = clientEnd(ev.frame.ip);
      return {
        t: ev.t,
        where: `${ev.from} → ${ev.to}`,
        layers,
        why: explainHop(ev, prev, layers, names),
        note: prev?.fwd?.why,
        nodes: [portNode(ev.from), portNode(ev.to)],
        ...(conn ? { conn } : {}),
      };
    }
    case 'ip.forward': {
      const layers = diffLayers(flatten(undefined, ev.after), flatten(undefined, ev.before));
      return { t: ev.t, where: ev.node, layers, why: explainForward(ev.node, ev.why, ev.before, ev.after, names), note: ev.why, nodes: [ev.node] };
    }
    case 'ip.deliver':
      return { t: ev.t, where: ev.node, layers: diffLayers(flatten(undefined, ev.ip), undefined), why: { key: 'why.deliver', params: { node: ev.node } }, note: undefined, nodes: [ev.node] };
    case 'drop':
      return { t: ev.t, where: ev.node, layers: diffLayers(flatten(ev.frame, ev.ip), undefined), why: { key: 'why.drop', params: { node: ev.node, reason: ev.reason } }, note: ev.text, nodes: [ev.node] };
    case 'ctl':
      return {
        t: ev.t,
        where: ev.node,
        layers: [],
        why: { key: 'why.control', params: { node: ev.node } },
        note: ev.text + (ev.data ? `\n${Object.entries(ev.data).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('\n')}` : ''),
        nodes: [ev.node],
      };
  }
}

interface PrevHop {
  frame: Frame | undefined;
  ip: Ipv4 | undefined;
  /** The forwarding step between the previous hop and this one, if any. */
  fwd: Extract<ListedEvent, { type: 'ip.forward' }> | undefined;
  /** A switch relayed the very same frame. */
  relayed: boolean;
  node: string | undefined;
}

const LOOK_BACK = 4000;

export function previousHop(events: readonly ListedEvent[], idx: number): PrevHop | undefined {
  const ev = events[idx];
  if (!ev || ev.type !== 'link.tx') return undefined;
  const f = ev.frame;
  const ip = f.ip;
  const stop = Math.max(0, idx - LOOK_BACK);
  for (let i = idx - 1; i >= stop; i--) {
    const e = events[i]!;
    if (e.type === 'link.tx') {
      if (e.frame === f) return { frame: e.frame, ip: undefined, fwd: undefined, relayed: true, node: portNode(ev.from) };
      if (ip && e.frame.ip === ip) return { frame: e.frame, ip: undefined, fwd: undefined, relayed: false, node: portNode(ev.from) };
    } else if (e.type === 'ip.forward' && ip && e.after === ip) {
      for (let j = i - 1; j >= stop; j--) {
        const b = events[j]!;
        if (b.type === 'link.tx' && b.frame.ip === e.before) return { frame: b.frame, ip: undefined, fwd: e, relayed: false, node: e.node };
      }
      return { frame: undefined, ip: e.before, fwd: e, relayed: false, node: e.node };
    }
  }
  return undefined;
}

function explainHop(ev: Extract<ListedEvent, { type: 'link.tx' }>, prev: PrevHop | undefined, layers: Layer[], names: Names): Explanation {
  const from = portNode(ev.from);
  if (!prev) return { key: ev.frame.arp ? 'why.arp' : 'why.first', params: { node: from } };
  if (prev.relayed) return { key: 'why.switch', params: { node: from } };
  if (prev.fwd) {
    const before = prev.frame?.ip ?? prev.ip;
    if (before && ev.frame.ip) {
      const e = explainForward(prev.fwd.node, prev.fwd.why, before, ev.frame.ip, names);
      if (e.key === 'why.dr' || e.key === 'why.route') {
        const eth = layers.find((l) => l.id === 'eth');
        const dstChanged = eth?.fields.some((f) => f.name === 'dst' && f.changed);
        if (e.key === 'why.dr' && dstChanged) return { key: 'why.dr', params: { ...e.params, rs: names.macOwner(ev.frame.dst) ?? e.params['rs'] ?? '?' } };
      }
      return e;
    }
  }
  return { key: 'why.resent', params: { node: from } };
}

export function explainForward(node: string, why: string, before: Ipv4, after: Ipv4, names: Names): Explanation {
  const name = (a: number) => names.addrOwner(ipStr(a)) ?? ipStr(a);
  if (after.l4.kind === 'ipip' && before.l4.kind !== 'ipip') return { key: 'why.tun', params: { node, rs: name(after.dst), addr: ipStr(after.dst) } };
  if (before.l4.kind === 'ipip' && after.l4.kind !== 'ipip') return { key: 'why.decap', params: { node, vip: ipStr(after.dst) } };
  if (after.dst !== before.dst) return { key: 'why.natIn', params: { node, rs: name(after.dst), addr: ipStr(after.dst), vip: ipStr(before.dst) } };
  if (after.src !== before.src) return { key: 'why.natOut', params: { node, vip: ipStr(after.src), rs: name(before.src) } };
  if (why.startsWith('IPVS DR')) {
    const m = /sent to ([\d.]+)'s MAC/.exec(why);
    return { key: 'why.dr', params: { node, rs: m ? (names.addrOwner(m[1]!) ?? m[1]!) : '?', vip: ipStr(after.dst) } };
  }
  return { key: 'why.route', params: { node } };
}

/**
 * The client end of a TCP/UDP packet (inside a tunnel too): the endpoint with the higher
 * port, since clients use ephemeral ports and services well-known ones. A heuristic, good
 * for the lab's HTTP traffic.
 */
export function clientEnd(p: Ipv4 | undefined): string | undefined {
  let q = p;
  while (q && q.l4.kind === 'ipip') q = q.l4.inner;
  if (!q || (q.l4.kind !== 'tcp' && q.l4.kind !== 'udp')) return undefined;
  const l4 = q.l4;
  return l4.sport >= l4.dport ? `${ipStr(q.src)}:${l4.sport}` : `${ipStr(q.dst)}:${l4.dport}`;
}

function ethType(t: number): string {
  if (t === 0x0800) return 'IPv4 (0x0800)';
  if (t === 0x0806) return 'ARP (0x0806)';
  return `0x${t.toString(16).padStart(4, '0')}`;
}

function protoName(p: number): string {
  const names: Record<number, string> = { 1: 'ICMP (1)', 4: 'IPIP (4)', 6: 'TCP (6)', 17: 'UDP (17)', 112: 'VRRP (112)' };
  return names[p] ?? String(p);
}
