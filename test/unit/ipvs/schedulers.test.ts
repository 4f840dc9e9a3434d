/**
 * Every IPVS scheduler against the kernel: the oracle vectors (shared/oracle/sched, produced
 * by the kernel's own scheduler code) replayed through sched-replay --check, then the worked
 * examples of ipvs-schedulers.md and the dest/service rules the vectors do not reach.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSchedReplay } from '../../../src/cli/sched-replay';
import { Dest, DestTrash } from '../../../src/core/ipvs/dest';
import { randomBelow, type KernelProfile } from '../../../src/core/ipvs/kernel';
import { hash32, hsipKey, hsiphash32 } from '../../../src/core/ipvs/schedulers/hash';
import { LocalityLeastConnection } from '../../../src/core/ipvs/schedulers/lblc';
import { LocalityLeastConnectionReplication } from '../../../src/core/ipvs/schedulers/lblcr';
import { MH_TAB_SIZE, MaglevHashing } from '../../../src/core/ipvs/schedulers/mh';
import { schedContext, type PacketView } from '../../../src/core/ipvs/schedulers/scheduler';
import { WeightedRoundRobin } from '../../../src/core/ipvs/schedulers/wrr';
import { IP_VS_SVC_F_SCHED1, IpvsError, Service } from '../../../src/core/ipvs/service';
import { ip, ipStr } from '../../../src/core/net/addr';
import { Engine, SEC } from '../../../src/core/sim/engine';

const SCHED_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/oracle/sched');

function replay(args: string[]): { code: number; out: string } {
  const lines: string[] = [];
  const code = runSchedReplay(args, { out: (l) => lines.push(l), err: (l) => lines.push(`ERR ${l}`) });
  return { code, out: lines.join('\n') };
}

function vectorFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

describe('oracle vectors (Linux 6.12.117)', () => {
  it('finds the vector folder', () => {
    expect(existsSync(join(SCHED_DIR, 'FORMAT.md'))).toBe(true);
    expect(vectorFiles(SCHED_DIR).length).toBeGreaterThan(0);
  });
  for (const file of existsSync(SCHED_DIR) ? vectorFiles(SCHED_DIR) : []) {
    it(`replays ${file.slice(SCHED_DIR.length + 1)}`, () => {
      const r = replay(['--check', file]);
      expect(r.out).toMatch(/: (\d+)\/\1 ok$/);
      expect(r.code, r.out).toBe(0);
    });
  }
});

// The legacy 6.1.176 set sits beside the main vectors when it is available.
const LEGACY_DIRS = [join(SCHED_DIR, 'legacy-6.1.176'), join(SCHED_DIR, '..', 'legacy-6.1.176')].filter((d) =>
  existsSync(d),
);
describe.runIf(LEGACY_DIRS.length > 0)('oracle vectors (Linux 6.1.176)', () => {
  for (const file of LEGACY_DIRS.flatMap(vectorFiles)) {
    it(`replays ${file} with --kernel 6.1`, () => {
      const r = replay(['--kernel', '6.1', '--check', file]);
      expect(r.code, r.out).toBe(0);
    });
  }
});

describe('sched-replay', () => {
  it('prints one line per schedule op', () => {
    const r = replay([join(SCHED_DIR, 'rr.example1.json')]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toMatch(/^\d+\.\d+\.\d+\.\d+:\d+$|^-$/);
  });
  it('rejects missing files, bad JSON and bad usage with status 2', () => {
    expect(replay(['--check', '/nonexistent.json']).code).toBe(2);
    expect(replay(['--check', join(SCHED_DIR, 'FORMAT.md')]).code).toBe(2);
    expect(replay(['--kernel', '5.4', 'x.json']).code).toBe(2);
    expect(replay([]).code).toBe(2);
  });
});

// ---- helpers for the worked examples ------------------------------------------------------

const PKT: PacketView = { saddr: ip('172.16.5.9'), sport: 40000, daddr: ip('10.0.0.100'), dport: 80, proto: 'tcp' };

function lab(sched: string, kernel: KernelProfile = '6.12', flags = 0) {
  const engine = new Engine();
  const ctx = schedContext({ engine, kernel });
  const svc = new Service({ proto: 'tcp', vip: ip('10.0.0.100'), port: 80, sched, flags }, { kernel, ctx });
  return { engine, svc };
}

/** Add RS1, RS2, … in that order (so the kernel list is …, RS2, RS1). */
function addAll(svc: Service, weights: number[]): Dest[] {
  return weights.map((w, i) => svc.addDest({ addr: ip(`192.168.10.${11 + i}`), port: 80, weight: w }));
}

