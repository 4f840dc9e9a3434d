/**
 * ipvs-datapath.md §5.2 and ipvs-schedulers.md §0.3: connection thresholds set OVERLOAD and
 * the scheduler skips the server; the 6.12 / 6.1 differences reachable with `kernel`;
 * weight 0 quiesces a server (no new connections, existing ones continue).
 */
import { describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../../src/core/scenario/schema';
import { stateName } from '../../../src/core/ipvs/ipvs';
import { F, SEC, SETTLE, build, conns, drops, hops, inject, ip, isolate, pktStr, service, type TestLab } from './helpers';

const { SYN, ACK, RST } = F;

function box(edit?: (s: ScenarioInput) => void): TestLab {
  const t = build('dr', edit);
  isolate(t);
  return t;
}

const thresholds = (upper: number, lower?: number, kernel: '6.12' | '6.1' = '6.12') => (s: ScenarioInput) => {
  s.kernel = kernel;
  for (const d of service(s).dests!) {
    d.upper = upper;
    if (lower !== undefined) d.lower = lower;
  }
};

const rs = (t: TestLab, n: 1 | 2 | 3) => t.ipvs.services[0]!.dests.find((d) => d.addr === ip(`192.168.10.${10 + n}`))!;
/** SYN from a new client port; returns the real server it went to, or 'none'. */
function connect(t: TestLab, cport: number): string {
  const before = t.ipvs.conns.all.size;
  inject(t, 'in', SYN, { cport });
  const c = conns(t.ipvs).find((x) => x.cport === cport);
  return c && t.ipvs.conns.all.size > before ? `rs${(c.daddr & 255) - 10}` : 'none';
}

describe('upper threshold (-x): OVERLOAD when total reaches u; the scheduler skips the server', () => {
  for (const kernel of ['6.12', '6.1'] as const) {
    it(`${kernel}: u=2 on every server: two connections each, then "no destination available" → ICMP port unreachable`, () => {
      const t = box(thresholds(2, undefined, kernel));
      t.lab.advance(SETTLE);
      const picks = [40000, 40002, 40004, 40006, 40008, 40010].map((p) => connect(t, p));
      expect(picks).toEqual(['rs3', 'rs2', 'rs1', 'rs3', 'rs2', 'rs1']);
      expect([1, 2, 3].map((n) => rs(t, n as 1 | 2 | 3).overload)).toEqual([true, true, true]);
      t.events.length = 0;
      expect(connect(t, 40012)).toBe('none');
      expect(drops(t.events, 'director').map((x) => x.reason)).toEqual(['ipvs-no-dest']);
      expect(t.ipvs.log.at(-1)).toBe('IPVS: rr: TCP 192.168.10.100:80 - no destination available');
    });
  }

  it('InActConn counts too: a CLOSEd entry keeps the server overloaded until it expires; total < ⌈3u/4⌉ clears it', () => {
    const t = box(thresholds(2));
    for (const p of [40000, 40002, 40004, 40006]) connect(t, p); // rs3, rs2, rs1, rs3
    const rs3 = rs(t, 3);
    expect([rs3.overload, rs3.activeConns, rs3.inactive]).toEqual([true, 2, 0]);
    inject(t, 'in', ACK, { cport: 40006 });
    inject(t, 'in', RST, { cport: 40006 }); // ES → CLOSE (10 s), now inactive
    expect([rs3.overload, rs3.activeConns, rs3.inactive]).toEqual([true, 1, 1]);
    expect(connect(t, 40008)).toBe('rs2'); // rs3 still skipped
    t.lab.advance(10 * SEC); // the CLOSE entry expires: total 1 < l_eff 2 (u − ⌊u/4⌋)
    expect([rs3.overload, rs3.activeConns, rs3.inactive]).toEqual([false, 1, 0]);
    expect([connect(t, 40010), connect(t, 40012)]).toEqual(['rs1', 'rs3']); // rr moves on from rs2
  });

  it('an explicit lower threshold (-y): set at u=3, cleared only when total drops below l=1', () => {
    const t = box((s) => {
      const svc = service(s);
      svc.dests = [{ ip: '192.168.10.13', port: 80, weight: 1, fwd: 'route', upper: 3, lower: 1 }];
    });
    const rs3 = rs(t, 3);
    for (const p of [40000, 40002, 40004]) connect(t, p);
    expect(rs3.overload).toBe(true);
    const expire = (cport: number) => {
      inject(t, 'in', ACK, { cport });
      inject(t, 'in', RST, { cport });
      t.lab.advance(10 * SEC);
    };
    expire(40000);
    expire(40002);
    expect([rs3.conns, rs3.overload]).toEqual([1, true]); // 1 is not below l=1
    expect(connect(t, 40006)).toBe('none');
    expire(40004);
    expect([rs3.conns, rs3.overload]).toEqual([0, false]);
    expect(connect(t, 40008)).toBe('rs3');
  });
});

describe('§5.2 where 6.12.117 and 6.1.176 differ (ipvsadm -e changing the thresholds)', () => {
  function twoConnsOnRs3(kernel: '6.12' | '6.1'): TestLab {
    const t = box((s) => {
      s.kernel = kernel;
      service(s).dests = [{ ip: '192.168.10.13', port: 80, weight: 1, fwd: 'route' }, { ip: '192.168.10.12', port: 80, weight: 1, fwd: 'route' }];
      service(s).sched = 'wlc';
    });
    // wlc over the list rs2 (head, added last), rs3: rs2, rs3, rs2, rs3, rs2.
    expect([40000, 40002, 40004, 40006, 40008].map((p) => connect(t, p))).toEqual(['rs2', 'rs3', 'rs2', 'rs3', 'rs2']);
    return t;
  }

  it('lowering u below the current total: 6.12 sets OVERLOAD at once; 6.1 only at the next bind', () => {
    const res: Record<string, unknown[]> = {};
    for (const kernel of ['6.12', '6.1'] as const) {
      const t = twoConnsOnRs3(kernel);
      const svc = t.ipvs.services[0]!;
      const d = rs(t, 3);
      const total = d.conns;
      svc.editDest({ addr: d.addr, port: 80, weight: 1, fwd: 'route', uThreshold: 2 });
      const afterEdit = d.overload;
      const next = connect(t, 40010);
      res[kernel] = [total, afterEdit, next, d.overload];
    }
    expect(res).toEqual({ '6.12': [2, true, 'rs2', true], '6.1': [2, false, 'rs3', true] });
  });

  it('raising u while total ≥ the new l_eff: 6.12 keeps OVERLOAD, 6.1 clears it', () => {
    const res: Record<string, unknown[]> = {};
    for (const kernel of ['6.12', '6.1'] as const) {
      const t = box((s) => {
        s.kernel = kernel;
        service(s).dests = [{ ip: '192.168.10.13', port: 80, weight: 1, fwd: 'route', upper: 4 }];
      });
      const first = [40000, 40002, 40004, 40006].map((p) => connect(t, p));
      const d = rs(t, 3);
      const before = d.overload;
      // u 4 → 5: l_eff = 5 − ⌊5/4⌋ = 4 ≤ total 4.
      t.ipvs.services[0]!.editDest({ addr: d.addr, port: 80, weight: 1, fwd: 'route', uThreshold: 5 });
      const afterEdit = d.overload;
      const next = connect(t, 40008);
      res[kernel] = [first.join(), before, afterEdit, next, d.overload];
    }
    expect(res).toEqual({
      '6.12': ['rs3,rs3,rs3,rs3', true, true, 'none', true],
      '6.1': ['rs3,rs3,rs3,rs3', true, false, 'rs3', true], // the 5th bind reaches the new u
    });
  });
});

describe('weight 0 quiesces a server', () => {
  it('no new connections go to it; its existing connection continues (forwarded and counted)', () => {
    const t = build('dr');
    isolate(t);
    connect(t, 40000); // rs3
    inject(t, 'in', ACK, { cport: 40000 });
    const svc = t.ipvs.services[0]!;
    svc.editDest({ addr: ip('192.168.10.13'), port: 80, weight: 0, fwd: 'route' });
    const picks = [40002, 40004, 40006, 40008].map((p) => connect(t, p));
    expect(picks).toEqual(['rs2', 'rs1', 'rs2', 'rs1']);
    const rs3 = rs(t, 3);
    const before = rs3.stats.inpkts;
    inject(t, 'in', ACK | F.PSH, { cport: 40000, plen: 100 });
    expect(rs3.stats.inpkts).toBe(before + 1);
    expect(stateName(conns(t.ipvs)[0]!)).toBe('ESTABLISHED');
  });

  it('all weights 0: every new connection is refused with ICMP port unreachable', () => {
    const t = build('dr', (s) => {
      for (const d of service(s).dests!) d.weight = 0;
    });
    t.lab.advance(SETTLE);
    inject(t, 'in', SYN);
    t.lab.advance(50_000);
    const icmp = hops(t.events, (p) => p.l4.kind === 'icmp').filter((h) => h.link.endsWith('client1:eth0'));
    expect(icmp.map((h) => pktStr(h.ip))).toEqual(['192.168.10.100 > 203.0.113.10 ttl 63 icmp 3/3']);
    expect(t.ipvs.conns.all.size).toBe(0);
  });
});
