/**
 * `lab run` end to end, as a learner types it: a real process (npx tsx src/cli/main.ts),
 * its exit status, its summary, its errors for a bad scenario, and the --trace JSONL.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { Lab } from '../../../src/core/lab';
import { drPreset } from '../../../src/core/scenario/presets';
import { eventJson, TraceHasher } from '../../../src/core/sim/trace-json';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const tmp = mkdtempSync(join(tmpdir(), 'lab-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function lab(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('lab run', () => {
  const traceFile = join(tmp, 'dr.jsonl');
  let dr: ReturnType<typeof lab>;
  beforeAll(() => {
    dr = lab('run', 'dr', '--for', '10s', '--trace', traceFile, '--hash');
  });

  it('runs the dr preset for 10 s and exits 0', () => {
    expect(dr.err).toBe('');
    expect(dr.code).toBe(0);
    expect(dr.out).toMatch(/^lab dr: seed 1, kernel 6\.12, ran 10 s of simulated time$/m);
  });

  it('the summary lists requests answered by rs1, rs2 and rs3, and the director\'s real servers', () => {
    for (const rs of ['rs1', 'rs2', 'rs3']) expect(dr.out).toMatch(new RegExp(`^  ${rs} +\\d+ ok \\(`, 'm'));
    const m = /^requests: (\d+) done, (\d+) ok, (\d+) failed$/m.exec(dr.out);
    expect(m).not.toBeNull();
    expect(Number(m![2])).toBeGreaterThan(0);
    for (const rip of ['192.168.10.11', '192.168.10.12', '192.168.10.13']) expect(dr.out).toContain(`-> ${rip}:80`);
  });

  it('--trace writes one JSON event per line; --hash counts the same events and matches an in-process run', () => {
    const lines = readFileSync(traceFile, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.length).toBeGreaterThan(1000);
    const evs = lines.map((l) => JSON.parse(l) as { type: string; t: number });
    const types = new Set(evs.map((e) => e.type));
    for (const t of ['link.tx', 'dev.tx', 'dev.rx', 'ip.deliver', 'ip.forward', 'ctl']) expect(types).toContain(t);
    for (const t of types) expect(['link.tx', 'dev.tx', 'dev.rx', 'ip.deliver', 'ip.forward', 'drop', 'ctl']).toContain(t);
    expect(evs.every((e) => Number.isInteger(e.t) && e.t >= 0 && e.t <= 10_000_000)).toBe(true);
    const hashLine = /^trace: (\d+) events, hash ([0-9a-f]{16})$/m.exec(dr.out);
    expect(hashLine).not.toBeNull();
    expect(Number(hashLine![1])).toBe(lines.length);
    // The same run in this process hashes identically.
    const l = Lab.of(drPreset());
    const h = new TraceHasher();
    l.world.trace.subscribe((ev) => h.add(JSON.stringify(eventJson(ev))));
    l.advance(10_000_000);
    expect(h.digest()).toBe(hashLine![2]);
  });

  it('an invalid scenario file: exit 2 and the JSON path of the mistake', () => {
    const file = join(tmp, 'bad.json');
    writeFileSync(file, JSON.stringify({ nodes: [{ name: 'rs1', kind: 'rs', ifaces: [{ name: 'eth0', addrs: ['192.168.10.300/24'] }] }] }));
    const r = lab('run', file, '--for', '1s');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(`lab: invalid scenario ${file}:`);
    expect(r.err).toMatch(/^ {2}\$\.nodes\[0\]\.ifaces\[0\]\.addrs\[0\]: /m);
  });

  it('an unknown preset: exit 2 and the list of presets', () => {
    const r = lab('run', 'nosuch');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no preset or readable file named nosuch \(presets: dr, nat, tun[,)]/);
  });
});
