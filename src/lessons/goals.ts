/**
 * Checking a step's goal. A GoalWatcher starts when a step starts and collects what the
 * goal can ask about — packets seen, connections received, requests answered, commands
 * typed with their output — then `met()` evaluates the goal's tree on that evidence and
 * on the lab's current state (read-only probes). Nothing in a goal is executed as code.
 */
import type { Lab } from '../core/lab';
import type { Frame, Ipv4 } from '../core/net/packet';
import { ipStr } from '../core/net/addr';
import { tcpFlagsText } from '../core/sim/trace-json';
import type { TraceEvent } from '../core/sim/trace';
import type { HttpResult } from '../core/apps/http-client';
import type { Host } from '../core/host/host';
import { Shell } from '../core/shell/shell';
import { daemonStatus } from '../core/ha/ha';
import { parseDuration } from '../core/scenario/schema';
import type { Goal } from './schema';

/** Commands a probe may run: they only read state and take no simulated time. */
const READ_ONLY = [
  /^ipvsadm (-[lL][a-zA-Z]*|--list|-S[a-zA-Z]*|--save)\b/,
  /^ipvsadm-save\b/,
  /^ip (-[46s] )*(a|addr|address|r|route|n|neigh|neighbour|l|link|tunnel)( show\b.*)?$/,
  /^ip (-[46s] )*(a|addr|address|r|route|n|neigh|l|link) show\b/,
  /^sysctl (-n )?[a-z0-9_.]+$/,
  /^cat \/proc\/[a-z0-9_/.]+$/,
  /^arp -n\b/,
  /^hostname$/,
  /^systemctl status \S+$/,
];

/** Filters a probe may pipe into: they only transform text. */
const FILTER = /^(grep|head|tail|wc|sort|uniq|cut)( [^|]*)?$/;

/**
 * A probe is one read-only command, optionally piped through text filters. No `;`, `&&`,
 * redirections, substitutions or background jobs: those could change the lab.
 */
