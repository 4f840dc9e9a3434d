/**
 * ipvs-datapath.md §5: IPVS's own TCP state machine — the traces for NAT and DR/TUN, the
 * timeouts, ActiveConn/InActConn (§5.1), expiry, `--set` timeouts, secure_tcp, and the
 * §3 rules for a new SYN on an old entry (conn_reuse_mode, expire_nodest_conn).
 */
import { describe, expect, it } from 'vitest';
import { S } from '../../../src/core/ipvs/tcp-states';
import { stateName } from '../../../src/core/ipvs/ipvs';
import { makeIp } from '../../../src/core/net/packet';
import type { ScenarioInput } from '../../../src/core/scenario/schema';
import { CIP, F, SEC, build, connLine, conns, curl, drops, flagStr, inject, ip, ipStr, isolate, only, service, udp, type Mode, type TestLab } from './helpers';

const { SYN, ACK, FIN, RST, PSH } = F;

/** The single entry: "STATE seconds-left". */
function st(t: TestLab): string {
  const c = only(conns(t.ipvs));
  return `${stateName(c)} ${t.ipvs.remaining(c) / SEC}`;
}

function box(mode: Mode, edit?: (s: ScenarioInput) => void): TestLab {
  const t = build(mode, edit);
  isolate(t);
  return t;
}

const dest = (t: TestLab, rip: string) => t.ipvs.services[0]!.dests.find((d) => d.addr === ip(rip))!;
const counts = (t: TestLab, rip: string) => {
  const d = dest(t, rip);
  return [d.activeConns, d.inactive];
};

describe('§5 traces through the real hosts (client closes)', () => {
  /** Every packet IPVS handles: direction, flags, state after it, the timeout it re-arms. */
  function record(mode: Mode): string[] {
    const t = build(mode);
    const rec: string[] = [];
    t.lab.world.trace.subscribe((e) => {
      if (e.type !== 'ip.forward' || e.node !== 'director' || !e.why.startsWith('IPVS') || e.before.l4.kind !== 'tcp') return;
      const c = only(conns(t.ipvs));
      rec.push(`${e.why.includes('reply') ? 'out' : 'in '} ${flagStr(e.before.l4.flags)} ${stateName(c)} ${c.timeout / SEC}`);
    });
    const r = curl(t, 'client1', mode === 'nat' ? '172.16.0.100' : '192.168.10.100');
    expect(r.ok).toBe(true);
    return rec;
  }

  /** The packets that changed the state (the host TCP stack decides how ACKs merge). */
  const changes = (rec: string[]) => rec.filter((l, i) => i === 0 || l.split(' ').slice(-2).join() !== rec[i - 1]!.split(' ').slice(-2).join());
  const TIMEOUT: Record<string, number> = { SYN_RECV: 60, ESTABLISHED: 900, CLOSE_WAIT: 60, TIME_WAIT: 120, FIN_WAIT: 120 };

  it('NAT: SYN NO→SR; SYN+ACK(out) SR; ACK ES; … FIN(in) ES→CW; (ACK(out) CW;) FIN(out) CW→TW; ACK(in) TW', () => {
    const rec = record('nat');
    expect(rec.slice(0, 3)).toEqual(['in  S SYN_RECV 60', 'out S. SYN_RECV 60', 'in  . ESTABLISHED 900']);
    expect(changes(rec)).toEqual(['in  S SYN_RECV 60', 'in  . ESTABLISHED 900', 'in  F. CLOSE_WAIT 60', 'out F. TIME_WAIT 120']);
    expect(rec.at(-1)).toBe('in  . TIME_WAIT 120');
    expect(rec.filter((l) => l.startsWith('out')).length).toBeGreaterThanOrEqual(3);
    for (const l of rec) expect(Number(l.split(' ').at(-1))).toBe(TIMEOUT[l.split(' ').at(-2)!]);
  });

  for (const mode of ['dr', 'tun'] as const) {
    it(`${mode.toUpperCase()}: only client packets, INPUT-ONLY table: SR 60 → ES 900 → FW 120, later ACKs keep FW`, () => {
      const rec = record(mode);
      expect(rec.every((l) => l.startsWith('in'))).toBe(true);
      expect(changes(rec)).toEqual(['in  S SYN_RECV 60', 'in  . ESTABLISHED 900', 'in  F. FIN_WAIT 120']);
      const after = rec.slice(rec.indexOf('in  F. FIN_WAIT 120') + 1);
      expect(after.length).toBeGreaterThanOrEqual(1);
      for (const l of after) expect(l).toBe('in  . FIN_WAIT 120');
    });
  }

  it('DR: the finished connection lingers 120 s after the last ACK in FIN_WAIT as InActConn, then expires', () => {
    const t = build('dr');
    const r = curl(t, 'client1', '192.168.10.100', 80, 1 * SEC);
    expect(r.ok).toBe(true);
    const c = only(conns(t.ipvs));
    const lastAck = c.expires - 120 * SEC;
    expect(stateName(c)).toBe('FIN_WAIT');
    expect(counts(t, '192.168.10.13')).toEqual([0, 1]);
    t.lab.runUntil(lastAck + 120 * SEC - 1);
    expect(conns(t.ipvs)).toHaveLength(1);
    t.lab.runUntil(lastAck + 120 * SEC);
    expect(conns(t.ipvs)).toHaveLength(0);
    expect(counts(t, '192.168.10.13')).toEqual([0, 0]);
  });
});

