/**
 * The Controls panel: the director's service (scheduler, flags, persistence), each real
 * server (weight, power, web service, slowness, live connection counts) and the client
 * traffic (the two-director labs' directors: panels/HaControls.svelte). Reads the lab
 * when the controller's `version` moves; every change is a LabCommand, and IPVS changes are
 * the real `ipvsadm` line, sent to the director's shell: the VRRP MASTER's when there is
 * one, else the first director's (`targetDirector`).
 */
import type { LabController } from './lab-controller.svelte';
import { destView, directorOf, editDestLine, editServiceLine, flagsFor, serviceConfig, type DestView, type SchedFlag, type ServiceConfig } from './ipvs-config';
import { topState } from './state-name';
import { haView, withShell } from './features';
import type { Lab } from '../core/lab';
import type { Kernel, TrafficStyle } from './scenario-edit';

export interface ServerView {
  name: string;
  power: string;
  service: string | undefined;
  slow: number;
  dest: DestView | undefined;
}

/** Where IPVS changes go: the VRRP MASTER, else the first director with IPVS (director1). */
export interface TargetView {
  node: string;
  master: boolean;
}

/** The VRRP MASTER if HA is loaded and one is elected, else the first node with IPVS. */
export function targetDirector(lab: Lab, master: (lab: Lab) => string | undefined = (l) => haView()?.vrrpMaster(l)): TargetView | undefined {
  const m = master(lab);
  if (m && lab.nodes.get(m)?.ipvs) return { node: m, master: true };
  const d = directorOf(lab);
  return d ? { node: d, master: false } : undefined;
}

export interface TrafficView {
  rate: number;
  running: boolean;
  clients: number;
  style: TrafficStyle;
  ok: number;
  failed: number;
}

export class Controls {
  /** Weight being dragged, per dest ip (shown until released). */
  draft: Readonly<Record<string, number>> = $state.raw({});

  constructor(private readonly ctl: LabController) {}

  get director(): string | undefined {
    return this.target?.node;
  }

  /** The director the IPVS changes are sent to. */
  get target(): TargetView | undefined {
    void this.ctl.version;
    return targetDirector(this.ctl.lab);
  }

  get service(): ServiceConfig | undefined {
    void this.ctl.version;
    const d = targetDirector(this.ctl.lab)?.node;
    const svc = d ? this.ctl.lab.nodes.get(d)?.ipvs?.services[0] : undefined;
    return svc ? serviceConfig(svc) : undefined;
  }

  get kernel(): Kernel {
    void this.ctl.version;
    return this.ctl.session.scenario.kernel;
  }

  get servers(): ServerView[] {
    void this.ctl.version;
    const lab = this.ctl.lab;
    const d = targetDirector(lab)?.node;
    const svc = d ? lab.nodes.get(d)?.ipvs?.services[0] : undefined;
    const dests = (svc?.dests ?? []).map((x) => destView(lab, x));
    const out: ServerView[] = [];
    for (const n of lab.nodes.values()) {
      if (n.kind !== 'rs') continue;
      out.push({
        name: n.name,
        power: topState(n.power?.getSnapshot().value),
        service: n.service ? topState(n.service.getSnapshot().value) : undefined,
        slow: n.web?.slowFactor ?? 1,
        dest: dests.find((x) => x.node === n.name),
      });
    }
    // Dests that are no lab node (added by hand to an unknown address) still get a row.
    for (const x of dests) if (!x.node) out.push({ name: x.ip, power: 'running', service: undefined, slow: 1, dest: x });
    return out;
  }

  get traffic(): TrafficView | undefined {
    void this.ctl.version;
    const lab = this.ctl.lab;
    const t = lab.traffic;
    const spec = this.ctl.session.scenario.traffic;
    if (!t || !spec) return undefined;
    return {
      rate: t.config.rate,
      running: t.running,
      clients: spec.clients.length,
      style: { mode: spec.mode, requestsPerSession: spec.requestsPerSession, thinkMs: spec.thinkMs },
      ok: t.stats.ok,
      failed: t.stats.failed,
    };
  }

  // ------------------------------------------------------------------ IPVS (as ipvsadm lines)

  /**
   * Sent as a `shell` command once the shell is loaded (usually it already is: features.ts);
   * the line is made then, from the service as it is by then.
   */
  private ipvsadm(lineOf: (c: ServiceConfig) => string | undefined): void {
    withShell(() => {
      const d = targetDirector(this.ctl.lab)?.node;
      const c = this.service;
      const line = c && lineOf(c);
      if (d && line) this.ctl.apply({ type: 'shell', node: d, line }, line);
    });
  }

  private editService(change: (c: ServiceConfig) => ServiceConfig): void {
    this.ipvsadm((c) => editServiceLine(change(c)));
  }

  setScheduler(sched: string): void {
    this.editService((c) => ({ ...c, sched, flags: c.flags.filter((f) => flagsFor(sched).includes(f)) }));
  }

  setFlag(flag: SchedFlag, on: boolean): void {
    this.editService((c) => ({ ...c, flags: on ? [...new Set([...c.flags, flag])] : c.flags.filter((f) => f !== flag) }));
  }

  /** Persistence timeout in seconds (undefined: off) and netmask. */
  setPersistence(timeout: number | undefined, netmask?: string): void {
    this.editService((c) => ({ ...c, persistent: timeout, netmask: netmask ?? c.netmask }));
  }

  dragWeight(ip: string, w: number): void {
    this.draft = { ...this.draft, [ip]: w };
  }

  setWeight(dest: DestView, weight: number): void {
    const { [dest.ip]: _gone, ...rest } = this.draft;
    this.draft = rest;
    if (weight === dest.weight) return;
    this.ipvsadm((c) => editDestLine(c, dest, weight));
  }

  // ------------------------------------------------------------------ lab commands

  power(node: string, on: boolean): void {
    this.ctl.apply({ type: 'power', node, on }, `lab power ${on ? 'on' : 'off'} ${node}`);
  }

  setService(node: string, state: 'running' | 'stopped' | 'hung'): void {
    const verb = state === 'running' ? 'start' : state === 'stopped' ? 'stop' : 'hang';
    this.ctl.apply({ type: 'service', node, state }, `lab service ${verb} ${node}`);
  }

  setSlow(node: string, factor: number): void {
    this.ctl.apply({ type: 'slow', node, factor }, `lab slow ${node} ${factor}`);
  }

  setRate(rate: number): void {
    if (!(rate >= 0)) return;
    this.ctl.apply({ type: 'traffic', rate }, `lab traffic rate ${rate}/s`);
  }

  setRunning(running: boolean): void {
    this.ctl.apply({ type: 'traffic', running }, `lab traffic ${running ? 'start' : 'stop'}`);
  }
}
