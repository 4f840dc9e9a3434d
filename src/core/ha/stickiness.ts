/**
 * Stickiness under failure: many clients each make a request, a real server dies (its
 * keepalived checker removes it), everyone asks again, it comes back (re-added), everyone
 * asks a third time. Which clients changed server? Side by side for a persistent service
 * (wlc + persistence_timeout), source hashing (sh) and Maglev hashing (mh), each in its own
 * dr-ha lab with the same seed.
 *
 *   persistence: only the failed server's clients move, and they stay moved (their new
 *                templates outlive the recovery);
 *   sh:          the bucket table is rebuilt over the remaining servers, so clients of
 *                healthy servers move too, and move back afterwards;
 *   mh:          only the failed server's clients move, and they move back.
 */
import { Lab } from '../lab';
import { ip } from '../net/addr';
import { httpGet } from '../apps/http-client';
import { drHaPreset, type HaPresetOptions } from '../scenario/ha-presets';

export type StickinessMode = 'persistence' | 'sh' | 'mh';

export interface StickinessRow {
  mode: StickinessMode;
  clients: number;
  /** Clients served by the failed server before the failure. */
  onFailed: number;
  /** Clients of the other servers that were moved anyway while it was down. */
  movedNeedlessly: number;
  /** Clients whose server after the recovery differs from before the failure. */
  changedAfterRecovery: number;
  /** Requests that got no answer in any phase. */
  failedRequests: number;
}

const MODES: Record<StickinessMode, HaPresetOptions> = {
  persistence: { sched: 'wlc', persistence: 300 },
  sh: { sched: 'sh' },
  mh: { sched: 'mh' },
};

const SEC = 1_000_000;

/** One round: every client address asks once; returns the answering server per client ('' = failed). */
function round(lab: Lab, addrs: number[]): string[] {
  const out: string[] = addrs.map(() => '');
  const client = lab.host('client1');
  addrs.forEach((src, i) => {
    lab.world.engine.after(i * 5_000, () =>
      httpGet(client, { dst: ip('192.168.10.100'), port: 80, src, deadlineUs: 3 * SEC }, (r) => {
        out[i] = r.ok ? (r.body ?? '').split(' ')[0] ?? '' : '';
      }),
    );
  });
  lab.advance(addrs.length * 5_000 + 4 * SEC);
  return out;
}

export function stickiness(mode: StickinessMode, opts: { clients?: number; seed?: number; failed?: string } = {}): StickinessRow {
  const n = Math.min(opts.clients ?? 100, 150);
  const failed = opts.failed ?? 'rs2';
  const scenario = { ...drHaPreset(MODES[mode]), seed: opts.seed ?? 1, events: [] };
  const lab = Lab.of(scenario);
  lab.apply({ type: 'traffic', running: false });
  const client = lab.host('client1');
  const addrs = Array.from({ length: n }, (_, i) => ip(`203.0.113.${100 + i}`));
  for (const a of addrs) client.addAddr('eth0', a, 24);
  lab.advance(5 * SEC);
  const before = round(lab, addrs);
  lab.apply({ type: 'power', node: failed, on: false });
  lab.advance(25 * SEC);
  const during = round(lab, addrs);
  lab.apply({ type: 'power', node: failed, on: true });
  lab.advance(30 * SEC);
  const after = round(lab, addrs);
  let onFailed = 0;
  let movedNeedlessly = 0;
  let changedAfterRecovery = 0;
  let failedRequests = 0;
  for (let i = 0; i < n; i++) {
    const b = before[i]!;
    const d = during[i]!;
    const a = after[i]!;
    failedRequests += (b ? 0 : 1) + (d ? 0 : 1) + (a ? 0 : 1);
    if (b === failed) onFailed++;
    else if (b && d && d !== b) movedNeedlessly++;
    if (b && a && a !== b) changedAfterRecovery++;
  }
  return { mode, clients: n, onFailed, movedNeedlessly, changedAfterRecovery, failedRequests };
}

export function stickinessReport(opts: { clients?: number; seed?: number } = {}): StickinessRow[] {
  return (['persistence', 'sh', 'mh'] as const).map((m) => stickiness(m, opts));
}

export function formatStickiness(rows: StickinessRow[]): string[] {
  const pct = (x: number, of: number) => `${x} (${of ? ((100 * x) / of).toFixed(0) : 0} %)`;
  const out = ['stickiness when rs2 dies and comes back (dr-ha, keepalived TCP_CHECK):', `  ${'mode'.padEnd(12)} ${'clients'.padStart(7)}  ${'on rs2'.padStart(10)}  ${'others moved'.padStart(12)}  ${'changed after recovery'.padStart(22)}`];
  for (const r of rows) {
    out.push(`  ${r.mode.padEnd(12)} ${String(r.clients).padStart(7)}  ${pct(r.onFailed, r.clients).padStart(10)}  ${pct(r.movedNeedlessly, r.clients - r.onFailed).padStart(12)}  ${pct(r.changedAfterRecovery, r.clients).padStart(22)}`);
  }
  return out;
}