const rsName = (d: Dest | null) => (d ? `RS${(d.addr & 255) - 10}` : '-');

/** n picks; with `connect`, each pick becomes a new active conn, as ipvs-schedulers.md assumes. */
function picks(svc: Service, n: number, connect = false): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = svc.schedule(PKT);
    if (d && connect) d.setCounts(d.activeConns + 1, d.inactive);
    out.push(rsName(d));
  }
  return out;
}

describe('worked examples of ipvs-schedulers.md', () => {
  it('rr walks the list newest first and skips weight 0', () => {
    const { svc } = lab('rr');
    const [, rs2] = addAll(svc, [1, 1, 1]);
    expect(picks(svc, 6)).toEqual(['RS3', 'RS2', 'RS1', 'RS3', 'RS2', 'RS1']);
    svc.editDest({ addr: rs2!.addr, port: 80, weight: 0 });
    expect(picks(svc, 4)).toEqual(['RS3', 'RS1', 'RS3', 'RS1']);
  });

  it('rr continues after a deleted cursor with the entry that followed it', () => {
    const { svc } = lab('rr');
    const [, rs2] = addAll(svc, [1, 1, 1]);
    expect(picks(svc, 2)).toEqual(['RS3', 'RS2']);
    svc.delDest(rs2!.addr, 80);
    expect(picks(svc, 3)).toEqual(['RS1', 'RS3', 'RS1']);
  });

  it('wrr serves every server once on a fresh service, then the weighted cycle', () => {
    const { svc } = lab('wrr');
    addAll(svc, [4, 3, 2]);
    expect(picks(svc, 15).join(' ')).toBe(
      'RS3 RS2 RS1 RS1 RS2 RS1 RS3 RS2 RS1 RS3 RS2 RS1 RS1 RS2 RS1',
    );
  });

  it.each([
    [[4, 3, 2], 'A A B A B C A B C'],
    [[5, 1, 1], 'A A A A A B C'],
    [[4, 2, 2], 'A A B C'],
    [[3, 0, 2], 'A A C A C'],
    [[1, 1, 1], 'A B C'],
  ])('wrr switched in with -E cycles %j as %s', (weights, cycle) => {
    const { svc } = lab('rr');
    // List order A, B, C means adding C, B, A.
    addAll(svc, [...weights].reverse());
    svc.setScheduler('wrr');
    const letter = (s: string) => 'CBA'[Number(s.slice(2)) - 1]!;
    const n = cycle.split(' ').length;
    expect(picks(svc, 2 * n).map(letter).join(' ')).toBe(`${cycle} ${cycle}`);
  });

  it('wrr dest_changed keeps cw within the new gcd and resets the position', () => {
    const { svc } = lab('rr');
    const [a, b] = addAll(svc, [4, 2]);
    svc.setScheduler('wrr');
    const wrr = svc.scheduler as WeightedRoundRobin;
    expect([wrr.di, wrr.mw, wrr.cw]).toEqual([2, 3, 3]);
    svc.schedule(PKT);
    expect(wrr.cl).toBe(1); // RS1 (weight 4) sits at index 1: the list is RS2, RS1
    svc.editDest({ addr: b!.addr, port: 80, weight: 6 }); // gcd 2, max 6 → mw 5; cw 3 rounds to 3
    expect([wrr.cl, wrr.di, wrr.mw, wrr.cw]).toEqual([-1, 2, 5, 3]);
    svc.editDest({ addr: a!.addr, port: 80, weight: 3 }); // gcd 3, mw 4, cw 3 → 3/3·3+1 = 4
    expect([wrr.di, wrr.mw, wrr.cw]).toEqual([3, 4, 4]);
    svc.editDest({ addr: a!.addr, port: 80, weight: 0 });
    svc.editDest({ addr: b!.addr, port: 80, weight: 0 }); // mw 0: no destination
    expect(svc.schedule(PKT)).toBeNull();
    expect(svc.lastSchedErr).toBe('no destination available');
  });

  it('wrr reports "all destinations are overloaded" and does not loop', () => {
    const { svc } = lab('wrr');
    const ds = addAll(svc, [3, 2, 1]);
    picks(svc, 2);
    for (const d of ds) d.overload = true;
    expect(svc.schedule(PKT)).toBeNull();
    expect(svc.lastSchedErr).toBe('no destination available: all destinations are overloaded');
    ds[1]!.overload = false;
    expect(rsName(svc.schedule(PKT))).toBe('RS2');
  });

  it('lc and wlc: the 6.12 overhead (257·active) differs from 6.1 (256·active)', () => {
    for (const sched of ['lc', 'wlc', 'lblc', 'lblcr']) {
      for (const [kernel, want] of [['6.12', 'RS1'], ['6.1', 'RS2']] as const) {
        const { svc } = lab(sched, kernel);
        const [b, a] = addAll(svc, [1, 1]); // list A (RS2), B (RS1)
        a!.setCounts(1, 0);
        b!.setCounts(0, 256);
        expect(rsName(svc.schedule(PKT)), `${sched} on ${kernel}`).toBe(want);
      }
    }
  });

  it("compares load products beyond 2^53 exactly, as the kernel's 64-bit math does", () => {
    // A: 2^30 / (2^30 − 1), B: (2^30 + 1) / 2^30 — B is less loaded, yet the two cross
    // products (2^60 and 2^60 − 1) are the same double.
    const { svc } = lab('wlc');
    const k = 2 ** 30;
    const b = svc.addDest({ addr: ip('192.168.10.12'), port: 80, weight: k });
    const a = svc.addDest({ addr: ip('192.168.10.11'), port: 80, weight: k - 1 });
    a.setCounts(0, k);
    b.setCounts(0, k + 1);
    expect(svc.schedule(PKT)).toBe(b);
    b.setCounts(0, k + 2); // now (2^30+2)/2^30 > 2^30/(2^30−1): A
    expect(svc.schedule(PKT)).toBe(a);
  });

  it('lblc entry counter: 6.1 drifts up on every replacement, 6.12 does not', () => {
    for (const [kernel, want] of [['6.12', 1], ['6.1', 3]] as const) {
      const { svc } = lab('lblc', kernel);
      const [b, a] = addAll(svc, [1, 1]);
      const lblc = svc.scheduler as LocalityLeastConnection;
      svc.schedule(PKT); // A cached
      a!.setCounts(2, 0);
      svc.schedule(PKT); // replaced by B
      b!.setCounts(3, 0);
      a!.setCounts(0, 0);
      svc.schedule(PKT); // back to A
      expect(lblc.table.entries, kernel).toBe(want);
    }
  });

  it('wlc worked example 1 picks B on both kernels', () => {
    for (const kernel of ['6.12', '6.1'] as const) {
      const { svc } = lab('wlc', kernel);
      const [c, b, a] = addAll(svc, [3, 2, 1]);
      a!.setCounts(10, 5);
      b!.setCounts(18, 50);
      c!.setCounts(30, 0);
      expect(svc.schedule(PKT)).toBe(b);
    }
  });

  it('wlc, sed and nq from an empty start with A(w1), B(w4)', () => {
    const run = (sched: string) => {
      const { svc } = lab(sched);
      addAll(svc, [4, 1]); // list RS2 (w1) = A, RS1 (w4) = B
      return picks(svc, 10, true)
        .map((s) => (s === 'RS2' ? 'A' : 'B'))
        .join(' ');
    };
    expect(run('wlc')).toBe('A B B B B A B B B B');
    expect(run('sed')).toBe('B B B A B B B B A B');
    expect(run('nq')).toBe('A B B B B B B B A B');
  });

  it('ovf fills the heaviest server up to its weight, then the next, then fails', () => {
    const { svc } = lab('ovf');
    addAll(svc, [2, 3]); // list A (RS2, w3), B (RS1, w2)
    expect(picks(svc, 8, true).join(' ')).toBe('RS2 RS2 RS2 RS2 RS1 RS1 RS1 -');
  });

  it('fo picks the highest weight, the first in list order on a tie', () => {
    const { svc } = lab('fo');
    const [rs1, rs2] = addAll(svc, [5, 5, 1]);
    expect(svc.schedule(PKT)).toBe(rs2);
    rs2!.overload = true;
    expect(svc.schedule(PKT)).toBe(rs1);
  });

  it('lblc sticks to its server until it has more active than weight and another is under half', () => {
    const { svc } = lab('lblc');
    const [b, a] = addAll(svc, [10, 10]); // list A (RS2), B (RS1)
    for (let i = 0; i < 11; i++) {
      expect(svc.schedule(PKT)).toBe(a);
      a!.setCounts(a!.activeConns + 1, 0);
    }
    b!.setCounts(5, 0); // B at exactly half: A stays
    expect(svc.schedule(PKT)).toBe(a);
    b!.setCounts(4, 0);
    expect(svc.schedule(PKT)).toBe(b);
  });

  it('lblc forgets an idle entry at the 30-minute full check', () => {
    const { svc, engine } = lab('lblc');
    const [b, a] = addAll(svc, [1, 1]);
    svc.ctx.sysctl.lblcExpiration = 300;
    expect(svc.schedule(PKT)).toBe(a);
    a!.setCounts(0, 1);
    engine.runUntil(1799 * SEC); // entry idle long enough, but the full check is at 1800 s
    expect(svc.schedule(PKT)).toBe(a);
    engine.runUntil(3600 * SEC); // checks at 1800 s (used at 1799 s: kept) and 3600 s (expired)
    expect(svc.schedule(PKT)).toBe(b);
  });

  it('lblcr sheds the most loaded member once the set is unchanged for lblcr_expiration', () => {
    const { svc, engine } = lab('lblcr');
    svc.ctx.sysctl.lblcrExpiration = 600;
    const [b, a] = addAll(svc, [1, 1]);
    expect(svc.schedule(PKT)).toBe(a);
    a!.setCounts(2, 0); // over its weight while B is idle: B joins the set
    expect(svc.schedule(PKT)).toBe(b);
    b!.setCounts(1, 0);
    engine.runUntil(601 * SEC);
    // set_min picks B (less loaded), then the set drops A (most loaded)
    expect(svc.schedule(PKT)).toBe(b);
    const lblcr = svc.scheduler as LocalityLeastConnectionReplication;
    expect(lblcr.table.get(PKT.daddr)!.set.map(rsName)).toEqual([rsName(b!)]);
  });

  it('dh and sh use the documented hash_32 buckets', () => {
    expect(hash32(ip('172.16.5.9'), 8)).toBe(115);
    expect(hash32(ip('10.0.0.1'), 8)).toBe(39);
    expect(hash32(ip('172.16.5.10'), 8)).toBe(212);
    expect(hash32(ip('10.1.2.3'), 8)).toBe(2);
    expect(hash32(ip('172.16.5.9') + 51234, 8)).toBe(24);
  });

  it('sh gives each server `weight` buckets in a row, and weight 0 still one', () => {
    const { svc } = lab('sh');
    addAll(svc, [0, 1, 2]); // list A (w2), B (w1), C (w0)
    const sh = svc.scheduler as unknown as { buckets: Dest[] };
    expect(sh.buckets.slice(0, 8).map((d) => 'CBA'[(d.addr & 255) - 11]).join('')).toBe('AABCAABC');
  });

  it('hsiphash matches the kernel self-test vector (64-bit)', () => {
    const key = hsipKey(0x07060504, 0x03020100, 0x0f0e0d0c, 0x0b0a0908);
    expect(hsiphash32(0x03020100, key)).toBe(0x88d38328);
  });

  it('mh: quiescing a server moves nobody else, and mh-fallback finds another', () => {
    const { svc } = lab('mh');
    const ds = addAll(svc, [1, 1, 1, 1]);
    const mh = svc.scheduler as MaglevHashing;
    const owners = new Map<Dest, number>();
    for (const d of mh.lookup) owners.set(d!, (owners.get(d!) ?? 0) + 1);
    for (const d of ds) expect(Math.abs(owners.get(d)! - MH_TAB_SIZE / 4)).toBeLessThan(MH_TAB_SIZE * 0.05);
    const clients = Array.from({ length: 200 }, (_, i) => ({ ...PKT, saddr: ip('172.16.0.1') + i * 7919 }));
    const before = clients.map((p) => svc.schedule(p));
    const victim = before[0]!;
    svc.editDest({ addr: victim.addr, port: 80, weight: 0 });
    const after = clients.map((p) => svc.schedule(p));
    before.forEach((d, i) => expect(after[i]).toBe(d === victim ? null : d));
    svc.flags |= IP_VS_SVC_F_SCHED1;
    expect(svc.schedule(clients[0]!)).not.toBeNull();
    expect(svc.schedule(clients[0]!)).not.toBe(victim);
  });

  it('twos reduces random words like get_random_u32_below (6.12) and prandom_u32_max (6.1)', () => {
    const seq = (xs: number[]) => () => xs.shift()!;
    expect(randomBelow('6.1', 10, seq([0x80000000]))).toBe(5);
    expect(randomBelow('6.12', 10, seq([0x80000001]))).toBe(5);
    // 6.12 rejects a word whose low product half falls below 2^32 mod ceil (6 for ceil 10).
    expect(randomBelow('6.12', 10, seq([0, 0xffffffff]))).toBe(9);
    expect(randomBelow('6.1', 10, seq([0, 0xffffffff]))).toBe(0);
  });
});

