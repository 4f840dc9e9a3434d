/**
 * What the Charts panel plots, per real server and per simulated second: new connections
 * (from the director's `ipvs.schedule` events, so a rewind rebuilds it exactly) and
 * active connections (sampled when the first event of the next second goes by — the
 * state the lab had at that second's end). Plus the distribution of answered requests.
 *
 * And a side-by-side comparison of schedulers: the same scenario, seed and weights run
 * headless for a minute with each scheduler, so rr vs wlc vs sh is a table, not a guess.
 */
import { Lab } from '../core/lab';
import type { TraceEvent } from '../core/sim/trace';
import type { ScenarioInput } from '../core/scenario/schema';
import { ipStr } from '../core/net/addr';
import { directorOf, nodeOfAddress } from './ipvs-config';
import { withService } from './scenario-edit';

/** Seconds of history kept. */
export const WINDOW_S = 600;
const SEC = 1_000_000;

export interface Series {
  /** Dest key `ip:port` → label (rs1 …). */
  labels: Map<string, string>;
  /** Second starts, in seconds. */
  t: number[];
  /** Per dest key: new connections in each second. */
  cps: Map<string, number[]>;
  /** Per dest key: active connections at each second's end. */
  active: Map<string, number[]>;
}

export class ChartRecorder {
  series: Series = emptySeries();
  private second = 0;
  private counts = new Map<string, number>();

  constructor(private lab: Lab) {}

  reset(lab: Lab): void {
    this.lab = lab;
    this.series = emptySeries();
    this.second = 0;
    this.counts.clear();
  }

  /** Feed every trace event (cheap: one comparison unless a second ended). */
  onEvent(ev: TraceEvent): void {
    if (ev.t >= (this.second + 1) * SEC) this.closeUntil(Math.floor(ev.t / SEC));
    if (ev.type === 'ctl' && ev.what === 'ipvs.schedule' && ev.data) {
      const dest = ev.data['dest'];
      if (typeof dest === 'string') this.counts.set(dest, (this.counts.get(dest) ?? 0) + 1);
    }
  }

  /** Close the seconds before `now` even when no event comes (idle lab). */
  flush(now: number): void {
    const s = Math.floor(now / SEC);
    if (s > this.second) this.closeUntil(s);
  }

  private closeUntil(second: number): void {
    const actives = this.activeNow();
    const gap = second - this.second;
    // A long idle gap: record its first second and jump (the chart shows a flat line).
    for (let k = 0; k < Math.min(gap, WINDOW_S); k++) {
      const s = this.second + (gap > WINDOW_S ? gap - WINDOW_S : 0) + k;
      this.push(s, k === 0 ? this.counts : new Map(), actives);
    }
    this.counts = new Map();
    this.second = second;
  }

  private push(second: number, counts: Map<string, number>, actives: Map<string, number>): void {
    const S = this.series;
    const keys = new Set([...S.labels.keys(), ...counts.keys(), ...actives.keys()]);
    for (const k of keys) {
      if (!S.labels.has(k)) {
        S.labels.set(k, this.labelOf(k));
        S.cps.set(k, S.t.map(() => 0));
        S.active.set(k, S.t.map(() => 0));
      }
    }
    S.t.push(second);
    for (const k of keys) {
      S.cps.get(k)!.push(counts.get(k) ?? 0);
      S.active.get(k)!.push(actives.get(k) ?? 0);
    }
    if (S.t.length > WINDOW_S) {
      const cut = S.t.length - WINDOW_S;
      S.t.splice(0, cut);
      for (const a of S.cps.values()) a.splice(0, cut);
      for (const a of S.active.values()) a.splice(0, cut);
    }
  }

  private activeNow(): Map<string, number> {
    const out = new Map<string, number>();
    const d = directorOf(this.lab);
    const ipvs = d ? this.lab.nodes.get(d)?.ipvs : undefined;
    for (const svc of ipvs?.services ?? []) for (const dest of svc.dests) out.set(`${ipStr(dest.addr)}:${dest.port}`, dest.activeConns);
    return out;
  }

  private labelOf(key: string): string {
    const ip = key.split(':')[0]!;
    const n = nodeOfAddress(this.lab, ipToNum(ip));
    return n ?? key;
  }
}

function emptySeries(): Series {
  return { labels: new Map(), t: [], cps: new Map(), active: new Map() };
}

function ipToNum(s: string): number {
  return s.split('.').reduce((a, b) => a * 256 + Number(b), 0);
}

export interface Share {
  label: string;
  count: number;
  /** 0…1 of the total. */
  share: number;
}

/** Answered requests per server, as shares of the total, sorted by label. */
export function distribution(byServer: ReadonlyMap<string, number>): Share[] {
  let total = 0;
  for (const n of byServer.values()) total += n;
  return [...byServer.entries()]
    .sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true }))
    .map(([label, count]) => ({ label, count, share: total ? count / total : 0 }));
}

export interface Comparison {
  sched: string;
  seconds: number;
  rows: Share[];
  failed: number;
}

/**
 * Run `scenario` headless for `seconds` with each scheduler, the current weights and
 * persistence, and the same seed: the answered requests per server for each.
 */
export function compareOne(scenario: ScenarioInput, sched: string, weights: ReadonlyMap<string, number>, persistent: number | undefined, seconds: number): Comparison {
  const lab = Lab.of(withService(scenario, sched, weights, persistent));
  lab.advance(seconds * SEC);
  const st = lab.traffic?.stats;
  return { sched, seconds, rows: distribution(st?.byServer ?? new Map()), failed: st?.failed ?? 0 };
}