describe('§5 traces with hand-made segments (director alone)', () => {
  it('NAT, client closes: state and Expires at each step', () => {
    const t = box('nat');
    const steps: [('in' | 'out'), number, string][] = [
      ['in', SYN, 'SYN_RECV 60'],
      ['out', SYN | ACK, 'SYN_RECV 60'],
      ['in', ACK, 'ESTABLISHED 900'],
      ['in', FIN | ACK, 'CLOSE_WAIT 60'],
      ['out', ACK, 'CLOSE_WAIT 60'],
      ['out', FIN | ACK, 'TIME_WAIT 120'],
      ['in', ACK, 'TIME_WAIT 120'],
    ];
    for (const [dir, fl, want] of steps) {
      t.lab.advance(1000);
      inject(t, dir, fl);
      expect(`${dir} ${flagStr(fl)} → ${st(t)}`).toBe(`${dir} ${flagStr(fl)} → ${want}`);
    }
    // The entry expires 120 s after the last packet.
    t.lab.advance(120 * SEC - 1);
    expect(conns(t.ipvs)).toHaveLength(1);
    t.lab.advance(1);
    expect(conns(t.ipvs)).toHaveLength(0);
  });

  it('NAT, server closes: FIN(out) ES→FW; ACK(in) FW; FIN(in) FW→TW; ACK(out) TW', () => {
    const t = box('nat');
    inject(t, 'in', SYN);
    inject(t, 'out', SYN | ACK);
    inject(t, 'in', ACK);
    const got: string[] = [];
    for (const [dir, fl] of [
      ['out', FIN | ACK],
      ['in', ACK],
      ['in', FIN | ACK],
      ['out', ACK],
    ] as const) {
      t.lab.advance(1000);
      inject(t, dir, fl);
      got.push(st(t));
    }
    expect(got).toEqual(['FIN_WAIT 120', 'FIN_WAIT 120', 'TIME_WAIT 120', 'TIME_WAIT 120']);
  });

  for (const mode of ['dr', 'tun'] as const) {
    it(`${mode.toUpperCase()}: SYN NO→SR (60); ACK SR→ES (900); FIN ES→FW (120); ACK/FIN keep FW re-arming 120 s`, () => {
      const t = box(mode);
      const got: string[] = [];
      for (const fl of [SYN, ACK, PSH | ACK, FIN | ACK, ACK, FIN | ACK]) {
        t.lab.advance(7 * SEC);
        inject(t, 'in', fl);
        got.push(st(t));
      }
      expect(got).toEqual(['SYN_RECV 60', 'ESTABLISHED 900', 'ESTABLISHED 900', 'FIN_WAIT 120', 'FIN_WAIT 120', 'FIN_WAIT 120']);
      // Between packets the timer runs down.
      t.lab.advance(100 * SEC);
      expect(st(t)).toBe('FIN_WAIT 20');
    });
  }

  for (const mode of ['nat', 'dr'] as const) {
    it(`${mode.toUpperCase()}: an RST from the client moves ES→CLOSE (10 s); the entry then expires`, () => {
      const t = box(mode);
      inject(t, 'in', SYN);
      if (mode === 'nat') inject(t, 'out', SYN | ACK);
      inject(t, 'in', ACK);
      expect(st(t)).toBe('ESTABLISHED 900');
      inject(t, 'in', RST | ACK);
      expect(st(t)).toBe('CLOSE 10');
      expect(counts(t, '192.168.10.13')).toEqual([0, 1]);
      t.lab.advance(10 * SEC);
      expect(conns(t.ipvs)).toHaveLength(0);
      expect(counts(t, '192.168.10.13')).toEqual([0, 0]);
    });
  }

  it('a TCP segment with none of SYN/FIN/ACK/RST moves the entry to CLOSE', () => {
    const t = box('dr');
    inject(t, 'in', SYN);
    inject(t, 'in', ACK);
    inject(t, 'in', PSH);
    expect(st(t)).toBe('CLOSE 10');
  });

  it('a SYN retransmitted in SYN_RECV keeps the same entry (not rescheduled)', () => {
    const t = box('dr');
    inject(t, 'in', SYN);
    const c = only(conns(t.ipvs));
    t.lab.advance(1 * SEC);
    inject(t, 'in', SYN);
    expect(only(conns(t.ipvs))).toBe(c);
    expect(st(t)).toBe('SYN_RECV 60');
  });

  it('a non-SYN segment without an entry creates none (sloppy_tcp=0): it goes to the local stack', () => {
    const t = box('dr');
    inject(t, 'in', ACK);
    expect(conns(t.ipvs)).toHaveLength(0);
    t.host('director').sysctl.set('net.ipv4.vs.sloppy_tcp', 1);
    inject(t, 'in', ACK);
    expect(st(t)).toBe('ESTABLISHED 900'); // INPUT-ONLY ack NO→ES
    inject(t, 'in', RST, { cport: 40002 }); // RST never schedules
    expect(conns(t.ipvs)).toHaveLength(1);
  });
});

