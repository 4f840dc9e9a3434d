/**
 * The ipvsadm-save export and its import: the export is the emulation's own `ipvsadm-save
 * -n`; importing it onto a fresh director rebuilds the same table; a bad file names its
 * first bad line and leaves the director as it was.
 */
import { describe, expect, it } from 'vitest';
import { Lab } from '../../../src/core/lab';
import { PRESETS } from '../../../src/core/scenario/presets';
import { exportIpvsadm } from '../../../src/core/export/ipvsadm-save';
import { importIpvsadmSave } from '../../../src/core/export/import-ipvsadm';
import { allLabs, freshDirectors, saveN } from './labs';

describe('export ipvsadm', () => {
  it('dr: the rules of the preset, exactly', () => {
    const files = exportIpvsadm(Lab.of(PRESETS.dr!()));
    expect(files).toEqual([
      {
        node: 'director',
        name: 'ipvsadm.rules',
        text:
          '-A -t 192.168.10.100:80 -s rr\n' +
          '-a -t 192.168.10.100:80 -r 192.168.10.11:80 -g -w 1\n' +
          '-a -t 192.168.10.100:80 -r 192.168.10.12:80 -g -w 1\n' +
          '-a -t 192.168.10.100:80 -r 192.168.10.13:80 -g -w 1\n',
      },
    ]);
  });

  it('nat uses -m and tun uses -i (ipip)', () => {
    const nat = exportIpvsadm(Lab.of(PRESETS.nat!()))[0]!.text;
    expect(nat).toContain('-A -t 172.16.0.100:80 -s rr\n');
    expect(nat.match(/ -m -w 1\n/g)).toHaveLength(3);
    const tun = exportIpvsadm(Lab.of(PRESETS.tun!()))[0]!.text;
    expect(tun).toContain('-a -t 192.168.10.100:80 -r 10.1.0.11:80 -i -w 1 --tun-type ipip\n');
  });

  it.each(allLabs())('%s: one file per director, equal to ipvsadm -Sn there', (_name, make) => {
    const lab = make();
    for (const f of exportIpvsadm(lab)) expect(f.text).toBe(saveN(lab, f.node));
  });
});

describe('import ipvsadm-save', () => {
  it.each(allLabs())('%s: export, then import onto a fresh director, gives the same ipvsadm -Sn', (_name, make) => {
    const lab = make();
    const fresh = freshDirectors(lab);
    for (const f of exportIpvsadm(lab)) {
      expect(saveN(fresh, f.node)).toBe('');
      const r = importIpvsadmSave(fresh.nodes.get(f.node)!.ipvs!, f.text);
      expect(r).toMatchObject({ ok: true });
      expect(saveN(fresh, f.node)).toBe(saveN(lab, f.node));
    }
  });

  it('replaces the table, as ipvsadm-restore does (clears it first), and skips # comments', () => {
    const lab = Lab.of(PRESETS.dr!());
    const ipvs = lab.nodes.get('director')!.ipvs!;
    const r = importIpvsadmSave(ipvs, '# saved by hand\n-A -u 192.168.10.100:53 -s wrr -p 60\n\n-a -u 192.168.10.100:53 -r 192.168.10.11:53 -m -w 5\n');
    expect(r).toEqual({ ok: true, rules: ['-C', '-A -u 192.168.10.100:53 -s wrr -p 60', '-a -u 192.168.10.100:53 -r 192.168.10.11:53 -m -w 5'], warnings: [] });
    expect(saveN(lab, 'director')).toBe('-A -u 192.168.10.100:53 -s wrr -p 60\n-a -u 192.168.10.100:53 -r 192.168.10.11:53 -m -w 5\n');
  });

  const bad: [string, string, RegExp][] = [
    ['a misspelt option', '-A -t 192.168.10.100:80 -s rr\n-a -t 192.168.10.100:80 -r 192.168.10.11:80 -g -w 1\n-a -t 192.168.10.100:80 -r 192.168.10.12:80 -q\n', /^ipvsadm-restore: line 3: -a -t 192\.168\.10\.100:80 -r 192\.168\.10\.12:80 -q: .*-q/],
    ['a weight out of range', '-A -t 192.168.10.100:80 -s rr\n-a -t 192.168.10.100:80 -r 192.168.10.11:80 -g -w 70000\n', /^ipvsadm-restore: line 2: .*: illegal weight specified$/],
    ['a real server of a missing service', '-a -t 192.168.10.100:8080 -r 192.168.10.11:8080 -m -w 1\n', /^ipvsadm-restore: line 1: .*: Service not defined$/],
    ['an unknown scheduler', '-A -t 192.168.10.100:80 -s fastest\n', /^ipvsadm-restore: line 1: .*: Scheduler or persistence engine not found$/],
    ['a service given twice', '-A -t 192.168.10.100:80 -s rr\n-A -t 192.168.10.100:80 -s wlc\n', /^ipvsadm-restore: line 2: .*: Service already exists$/],
    ['no rules at all', '# nothing here\n\n', /^ipvsadm-restore: no rules in the input/],
  ];

  it.each(bad)('%s: a clear error and the director is unchanged', (_what, text, error) => {
    const lab = Lab.of(PRESETS.dr!());
    const before = saveN(lab, 'director');
    const r = importIpvsadmSave(lab.nodes.get('director')!.ipvs!, text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
    expect(saveN(lab, 'director')).toBe(before);
  });
});
