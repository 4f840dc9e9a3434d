/**
 * Measuring failures: the failover timeline built from the trace, availability with
 * failures drawn from MTBF/MTTR (configured vs what clients saw), stickiness of clients
 * to real servers across a failure for persistence, sh and mh, and the CLI that prints them.
 */
import { describe, expect, it } from 'vitest';
import { Lab } from '../../../src/core/lab';
import { drHaPreset } from '../../../src/core/scenario/ha-presets';
import { TimelineRecorder } from '../../../src/core/ha/timeline';
import { availabilityReport } from '../../../src/core/ha/availability';
import { stickiness } from '../../../src/core/ha/stickiness';
import { runCommand } from '../../../src/cli/run';
import { runStickiness } from '../../../src/cli/stickiness';
import { SEC } from './helpers';

describe('failover timeline', () => {
  const s = drHaPreset();
  s.events = [
    ...(s.events ?? []),
    { at: '30s', cmd: { type: 'power', node: 'rs2', on: false } },
    { at: '60s', cmd: { type: 'power', node: 'director1', on: false } },
    { at: '90s', cmd: { type: 'power', node: 'rs2', on: true } },
    { at: '100s', cmd: { type: 'power', node: 'director1', on: true } },
  ];
  const lab = Lab.of(s);
  const rec = new TimelineRecorder(lab);
  lab.advance(140 * SEC);
  const [rs2, d1] = rec.incidents();

  it('a dead real server: first failed check, detection, IPVS change on each director, repair, recovery', () => {
    expect(rs2).toMatchObject({ node: 'rs2', what: 'power off', t0: 30 * SEC, repairedAt: 90 * SEC });
    const kinds = rs2!.steps.map((x) => `${x.kind}@${x.node}`);
    expect(kinds[0]).toBe('failure@rs2');
    for (const d of ['director1', 'director2']) {
      const first = kinds.indexOf(`first failed check@${d}`);
      const det = kinds.indexOf(`detection@${d}`);
      const ipvs = kinds.indexOf(`ipvs change@${d}`);
      expect(first).toBeGreaterThan(0);
      expect(det).toBeGreaterThan(first);
      expect(ipvs).toBeGreaterThan(first);
    }
    const detection = rs2!.steps.find((x) => x.kind === 'detection')!;
    expect(detection.t - rs2!.t0).toBeLessThanOrEqual(19 * SEC);
    expect(detection.text).toMatch(/TCP_CHECK on service \[192\.168\.10\.12\]:tcp:80 failed after 2 retries\./);
    expect(rs2!.steps.some((x) => x.kind === 'vrrp transition')).toBe(false);
    expect(rs2!.recoveredAt).toBeGreaterThan(98 * SEC);
  });

  it('a dead master: advert timeout and VRRP transition on director2 within 3.609 s, GARP at once, preemption back after repair', () => {
    expect(d1).toMatchObject({ node: 'director1', what: 'power off', t0: 60 * SEC });
    const vrrp = d1!.steps.find((x) => x.kind === 'vrrp transition')!;
    expect(vrrp.node).toBe('director2');
    expect(vrrp.t - d1!.t0).toBeLessThanOrEqual(3_609_375);
    expect(d1!.steps.find((x) => x.kind === 'detection')!.text).toBe('(VI_1) Receive advertisement timeout');
    expect(d1!.steps.find((x) => x.kind === 'gratuitous arp')!.t).toBe(vrrp.t);
    expect(d1!.steps.find((x) => x.kind === 'recovery')).toMatchObject({ node: 'director1', text: '(VI_1) Entering MASTER STATE' });
    expect(d1!.requests.total).toBeGreaterThan(0);
  });

  it('formats one block per incident, times relative to the failure', () => {
    const text = rec.format().join('\n');
    expect(text).toMatch(/^incident 1: rs2 power off at 30\.000 s\n {2}\+ +0\.000 s {2}failure/);
    expect(text).toMatch(/incident 2: director1 power off at 60\.000 s/);
    expect(text).toMatch(/requests in the window: \d+ of \d+ failed/);
  });
});

describe('availability from MTBF/MTTR', () => {
  const scenario = () => ({ ...drHaPreset(), failures: [{ nodes: ['rs2'], mtbf: '60s', mttr: '10s', kind: 'service' as const, after: '10s' }] });

  it('configured A = MTBF/(MTBF+MTTR); failures are logged lab commands; the same seed gives the same run', () => {
    const run = () => {
      const lab = Lab.of(scenario());
      lab.advance(600 * SEC);
      return { lab, r: availabilityReport(lab) };
    };
    const a = run();
    const b = run();
    const c = a.r.components[0]!;
    expect(c.configured).toBeCloseTo(60 / 70, 10);
    expect(c.failures).toBeGreaterThan(2);
    expect(c.measured).toBeGreaterThan(0.6);
    expect(c.measured).toBeLessThan(1);
    expect(a.lab.log.filter((e) => e.cmd.type === 'service').length).toBeGreaterThanOrEqual(2 * c.failures - 1);
    expect(a.r.observed).toBeGreaterThan(0.9);
    expect(a.r.observed).toBeLessThanOrEqual(1);
    expect(b.r).toEqual(a.r);
  });
});

describe('stickiness when a real server dies and comes back', () => {
  it('persistence: only its clients move, and they stay moved; mh: only its clients move, and they come back; sh: others move too', () => {
    const p = stickiness('persistence', { clients: 60 });
    const mh = stickiness('mh', { clients: 60 });
    const sh = stickiness('sh', { clients: 60 });
    for (const r of [p, mh, sh]) {
      expect(r.failedRequests).toBe(0);
      expect(r.onFailed).toBeGreaterThan(5);
    }
    expect(p.movedNeedlessly).toBe(0);
    expect(p.changedAfterRecovery).toBe(p.onFailed);
    expect(mh.movedNeedlessly).toBe(0);
    expect(mh.changedAfterRecovery).toBe(0);
    expect(sh.movedNeedlessly).toBeGreaterThan(0);
  });
});

describe('CLI', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
  };

  it('lab run dr-ha --timeline --availability prints the timeline section and the availability', () => {
    const t = io();
    expect(runCommand(['dr-ha', '--for', '20s', '--timeline', '--availability'], t.io)).toBe(0);
    expect(t.out).toContain('no failures in this run');
    expect(t.out).toContain('availability:');
  });

  it('lab stickiness prints persistence, sh and mh side by side', () => {
    const t = io();
    expect(runStickiness(['--clients', '30'], t.io)).toBe(0);
    const text = t.out.join('\n');
    expect(text).toMatch(/persistence\s+30/);
    expect(text).toMatch(/\bsh\s+30/);
    expect(text).toMatch(/\bmh\s+30/);
  });
});