describe('§5.1 ActiveConn / InActConn', () => {
  for (const kernel of ['6.12', '6.1'] as const) {
    it(`${kernel}: a SYN counts active in the same packet; FIN makes it inactive; expiry removes it`, () => {
      const t = box('dr', (s) => (s.kernel = kernel));
      const seq: [number, number][] = [];
      inject(t, 'in', SYN);
      seq.push(counts(t, '192.168.10.13') as [number, number]);
      inject(t, 'in', ACK);
      seq.push(counts(t, '192.168.10.13') as [number, number]);
      inject(t, 'in', FIN | ACK);
      seq.push(counts(t, '192.168.10.13') as [number, number]);
      // 6.12 keeps totalconns and derives InActConn; 6.1 keeps inactconns.
      const d = dest(t, '192.168.10.13');
      expect([d.totalConns, d.inactConns]).toEqual(kernel === '6.12' ? [1, 0] : [0, 1]);
      t.lab.advance(120 * SEC);
      seq.push(counts(t, '192.168.10.13') as [number, number]);
      expect(seq).toEqual([
        [1, 0],
        [1, 0],
        [0, 1],
        [0, 0],
      ]);
    });
  }

  it('UDP entries are always inactive, state UDP, 300 s, one entry per client port', () => {
    const t = box('nat', (s) => {
      const svc = service(s);
      svc.proto = 'udp';
      svc.port = 53;
      for (const d of svc.dests!) d.port = 53;
    });
    const d = t.host('director');
    const dgram = (sport: number) => d.ipReceive(d.iface('eth0')!, makeIp({ src: ip(CIP), dst: ip('172.16.0.100'), l4: udp(sport, 53) }));
    dgram(5000);
    t.lab.advance(10 * SEC);
    dgram(5000);
    dgram(5001);
    const lines = conns(t.ipvs).map((c) => connLine(t.ipvs, c));
    expect(lines).toEqual([`UDP UDP 300 ${CIP}:5000 172.16.0.100:53 192.168.10.13:53`, `UDP UDP 300 ${CIP}:5001 172.16.0.100:53 192.168.10.12:53`]);
    expect(counts(t, '192.168.10.13')).toEqual([0, 1]);
    expect(counts(t, '192.168.10.12')).toEqual([0, 1]);
    // A reply (NAT, OUTPUT) re-arms it and keeps it inactive.
    t.lab.advance(100 * SEC);
    d.ipReceive(d.iface('eth1')!, makeIp({ src: ip('192.168.10.13'), dst: ip(CIP), l4: udp(53, 5000) }));
    expect(connLine(t.ipvs, conns(t.ipvs)[0]!)).toBe(`UDP UDP 300 ${CIP}:5000 172.16.0.100:53 192.168.10.13:53`);
    expect(counts(t, '192.168.10.13')).toEqual([0, 1]);
    t.lab.advance(300 * SEC);
    expect(conns(t.ipvs)).toHaveLength(0);
    expect(counts(t, '192.168.10.13')).toEqual([0, 0]);
  });
});

