/**
 * Shared helpers for the IPVS behaviour tests: build a lab from a preset (traffic off),
 * record the trace, run one HTTP request, send hand-made segments, and print frames and
 * conn entries in a compact, comparable form.
 */
import { Lab } from '../../../src/core/lab';
import { drPreset, natPreset, tunPreset } from '../../../src/core/scenario/presets';
import type { ScenarioInput } from '../../../src/core/scenario/schema';
import { httpGet, type HttpResult } from '../../../src/core/apps/http-client';
import { ip, ipStr } from '../../../src/core/net/addr';
import { makeIp, type Frame, type Ipv4, type L4, type Tcp, type Udp } from '../../../src/core/net/packet';
import type { TraceEvent } from '../../../src/core/sim/trace';
import type { Ipvs } from '../../../src/core/ipvs/ipvs';
import { stateName } from '../../../src/core/ipvs/ipvs';
import type { Conn } from '../../../src/core/ipvs/conn';
import type { Host } from '../../../src/core/host/host';

export const SEC = 1_000_000;
export const MS = 1_000;

/**
 * Let the clock pass icmp_ratelimit (1 s) before a test that expects an ICMP error: the
 * host's IcmpLimiter starts each peer with an empty bucket at t=0 (Linux starts jiffies at
 * −300 s, so a new peer's bucket is full). Host bug, reported; not ours to fix here.
 */
export const SETTLE = 1_100_000;

export const PRESET = { nat: natPreset, dr: drPreset, tun: tunPreset } as const;
export type Mode = keyof typeof PRESET;
export const VIP: Record<Mode, string> = { nat: '172.16.0.100', dr: '192.168.10.100', tun: '192.168.10.100' };

type Node = ScenarioInput['nodes'][number];
type SvcIn = NonNullable<NonNullable<Node['ipvs']>['services']>[number];

/** A preset without client traffic, changed by `edit` before the lab is built. */
export function scenario(mode: Mode, edit?: (s: ScenarioInput) => void): ScenarioInput {
  const s = structuredClone(PRESET[mode]());
  delete s.traffic;
  edit?.(s);
  return s;
}

