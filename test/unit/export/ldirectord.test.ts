/**
 * ldirectord.cf: global check timing, one indented `virtual=` section per service with
 * `real=ip:port gate|masq|ipip weight`, the HTTP check, scheduler, protocol, persistence.
 */
import { describe, expect, it } from 'vitest';
import { Lab } from '../../../src/core/lab';
import { PRESETS } from '../../../src/core/scenario/presets';
import { exportLdirectord } from '../../../src/core/export/ldirectord';
import { twoDirectorDr, kitchenSinkLab, saveN } from './labs';

describe('export ldirectord', () => {
  it('dr: ldirectord.cf, exactly', () => {
    const files = exportLdirectord(Lab.of(PRESETS.dr!()));
    expect(files.map((f) => [f.node, f.name])).toEqual([['director', 'ldirectord.cf']]);
    expect(files[0]!.text).toBe(
      [
        '# ldirectord.cf for director, exported by LVS Lab from the lab "dr".',
        '',
        '# Global directives',
        'checktimeout=3',
        'checkinterval=6',
        'autoreload=no',
        'quiescent=no',
        '',
        'virtual=192.168.10.100:80',
        '\treal=192.168.10.11:80 gate 1 "/", "rs1 192\\.168\\.10\\.11"',
        '\treal=192.168.10.12:80 gate 1 "/", "rs2 192\\.168\\.10\\.12"',
        '\treal=192.168.10.13:80 gate 1 "/", "rs3 192\\.168\\.10\\.13"',
        '\tservice=http',
        '\tchecktype=negotiate',
        '\trequest="/"',
        '\tscheduler=rr',
        '\tprotocol=tcp',
        '',
      ].join('\n'),
    );
  });

  it('nat → masq, tun → ipip', () => {
    expect(exportLdirectord(Lab.of(PRESETS.nat!()))[0]!.text).toContain('virtual=172.16.0.100:80\n\treal=192.168.10.11:80 masq 1 "/", "rs1 192\\.168\\.10\\.11"\n');
    expect(exportLdirectord(Lab.of(PRESETS.tun!()))[0]!.text).toContain('\treal=10.2.0.11:80 ipip 1 "/", "rs2 10\\.2\\.0\\.11"\n');
  });

  it('one file per director', () => {
    expect(exportLdirectord(Lab.of(twoDirectorDr())).map((f) => f.node)).toEqual(['director1', 'director2']);
  });

  it('a common page goes to the virtual section as receive=', () => {
    const s = PRESETS.dr!();
    for (const n of s.nodes) if (n.web) n.web = { ...n.web, body: 'Welcome (lab) #1' };
    const text = exportLdirectord(Lab.of(s))[0]!.text;
    expect(text).toContain('\treal=192.168.10.11:80 gate 1\n');
    expect(text).toContain('\treceive="Welcome \\(lab\\) .1"\n');
  });

  it('persistence, one-packet UDP, fwmark, port 0, and what ldirectord cannot express', () => {
    const text = exportLdirectord(kitchenSinkLab())[0]!.text;
    expect(text).toContain(
      '# TCP 192.168.10.100:443: ldirectord cannot set scheduler flags (-b)\n' +
        'virtual=192.168.10.100:443\n\treal=192.168.10.11:443 gate 1\n\treal=192.168.10.12:443 gate 1\n\tchecktype=connect\n\tscheduler=sh\n\tprotocol=tcp\n\tpersistent=300\n\tnetmask=255.255.255.0\n',
    );
    expect(text).toContain('virtual=192.168.10.100:53\n\treal=192.168.10.11:5353 masq 1\n\tchecktype=on\n\tscheduler=rr\n\tprotocol=udp\n\tops=yes\n');
    expect(text).toContain('virtual=7\n\treal=192.168.10.11 gate 1 "/", "rs1 192\\.168\\.10\\.11"\n\treal=192.168.10.13 gate 3 "/", "rs3 192\\.168\\.10\\.13"\n');
    expect(text).toContain('\tcheckport=80\n\tscheduler=wrr\n\tprotocol=fwm\n\tpersistent=600\n');
    expect(text).toContain('# TCP 192.168.10.100:80: ldirectord cannot set thresholds (-x/-y), GUE/GRE tunnels (ldirectord uses ipip)\n');
    expect(text).toContain('\treal=192.168.10.12:80 gate 0 "/"');
    // Sections are separated by a blank line: ldirectord ends a virtual section at the first unindented line.
    for (const block of text.split('\n\n').slice(2)) expect(block.split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('\t')).length).toBe(1);
  });

  it("runs in the lab's ldirectord, which builds the same table; a director running it exports its file", () => {
    const lab = Lab.of(PRESETS.dr!());
    const text = exportLdirectord(lab)[0]!.text;
    const s = structuredClone(lab.scenario);
    const d = s.nodes.find((n) => n.name === 'director')!;
    d.ipvs = { services: [] };
    d.ldirectord = text;
    const withLd = Lab.of(s);
    withLd.advance(10_000_000);
    expect(saveN(withLd, 'director')).toBe(saveN(lab, 'director'));
    expect(exportLdirectord(withLd)[0]!.text).toBe(`# ldirectord.cf of director, as the lab's ldirectord runs it (exported by LVS Lab from the lab "dr").\n\n${text}`);
  });
});
