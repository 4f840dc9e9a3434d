/**
 * ldirectord on the single director of the dr lab (ha.md §3): its check loop (check every
 * real server, then sleep checkinterval), failurecount, quiescent, fallback, connect and
 * negotiate checks, and its log lines.
 */
import { describe, expect, it } from 'vitest';
import { drPreset } from '../../../src/core/scenario/presets';
import { HaLab, SEC } from './helpers';

function lab(cf: string): HaLab {
  const s = drPreset();
  s.nodes = s.nodes.map((n) => (n.name === 'director' ? { ...n, ldirectord: cf } : n));
  return HaLab.of(s);
}

const cf = (opts: string) => `${opts}\nvirtual=192.168.10.100:80\n\treal=192.168.10.11:80 gate\n\treal=192.168.10.12:80 gate\n\treal=192.168.10.13:80 gate\n`;

/** Power rs2 off at `at`; when did ldirectord take it out of IPVS (relative to the failure)? */
function detection(h: HaLab, at: number, how: 'power' | 'hang' = 'power'): number {
  h.advance(at - h.now);
  if (how === 'power') h.lab.apply({ type: 'power', node: 'rs2', on: false });
  else h.lab.apply({ type: 'service', node: 'rs2', state: 'hung' });
  h.advance(100 * SEC);
  const e = h.ctl('ipvs', 'director', at).find((c) => c.data?.rs === '192.168.10.12:80' && c.data?.result === 'down');
  return e ? e.t - at : Number.NaN;
}

describe('ldirectord', () => {
  it('connect check: a dead real server is deleted within checkinterval + checktimeout (failurecount 1)', () => {
    for (const at of [5.0, 6.3, 7.9]) {
      const h = lab(cf('checktype=connect\ncheckinterval=2\nchecktimeout=3'));
      const d = detection(h, at * SEC);
      expect(d).toBeGreaterThan(0);
      expect(d).toBeLessThanOrEqual(2 * SEC + 3 * SEC + 50_000);
      expect(h.first('ipvs', 'director', /^Deleted real server: 192\.168\.10\.12:80 \(192\.168\.10\.100:80\)$/)).toBeDefined();
      expect(h.dests('director')).toEqual(['192.168.10.11:80 w1', '192.168.10.13:80 w1']);
    }
  });

  it('failurecount 3: soft failures first, deleted at the third consecutive failure', () => {
    const h = lab(cf('checktype=connect\ncheckinterval=2\nchecktimeout=3\nfailurecount=3'));
    const d = detection(h, 5 * SEC);
    expect(d).toBeGreaterThanOrEqual(2 * 2 * SEC);
    expect(d).toBeLessThanOrEqual(3 * (2 * SEC + 3 * SEC) + 50_000);
    const soft = h.ctl('check', 'director').filter((e) => /^Soft failure real server: 192\.168\.10\.12:80 \(tcp:192\.168\.10\.100:80\) failure [12]\/3$/.test(e.text));
    expect(soft).toHaveLength(2);
  });

  it("with ldirectord's defaults (checkinterval 10, checktimeout 5) a connect check deletes within 15 s", () => {
    const h = lab(cf('checktype=connect'));
    const d = detection(h, 12 * SEC);
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThanOrEqual(15 * SEC + 50_000);
  });

  it('negotiate (the default) fetches / over HTTP and catches a hung server within checkinterval + negotiatetimeout', () => {
    const h = lab(cf('checkinterval=2\nnegotiatetimeout=4'));
    const d = detection(h, 6 * SEC, 'hang');
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThanOrEqual(2 * SEC + 4 * SEC + 50_000);
  });

  it('quiescent=yes keeps a down server at weight 0 and restores it when it answers again', () => {
    const h = lab(cf('checktype=connect\ncheckinterval=2\nchecktimeout=2\nquiescent=yes'));
    h.advance(5 * SEC);
    h.lab.apply({ type: 'service', node: 'rs2', state: 'stopped' });
    h.advance(10 * SEC);
    expect(h.dests('director')).toEqual(['192.168.10.11:80 w1', '192.168.10.12:80 w0', '192.168.10.13:80 w1']);
    expect(h.first('ipvs', 'director', /^Quiescent real server: 192\.168\.10\.12:80 \(192\.168\.10\.100:80\) \(Weight set to 0\)$/)).toBeDefined();
    h.lab.apply({ type: 'service', node: 'rs2', state: 'running' });
    h.advance(10 * SEC);
    expect(h.dests('director')).toContain('192.168.10.12:80 w1');
    expect(h.first('ipvs', 'director', /^Restored real server: 192\.168\.10\.12:80 \(192\.168\.10\.100:80\) \(Weight set to 1\)$/)).toBeDefined();
  });

  it('the fallback server is in only while no real server is up', () => {
    const h = lab(cf('checktype=connect\ncheckinterval=1\nchecktimeout=1\nfallback=127.0.0.1:80 gate'));
    h.advance(3 * SEC);
    for (const n of ['rs1', 'rs2', 'rs3']) h.lab.apply({ type: 'service', node: n, state: 'stopped' });
    h.advance(10 * SEC);
    expect(h.dests('director')).toEqual(['127.0.0.1:80 w1']);
    expect(h.first('ipvs', 'director', /^Added fallback server: 127\.0\.0\.1:80 \(192\.168\.10\.100:80\) \(Weight set to 1\)$/)).toBeDefined();
    h.lab.apply({ type: 'service', node: 'rs3', state: 'running' });
    h.advance(5 * SEC);
    expect(h.dests('director')).toEqual(['192.168.10.13:80 w1']);
    expect(h.first('ipvs', 'director', /^Deleted fallback server: 127\.0\.0\.1:80 \(192\.168\.10\.100:80\)$/)).toBeDefined();
  });

  it('stops cleanly: its virtual service is purged', () => {
    const h = lab(cf('checktype=connect'));
    h.advance(2 * SEC);
    h.lab.apply({ type: 'daemon', node: 'director', daemon: 'ldirectord', action: 'stop' });
    expect(h.lab.nodes.get('director')!.ipvs!.services).toEqual([]);
  });
});
