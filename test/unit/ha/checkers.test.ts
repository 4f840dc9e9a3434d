/**
 * keepalived's health checkers in the dr-ha lab: real TCP/HTTP probes from the
 * directors, detection within keepalived's timer arithmetic (ha.md §2.2: no later than
 * delay_loop + (retry+1)·connect_timeout + retry·delay_before_retry after the failure),
 * and the IPVS changes — removal, weight 0 with inhibit_on_failure, the sorry server
 * when the quorum is lost.
 */
import { describe, expect, it } from 'vitest';
import { ip } from '../../../src/core/net/addr';
import type { HaPresetOptions } from '../../../src/core/scenario/ha-presets';
import { HaLab, SEC } from './helpers';

const RS2 = '192.168.10.12:80';

/** Fail rs2 at `at`, run on; when did the master's keepalived change IPVS for it? */
function removal(opts: HaPresetOptions, at: number, how: 'power' | 'service'): { h: HaLab; after: number; firstFail: number } {
  const h = HaLab.dr(opts).advance(at);
  if (how === 'power') h.lab.apply({ type: 'power', node: 'rs2', on: false });
  else h.lab.apply({ type: 'service', node: 'rs2', state: 'stopped' });
  h.advance(100 * SEC);
  const change = h.ctl('ipvs', 'director1', at).find((e) => e.data?.rs === RS2 && e.data?.result === 'down');
  const fail = h.ctl('check', 'director1', at).find((e) => e.data?.rs === RS2 && e.data?.result === 'fail');
  return { h, after: change ? change.t - at : Number.NaN, firstFail: fail ? fail.t - at : Number.NaN };
}

describe('keepalived TCP_CHECK detection time', () => {
  // The preset's checker: delay_loop 6, connect_timeout 3, retry 2, delay_before_retry 2 → 6 + 3·3 + 2·2 = 19 s.
  it.each([20.0, 21.3, 23.7, 25.9])('rs2 powered off at %f s is removed within 19 s (ha.md §5)', (t) => {
    const { h, after, firstFail } = removal({}, t * SEC, 'power');
    expect(after).toBeGreaterThan(0);
    expect(after).toBeLessThanOrEqual(19 * SEC);
    // A dead host never answers: each attempt runs into connect_timeout.
    expect(firstFail).toBeLessThanOrEqual(6 * SEC + 3 * SEC);
    expect(h.dests('director1')).toEqual(['192.168.10.11:80 w1', '192.168.10.13:80 w1']);
    expect(h.first('ipvs', 'director1', /^Removing service \[192\.168\.10\.12\]:tcp:80 from VS \[192\.168\.10\.100\]:tcp:80$/)).toBeDefined();
    expect(h.first('check', 'director1', /^TCP_CHECK on service \[192\.168\.10\.12\]:tcp:80 failed after 2 retries\.$/)).toBeDefined();
  });

  it('a stopped service answers RST: each attempt fails at once, detection is delay_loop + retry·delay_before_retry at most', () => {
    const { after } = removal({}, 22 * SEC, 'service');
    expect(after).toBeLessThanOrEqual(6 * SEC + 2 * 2 * SEC + 10_000);
  });

  // keepalived's defaults: delay_loop 60, connect_timeout 5, retry 1, delay_before_retry 1 → 60 + 2·5 + 1 = 71 s.
  it.each([65.0, 101.5])("with keepalived's defaults, rs2 powered off at %f s is removed within 71 s", (t) => {
    const { after } = removal({ delayLoop: null, connectTimeout: null, retry: null, delayBeforeRetry: null }, t * SEC, 'power');
    expect(after).toBeGreaterThan(0);
    expect(after).toBeLessThanOrEqual(71 * SEC);
  });

  it('checks are real TCP connections from each director to the real server (SYN, SYN-ACK, ACK, FIN)', () => {
    const h = HaLab.dr().advance(10 * SEC);
    const toRs2 = h.events.flatMap((e) => (e.type === 'dev.tx' && e.node === 'director2' && e.dev === 'eth0' && e.frame.ip?.dst === ip('192.168.10.12') && e.frame.ip.l4.kind === 'tcp' ? [e.frame.ip.l4.flags] : []));
    expect(toRs2.slice(0, 3)).toEqual([0x02, 0x10, 0x11]);
  });
});