export function node(s: ScenarioInput, name: string): Node {
  const n = s.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no node ${name}`);
  return n;
}

export function service(s: ScenarioInput, i = 0): SvcIn {
  const svc = node(s, 'director').ipvs?.services?.[i];
  if (!svc) throw new Error('no service');
  return svc;
}

export interface TestLab {
  lab: Lab;
  ipvs: Ipvs;
  events: TraceEvent[];
  host(name: string): Host;
}

export function build(mode: Mode, edit?: (s: ScenarioInput) => void): TestLab {
  const lab = Lab.of(scenario(mode, edit));
  const events: TraceEvent[] = [];
  lab.world.trace.subscribe((e) => events.push(e));
  return { lab, ipvs: lab.nodes.get('director')!.ipvs!, events, host: (n) => lab.host(n) };
}

/** Start one curl-like GET; the result object fills in when it completes. */
export function get(t: TestLab, client: string, dst: string, port = 80, deadlineUs?: number): { r?: HttpResult } {
  const box: { r?: HttpResult } = {};
  httpGet(t.host(client), { dst: ip(dst), port, ...(deadlineUs ? { deadlineUs } : {}) }, (r) => (box.r = r));
  return box;
}

/** Run one GET to completion (advancing `us`), and return its result. */
export function curl(t: TestLab, client: string, dst: string, port = 80, us = 2 * SEC): HttpResult {
  const box = get(t, client, dst, port);
  t.lab.advance(us);
  if (!box.r) throw new Error('request did not finish');
  return box.r;
}

// ------------------------------------------------------------------ hand-made packets

export const F = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

export function tcp(sport: number, dport: number, flags: number, plen = 0, seq = 1000): Tcp {
  return { kind: 'tcp', sport, dport, seq, ack: 0, flags, win: 64240, plen };
}

export function udp(sport: number, dport: number, plen = 100): Udp {
  return { kind: 'udp', sport, dport, plen };
}

/** host.output of a hand-made packet. */
export function send(h: Host, src: string, dst: string, l4: L4, extra: { ttl?: number; df?: boolean; tos?: number } = {}): Ipv4 {
  const p = makeIp({ src: ip(src), dst: ip(dst), l4, id: h.nextIpId(), ...extra });
  h.output(p);
  return p;
}

// ------------------------------------------------------------------ reading the trace

const FLAG_NAMES: [number, string][] = [
  [F.SYN, 'S'],
  [F.FIN, 'F'],
  [F.RST, 'R'],
  [F.PSH, 'P'],
  [F.ACK, '.'],
];

export function flagStr(f: number): string {
  return FLAG_NAMES.filter(([b]) => f & b)
    .map(([, s]) => s)
    .join('');
}

/** `a.b.c.d:p > e.f.g.h:q` with TTL/DF, recursing into IP-in-IP. */
export function pktStr(p: Ipv4): string {
  const l = p.l4;
  const ports = l.kind === 'tcp' || l.kind === 'udp' ? [`:${l.sport}`, `:${l.dport}`] : ['', ''];
  let rest = '';
  if (l.kind === 'tcp') rest = ` tcp [${flagStr(l.flags)}]`;
  else if (l.kind === 'udp') rest = ' udp';
  else if (l.kind === 'icmp') rest = ` icmp ${l.type}/${l.code}${'mtu' in l && l.mtu !== undefined ? ` mtu ${l.mtu}` : ''}`;
  else if (l.kind === 'ipip') rest = ` ipip { ${pktStr(l.inner)} }`;
  return `${ipStr(p.src)}${ports[0]} > ${ipStr(p.dst)}${ports[1]} ttl ${p.ttl}${p.df ? ' DF' : ''}${rest}`;
}

export interface Hop {
  t: number;
  link: string;
  smac: string;
  dmac: string;
  ip: Ipv4;
  frame: Frame;
}

/** Every IP frame put on a link, in order. */
export function hops(events: TraceEvent[], pred: (p: Ipv4) => boolean = () => true): Hop[] {
  const out: Hop[] = [];
  for (const e of events) {
    if (e.type !== 'link.tx' || !e.frame.ip) continue;
    if (!pred(e.frame.ip)) continue;
    out.push({ t: e.t, link: `${e.from} -> ${e.to}`, smac: e.frame.src, dmac: e.frame.dst, ip: e.frame.ip, frame: e.frame });
  }
  return out;
}

/** One line per hop: link, MACs, then the IP packet. */
export function hopLines(h: Hop[]): string[] {
  return h.map((x) => `${x.link} | ${x.smac} > ${x.dmac} | ${pktStr(x.ip)}`);
}

/** The TCP packet, looking through IP-in-IP. */
export function innerTcp(p: Ipv4): { ip: Ipv4; tcp: Tcp } | undefined {
  const inner = p.l4.kind === 'ipip' ? p.l4.inner : p;
  return inner.l4.kind === 'tcp' ? { ip: inner, tcp: inner.l4 } : undefined;
}

export function drops(events: TraceEvent[], node?: string): Extract<TraceEvent, { type: 'drop' }>[] {
  return events.filter((e): e is Extract<TraceEvent, { type: 'drop' }> => e.type === 'drop' && (node === undefined || e.node === node));
}

// ------------------------------------------------------------------ conn entries

/** `ipvsadm -Lnc`-like line: proto state expires(s, rounded up) client virtual dest. */
export function connLine(ipvs: Ipvs, c: Conn): string {
  const exp = Math.ceil(ipvs.remaining(c) / SEC);
  const proto = c.proto.toUpperCase();
  return `${proto} ${stateName(c)} ${exp} ${ipStr(c.caddr)}:${c.cport} ${ipStr(c.vaddr)}:${c.vport} ${ipStr(c.daddr)}:${c.dport}`;
}

export function conns(ipvs: Ipvs, templates = false): Conn[] {
  return [...ipvs.conns.all].filter((c) => c.isTemplate === templates);
}

export function only<T>(xs: T[]): T {
  if (xs.length !== 1) throw new Error(`expected exactly one, got ${xs.length}`);
  return xs[0]!;
}

export { ip, ipStr };

// ------------------------------------------------------------------ the director alone

/**
 * Make the director a closed box: everything it transmits is dropped at POSTROUTING, so
 * packets injected with `inject` are seen by IPVS exactly once and nobody answers.
 */
export function isolate(t: TestLab): void {
  t.host('director').hooks.add('postrouting', 1000, () => null);
}

export const CIP = '203.0.113.10';

/**
 * A segment as it reaches the director: 'in' = client → VIP:vport on the outside NIC,
 * 'out' = real server → client on the inside NIC (through FORWARD: NAT replies).
 */
export function inject(t: TestLab, dir: 'in' | 'out', flags: number, o: { cport?: number; caddr?: string; vip?: string; vport?: number; rip?: string; rport?: number; plen?: number } = {}): void {
  const d = t.host('director');
  const caddr = o.caddr ?? CIP;
  const cport = o.cport ?? 40000;
  if (dir === 'in') {
    const vip = o.vip ?? (d.iface('eth1') ? '172.16.0.100' : '192.168.10.100');
    d.ipReceive(d.iface('eth0')!, makeIp({ src: ip(caddr), dst: ip(vip), l4: tcp(cport, o.vport ?? 80, flags, o.plen ?? 0), id: 1 }));
  } else {
    d.ipReceive(d.iface('eth1')!, makeIp({ src: ip(o.rip ?? '192.168.10.13'), dst: ip(caddr), l4: tcp(o.rport ?? 80, cport, flags, o.plen ?? 0), id: 1 }));
  }
}

/** The packet quoted inside an ICMP error, or undefined. */
export function embedded(p: Ipv4): Ipv4 | undefined {
  return p.l4.kind === 'icmp' && 'orig' in p.l4 ? p.l4.orig : undefined;
}