describe('timeouts (§5 "Notes on timeouts")', () => {
  it('a brand-new entry has 3 s before its first transition (the transition follows at once)', () => {
    const t = box('dr');
    inject(t, 'in', SYN);
    expect(st(t)).toBe('SYN_RECV 60');
  });

  it('ipvs.timeouts (ipvsadm --set) reach a live entry on its next packet, not before', () => {
    const t = box('dr');
    inject(t, 'in', SYN);
    inject(t, 'in', ACK);
    t.ipvs.timeouts.tcp[S.ESTABLISHED] = 300;
    t.ipvs.timeouts.tcp[S.FIN_WAIT] = 30;
    t.lab.advance(10 * SEC);
    expect(st(t)).toBe('ESTABLISHED 890');
    inject(t, 'in', ACK);
    expect(st(t)).toBe('ESTABLISHED 300');
    inject(t, 'in', FIN | ACK);
    expect(st(t)).toBe('FIN_WAIT 30');
    t.lab.advance(30 * SEC);
    expect(conns(t.ipvs)).toHaveLength(0);
  });

  it('a shorter timeout set while an entry is idle does not cut its running timer short', () => {
    const t = box('dr');
    inject(t, 'in', SYN);
    inject(t, 'in', ACK);
    t.ipvs.timeouts.tcp[S.ESTABLISHED] = 5;
    t.lab.advance(100 * SEC);
    expect(st(t)).toBe('ESTABLISHED 800');
  });
});

