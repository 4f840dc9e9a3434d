/**
 * `lab run <scenario.json | preset> [--for 30s] [--seed N] [--trace FILE.jsonl] [--hash]
 * [--timeline] [--availability]`: run a lab headless and print what happened: requests
 * ok/failed, per real server, and each director's IPVS counters; with --timeline a
 * failover timeline per failure (src/core/ha/timeline.ts), with --availability configured
 * (MTBF/MTTR) vs observed availability.
 */
import { writeSync, openSync, closeSync } from 'node:fs';
import type { Lab } from '../core/lab';
import { eventJson, TraceHasher } from '../core/sim/trace-json';
import { ipStr } from '../core/net/addr';
import { svcName } from '../core/ipvs/ipvs';
import type { Io } from './io';
import { durationArg, labArg, seedArg } from './args';
import { TimelineRecorder } from '../core/ha/timeline';
import { availabilityReport, formatAvailability } from '../core/ha/availability';

export function runCommand(argv: string[], io: Io): number {
  let target: string | undefined;
  let forUs = 30_000_000;
  let seed: number | undefined;
  let traceFile: string | undefined;
  let hash = false;
  let timeline = false;
  let availability = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--for') {
      const v = durationArg(argv[++i], 'lab run: --for', io);
      if (v === undefined) return 2;
      forUs = v;
    } else if (a === '--seed') {
      seed = seedArg(argv[++i], 'lab run', io);
      if (seed === undefined) return 2;
    } else if (a === '--trace') {
      traceFile = argv[++i];
      if (!traceFile) {
        io.err('lab run: --trace needs a file name');
        return 2;
      }
    } else if (a === '--hash') hash = true;
    else if (a === '--timeline') timeline = true;
    else if (a === '--availability') availability = true;
    else if (a.startsWith('-')) {
      io.err(`lab run: unknown option ${a}`);
      return 2;
    } else target = a;
  }
  if (!target) {
    io.err('usage: lab run <scenario.json | preset> [--for 30s] [--seed N] [--trace FILE.jsonl] [--hash] [--timeline] [--availability]');
    return 2;
  }
  const lab = labArg(target, io, seed);
  if (!lab) return 2;
  const hasher = new TraceHasher();
  let fd: number | undefined;
  if (traceFile || hash) {
    if (traceFile) fd = openSync(traceFile, 'w');
    lab.world.trace.subscribe((ev) => {
      const line = JSON.stringify(eventJson(ev));
      hasher.add(line);
      if (fd !== undefined) writeSync(fd, line + '\n');
    });
  }
  const recorder = timeline ? new TimelineRecorder(lab) : undefined;
  lab.advance(forUs);
  if (fd !== undefined) closeSync(fd);
  printSummary(lab, forUs, io);
  if (recorder) for (const l of recorder.format()) io.out(l);
  if (availability) for (const l of formatAvailability(availabilityReport(lab))) io.out(l);
  if (hash) io.out(`trace: ${hasher.count} events, hash ${hasher.digest()}`);
  return 0;
}

function printSummary(lab: Lab, forUs: number, io: Io): void {
  io.out(`lab ${lab.scenario.name}: seed ${lab.scenario.seed}, kernel ${lab.scenario.kernel}, ran ${forUs / 1e6} s of simulated time`);
  const t = lab.traffic;
  if (t) {
    const s = t.stats;
    io.out(`requests: ${s.ok + s.failed} done, ${s.ok} ok, ${s.failed} failed`);
    const servers = [...s.byServer].sort((a, b) => a[0].localeCompare(b[0]));
    for (const [name, n] of servers) io.out(`  ${name.padEnd(10)} ${String(n).padStart(7)} ok (${((100 * n) / Math.max(1, s.ok)).toFixed(1)}%)`);
    for (const [err, n] of [...s.byError].sort()) io.out(`  failed: ${err} × ${n}`);
  }
  for (const node of lab.nodes.values()) {
    if (!node.ipvs) continue;
    io.out(`${node.name}: IPVS, ${node.ipvs.conns.size} connection entries`);
    for (const svc of node.ipvs.services) {
      io.out(`  ${svcName(svc)} ${svc.schedName}  conns ${svc.stats.conns}  inpkts ${svc.stats.inpkts}  outpkts ${svc.stats.outpkts}`);
      for (const d of [...svc.dests].sort((a, b) => a.addr - b.addr || a.port - b.port)) {
        io.out(`    -> ${`${ipStr(d.addr)}:${d.port}`.padEnd(21)} ${d.fwd.padEnd(6)} weight ${String(d.weight).padStart(3)}  active ${String(d.activeConns).padStart(4)}  inactive ${String(d.inactive).padStart(5)}  conns ${String(d.stats.conns).padStart(6)}`);
      }
    }
  }
}
