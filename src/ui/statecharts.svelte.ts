/**
 * The Statecharts panel's state: every node's power machine and every web server's
 * service machine, each drawn small (statechart-model.ts) with the current state lit and
 * the last transition remembered so it can flash.
 */
import type { LabController } from './lab-controller.svelte';
import { hostPowerMachine } from '../core/machines/host-power.machine';
import { webServiceMachine } from '../core/machines/web-service.machine';
import { layoutChart, topState, type Chart } from './statechart-model';

export const POWER_CHART: Chart = layoutChart(hostPowerMachine.config as { states?: Record<string, unknown> }, 240, 110);
export const SERVICE_CHART: Chart = layoutChart(webServiceMachine.config as { states?: Record<string, unknown> }, 260, 150);

export interface MachineView {
  key: string;
  node: string;
  machine: 'power' | 'service';
  chart: Chart;
  current: string;
  /** The latest transition seen, with a counter that changes on every transition. */
  last: { from: string; to: string; n: number } | undefined;
}

export class Statecharts {
  private seen = new Map<string, { state: string; last: MachineView['last'] }>();
  private counter = 0;

  constructor(private readonly ctl: LabController) {}

  get machines(): MachineView[] {
    void this.ctl.version;
    const gen = this.ctl.generation;
    if (gen !== this.gen) {
      this.gen = gen;
      this.seen.clear();
    }
    const out: MachineView[] = [];
    for (const n of this.ctl.lab.nodes.values()) {
      if (n.kind === 'client' || n.kind === 'switch') continue;
      if (n.power) out.push(this.view(n.name, 'power', POWER_CHART, topState(n.power.getSnapshot().value)));
      if (n.service) out.push(this.view(n.name, 'service', SERVICE_CHART, topState(n.service.getSnapshot().value)));
    }
    return out;
  }
  private gen = -1;

  private view(node: string, machine: 'power' | 'service', chart: Chart, current: string): MachineView {
    const key = `${node}:${machine}`;
    const prev = this.seen.get(key);
    let last = prev?.last;
    if (prev && prev.state !== current) last = { from: prev.state, to: current, n: ++this.counter };
    this.seen.set(key, { state: current, last });
    return { key, node, machine, chart, current, last };
  }
}