describe('secure_tcp=3 (the secure state table)', () => {
  it('NAT: the client ACK alone no longer establishes; SYN+ACK(out) → SYNACK, ACK(in) stays, ACK(out) → ES', () => {
    const t = box('nat');
    t.host('director').sysctl.set('net.ipv4.vs.secure_tcp', 3);
    const got: string[] = [];
    for (const [dir, fl] of [
      ['in', SYN],
      ['out', SYN | ACK],
      ['in', ACK],
      ['out', ACK],
    ] as const) {
      inject(t, dir, fl);
      got.push(st(t));
    }
    expect(got).toEqual(['SYN_RECV 60', 'SYNACK 120', 'SYNACK 120', 'ESTABLISHED 900']);
    // Same flow with the normal table establishes on the client's ACK.
    const n = box('nat');
    inject(n, 'in', SYN);
    inject(n, 'out', SYN | ACK);
    inject(n, 'in', ACK);
    expect(st(n)).toBe('ESTABLISHED 900');
  });

  it('DR: a SYN creates SYNACK (120 s, active) instead of SYN_RECV; the ACK moves SA→ES; an RST in SA → CLOSE', () => {
    const t = box('dr');
    t.host('director').sysctl.set('net.ipv4.vs.secure_tcp', 3);
    inject(t, 'in', SYN);
    expect(st(t)).toBe('SYNACK 120');
    expect(counts(t, '192.168.10.13')).toEqual([1, 0]);
    inject(t, 'in', ACK);
    expect(st(t)).toBe('ESTABLISHED 900');
    inject(t, 'in', SYN, { cport: 40002 });
    inject(t, 'in', RST, { cport: 40002 });
    expect(conns(t.ipvs).map((c) => stateName(c))).toEqual(['ESTABLISHED', 'CLOSE']);
  });

  it('secure_tcp=1 without memory pressure keeps the normal table', () => {
    const t = box('dr');
    t.host('director').sysctl.set('net.ipv4.vs.secure_tcp', 1);
    inject(t, 'in', SYN);
    expect(st(t)).toBe('SYN_RECV 60');
  });
});

