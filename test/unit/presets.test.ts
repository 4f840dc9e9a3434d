/**
 * The three classic labs work out of the box: a curl from client1 reaches rs1 by its real
 * address in every preset (routing, ARP, forwarding, the TUN real-server setup), and
 * requests to the VIP are spread over rs1..rs3 by the director, the replies taking the
 * path each forwarding method implies.
 */
import { describe, it, expect } from 'vitest';
import { httpGet, type HttpResult } from '../../src/core/apps/http-client';
import { Lab } from '../../src/core/lab';
import { ip, ipStr } from '../../src/core/net/addr';
import { PRESETS } from '../../src/core/scenario/presets';
import type { TraceEvent } from '../../src/core/sim/trace';

const SEC = 1_000_000;
const RS1 = { dr: '192.168.10.11', nat: '192.168.10.11', tun: '10.1.0.11' } as const;
const VIP = { dr: '192.168.10.100', nat: '172.16.0.100', tun: '192.168.10.100' } as const;
/** The MAC of each real server's gateway: the router's eth1 (dr), or its eth2..eth4 (tun). */
const GATEWAY_MAC: Record<'dr' | 'tun', Record<string, string>> = {
  dr: { rs1: '52:54:00:00:0a:01', rs2: '52:54:00:00:0a:01', rs3: '52:54:00:00:0a:01' },
  tun: { rs1: '52:54:00:00:15:01', rs2: '52:54:00:00:16:01', rs3: '52:54:00:00:17:01' },
};

function quiet(name: keyof typeof RS1) {
  const lab = Lab.of(PRESETS[name]!());
  // The preset's background traffic would mix with ours.
  expect(lab.apply({ type: 'traffic', running: false })).toEqual({ ok: true });
  const events: TraceEvent[] = [];
  lab.world.trace.subscribe((e) => events.push(e));
  return { lab, events };
}

function curl(lab: Lab, dst: string): HttpResult[] {
  const out: HttpResult[] = [];
  httpGet(lab.host('client1'), { dst: ip(dst), port: 80, deadlineUs: 5 * SEC }, (r) => out.push(r));
  return out;
}

for (const name of ['dr', 'nat', 'tun'] as const) {
  describe(`${name} preset`, () => {
    it(`curl http://${RS1[name]}/ from client1 answers "rs1 ${RS1[name]}"`, () => {
      const { lab } = quiet(name);
      const r = curl(lab, RS1[name]);
      lab.advance(2 * SEC);
      expect(r).toHaveLength(1);
      expect(r[0]).toMatchObject({ ok: true, status: 200, body: `rs1 ${RS1[name]}\n` });
    });

    it(`requests to the VIP ${VIP[name]} are spread over rs1, rs2 and rs3`, () => {
      const { lab } = quiet(name);
      const pending: HttpResult[][] = [];
      for (let i = 0; i < 6; i++) {
        pending.push(curl(lab, VIP[name]));
        lab.advance(500_000);
      }
      lab.advance(2 * SEC);
      const results = pending.flat();
      expect(results.map((r) => r.error ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
      const by = new Map<string, number>();
      for (const r of results) by.set(r.body!.split(' ')[0]!, (by.get(r.body!.split(' ')[0]!) ?? 0) + 1);
      expect([...by.keys()].sort()).toEqual(['rs1', 'rs2', 'rs3']);
    });
  });
}

describe('the reply path of each method', () => {
  /** SYN-ACKs a real server put on its eth0, with their source and destination MAC. */
  function synAcksFromRs(events: TraceEvent[]) {
    return events.flatMap((e) => (e.type === 'dev.tx' && /^rs\d$/.test(e.node) && e.dev === 'eth0' && e.frame.ip?.l4.kind === 'tcp' && e.frame.ip.l4.flags === 0x12 ? [{ node: e.node, src: ipStr(e.frame.ip.src), dstMac: e.frame.dst }] : []));
  }

  for (const name of ['dr', 'tun'] as const) {
    it(`${name}: the real server answers the client itself, from the VIP, straight to the router`, () => {
      const { lab, events } = quiet(name);
      const r = curl(lab, VIP[name]);
      lab.advance(2 * SEC);
      expect(r[0]?.ok).toBe(true);
      const sa = synAcksFromRs(events);
      expect(sa).toHaveLength(1);
      expect(sa[0]!.src).toBe(VIP[name]);
      expect(sa[0]!.dstMac).toBe(GATEWAY_MAC[name][sa[0]!.node]);
      // The director never sees the reply.
      const atDirector = events.filter((e) => e.type === 'dev.rx' && e.node === 'director' && e.frame.ip?.l4.kind === 'tcp' && ipStr(e.frame.ip.src) === VIP[name]);
      expect(atDirector).toEqual([]);
    });
  }

  it('nat: the real server answers from its own address, and the director rewrites the source to the VIP', () => {
    const { lab, events } = quiet('nat');
    const r = curl(lab, VIP.nat);
    lab.advance(2 * SEC);
    expect(r[0]?.ok).toBe(true);
    const sa = synAcksFromRs(events);
    expect(sa).toHaveLength(1);
    expect(sa[0]!.src).toMatch(/^192\.168\.10\.1[123]$/);
    const atClient = events.filter((e) => e.type === 'dev.rx' && e.node === 'client1' && e.frame.ip?.l4.kind === 'tcp' && e.frame.ip.l4.flags === 0x12);
    expect(atClient.map((e) => (e.type === 'dev.rx' ? ipStr(e.frame.ip!.src) : ''))).toEqual([VIP.nat]);
  });
});
