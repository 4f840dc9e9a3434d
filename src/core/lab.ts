/**
 * A running lab: the world (clock, randomness, trace) plus the nodes, links, services and
 * traffic built from a scenario. Everything a learner changes goes through `apply`, a
 * typed command that is validated, logged at its simulated time and then carried out —
 * so a run is reproducible from (scenario, seed, command log).
 *
 * High availability (keepalived, ldirectord, scheduled failures: src/core/ha) plugs in
 * through `useHa`, which src/core/ha/ha.ts calls when it is loaded, so a lab that does not
 * use it does not load it (the page's first screen). Building a scenario that needs it
 * (`needsHa`) without it throws.
 */
import { createActor, type Actor } from 'xstate';
import { World } from './sim/world';
import type { Micros } from './sim/engine';
import { Host } from './host/host';
import { Switch } from './net/switch';
import { Link, DEFAULT_LINK, type Port } from './net/link';
import { ip, parseCidr, parseIp, type Ip } from './net/addr';
import { WebServer } from './apps/web-server';
import { Traffic, clientAddrs } from './apps/traffic';
import { hostPowerMachine } from './machines/host-power.machine';
import { webServiceMachine } from './machines/web-service.machine';
import { simClock } from './machines/sim-clock';
import { parseDuration, validateScenario, type LabCommand, type NodeSpec, type Scenario, type ValidationResult } from './scenario/schema';
import { attachIpvs, type Ipvs } from './ipvs/ipvs';

export type NodeKind = NodeSpec['kind'];

type DaemonCommand = Extract<LabCommand, { type: 'daemon' }>;

/** What a lab needs from src/core/ha. */
export interface HaSupport {
  /** At build: the scenario's daemons start, its failures are armed. */
  attach(lab: Lab): void;
  /** A node finished booting: its enabled daemons start again. */
  boot(lab: Lab, node: string): void;
  /** A node lost power: its daemons die. */
  powerLost(lab: Lab, node: string): void;
  daemon(lab: Lab, node: string, unit: DaemonCommand['daemon'], action: DaemonCommand['action'], config?: string): { ok: true } | { ok: false; errors: string[] };
}

let ha: HaSupport | undefined;

/** Plug HA into every lab built from now on (src/core/ha/ha.ts does, when imported). */
export function useHa(support: HaSupport | undefined): void {
  ha = support;
}

export function haLoaded(): boolean {
  return ha !== undefined;
}

/** Whether a scenario needs src/core/ha: keepalived or ldirectord on a node, `failures`, `daemon` events. */
export function needsHa(s: Pick<Scenario, 'nodes' | 'failures' | 'events'>): boolean {
  return s.nodes.some((n) => n.keepalived !== undefined || n.ldirectord !== undefined) || s.failures.length > 0 || s.events.some((e) => e.cmd.type === 'daemon');
}

export interface LabNode {
  name: string;
  kind: NodeKind;
  host?: Host;
  sw?: Switch;
  web?: WebServer;
  ipvs?: Ipvs;
  power?: Actor<typeof hostPowerMachine>;
  service?: Actor<typeof webServiceMachine>;
}

export type ApplyResult = { ok: true } | { ok: false; error: string };

export class Lab {
  readonly world: World;
  readonly nodes = new Map<string, LabNode>();
  readonly links: Link[] = [];
  traffic: Traffic | undefined;
  /** Every command applied, with the simulated time it took effect. */
  readonly log: { t: Micros; cmd: LabCommand }[] = [];
  /** Run shell lines for `shell` commands; installed by the shell module when present. */
  shellRunner: ((node: string, line: string) => void) | undefined;

  private constructor(readonly scenario: Scenario) {
    this.world = new World(scenario.seed);
    this.build();
  }

  static create(input: unknown): { ok: true; lab: Lab } | Extract<ValidationResult, { ok: false }> {
    const v = validateScenario(input);
    if (!v.ok) return v;
    try {
      return { ok: true, lab: new Lab(v.scenario) };
    } catch (e) {
      return { ok: false, errors: [{ path: '$', message: e instanceof Error ? e.message : String(e) }] };
    }
  }