describe('§3 a new SYN on an existing entry', () => {
  /** NAT entry for cport 40000 driven to TIME_WAIT. */
  function toTimeWait(t: TestLab): void {
    for (const [dir, fl] of [
      ['in', SYN],
      ['out', SYN | ACK],
      ['in', ACK],
      ['in', FIN | ACK],
      ['out', FIN | ACK],
      ['in', ACK],
    ] as const)
      inject(t, dir, fl);
    expect(st(t)).toBe('TIME_WAIT 120');
  }

  it('conn_reuse_mode=1: a SYN on a TIME_WAIT entry is rescheduled; the old entry is still counted when the scheduler picks', () => {
    // wlc: with rs3 (list head) holding the old inactive entry, rs2 (overhead 0) wins; were
    // the old entry already unlinked, the tie would go to rs3, the head.
    const t = box('nat', (s) => (service(s).sched = 'wlc'));
    toTimeWait(t);
    const old = only(conns(t.ipvs));
    expect(old.daddr).toBe(ip('192.168.10.13'));
    inject(t, 'in', SYN);
    const all = conns(t.ipvs);
    expect(all).toHaveLength(2);
    expect(all[0]).toBe(old);
    expect(all.map((c) => connLine(t.ipvs, c))).toEqual([`TCP TIME_WAIT 0 ${CIP}:40000 172.16.0.100:80 192.168.10.13:80`, `TCP SYN_RECV 60 ${CIP}:40000 172.16.0.100:80 192.168.10.12:80`]);
    expect(counts(t, '192.168.10.13')).toEqual([0, 1]);
    // The old entry's timer fires "now": it goes at the next tick.
    t.lab.advance(1);
    expect(conns(t.ipvs).map((c) => c.daddr)).toEqual([ip('192.168.10.12')]);
    expect(counts(t, '192.168.10.13')).toEqual([0, 0]);
  });

  it('conn_reuse_mode=1: a SYN on a CLOSE entry is rescheduled too', () => {
    const t = box('dr');
    inject(t, 'in', SYN);
    inject(t, 'in', RST); // INPUT-ONLY rst in SR stays SR
    expect(st(t)).toBe('SYN_RECV 60');
    inject(t, 'in', ACK);
    inject(t, 'in', RST);
    expect(st(t)).toBe('CLOSE 10');
    inject(t, 'in', SYN);
    t.lab.advance(1);
    expect(conns(t.ipvs).map((c) => connLine(t.ipvs, c))).toEqual([`TCP SYN_RECV 60 ${CIP}:40000 192.168.10.100:80 192.168.10.12:80`]);
  });

  it('conn_reuse_mode=0: the TIME_WAIT entry is reused (TW→SR, same real server)', () => {
    const t = box('nat');
    t.host('director').sysctl.set('net.ipv4.vs.conn_reuse_mode', 0);
    toTimeWait(t);
    const old = only(conns(t.ipvs));
    inject(t, 'in', SYN);
    expect(only(conns(t.ipvs))).toBe(old);
    expect(st(t)).toBe('SYN_RECV 60');
    expect(counts(t, '192.168.10.13')).toEqual([1, 0]);
  });

  it('an entry controlled by a persistence template is not rescheduled', () => {
    const t = box('nat', (s) => (service(s).persistent = 360));
    toTimeWait(t);
    const old = conns(t.ipvs)[0]!;
    inject(t, 'in', SYN);
    expect(conns(t.ipvs)).toEqual([old]);
    expect(stateName(old)).toBe('SYN_RECV');
  });

  it('DR FIN_WAIT: rescheduled only with conn_reuse_mode & 2 (NOOUTPUT entries)', () => {
    for (const [mode, rescheduled] of [
      [1, false],
      [2, true],
      [3, true],
    ] as const) {
      const t = box('dr');
      t.host('director').sysctl.set('net.ipv4.vs.conn_reuse_mode', mode);
      inject(t, 'in', SYN);
      inject(t, 'in', ACK);
      inject(t, 'in', FIN | ACK);
      const old = only(conns(t.ipvs));
      inject(t, 'in', SYN);
      t.lab.advance(1);
      const now = only(conns(t.ipvs));
      expect([mode, now !== old, stateName(now), now.daddr]).toEqual([mode, rescheduled, 'SYN_RECV', ip(rescheduled ? '192.168.10.12' : '192.168.10.13')]);
    }
  });

  it('NAT FIN_WAIT is never rescheduled, even with conn_reuse_mode=2 (no NOOUTPUT)', () => {
    const t = box('nat');
    t.host('director').sysctl.set('net.ipv4.vs.conn_reuse_mode', 2);
    inject(t, 'in', SYN);
    inject(t, 'out', SYN | ACK);
    inject(t, 'in', ACK);
    inject(t, 'out', FIN | ACK);
    expect(st(t)).toBe('FIN_WAIT 120');
    const old = only(conns(t.ipvs));
    inject(t, 'in', SYN);
    expect(only(conns(t.ipvs))).toBe(old);
    expect(st(t)).toBe('SYN_RECV 60');
  });

  it('expire_nodest_conn=1: a SYN on any entry of a weight-0 dest is rescheduled (ES here); =0 keeps the entry', () => {
    for (const expire of [0, 1]) {
      const t = box('dr');
      t.host('director').sysctl.set('net.ipv4.vs.expire_nodest_conn', expire);
      inject(t, 'in', SYN);
      inject(t, 'in', ACK);
      const svc = t.ipvs.services[0]!;
      svc.editDest({ addr: ip('192.168.10.13'), port: 80, weight: 0, fwd: 'route' });
      inject(t, 'in', ACK);
      expect(st(t)).toBe('ESTABLISHED 900'); // existing traffic continues on a quiesced dest
      inject(t, 'in', SYN);
      t.lab.advance(1);
      expect(conns(t.ipvs).map((c) => `${stateName(c)} ${c.daddr === ip('192.168.10.13') ? 'rs3' : 'other'}`)).toEqual([expire ? 'SYN_RECV other' : 'ESTABLISHED rs3']);
    }
  });
});

