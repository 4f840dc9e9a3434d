/**
 * The Charts panel's state: the per-second series recorded from the trace (chart-data.ts),
 * the distribution of answered requests, and scheduler comparisons run on demand.
 */
import type { LabController } from './lab-controller.svelte';
import { ChartRecorder, compareOne, distribution, type Comparison, type Series, type Share } from './chart-data';
import { directorOf } from './ipvs-config';
import { ipStr } from '../core/net/addr';

export const COMPARE_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'sh', 'mh'];
export const COMPARE_SECONDS = 60;

export class Charts {
  readonly recorder: ChartRecorder;
  comparisons: Comparison[] = $state.raw([]);
  comparing = $state(false);
  chosen: readonly string[] = $state.raw(['rr', 'wlc', 'sh']);

  constructor(private readonly ctl: LabController) {
    this.recorder = new ChartRecorder(ctl.lab);
    ctl.watchLab((lab) => {
      this.recorder.reset(lab);
      return lab.world.trace.subscribe((ev) => this.recorder.onEvent(ev));
    });
  }

  /** The live series (the same object, grown in place; read under `version`). */
  get series(): Series {
    void this.ctl.version;
    this.recorder.flush(this.ctl.session.now);
    return this.recorder.series;
  }

  get distribution(): Share[] {
    void this.ctl.version;
    return distribution(this.ctl.lab.traffic?.stats.byServer ?? new Map());
  }

  toggleChosen(s: string): void {
    this.chosen = this.chosen.includes(s) ? this.chosen.filter((x) => x !== s) : [...this.chosen, s];
  }

  /** Run the comparison: one headless minute per scheduler, yielding between runs. */
  async compare(): Promise<void> {
    if (this.comparing) return;
    this.comparing = true;
    try {
      const lab = this.ctl.lab;
      const d = directorOf(lab);
      const svc = d ? lab.nodes.get(d)?.ipvs?.services[0] : undefined;
      const weights = new Map((svc?.dests ?? []).map((x) => [ipStr(x.addr), x.weight] as const));
      const persistent = svc && svc.flags & 1 ? svc.timeout : undefined;
      const out: Comparison[] = [];
      for (const s of COMPARE_SCHEDULERS.filter((x) => this.chosen.includes(x))) {
        await new Promise((r) => setTimeout(r, 0));
        out.push(compareOne(this.ctl.session.scenario, s, weights, persistent, COMPARE_SECONDS));
        this.comparisons = [...out];
      }
    } finally {
      this.comparing = false;
    }
  }
}
