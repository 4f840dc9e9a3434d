/**
 * The Statecharts panel's state: every node's power machine and every web server's
 * service machine and, on directors running keepalived (HA loaded: features.ts), each VRRP
 * instance and health checker machine, each drawn small (statechart-model.ts) with the
 * current state lit and the last transition remembered so it can flash. An HA machine that
 * goes away (keepalived stopped, its director powered off) stays on the panel, not
 * running, until its daemon starts it again.
 */
import type { LabController } from './lab-controller.svelte';
import type { Lab } from '../core/lab';
import { hostPowerMachine } from '../core/machines/host-power.machine';
import { webServiceMachine } from '../core/machines/web-service.machine';
import { vrrpInstanceMachine } from '../core/machines/vrrp-instance.machine';
import { checkerMachine } from '../core/machines/checker.machine';
import { layoutChart, topState, type Chart } from './statechart-model';
import { haView } from './features';
import type { HaMachineState } from './ha-view';

type Config = { states?: Record<string, unknown> };
export const POWER_CHART: Chart = layoutChart(hostPowerMachine.config as Config, 240, 110);
export const SERVICE_CHART: Chart = layoutChart(webServiceMachine.config as Config, 260, 150);
export const VRRP_CHART: Chart = layoutChart(vrrpInstanceMachine.config as Config, 280, 150);
export const CHECKER_CHART: Chart = layoutChart(checkerMachine.config as Config, 240, 110);

export type MachineKind = 'power' | 'service' | 'vrrp' | 'checker';

const CHARTS: Record<MachineKind, Chart> = { power: POWER_CHART, service: SERVICE_CHART, vrrp: VRRP_CHART, checker: CHECKER_CHART };

export interface MachineView {
  key: string;
  node: string;
  machine: MachineKind;
  /** The VRRP instance, or the real server a checker checks. */
  name?: string;
  chart: Chart;
  /** Undefined: the machine is not running now (its keepalived is gone). */
  current: string | undefined;
  /** The latest transition seen, with a counter that changes on every transition. */
  last: { from: string; to: string; n: number } | undefined;
}

/** The live HA machines of a lab (HA's view, when loaded). */
export type HaSource = (lab: Lab) => readonly HaMachineState[];

/**
 * What the panel remembers of a lab, kept with the lab (not the panel, which is remounted
 * when its tab is opened again): each machine's state when last drawn, its last transition,
 * and the HA machines seen, in first-seen order, kept when they stop.
 */
interface Memory {
  seen: Map<string, { state: string | undefined; last: MachineView['last'] }>;
  haKnown: Map<string, Omit<HaMachineState, 'state'>>;
}
const memories = new WeakMap<Lab, Memory>();
let counter = 0;

export class Statecharts {
  constructor(
    private readonly ctl: Pick<LabController, 'version' | 'lab'>,
    private readonly ha: HaSource = (lab) => haView()?.haMachines(lab) ?? [],
  ) {}

  get machines(): MachineView[] {
    void this.ctl.version;
    const lab = this.ctl.lab;
    let mem = memories.get(lab);
    if (!mem) memories.set(lab, (mem = { seen: new Map(), haKnown: new Map() }));
    const out: MachineView[] = [];
    for (const n of lab.nodes.values()) {
      if (n.kind === 'client' || n.kind === 'switch') continue;
      if (n.power) out.push(view(mem, `${n.name}:power`, n.name, 'power', undefined, topState(n.power.getSnapshot().value)));
      if (n.service) out.push(view(mem, `${n.name}:service`, n.name, 'service', undefined, topState(n.service.getSnapshot().value)));
    }
    const live = new Map(this.ha(lab).map((m) => [m.key, m]));
    for (const [key, m] of live) if (!mem.haKnown.has(key)) mem.haKnown.set(key, { key, node: m.node, machine: m.machine, name: m.name });
    for (const [key, m] of mem.haKnown) out.push(view(mem, key, m.node, m.machine, m.name, live.get(key)?.state));
    return out;
  }
}

function view(mem: Memory, key: string, node: string, machine: MachineKind, name: string | undefined, current: string | undefined): MachineView {
  const prev = mem.seen.get(key);
  let last = prev?.last;
  if (prev?.state !== undefined && current !== undefined && prev.state !== current) last = { from: prev.state, to: current, n: ++counter };
  mem.seen.set(key, { state: current, last });
  return { key, node, machine, ...(name !== undefined ? { name } : {}), chart: CHARTS[machine], current, last };
}
