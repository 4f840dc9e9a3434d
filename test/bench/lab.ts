/**
 * Whole-lab benchmarks: packet hops per wall second under heavy load (10,000 new
 * connections/s across 16 real servers, every mode), packets through the director per
 * second, and the heap held by 100,000 concurrent TCP connections.
 */
import { performance } from 'node:perf_hooks';
import { Lab } from '../../src/core/lab';
import { heavyScenario } from './scenarios';
import type { BenchResult } from './schedulers';

const MODES = ['route', 'masq', 'tunnel'] as const;
const NAMES = { route: 'DR', masq: 'NAT', tunnel: 'TUN' } as const;

function hops(lab: Lab): number {
  let n = 0;
  for (const l of lab.links) n += l.txFrames;
  return n;
}

export function benchThroughput(simSeconds = 6): BenchResult[] {
  const out: BenchResult[] = [];
  for (const mode of MODES) {
    const lab = Lab.of(heavyScenario({ mode, servers: 16, rate: 10_000, serviceMs: 1, workers: 1000 }));
    lab.advance(1_000_000); // warm-up: JIT, ARP caches, steady state
    const ipvs = lab.nodes.get('director')!.ipvs!;
    const h0 = hops(lab);
    const p0 = ipvs.stats.inpkts + ipvs.stats.outpkts;
    const t0 = performance.now();
    lab.advance(simSeconds * 1_000_000);
    const wall = (performance.now() - t0) / 1000;
    const h = hops(lab) - h0;
    const p = ipvs.stats.inpkts + ipvs.stats.outpkts - p0;
    const s = lab.traffic!.stats;
    out.push({ name: `core hops/s, ${NAMES[mode]}, 10k conn/s, 16 RS`, value: Math.round(h / wall), unit: 'hops/s' });
    out.push({ name: `director packets/s, ${NAMES[mode]}`, value: Math.round(p / wall), unit: 'pkt/s' });
    out.push({ name: `speed vs real time, ${NAMES[mode]}`, value: Number((simSeconds / wall).toFixed(2)), unit: '×' });
    if (s.failed > 0) out.push({ name: `failed requests, ${NAMES[mode]}`, value: s.failed, unit: 'requests' });
  }
  return out;
}

export function benchMemory(): BenchResult[] {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return [{ name: 'heap for 100k concurrent TCP connections (run node with --expose-gc)', value: NaN, unit: 'MB' }];
  gc();
  const base = process.memoryUsage().heapUsed;
  // Responses take a minute, so every connection opened in 10 s is still open.
  const lab = Lab.of(heavyScenario({ mode: 'route', servers: 16, rate: 10_000, serviceMs: 60_000, workers: 100_000 }));
  lab.advance(10_000_000);
  let open = 0;
  for (const n of lab.nodes.values()) if (n.web) for (const s of n.host!.tcp.sockets()) if (s.state === 'ESTABLISHED') open++;
  // Keep the lab reachable while measuring, or the collector would take it.
  const keep = globalThis as { benchLab?: Lab };
  keep.benchLab = lab;
  gc();
  const used = process.memoryUsage().heapUsed - base;
  delete keep.benchLab;
  return [
    { name: 'concurrent TCP connections held', value: open, unit: 'conns' },
    { name: 'heap for them (clients + IPVS + servers)', value: Number((used / 1e6).toFixed(1)), unit: 'MB' },
  ];
}