describe('Dest counters and OVERLOAD (ipvs-datapath.md §5.1, §5.2)', () => {
  const owner = { proto: 'tcp' as const, vip: ip('10.0.0.100'), port: 80, fwmark: 0 };
  const dest = (kernel: KernelProfile, u: number, l = 0) => {
    const d = new Dest(kernel, ip('192.168.10.11'), 80, owner);
    d.update({ addr: d.addr, port: 80, weight: 1, uThreshold: u, lThreshold: l }, true);
    return d;
  };

  it('shows the same ActiveConn/InActConn on both kernels', () => {
    for (const kernel of ['6.12', '6.1'] as const) {
      const d = dest(kernel, 0);
      d.bindConn();
      d.connActivated();
      d.bindConn();
      expect([d.activeConns, d.inactive, d.conns]).toEqual([1, 1, 2]);
      d.connDeactivated();
      d.unbindConn(false);
      d.bindTemplate();
      expect([d.activeConns, d.inactive, d.persistConns]).toEqual([0, 1, 1]);
      expect(d.overhead()).toBe(1);
    }
  });

  it('sets OVERLOAD at u and clears it below l_eff = ⌈3u/4⌉ on both kernels', () => {
    for (const kernel of ['6.12', '6.1'] as const) {
      const d = dest(kernel, 4);
      for (let i = 0; i < 3; i++) d.bindConn();
      expect(d.overload).toBe(false);
      d.bindConn();
      expect(d.overload, kernel).toBe(true);
      d.unbindConn(false); // 3 = l_eff: still overloaded
      expect(d.overload, kernel).toBe(true);
      d.unbindConn(false); // 2 < 3
      expect(d.overload, kernel).toBe(false);
    }
  });

  it('lowering u below the total: 6.12 sets OVERLOAD at once, 6.1 at the next bind', () => {
    for (const [kernel, now, afterBind] of [['6.12', true, true], ['6.1', false, true]] as const) {
      const d = dest(kernel, 100);
      for (let i = 0; i < 10; i++) d.bindConn();
      d.update({ addr: d.addr, port: 80, weight: 1, uThreshold: 5 }, false);
      expect(d.overload, kernel).toBe(now);
      d.bindTemplate(); // 6.1 re-evaluates on any bind, templates included
      expect(d.overload, kernel).toBe(afterBind);
    }
  });

  it('raising u while above l_eff: 6.12 keeps the flag, 6.1 clears it', () => {
    for (const [kernel, want] of [['6.12', true], ['6.1', false]] as const) {
      const d = dest(kernel, 4);
      for (let i = 0; i < 4; i++) d.bindConn();
      expect(d.overload).toBe(true);
      d.update({ addr: d.addr, port: 80, weight: 1, uThreshold: 5 }, false);
      expect(d.overload, kernel).toBe(want);
    }
  });

  it('an edit with unchanged thresholds clears a manual flag only on 6.1', () => {
    for (const [kernel, want] of [['6.12', true], ['6.1', false]] as const) {
      const d = dest(kernel, 0);
      d.overload = true;
      d.update({ addr: d.addr, port: 80, weight: 3 }, false);
      expect(d.overload, kernel).toBe(want);
    }
  });
});

