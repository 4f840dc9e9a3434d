/**
 * `lab export …` as runExport sees it: the files of a preset or scenario file, each headed
 * by `# NODE`, or one node's file as it is; usage errors exit 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runExport } from '../../../src/cli/export';
import { Lab } from '../../../src/core/lab';
import { PRESETS } from '../../../src/core/scenario/presets';
import { exportKeepalived } from '../../../src/core/export/keepalived';
import { exportRsSetup } from '../../../src/core/export/rs-setup';
import { twoDirectorDr } from './labs';

function run(...argv: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runExport(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.map((l) => l + '\n').join(''), err: err.join('\n') };
}

const tmp = mkdtempSync(join(tmpdir(), 'lab-export-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('lab export', () => {
  it('is a command of the lab CLI (npm run lab -- export …)', () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
    const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'export', 'ipvsadm', '--preset', 'dr'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(run('ipvsadm', '--preset', 'dr').out);
  });

  it('rs-setup: one script per real server, each headed by # rsN', () => {
    const r = run('rs-setup', '--preset', 'dr');
    expect(r).toMatchObject({ code: 0, err: '' });
    const scripts = exportRsSetup(Lab.of(PRESETS.dr!()));
    expect(r.out).toBe(scripts.map((s) => `# ${s.node}\n${s.text}`).join('\n'));
    expect(r.out.match(/^# rs\d$/gm)).toEqual(['# rs1', '# rs2', '# rs3']);
  });

  it('--node prints that node\'s file alone, ready to save', () => {
    const r = run('rs-setup', '--preset', 'tun', '--node', 'rs2');
    expect(r.code).toBe(0);
    expect(r.out).toBe(exportRsSetup(Lab.of(PRESETS.tun!())).find((f) => f.node === 'rs2')!.text);
    expect(r.out.startsWith('#!/bin/sh\n')).toBe(true);
  });

  it('keepalived, ldirectord and ipvsadm for a preset (dr by default)', () => {
    expect(run('keepalived').out).toBe(`# director\n${exportKeepalived(Lab.of(PRESETS.dr!()))[0]!.text}`);
    expect(run('ldirectord', '--preset', 'nat').out).toContain('\treal=192.168.10.11:80 masq 1');
    expect(run('ipvsadm', '--preset', 'tun', '--node', 'director').out).toBe(
      '-A -t 192.168.10.100:80 -s rr\n' +
        '-a -t 192.168.10.100:80 -r 10.1.0.11:80 -i -w 1 --tun-type ipip\n' +
        '-a -t 192.168.10.100:80 -r 10.2.0.11:80 -i -w 1 --tun-type ipip\n' +
        '-a -t 192.168.10.100:80 -r 10.3.0.11:80 -i -w 1 --tun-type ipip\n',
    );
  });

  it('--scenario FILE: a two-director lab gives two keepalived.conf', () => {
    const file = join(tmp, 'dr-ha.json');
    writeFileSync(file, JSON.stringify(twoDirectorDr()));
    const r = run('keepalived', '--scenario', file);
    expect(r.code).toBe(0);
    expect(r.out.match(/^# director\d$/gm)).toEqual(['# director1', '# director2']);
    expect(r.out).toContain('    state MASTER\n');
    expect(r.out).toContain('    state BACKUP\n');
  });

  it.each([
    [['nginx'], /unknown format nginx/],
    [[], /^usage: lab export/],
    [['ipvsadm', '--preset', 'nope'], /no preset nope/],
    [['ipvsadm', '--preset', 'dr', '--scenario', 'x.json'], /one --preset or --scenario/],
    [['rs-setup', '--node', 'director'], /no rs-setup file for director \(there is one for: rs1, rs2, rs3\)/],
    [['keepalived', '--at', 'soon'], /--at needs a duration/],
    [['keepalived', '--verbose'], /unexpected argument --verbose/],
  ])('%j exits 2 with a message', (argv, msg) => {
    const r = run(...argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(msg);
  });
});
