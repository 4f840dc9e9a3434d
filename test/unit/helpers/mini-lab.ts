/**
 * Tiny topologies for behaviour tests: build a lab from a few nodes and links, record
 * every trace event, and drive it with the tools a learner would use (ping, arping).
 * Assertions then read what a capture would show: who answered, what arrived where, why
 * a packet died.
 */
import { Lab } from '../../../src/core/lab';
import type { Host } from '../../../src/core/host/host';
import type { Iface } from '../../../src/core/host/iface';
import { BROADCAST_MAC, ip, ipStr } from '../../../src/core/net/addr';
import { arpFrame, makeIp, type Arp, type Frame, type Icmp, type Ipv4 } from '../../../src/core/net/packet';
import type { ScenarioInput } from '../../../src/core/scenario/schema';
import type { DropReason, TraceEvent } from '../../../src/core/sim/trace';

export type NodeIn = ScenarioInput['nodes'][number];
export type LinkIn = NonNullable<ScenarioInput['links']>[number];

export const MS = 1_000;
export const SEC = 1_000_000;

/** Every trace event of a lab, from the moment it was built. */
export class Recorder {
  readonly events: TraceEvent[] = [];
  constructor(readonly lab: Lab) {
    lab.world.trace.subscribe((e) => this.events.push(e));
  }

  /** Drops, optionally only on `node` and/or for `reason`. */
  drops(node?: string, reason?: DropReason): Extract<TraceEvent, { type: 'drop' }>[] {
    return this.events.filter((e): e is Extract<TraceEvent, { type: 'drop' }> => e.type === 'drop' && (node === undefined || e.node === node) && (reason === undefined || e.reason === reason));
  }

  /** Frames a device saw, like `tcpdump -i DEV` (dir 'rx', 'tx' or both), from time `since`. */
  frames(node: string, dev?: string, dir: 'rx' | 'tx' | 'both' = 'both', since = 0): Frame[] {
    const out: Frame[] = [];
    for (const e of this.events) {
      if (e.type !== 'dev.rx' && e.type !== 'dev.tx') continue;
      if ((dir === 'rx' && e.type !== 'dev.rx') || (dir === 'tx' && e.type !== 'dev.tx')) continue;
      if (e.node === node && (dev === undefined || e.dev === dev) && e.t >= since) out.push(e.frame);
    }
    return out;
  }

  /** ARP packets a device saw (`tcpdump -n -i DEV arp`). */
  arp(node: string, dev: string, dir: 'rx' | 'tx' | 'both' = 'both', since = 0): (Arp & { dstMac: string })[] {
    return this.frames(node, dev, dir, since).flatMap((f) => (f.arp ? [{ ...f.arp, dstMac: f.dst }] : []));
  }

  /** IP packets a device saw. */
  ip(node: string, dev?: string, dir: 'rx' | 'tx' | 'both' = 'both', since = 0): Ipv4[] {
    return this.frames(node, dev, dir, since).flatMap((f) => (f.ip ? [f.ip] : []));
  }

  /** ARP replies that arrived at `node` on `dev` since `since`: "Unicast reply from IP [MAC]". */
  arpRepliesTo(node: string, dev: string, since = 0): { ip: string; mac: string }[] {
    return this.arp(node, dev, 'rx', since)
      .filter((a) => a.op === 'reply')
      .map((a) => ({ ip: ipStr(a.spa), mac: a.sha }));
  }

  ctl(node: string, what: string): Extract<TraceEvent, { type: 'ctl' }>[] {
    return this.events.filter((e): e is Extract<TraceEvent, { type: 'ctl' }> => e.type === 'ctl' && e.node === node && e.what === what);
  }
}

/** Build a lab from nodes and links (validated like any scenario) and record its trace. */
export function miniLab(nodes: NodeIn[], links: LinkIn[] = [], extra: Omit<Partial<ScenarioInput>, 'nodes' | 'links'> = {}): { lab: Lab; rec: Recorder } {
  const lab = Lab.of({ name: 'mini', seed: 7, ...extra, nodes, links });
  return { lab, rec: new Recorder(lab) };
}

export interface PingOpts {
  src?: string;
  ttl?: number;
  /** ping -s: ICMP data bytes (default 56, so the IP packet is 84 bytes). */
  size?: number;
  /** ping -M do (default) / -M dont. */
  df?: boolean;
  seq?: number;
}

export interface PingResult {
  /** false: no route at all ("connect: Network is unreachable"). */
  sent: boolean;
  /** Echo replies received ("64 bytes from ..."). */
  replies: Ipv4[];
  /** ICMP errors about our echo request ("From X icmp_seq=1 Destination Host Unreachable"). */
  errors: { from: string; type: number; code: number; mtu?: number; ip: Ipv4 }[];
}

let pingIds = 0x1000;

/** One ICMP echo request from `h` to `dst`, as `ping -c 1 [-I src] [-t ttl] [-s size]`. Results fill in as the lab runs. */
export function ping(h: Host, dst: string, o: PingOpts = {}): PingResult {
  const id = pingIds++;
  const seq = o.seq ?? 1;
  const d = ip(dst);
  const src = o.src !== undefined ? ip(o.src) : h.sourceFor(d);
  const r: PingResult = { sent: false, replies: [], errors: [] };
  h.icmpListeners.add((pkt: Ipv4, icmp: Icmp) => {
    if ((icmp.type === 0) && icmp.echoId === id && icmp.echoSeq === seq) r.replies.push(pkt);
    if ((icmp.type === 3 || icmp.type === 11) && icmp.orig.l4.kind === 'icmp' && icmp.orig.l4.type === 8 && icmp.orig.l4.echoId === id) {
      r.errors.push({ from: ipStr(pkt.src), type: icmp.type, code: icmp.code, ...(icmp.mtu !== undefined ? { mtu: icmp.mtu } : {}), ip: pkt });
    }
  });
  if (src === undefined) return r;
  r.sent = h.output(makeIp({ src, dst: d, ttl: o.ttl ?? 64, df: o.df ?? true, id: h.nextIpId(), l4: { kind: 'icmp', type: 8, code: 0, echoId: id, echoSeq: seq, plen: o.size ?? 56 } }));
  return r;
}

/** `arping -c 1 -I DEV target`: a broadcast request from DEV's primary address (target MAC written as ff:ff:...). */
export function arping(h: Host, devName: string, target: string): void {
  const dev = h.iface(devName) as Iface;
  const tpa = ip(target);
  const spa = h.selectAddr(dev, tpa) ?? 0;
  h.xmitFrame(dev, arpFrame(dev.mac, BROADCAST_MAC, { op: 'request', sha: dev.mac, spa, tha: BROADCAST_MAC, tpa }));
}

/** The neighbour entry as `ip neigh show IP dev DEV` would print its parts. */
export function neigh(h: Host, devName: string, addr: string): { state: string; mac: string | undefined } | undefined {
  const dev = h.iface(devName);
  if (!dev) return undefined;
  const n = h.neigh.get(dev, ip(addr));
  return n ? { state: n.state, mac: n.mac } : undefined;
}