describe('Service (ip_vs_ctl.c)', () => {
  it('adds at the head, edits in place, refuses duplicates and unknown dests', () => {
    const { svc } = lab('wlc');
    addAll(svc, [1, 2, 3]);
    expect(svc.dests.map((d) => ipStr(d.addr))).toEqual(['192.168.10.13', '192.168.10.12', '192.168.10.11']);
    svc.editDest({ addr: ip('192.168.10.11'), port: 80, weight: 9 });
    expect(svc.dests[2]!.weight).toBe(9);
    expect(() => svc.addDest({ addr: ip('192.168.10.11'), port: 80 })).toThrow(IpvsError);
    expect(() => svc.editDest({ addr: ip('192.168.10.99'), port: 80 })).toThrow(/No such destination/);
    expect(() => svc.addDest({ addr: ip('192.168.10.99'), port: 80, weight: -1 })).toThrow(/out of range/);
    expect(() => svc.addDest({ addr: ip('192.168.10.99'), port: 80, uThreshold: 1, lThreshold: 2 })).toThrow(IpvsError);
    expect(() => svc.setScheduler('nosuch')).toThrow(/not found/);
  });

  it('brings a deleted dest back from the trash with its counters, at the head', () => {
    const { svc } = lab('lblc');
    const [rs1] = addAll(svc, [1, 1]);
    expect(svc.schedule(PKT)).toBe(svc.dests[0]);
    rs1!.setCounts(3, 7);
    svc.delDest(rs1!.addr, 80);
    expect(rs1!.available).toBe(false);
    expect(svc.trash.dests).toContain(rs1);
    const back = svc.addDest({ addr: rs1!.addr, port: 80, weight: 5 });
    expect(back).toBe(rs1);
    expect([back.activeConns, back.inactive, back.weight, back.available]).toEqual([3, 7, 5, true]);
    expect(svc.dests[0]).toBe(back);
    expect(svc.trash.dests).toHaveLength(0);
  });

  it('frees an unreferenced trashed dest 120–180 s after deletion', () => {
    const { svc, engine } = lab('rr');
    const [rs1] = addAll(svc, [1]);
    svc.delDest(rs1!.addr, 80);
    engine.runUntil(119 * SEC);
    expect(svc.trash.dests).toContain(rs1);
    engine.runUntil(180 * SEC);
    expect(svc.trash.dests).toHaveLength(0);
    expect(svc.addDest({ addr: rs1!.addr, port: 80 })).not.toBe(rs1);
  });

  it('-E to another scheduler drops the old state; the same name keeps it', () => {
    const { svc } = lab('rr');
    addAll(svc, [1, 1, 1]);
    picks(svc, 1);
    svc.setScheduler('rr');
    expect(picks(svc, 1)).toEqual(['RS2']);
    svc.setScheduler('wrr');
    svc.setScheduler('rr');
    expect(picks(svc, 1)).toEqual(['RS3']);
  });

  it('logs the kernel line for "no destination available"; `none` schedules nothing', () => {
    const lines: string[] = [];
    const engine = new Engine();
    const svc = new Service(
      { proto: 'udp', vip: ip('10.0.0.100'), port: 53, sched: 'wlc' },
      { kernel: '6.12', ctx: schedContext({ engine }), onLog: (l) => lines.push(l) },
    );
    expect(svc.schedule(PKT)).toBeNull();
    expect(lines).toEqual(['IPVS: wlc: UDP 10.0.0.100:53 - no destination available']);
    svc.setScheduler('none');
    addAll(svc, [1]);
    expect(svc.schedule(PKT)).toBeNull();
    expect(svc.schedName).toBe('none');
  });

  it('cancels the lblc timer when the service goes', () => {
    const { svc, engine } = lab('lblc');
    expect(engine.pending).toBe(1);
    svc.destroy();
    expect(engine.pending).toBe(0);
  });
});