describe('what keepalived does to IPVS', () => {
  it('by default the failed server is removed (ipvsadm -d) and added back when its checker succeeds', () => {
    const h = HaLab.dr().advance(10 * SEC);
    h.lab.apply({ type: 'service', node: 'rs2', state: 'stopped' });
    h.advance(20 * SEC);
    expect(h.dests('director1')).toEqual(['192.168.10.11:80 w1', '192.168.10.13:80 w1']);
    h.lab.apply({ type: 'service', node: 'rs2', state: 'running' });
    h.advance(10 * SEC);
    expect(h.dests('director1')).toEqual(['192.168.10.11:80 w1', '192.168.10.12:80 w1', '192.168.10.13:80 w1']);
    expect(h.first('ipvs', 'director1', /^Adding service \[192\.168\.10\.12\]:tcp:80 to VS/)).toBeDefined();
    expect(h.first('check', 'director1', /^TCP connection to \[192\.168\.10\.12\]:tcp:80 success\.$/, 31 * SEC)).toBeDefined();
  });

  it('inhibit_on_failure keeps the failed server at weight 0 instead', () => {
    const h = HaLab.dr({ inhibit: true }).advance(10 * SEC);
    h.lab.apply({ type: 'service', node: 'rs2', state: 'stopped' });
    h.advance(20 * SEC);
    expect(h.dests('director1')).toEqual(['192.168.10.11:80 w1', '192.168.10.12:80 w0', '192.168.10.13:80 w1']);
    expect(h.first('ipvs', 'director1', /^Disabling service \[192\.168\.10\.12\]:tcp:80 of VS \[192\.168\.10\.100\]:tcp:80$/)).toBeDefined();
    h.lab.apply({ type: 'service', node: 'rs2', state: 'running' });
    h.advance(10 * SEC);
    expect(h.dests('director1')).toEqual(['192.168.10.11:80 w1', '192.168.10.12:80 w1', '192.168.10.13:80 w1']);
    expect(h.first('ipvs', 'director1', /^Enabling service \[192\.168\.10\.12\]:tcp:80 of VS/)).toBeDefined();
  });

  it('the sorry server takes over when the quorum is lost, and leaves when it is regained', () => {
    const h = HaLab.dr({ quorum: 2, sorry: '192.168.10.99' }).advance(10 * SEC);
    h.lab.apply({ type: 'service', node: 'rs1', state: 'stopped' });
    h.advance(20 * SEC);
    // Σ weight 2 ≥ quorum 2: still in quorum.
    expect(h.dests('director1')).toEqual(['192.168.10.12:80 w1', '192.168.10.13:80 w1']);
    h.lab.apply({ type: 'service', node: 'rs2', state: 'stopped' });
    h.advance(20 * SEC);
    expect(h.dests('director1')).toEqual(['192.168.10.99:80 w1']);
    const lost = h.first('ipvs', 'director1', /^Lost quorum 2-0=2 > 1 for VS \[192\.168\.10\.100\]:tcp:80$/)!;
    expect(lost).toBeDefined();
    const after = h.ctl('ipvs', 'director1', lost.t).map((e) => e.text);
    expect(after.slice(0, 4)).toEqual([
      'Removing service [192.168.10.12]:tcp:80 from VS [192.168.10.100]:tcp:80',
      'Lost quorum 2-0=2 > 1 for VS [192.168.10.100]:tcp:80',
      'Adding sorry server [192.168.10.99]:tcp:80 to VS [192.168.10.100]:tcp:80',
      'Removing alive servers from the pool for VS [192.168.10.100]:tcp:80',
    ]);
    h.lab.apply({ type: 'service', node: 'rs1', state: 'running' });
    h.advance(10 * SEC);
    expect(h.dests('director1')).toEqual(['192.168.10.11:80 w1', '192.168.10.13:80 w1']);
    expect(h.first('ipvs', 'director1', /^Gained quorum 2\+0=2 <= 2 for VS/)).toBeDefined();
    expect(h.first('ipvs', 'director1', /^Removing sorry server \[192\.168\.10\.99\]:tcp:80 from VS/)).toBeDefined();
  });

  it('HTTP_GET notices a hung web server that TCP_CHECK still finds healthy', () => {
    for (const checker of ['TCP_CHECK', 'HTTP_GET'] as const) {
      const h = HaLab.dr({ checker }).advance(10 * SEC);
      h.lab.apply({ type: 'service', node: 'rs3', state: 'hung' });
      h.advance(30 * SEC);
      const d = h.dests('director1');
      if (checker === 'TCP_CHECK') expect(d).toContain('192.168.10.13:80 w1');
      else {
        expect(d).not.toContain('192.168.10.13:80 w1');
        expect(h.first('check', 'director1', /^Timeout WEB read server \[192\.168\.10\.13\]:tcp:80\.$/)).toBeDefined();
        expect(h.first('check', 'director1', /^HTTP_CHECK on service \[192\.168\.10\.13\]:tcp:80 failed after 2 retries\.$/)).toBeDefined();
      }
    }
  });
});