describe('§7 a deleted real server', () => {
  function established(t: TestLab): void {
    inject(t, 'in', SYN);
    inject(t, 'in', ACK);
  }

  it('expire_nodest_conn=0: its packets are dropped silently, the entry lives on, traffic resumes when it is re-added', () => {
    const t = box('dr');
    established(t);
    const svc = t.ipvs.services[0]!;
    const rs3 = t.ipvs.delDest(svc, ip('192.168.10.13'), 80);
    t.lab.advance(10 * SEC);
    const before = { ...rs3.stats };
    inject(t, 'in', ACK);
    expect(drops(t.events, 'director').map((d) => d.reason)).toEqual(['ipvs-dest-deleted']);
    expect(st(t)).toBe('ESTABLISHED 890'); // not re-armed
    expect(rs3.stats).toEqual(before);
    expect([rs3.activeConns, rs3.inactive]).toEqual([1, 0]); // the trash keeps the counters
    const back = svc.addDest({ addr: ip('192.168.10.13'), port: 80, weight: 1, fwd: 'route' });
    expect(back).toBe(rs3);
    inject(t, 'in', ACK);
    expect(st(t)).toBe('ESTABLISHED 900');
    expect(rs3.stats.inpkts).toBe(before.inpkts + 1);
  });

  it('expire_nodest_conn=1: a packet before the flush expires the entry and is handled as new (a SYN is scheduled elsewhere)', () => {
    const t = box('dr');
    t.host('director').sysctl.set('net.ipv4.vs.expire_nodest_conn', 1);
    established(t);
    t.ipvs.delDest(t.ipvs.services[0]!, ip('192.168.10.13'), 80);
    inject(t, 'in', SYN);
    expect(conns(t.ipvs).map((c) => connLine(t.ipvs, c))).toEqual([`TCP SYN_RECV 60 ${CIP}:40000 192.168.10.100:80 192.168.10.12:80`]);
  });

  it('expire_nodest_conn=1: a non-SYN packet before the flush expires the entry and goes to the local stack (RST from the VIP)', () => {
    const t = build('dr');
    t.host('director').sysctl.set('net.ipv4.vs.expire_nodest_conn', 1);
    established(t);
    t.ipvs.delDest(t.ipvs.services[0]!, ip('192.168.10.13'), 80);
    t.events.length = 0;
    inject(t, 'in', ACK);
    expect(conns(t.ipvs)).toHaveLength(0);
    expect(drops(t.events, 'director').map((d) => d.reason)).toEqual(['no-socket']);
  });

  it('expire_nodest_conn=1: the background flush removes the dest entries and templates; other dests keep theirs', () => {
    const t = box('dr', (s) => (service(s).persistent = 360));
    t.host('director').sysctl.set('net.ipv4.vs.expire_nodest_conn', 1);
    established(t); // rs3 via a template
    inject(t, 'in', SYN, { caddr: '203.0.113.20' }); // rs2 via another template
    expect(conns(t.ipvs)).toHaveLength(2);
    expect(conns(t.ipvs, true)).toHaveLength(2);
    t.ipvs.delDest(t.ipvs.services[0]!, ip('192.168.10.13'), 80);
    expect(conns(t.ipvs)).toHaveLength(2);
    t.lab.advance(1000); // one jiffy
    expect(conns(t.ipvs).map((c) => [ipStr(c.caddr), ipStr(c.daddr)])).toEqual([['203.0.113.20', '192.168.10.12']]);
    expect(conns(t.ipvs, true).map((c) => c.daddr)).toEqual([ip('192.168.10.12')]);
  });
});

describe('reply lookup (ip_vs_conn_out_get)', () => {
  it('a NAT entry matches replies from RIP:dport only, never a packet from VIP:vport', () => {
    const t = box('nat');
    inject(t, 'in', SYN);
    inject(t, 'out', SYN | ACK);
    inject(t, 'in', ACK);
    const svc = t.ipvs.services[0]!;
    const out0 = svc.stats.outpkts;
    // The director's own stack sends from VIP:80 to the client (LOCAL_OUT).
    t.host('director').output(makeIp({ src: ip('172.16.0.100'), dst: ip(CIP), l4: { kind: 'tcp', sport: 80, dport: 40000, seq: 1, ack: 0, flags: RST, win: 0, plen: 0 } }));
    expect(svc.stats.outpkts).toBe(out0);
    expect(st(t)).toBe('ESTABLISHED 900');
    inject(t, 'out', RST);
    expect(svc.stats.outpkts).toBe(out0 + 1);
    expect(st(t)).toBe('CLOSE 10');
  });
});
