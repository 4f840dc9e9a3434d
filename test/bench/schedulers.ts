/**
 * Scheduler throughput: decisions per second for every kernel scheduler with 16 and 256
 * real servers, and the Maglev (mh) table rebuild time for 4093 slots and 256 servers.
 * Targets: ≥ 10 M/s for rr, wrr and wlc with 16 servers; mh rebuild < 5 ms.
 *
 * Counters stay fixed during a run (the decision alone is measured); clients and
 * destination addresses rotate through a pool so hashing and lblc caches see real variety.
 */
import { performance } from 'node:perf_hooks';
import { MaglevHashing } from '../../src/core/ipvs/schedulers/mh';
import { SCHEDULER_NAMES } from '../../src/core/ipvs/schedulers/index';
import { schedContext, type PacketView } from '../../src/core/ipvs/schedulers/scheduler';
import { Service } from '../../src/core/ipvs/service';
import { ip } from '../../src/core/net/addr';
import { Engine } from '../../src/core/sim/engine';
import { Rng } from '../../src/core/sim/random';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

const POOL = 1024;
const RUN_MS = 150;

function makeService(sched: string, n: number): Service {
  const engine = new Engine();
  const rng = new Rng(42, `bench.${sched}`);
  const ctx = schedContext({ engine, random32: () => rng.nextU32() });
  const svc = new Service({ proto: 'tcp', vip: ip('10.0.0.100'), port: 80, sched }, { kernel: '6.12', ctx });
  const base = ip('192.168.0.0');
  for (let i = 0; i < n; i++) {
    const d = svc.addDest({ addr: base + 1 + i, port: 80, weight: 1 + (i % 5) });
    // Busy enough that ovf and lblc do not short-cut, spread enough that ties are rare.
    d.setCounts(i % 4, (i * 7) % 13);
  }
  return svc;
}

function packets(): PacketView[] {
  const rng = new Rng(7, 'bench.packets');
  return Array.from({ length: POOL }, () => ({
    saddr: rng.nextU32(),
    sport: 1024 + (rng.nextU32() % 60000),
    daddr: ip('10.0.0.0') + (rng.nextU32() & 0xffff),
    dport: 80,
    proto: 'tcp' as const,
  }));
}

type Loop = (svc: Service, pkts: PacketView[], iters: number) => number;

/**
 * A fresh copy of the measuring loop for every case, so V8's type feedback at the
 * svc.schedule call site stays monomorphic (as it is in a lab running one scheduler) instead
 * of mixing every scheduler measured before — the usual trick of JS benchmark harnesses.
 */
function freshLoop(): Loop {
  return new Function(
    'svc',
    'pkts',
    'iters',
    'let hits = 0; for (let i = 0; i < iters; i++) if (svc.schedule(pkts[i & ' + (POOL - 1) + ']) !== null) hits++; return hits;',
  ) as Loop;
}

/** Decisions per second over about RUN_MS of wall time, after a warm-up. */
function decisionsPerSecond(svc: Service, pkts: PacketView[]): number {
  const loop = freshLoop();
  const chunk = 1 << 15;
  let sink = loop(svc, pkts, chunk * 4);
  let done = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < RUN_MS) {
    sink += loop(svc, pkts, chunk);
    done += chunk;
    t = performance.now();
  }
  if (sink < 0) throw new Error('unreachable');
  return (done * 1000) / (t - t0);
}

function mhRebuildMs(): number {
  const svc = makeService('mh', 256);
  const mh = svc.scheduler as MaglevHashing;
  for (let i = 0; i < 20; i++) mh.destChanged(svc);
  const rounds = 100;
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) mh.destChanged(svc);
  return (performance.now() - t0) / rounds;
}

export function benchSchedulers(): BenchResult[] {
  const pkts = packets();
  const out: BenchResult[] = [];
  for (const n of [16, 256]) {
    for (const sched of SCHEDULER_NAMES) {
      const rate = decisionsPerSecond(makeService(sched, n), pkts);
      out.push({ name: `schedule ${sched} (${n} dests)`, value: Math.round(rate / 1e4) / 100, unit: 'M/s' });
    }
  }
  out.push({ name: 'mh rebuild (4093 slots, 256 dests)', value: Math.round(mhRebuildMs() * 1000) / 1000, unit: 'ms' });
  return out;
}
