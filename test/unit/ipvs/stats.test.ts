/**
 * ipvs-datapath.md §10: per-service / per-dest / global counters (conns, packets, bytes —
 * IP length before NAT or encapsulation), and the rate estimator with the kernel's
 * fixed-point arithmetic and rounding; `ipvsadm -Z`.
 */
import { describe, expect, it } from 'vitest';
import type { IpvsStats } from '../../../src/core/ipvs/dest';
import type { ScenarioInput } from '../../../src/core/scenario/schema';
import { CIP, F, MS, SEC, build, curl, hops, inject, innerTcp, ip, isolate, service, type Mode, type TestLab } from './helpers';

const VIPS: Record<Mode, string> = { nat: '172.16.0.100', dr: '192.168.10.100', tun: '192.168.10.100' };

/** What the director received from the client and from the RS, as seen on the wire. */
function wire(t: TestLab, mode: Mode, caddr: string, cport: number) {
  const c = ip(caddr);
  const conn = (p: Parameters<typeof innerTcp>[0]) => {
    const x = innerTcp(p);
    return !!x && ((x.ip.src === c && x.tcp.sport === cport) || (x.ip.dst === c && x.tcp.dport === cport));
  };
  const inLink = mode === 'nat' ? 'router:eth1 -> director:eth0' : 'switch:p1 -> director:eth0';
  const fromClient = hops(t.events, conn).filter((h) => h.link === inLink && h.ip.dst === ip(VIPS[mode]));
  const fromRs = hops(t.events, conn).filter((h) => h.link.endsWith('director:eth1') || (h.link.endsWith('director:eth0') && h.ip.dst === c));
  const sum = (xs: typeof fromClient) => xs.reduce((a, h) => a + h.ip.len, 0);
  return { inpkts: fromClient.length, inbytes: sum(fromClient), outpkts: fromRs.length, outbytes: sum(fromRs) };
}

describe('counters (§10)', () => {
  for (const mode of ['nat', 'dr', 'tun'] as const) {
    it(`${mode.toUpperCase()}: conns/inpkts/inbytes${mode === 'nat' ? '/outpkts/outbytes' : ' (outpkts stay 0)'} per dest, per service and in total`, () => {
      const t = build(mode);
      const a = curl(t, 'client1', VIPS[mode], 80, 2 * SEC);
      const b = curl(t, 'client2', VIPS[mode], 80, 2 * SEC);
      expect([a.ok, b.ok]).toEqual([true, true]);
      const w1 = wire(t, mode, CIP, a.sport!);
      const w2 = wire(t, mode, '203.0.113.20', b.sport!);
      expect(w1.inpkts).toBeGreaterThanOrEqual(5);
      if (mode === 'nat') expect(w1.outpkts).toBeGreaterThanOrEqual(4);
      else expect(w1.outpkts).toBe(0); // DR/TUN replies never reach the director
      const svc = t.ipvs.services[0]!;
      const d = (rip: string) => svc.dests.find((x) => x.addr === ip(rip))!.stats;
      const rs = mode === 'tun' ? ['10.3.0.11', '10.2.0.11', '10.1.0.11'] : ['192.168.10.13', '192.168.10.12', '192.168.10.11'];
      const z: IpvsStats = { conns: 0, inpkts: 0, outpkts: 0, inbytes: 0, outbytes: 0 };
      expect(d(rs[0]!)).toEqual({ conns: 1, ...w1 });
      expect(d(rs[1]!)).toEqual({ conns: 1, ...w2 });
      expect(d(rs[2]!)).toEqual(z);
      const both = { conns: 2, inpkts: w1.inpkts + w2.inpkts, inbytes: w1.inbytes + w2.inbytes, outpkts: w1.outpkts + w2.outpkts, outbytes: w1.outbytes + w2.outbytes };
      expect(svc.stats).toEqual(both);
      expect(t.ipvs.stats).toEqual(both);
    });
  }

  it('bytes are the IP length before NAT and before encapsulation (TUN: not +20)', () => {
    const t = build('tun');
    isolate(t);
    inject(t, 'in', F.SYN);
    inject(t, 'in', F.ACK | F.PSH, { plen: 1000 });
    const s = t.ipvs.services[0]!.stats;
    expect([s.inpkts, s.inbytes]).toEqual([2, 40 + 1040]);
  });

  it('a persistent service counts one conn per real connection (templates are not conns)', () => {
    const t = build('dr', (sc) => (service(sc).persistent = 360));
    isolate(t);
    for (const cport of [40000, 40002, 40004]) inject(t, 'in', F.SYN, { cport });
    expect(t.ipvs.services[0]!.stats.conns).toBe(3);
    expect(t.ipvs.services[0]!.dests.map((d) => d.stats.conns)).toEqual([3, 0, 0]);
  });
});

/** The kernel's estimator for one counter (ip_vs_chain_estimation + ip_vs_read_estimator). */
function kernelEstimate(deltas: number[], scale: 9 | 4): number[] {
  let avg = 0;
  const shown: number[] = [];
  for (const d of deltas) {
    avg += Math.floor((d * 2 ** scale - avg) / 4); // s64 >> 2
    shown.push(scale === 9 ? Math.floor((avg + 0x1ff) / 1024) : Math.floor((avg + 0xf) / 32));
  }
  return shown;
}

