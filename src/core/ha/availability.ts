/**
 * Availability: failures drawn from MTBF/MTTR (scenario `failures`), applied as ordinary
 * lab commands (so they are logged and replayable), and the comparison a learner wants:
 * the configured A = MTBF / (MTBF + MTTR) of each component, the share of time each was
 * really up in this run, and the availability the clients saw (successful requests / all).
 *
 * Time to failure and time to repair are exponential (a memoryless component), drawn from
 * one seeded stream per node: `failures:<node>`.
 */
import type { Lab } from '../lab';
import type { FailureSpec, LabCommand } from '../scenario/schema';
import { parseDuration } from '../scenario/schema';

export interface ComponentAvailability {
  node: string;
  kind: FailureSpec['kind'];
  configured: number;
  /** Fraction of the observed time the component was up. */
  measured: number;
  failures: number;
  downUs: number;
}

export interface AvailabilityReport {
  components: ComponentAvailability[];
  requests: { ok: number; failed: number };
  /** ok / (ok + failed), NaN without traffic. */
  observed: number;
  durationUs: number;
}

interface Outage {
  node: string;
  kind: FailureSpec['kind'];
  mtbf: number;
  mttr: number;
  down: { from: number; to?: number }[];
}

const outages = new WeakMap<Lab, Outage[]>();

function commands(lab: Lab, node: string, kind: FailureSpec['kind']): { fail: LabCommand; repair: LabCommand } | undefined {
  switch (kind) {
    case 'power':
      return { fail: { type: 'power', node, on: false }, repair: { type: 'power', node, on: true } };
    case 'service':
      return { fail: { type: 'service', node, state: 'stopped' }, repair: { type: 'service', node, state: 'running' } };
    case 'link': {
      const dev = lab.nodes.get(node)?.host?.ifaces.find((d) => d.kind === 'ether' && d.link);
      if (!dev) return undefined;
      return { fail: { type: 'link', node, iface: dev.name, up: false }, repair: { type: 'link', node, iface: dev.name, up: true } };
    }
  }
}

/** Arm the scenario's random failures (called once when the lab is built). */
export function scheduleFailures(lab: Lab): void {
  const list: Outage[] = [];
  outages.set(lab, list);
  for (const spec of lab.scenario.failures ?? []) {
    const mtbf = parseDuration(spec.mtbf);
    const mttr = parseDuration(spec.mttr);
    const after = parseDuration(spec.after ?? 0);
    for (const node of spec.nodes) {
      const cmds = commands(lab, node, spec.kind);
      if (!cmds || mtbf <= 0) continue;
      const rng = lab.world.random.get(`failures:${node}`);
      const o: Outage = { node, kind: spec.kind, mtbf, mttr, down: [] };
      list.push(o);
      const engine = lab.world.engine;
      const fail = (): void => {
        lab.apply(cmds.fail);
        o.down.push({ from: lab.now });
        engine.after(Math.max(1, Math.round(rng.exponential(mttr))), repair);
      };
      const repair = (): void => {
        lab.apply(cmds.repair);
        const last = o.down[o.down.length - 1];
        if (last) last.to = lab.now;
        engine.after(Math.max(1, Math.round(rng.exponential(mtbf))), fail);
      };
      engine.at(after + Math.max(1, Math.round(rng.exponential(mtbf))), fail);
    }
  }
}

/** Configured vs measured vs what clients saw, from time 0 to now. */
export function availabilityReport(lab: Lab): AvailabilityReport {
  const now = lab.now;
  const components = (outages.get(lab) ?? []).map((o) => {
    const downUs = o.down.reduce((s, d) => s + ((d.to ?? now) - d.from), 0);
    return { node: o.node, kind: o.kind, configured: o.mtbf / (o.mtbf + o.mttr), measured: now > 0 ? 1 - downUs / now : 1, failures: o.down.length, downUs };
  });
  const st = lab.traffic?.stats;
  const ok = st?.ok ?? 0;
  const failed = st?.failed ?? 0;
  return { components, requests: { ok, failed }, observed: ok + failed > 0 ? ok / (ok + failed) : Number.NaN, durationUs: now };
}

export function formatAvailability(r: AvailabilityReport): string[] {
  const pct = (x: number) => (Number.isNaN(x) ? '—' : `${(100 * x).toFixed(3)} %`);
  const out = ['availability:'];
  for (const c of r.components) {
    out.push(`  ${c.node.padEnd(10)} ${c.kind.padEnd(7)} configured ${pct(c.configured)}  measured ${pct(c.measured)}  (${c.failures} failure${c.failures === 1 ? '' : 's'}, down ${(c.downUs / 1e6).toFixed(1)} s)`);
  }
  out.push(`  clients saw ${pct(r.observed)} (${r.requests.ok} ok, ${r.requests.failed} failed)`);
  return out;
}