  /** For presets and tests: a scenario known to be valid. */
  static of(input: unknown): Lab {
    const r = Lab.create(input);
    if (!r.ok) throw new Error(r.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
    return r.lab;
  }

  get now(): Micros {
    return this.world.now;
  }

  host(name: string): Host {
    const h = this.nodes.get(name)?.host;
    if (!h) throw new Error(`no host ${name}`);
    return h;
  }

  hosts(): Host[] {
    return [...this.nodes.values()].flatMap((n) => (n.host ? [n.host] : []));
  }

  runUntil(t: Micros): void {
    this.world.engine.runUntil(t);
  }

  advance(us: Micros): void {
    this.world.engine.runUntil(this.world.now + us);
  }

  /** Nodes and cables, for drawing: a link between two node names (interfaces omitted). */
  topology(): { nodes: { id: string; kind: NodeKind }[]; links: { a: string; b: string }[] } {
    return {
      nodes: this.scenario.nodes.map((n) => ({ id: n.name, kind: n.kind })),
      links: this.scenario.links.map((l) => ({ a: l.a.split(':')[0]!, b: l.b.split(':')[0]! })),
    };
  }

  // ------------------------------------------------------------------ commands

  apply(cmd: LabCommand): ApplyResult {
    const err = this.check(cmd);
    if (err) return { ok: false, error: err };
    this.log.push({ t: this.now, cmd });
    this.execute(cmd);
    return { ok: true };
  }

  private check(cmd: LabCommand): string | undefined {
    if ('node' in cmd && !this.nodes.has(cmd.node)) return `no node named ${cmd.node}`;
    switch (cmd.type) {
      case 'power':
        return this.nodes.get(cmd.node)!.host ? undefined : `${cmd.node} cannot be powered off`;
      case 'link':
      case 'loss': {
        const h = this.nodes.get(cmd.node)!.host;
        const dev = h?.iface(cmd.iface);
        if (!dev) return `${cmd.node} has no interface ${cmd.iface}`;
        if (!dev.link) return `${cmd.node}:${cmd.iface} is not cabled`;
        return undefined;
      }
      case 'service':
      case 'slow':
        return this.nodes.get(cmd.node)!.web ? undefined : `${cmd.node} runs no web service`;
      case 'traffic':
        return this.traffic ? undefined : 'this lab has no client traffic';
      case 'shell':
        return this.shellRunner ? undefined : 'no shell in this lab';
      case 'daemon':
        if (!ha) return 'no HA support in this lab (src/core/ha is not loaded)';
        return this.nodes.get(cmd.node)!.host ? undefined : `${cmd.node} runs no daemons`;
    }
  }

  private execute(cmd: LabCommand): void {
    switch (cmd.type) {
      case 'power': {
        const n = this.nodes.get(cmd.node)!;
        n.power?.send({ type: cmd.on ? 'power on' : 'power off' });
        return;
      }
      case 'link': {
        const link = this.nodes.get(cmd.node)!.host!.iface(cmd.iface)!.link!;
        link.up = cmd.up;
        this.ctl(cmd.node, 'link', `link ${link.id} ${cmd.up ? 'up' : 'down'}`);
        return;
      }
      case 'loss': {
        const link = this.nodes.get(cmd.node)!.host!.iface(cmd.iface)!.link!;
        link.params = { ...link.params, lossPct: cmd.pct };
        this.ctl(cmd.node, 'link', `link ${link.id} loses ${cmd.pct}% of frames`);
        return;
      }
      case 'service': {
        const n = this.nodes.get(cmd.node)!;
        n.service?.send({ type: cmd.state === 'running' ? 'start' : cmd.state === 'stopped' ? 'stop' : 'hang' });
        return;
      }
      case 'slow':
        this.nodes.get(cmd.node)!.web!.slowFactor = cmd.factor;
        this.ctl(cmd.node, 'service', `service time ×${cmd.factor}`);
        return;
      case 'traffic': {
        const t = this.traffic!;
        if (cmd.rate !== undefined) t.setRate(cmd.rate);
        if (cmd.running === true) t.start();
        if (cmd.running === false) t.stop();
        return;
      }
      case 'shell':
        this.shellRunner!(cmd.node, cmd.line);
        return;
      case 'daemon': {
        const r = ha!.daemon(this, cmd.node, cmd.daemon, cmd.action, cmd.config);
        if (!r.ok) this.ctl(cmd.node, cmd.daemon, `${cmd.daemon} ${cmd.action} failed: ${r.errors.join('; ')}`);
        return;
      }
    }
  }

  private ctl(node: string, what: string, text: string): void {
    const tr = this.world.trace;
    if (tr.active) tr.emit({ type: 'ctl', t: this.now, node, what, text });
  }

  // ------------------------------------------------------------------ building

  private build(): void {
    const s = this.scenario;
    s.nodes.forEach((spec, idx) => this.buildNode(spec, idx));
    for (const l of s.links) this.buildLink(l);
    for (const spec of s.nodes) this.configureRoutes(spec);
    if (s.traffic) {
      const [dst, port] = s.traffic.target.split(':');
      this.traffic = new Traffic(this.world, {
        clients: s.traffic.clients.map((c) => this.host(c)),
        dst: ip(dst!),
        port: Number(port),
        rate: s.traffic.rate,
        mode: s.traffic.mode,
        requestsPerSession: s.traffic.requestsPerSession,
        thinkMs: s.traffic.thinkMs,
        timeoutMs: s.traffic.timeoutMs,
      });
      if (s.traffic.running) this.traffic.start();
    }
    for (const e of s.events) {
      this.world.engine.at(parseDuration(e.at), () => this.apply(e.cmd));
    }
    // keepalived / ldirectord from the scenario, and failures drawn from MTBF/MTTR (src/core/ha).
    if (ha) ha.attach(this);
    else if (needsHa(s)) throw new Error('this scenario uses keepalived, ldirectord or failures: load src/core/ha first (it registers itself with useHa)');
  }

  private buildNode(spec: NodeSpec, idx: number): void {
    if (spec.kind === 'switch') {
      this.nodes.set(spec.name, { name: spec.name, kind: spec.kind, sw: new Switch(this.world, spec.name) });
      return;
    }
    const h = new Host(this.world, spec.name);
    if (spec.modules.includes('ipip')) h.loadIpip();
    spec.ifaces.forEach((f, j) => {
      let dev = h.iface(f.name);
      if (!dev) {
        if (f.name === 'tunl0') dev = h.loadIpip();
        else dev = h.addIface(f.name, 'ether', f.mac ?? autoMac(idx, j), f.mtu ?? 1500);
      } else if (f.mtu) dev.mtu = f.mtu;
      for (const a of f.addrs) {
        const text = typeof a === 'string' ? a : a.addr;
        const c = parseCidr(text)!;
        const label = typeof a === 'string' ? f.name : (a.label ?? f.name);
        const r = h.addAddr(f.name, c.addr, c.len, label);
        if (r === 'exists') throw new Error(`${spec.name}:${f.name}: address ${text} given twice`);
      }
      h.setLinkUp(f.name, f.up);
    });
    const node: LabNode = { name: spec.name, kind: spec.kind, host: h };
    if (spec.ipvs) {
      // Before the sysctls: loading IPVS is what creates net.ipv4.vs.*.
      node.ipvs = attachIpvs(h, spec.ipvs, this.scenario.kernel);
      for (const m of spec.fwmarks) {
        node.ipvs.markRules.push({ mark: m.mark, ...(m.dst ? { dst: parseCidr(m.dst)! } : {}), ...(m.proto ? { proto: m.proto } : {}), ...(m.ports ? { ports: m.ports } : {}) });
      }
    }
    for (const [key, value] of Object.entries(spec.sysctl)) {
      const e = h.sysctl.set(key, value);
      if (e === 'no-such-key') throw new Error(`${spec.name}: unknown sysctl ${key}`);
      if (e) throw new Error(`${spec.name}: invalid value ${value} for ${key}`);
    }
    if (spec.web) {
      const web = new WebServer(h, { port: spec.web.port, workers: spec.web.workers, serviceTime: spec.web.serviceTime, ...(spec.web.body !== undefined ? { body: spec.web.body } : {}) }, () => clientAddrs(h)[0]);
      node.web = web;
      node.service = createActor(
        webServiceMachine.provide({
          actions: {
            listen: () => web.start(),
            'close listener': () => web.stop(),
            freeze: () => web.hang(),
            'lose process': () => web.crash(),
          },
        }),
        { input: { running: spec.web.running }, clock: simClock(this.world.engine) },
      );
      node.service.subscribe((snap) => this.ctl(spec.name, 'service', `nginx ${String(snap.value)}`));
      node.service.start();
    }
    node.power = createActor(
      hostPowerMachine.provide({
        actions: {
          'cut power': () => {
            // The daemons die without a word; the kernel's sync daemons go with them.
            ha?.powerLost(this, spec.name);
            const ipvs = node.ipvs;
            if (ipvs?.syncDaemons.master) delete ipvs.syncDaemons.master;
            if (ipvs?.syncDaemons.backup) delete ipvs.syncDaemons.backup;
            h.powerOff();
            node.service?.send({ type: 'crash' });
            node.ipvs?.powerLost();
          },
          'network up': () => {
            h.powerOn();
            node.service?.send({ type: 'boot' });
            ha?.boot(this, spec.name);
          },
        },
      }),
      { clock: simClock(this.world.engine) },
    );
    node.power.subscribe((snap) => this.ctl(spec.name, 'power', `${spec.name} ${String(snap.value)}`));
    node.power.start();
    this.nodes.set(spec.name, node);
  }

  private port(ref: string): Port {
    const [node, dev] = ref.split(':') as [string, string];
    const n = this.nodes.get(node)!;
    if (n.sw) return n.sw.port(dev);
    return n.host!.iface(dev)!;
  }

  private buildLink(l: Scenario['links'][number]): void {
    const a = this.port(l.a);
    const b = this.port(l.b);
    const link = new Link(this.world, `${l.a}-${l.b}`, a, b, {
      latency: l.latency !== undefined ? parseDuration(l.latency) : DEFAULT_LINK.latency,
      bandwidth: l.bandwidthMbps !== undefined ? l.bandwidthMbps * 1e6 : DEFAULT_LINK.bandwidth,
      lossPct: l.lossPct ?? 0,
    });
    this.links.push(link);
  }

  private configureRoutes(spec: NodeSpec): void {
    const h = this.nodes.get(spec.name)?.host;
    if (!h) return;
    for (const r of spec.routes) {
      const dst = r.dst === 'default' ? { addr: 0, len: 0 } : parseCidr(r.dst)!;
      const via = r.via !== undefined ? parseIp(r.via) : undefined;
      let dev = r.dev !== undefined ? h.iface(r.dev) : undefined;
      if (!dev && via !== undefined) dev = h.routes.lookup(via)?.dev;
      if (!dev) throw new Error(`${spec.name}: route ${r.dst}: gateway ${r.via ?? '?'} is not on a connected network`);
      const ok = h.routes.add({
        dst: dst.addr,
        len: dst.len,
        dev,
        proto: 'boot',
        scope: via === undefined ? 'link' : 'global',
        metric: r.metric ?? 0,
        ...(via !== undefined ? { via } : {}),
        ...(r.src !== undefined ? { src: ip(r.src) } : {}),
      });
      if (!ok) throw new Error(`${spec.name}: route ${r.dst} given twice`);
    }
  }
}

/** Locally administered, deterministic: 52:54:00 (QEMU's prefix, as in the references) + node + iface. */
function autoMac(node: number, dev: number): string {
  const h = (n: number) => (n & 255).toString(16).padStart(2, '0');
  return `52:54:00:${h(node >> 8)}:${h(node)}:${h(0x80 + dev)}`;
}

export type { Ip };