describe('rate estimator (§10)', () => {
  /** 20 SYNs (40 bytes each) per 2-s period to a one-server service, for `periods` periods. */
  function steadyLoad(edit?: (s: ScenarioInput) => void) {
    const t = build('dr', (s) => {
      service(s).dests = [{ ip: '192.168.10.13', port: 80, weight: 1, fwd: 'route' }];
      edit?.(s);
    });
    isolate(t);
    let cport = 20000;
    const period = (conns: number) => {
      const start = t.lab.now;
      for (let i = 0; i < conns; i++) {
        t.lab.runUntil(start + 10 * MS + i * 50 * MS);
        inject(t, 'in', F.SYN, { cport: cport++ });
      }
      t.lab.runUntil(start + 2 * SEC);
    };
    return { t, period };
  }

  it('a steady 10 conn/s load converges like L·(1 − 0.75^n), with the kernel rounding (half rounds down)', () => {
    const { t, period } = steadyLoad();
    const svc = t.ipvs.services[0]!;
    const cps: number[] = [];
    const inbps: number[] = [];
    const destCps: number[] = [];
    for (let n = 1; n <= 8; n++) {
      period(20);
      cps.push(t.ipvs.rates(svc.stats).cps);
      inbps.push(t.ipvs.rates(svc.stats).inbps);
      destCps.push(t.ipvs.rates(svc.dests[0]!.stats).cps);
    }
    // L = 10: 2.5 → 2 (0x1ff, not 0x200), 4.375 → 4, 5.78 → 6, 6.84 → 7, 7.63 → 8, 8.22 → 8, 8.66 → 9, 9.0 → 9.
    expect(cps).toEqual([2, 4, 6, 7, 8, 8, 9, 9]);
    expect(cps).toEqual(kernelEstimate(Array(8).fill(20), 9));
    for (let n = 1; n <= 8; n++) expect(Math.abs(cps[n - 1]! - 10 * (1 - 0.75 ** n))).toBeLessThanOrEqual(0.5);
    // 400 bytes/s: 100, 175, 231.25 → 231, …
    expect(inbps).toEqual(kernelEstimate(Array(8).fill(800), 4));
    expect(inbps.slice(0, 3)).toEqual([100, 175, 231]);
    // The real server's estimator runs from the moment it was added, like the service's.
    expect(destCps).toEqual(cps);
    expect(t.ipvs.rates(t.ipvs.stats).cps).toBe(9);
    // The load stops: the average decays by 3/4 per period (floor of a negative shift).
    const decay: number[] = [];
    for (let n = 0; n < 4; n++) {
      period(0);
      decay.push(t.ipvs.rates(svc.stats).cps);
    }
    expect(decay).toEqual(kernelEstimate([...Array(8).fill(20), 0, 0, 0, 0], 9).slice(8));
    expect(decay).toEqual([7, 5, 4, 3]);
  });

  it('rates stay put between the 2-s ticks', () => {
    const { t, period } = steadyLoad();
    period(20);
    const svc = t.ipvs.services[0]!;
    const r = t.ipvs.rates(svc.stats).cps;
    inject(t, 'in', F.SYN, { cport: 1 });
    t.lab.advance(1 * SEC);
    expect(t.ipvs.rates(svc.stats).cps).toBe(r);
  });

  it('run_estimation=0 stops the updates', () => {
    const { t, period } = steadyLoad((s) => void s);
    t.host('director').sysctl.set('net.ipv4.vs.run_estimation', 0);
    period(20);
    period(20);
    expect(t.ipvs.rates(t.ipvs.services[0]!.stats).cps).toBe(0);
  });

  it('ipvsadm -Z: counters and rates restart from zero; the next period is measured from the zero point', () => {
    const { t, period } = steadyLoad();
    for (let n = 0; n < 4; n++) period(20);
    const svc = t.ipvs.services[0]!;
    expect(svc.stats.conns).toBe(80);
    expect(t.ipvs.rates(svc.stats).cps).toBe(7);
    t.ipvs.zero();
    expect(svc.stats).toEqual({ conns: 0, inpkts: 0, outpkts: 0, inbytes: 0, outbytes: 0 });
    expect(svc.dests[0]!.stats.conns).toBe(0);
    expect(t.ipvs.stats.conns).toBe(0);
    expect(t.ipvs.rates(svc.stats)).toEqual({ cps: 0, inpps: 0, outpps: 0, inbps: 0, outbps: 0 });
    period(20);
    expect(svc.stats.conns).toBe(20);
    expect(t.ipvs.rates(svc.stats).cps).toBe(2); // as from a cold start, not a negative delta
    expect(t.ipvs.rates(svc.dests[0]!.stats).cps).toBe(2);
  });

  it('ipvsadm -Z SERVICE zeroes that service and its dests only', () => {
    const { t, period } = steadyLoad();
    period(20);
    const svc = t.ipvs.services[0]!;
    t.ipvs.zero(svc);
    expect([svc.stats.conns, svc.dests[0]!.stats.conns, t.ipvs.stats.conns]).toEqual([0, 0, 20]);
  });
});