describe('MaglevHashing', () => {
  it('fills every slot, in proportion to last_weight', () => {
    const { svc } = lab('mh');
    const ds = addAll(svc, [1, 3]);
    const mh = svc.scheduler as MaglevHashing;
    expect(mh.lookup.every((d) => d !== null)).toBe(true);
    const heavy = mh.lookup.filter((d) => d === ds[1]).length;
    expect(heavy / MH_TAB_SIZE).toBeGreaterThan(0.7);
    expect(heavy / MH_TAB_SIZE).toBeLessThan(0.8);
  });

  it('empties the table when no last_weight is positive', () => {
    const { svc } = lab('mh');
    addAll(svc, [0, 0]);
    expect(svc.schedule(PKT)).toBeNull();
  });
});

describe('trash sharing', () => {
  it('returns a dest only to a service with the same identity', () => {
    const engine = new Engine();
    const ctx = schedContext({ engine });
    const trash = new DestTrash(ctx);
    const a = new Service({ proto: 'tcp', vip: ip('10.0.0.100'), port: 80, sched: 'rr' }, { kernel: '6.12', ctx, trash });
    const d = a.addDest({ addr: ip('192.168.10.11'), port: 80 });
    a.destroy();
    const other = new Service({ proto: 'tcp', vip: ip('10.0.0.100'), port: 443, sched: 'rr' }, { kernel: '6.12', ctx, trash });
    expect(other.addDest({ addr: ip('192.168.10.11'), port: 80 })).not.toBe(d);
    const same = new Service({ proto: 'tcp', vip: ip('10.0.0.100'), port: 80, sched: 'rr' }, { kernel: '6.12', ctx, trash });
    expect(same.addDest({ addr: ip('192.168.10.11'), port: 80 })).toBe(d);
  });
});