export function isReadOnly(command: string): boolean {
  const line = command.trim();
  if (/[;&<>`$\n]/.test(line)) return false;
  const [first, ...filters] = line.split('|').map((p) => p.trim());
  if (first === undefined || !READ_ONLY.some((re) => re.test(first))) return false;
  return filters.every((f) => FILTER.test(f));
}

interface Typed {
  node: string;
  line: string;
  output: string;
}

export class GoalWatcher {
  private typed: Typed[] = [];
  private packets: { node: string; dev: string; dir: 'rx' | 'tx'; frame: Frame }[] = [];
  private synsTo = new Map<string, number>();
  private drops: { node: string; reason: string }[] = [];
  private results: { client: string; r: HttpResult; t: number }[] = [];
  /** handover: per connection (client end and virtual service), the directors whose IPVS forwarded it, first one first. */
  private forwarders = new Map<string, string[]>();
  private unsubs: (() => void)[] = [];
  private probeShells = new Map<string, Shell>();

  constructor(
    private readonly lab: Lab,
    private readonly goal: Goal,
  ) {
    const needsPackets = mentions(goal, 'packet');
    const needsForwards = mentions(goal, 'handover');
    this.unsubs.push(
      lab.world.trace.subscribe((ev) => this.see(ev, needsPackets, needsForwards)),
      lab.traffic?.onRequest((r, client: Host) => this.results.push({ client: client.name, r, t: lab.now })) ?? (() => {}),
    );
  }

  stop(): void {
    for (const u of this.unsubs) u();
    this.unsubs = [];
  }

  /** A line the learner typed on `node` and what it printed. */
  typedLine(node: string, line: string, output: string): void {
    this.typed.push({ node, line: line.trim(), output });
  }

  /** The HTTP result of a curl or of client traffic, if the caller tracks those itself. */
  request(client: string, r: HttpResult): void {
    this.results.push({ client, r, t: this.lab.now });
  }

  met(): boolean {
    return this.check(this.goal);
  }

  private see(ev: TraceEvent, keepPackets: boolean, keepForwards: boolean): void {
    switch (ev.type) {
      case 'ip.forward':
        if (keepForwards) this.forwarded(ev.node, ev.before, ev.after, ev.why);
        return;
      case 'dev.rx':
      case 'dev.tx':
        if (keepPackets && this.packets.length < 100_000) this.packets.push({ node: ev.node, dev: ev.dev, dir: ev.type === 'dev.rx' ? 'rx' : 'tx', frame: ev.frame });
        return;
      case 'ip.deliver': {
        const l4 = ev.ip.l4;
        if (l4.kind === 'tcp' && (l4.flags & 0x12) === 0x02) {
          const k = `${ev.node}:${l4.dport}`;
          this.synsTo.set(k, (this.synsTo.get(k) ?? 0) + 1);
          this.synsTo.set(`${ev.node}:*`, (this.synsTo.get(`${ev.node}:*`) ?? 0) + 1);
        }
        return;
      }
      case 'drop':
        if (this.drops.length < 100_000) this.drops.push({ node: ev.node, reason: ev.reason });
        return;
      default:
        return;
    }
  }

  private check(g: Goal): boolean {
    if ('all' in g) return g.all.every((x) => this.check(x));
    if ('any' in g) return g.any.some((x) => this.check(x));
    if ('not' in g) return !this.check(g.not);
    if ('ran' in g) {
      const want = g.ran;
      return this.typed.some((t) => (!want.node || t.node === want.node) && t.line.startsWith(want.command) && textOk(t.output, want));
    }
    if ('probe' in g) return textOk(this.probe(g.probe.node, g.probe.command), g.probe);
    if ('connections' in g) {
      const c = g.connections;
      return countOk(this.synsTo.get(`${c.node}:${c.port ?? '*'}`) ?? 0, c);
    }
    if ('requests' in g) {
      const q = g.requests;
      const since = q.window === undefined ? -Infinity : this.lab.now - parseDuration(q.window);
      const mine = this.results.filter((x) => (!q.client || x.client === q.client) && x.t >= since);
      const ok = mine.filter((x) => x.r.ok);
      const served = ok.filter((x) => !q.server || serverOf(x.r) === q.server);
      if (q.ok && !countOk(served.length, q.ok)) return false;
      if (q.failed && !countOk(mine.length - ok.length, q.failed)) return false;
      if (q.servers && !countOk(new Set(ok.map((x) => serverOf(x.r))).size, q.servers)) return false;
      return q.ok !== undefined || q.failed !== undefined || q.servers !== undefined || served.length > 0;
    }
    if ('sticky' in g) {
      const mine = this.results.filter((x) => x.client === g.sticky.client && x.r.ok);
      return mine.length >= (g.sticky.atLeast ?? 3) && new Set(mine.map((x) => serverOf(x.r))).size === 1;
    }
    if ('packet' in g) {
      const p = g.packet;
      return this.packets.some((x) => x.node === p.node && (!p.iface || x.dev === p.iface) && (!p.dir || x.dir === p.dir) && Object.entries(p.where).every(([f, val]) => String(fieldOf(x.frame, f)) === String(val)));
    }
    if ('drop' in g) return this.drops.some((d) => (!g.drop.node || d.node === g.drop.node) && (!g.drop.reason || d.reason === g.drop.reason));
    if ('state' in g) {
      const { node, machine, is } = g.state;
      const n = this.lab.nodes.get(node);
      if (machine === 'power' || machine === 'service') {
        const actor = machine === 'power' ? n?.power : n?.service;
        return actor !== undefined && String(actor.getSnapshot().value) === is;
      }
      if (!n?.host) return false;
      const st = daemonStatus(this.lab, node, machine === 'ldirectord' ? 'ldirectord' : 'keepalived');
      if (machine !== 'vrrp') return (st.active ? 'running' : 'stopped') === is;
      // keepalived's VRRP instances, as "(VI_1) MASTER priority 150": every one in that state.
      const states = st.active ? st.detail.map((d) => /^\(\S+\) (\S+)/.exec(d)?.[1]) : [];
      return states.length > 0 && states.every((s) => s === is);
    }
    if ('handover' in g) {
      const h = g.handover;
      let n = 0;
      for (const fw of this.forwarders.values()) if (fw[0] === h.from && fw.includes(h.to)) n++;
      return countOk(n, { atLeast: h.atLeast ?? 1, ...(h.atMost !== undefined ? { atMost: h.atMost } : {}) });
    }
    return false;
  }

  /**
   * An IPVS forwarding (client → real server, or a NAT reply): remember which directors
   * carried the connection. A new SYN starts the connection's record afresh.
   */
  private forwarded(node: string, before: Ipv4, after: Ipv4, why: string): void {
    if (!why.startsWith('IPVS ')) return;
    const l4 = before.l4;
    if (l4.kind !== 'tcp' && l4.kind !== 'udp') return;
    const reply = why.startsWith('IPVS NAT reply');
    const a = after.l4;
    if (reply && a.kind !== l4.kind) return;
    const key = reply && (a.kind === 'tcp' || a.kind === 'udp') ? `${l4.kind} ${ipStr(after.dst)}:${a.dport} ${ipStr(after.src)}:${a.sport}` : `${l4.kind} ${ipStr(before.src)}:${l4.sport} ${ipStr(before.dst)}:${l4.dport}`;
    const fresh = !reply && l4.kind === 'tcp' && (l4.flags & 0x12) === 0x02;
    const fw = fresh ? undefined : this.forwarders.get(key);
    if (!fw) {
      if (this.forwarders.size < 200_000) this.forwarders.set(key, [node]);
    } else if (!fw.includes(node)) fw.push(node);
  }

  /** Run a read-only command on a node through a private shell (never logged). */
  private probe(node: string, command: string): string {
    if (!isReadOnly(command)) return '';
    if (!this.lab.nodes.get(node)?.host) return '';
    let sh = this.probeShells.get(node);
    if (!sh) {
      const keep = this.lab.shellRunner;
      sh = new Shell(this.lab, { node });
      this.lab.shellRunner = keep; // the learner's shell stays the one scenario events use
      this.probeShells.set(node, sh);
    }
    return sh.run(command).output;
  }
}

function mentions(g: Goal, kind: string): boolean {
  if ('all' in g) return g.all.some((x) => mentions(x, kind));
  if ('any' in g) return g.any.some((x) => mentions(x, kind));
  if ('not' in g) return mentions(g.not, kind);
  return kind in g;
}

function textOk(out: string, w: { contains?: string; notContains?: string; matches?: string; equals?: string }): boolean {
  if (w.contains !== undefined && !out.includes(w.contains)) return false;
  if (w.notContains !== undefined && out.includes(w.notContains)) return false;
  if (w.equals !== undefined && out.trim() !== w.equals.trim()) return false;
  if (w.matches !== undefined && !new RegExp(w.matches, 'm').test(out)) return false;
  return true;
}

function countOk(n: number, c: { atLeast?: number; atMost?: number }): boolean {
  return (c.atLeast === undefined || n >= c.atLeast) && (c.atMost === undefined || n <= c.atMost);
}

function serverOf(r: HttpResult): string {
  return (r.body ?? '').split(' ')[0] ?? '';
}

/** The value of a named header field of a frame, as a learner would write it. */
export function fieldOf(f: Frame, field: string): string | number | undefined {
  const ip = f.ip;
  const l4 = ip?.l4;
  switch (field) {
    case 'eth.src':
      return f.src;
    case 'eth.dst':
      return f.dst;
    case 'ip.src':
      return ip && ipStr(ip.src);
    case 'ip.dst':
      return ip && ipStr(ip.dst);
    case 'ip.proto':
      return ip?.proto;
    case 'ip.ttl':
      return ip?.ttl;
    case 'inner.src':
      return l4?.kind === 'ipip' ? ipStr(l4.inner.src) : undefined;
    case 'inner.dst':
      return l4?.kind === 'ipip' ? ipStr(l4.inner.dst) : undefined;
    case 'tcp.sport':
      return l4?.kind === 'tcp' ? l4.sport : undefined;
    case 'tcp.dport':
      return l4?.kind === 'tcp' ? l4.dport : undefined;
    case 'tcp.flags':
      return l4?.kind === 'tcp' ? tcpFlagsText(l4.flags) : undefined;
    case 'udp.dport':
      return l4?.kind === 'udp' ? l4.dport : undefined;
    case 'icmp.type':
      return l4?.kind === 'icmp' ? l4.type : undefined;
    case 'icmp.code':
      return l4?.kind === 'icmp' ? l4.code : undefined;
    case 'arp.op':
      return f.arp?.op;
    case 'arp.spa':
      return f.arp && ipStr(f.arp.spa);
    case 'arp.tpa':
      return f.arp && ipStr(f.arp.tpa);
    default:
      return undefined;
  }
}
