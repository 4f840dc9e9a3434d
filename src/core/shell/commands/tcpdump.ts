/**
 * tcpdump on a node: frames seen by the node's devices (the trace's dev.rx / dev.tx
 * events), filtered and printed by the tcpdump modules (../tcpdump: options, filter,
 * format) while simulated time runs.
 *
 * With -c N it stops by itself; without, it runs until Ctrl-C — in the lab, for
 * FOREGROUND_US of simulated time, then ^C and the counters. `tcpdump ... &` keeps
 * capturing in the background while later commands run, until `kill %N` (SIGTERM: the
 * counters) or -c. `timeout 5 tcpdump ...` also ends it with the counters.
 *
 * As libpcap does on Linux, a capture on lo skips outgoing copies (each packet shows once).
 */
import { CONNECT_CAP_US, FOREGROUND_US, type CmdCtx } from '../context';
import type { TraceEvent } from '../../sim/trace';
import { prefixMask } from '../../net/addr';
import { startTcpdump, tcpdumpSummary, type TcpdumpHost } from '../tcpdump/options';

export function tcpdump(ctx: CmdCtx): number {
  const sys = ctx.sys;
  const host = sys.host;
  const devices = new Map<string, 'EN10MB' | 'RAW'>();
  for (const d of host.ifaces) devices.set(d.name, d.kind === 'ipip' ? 'RAW' : 'EN10MB');
  const first = host.ifaces.find((d) => d.kind !== 'loopback' && d.adminUp) ?? host.ifaces.find((d) => d.kind !== 'loopback');
  const th: TcpdumpHost = {
    devices,
    ...(first ? { defaultDevice: first.name } : {}),
    netmaskOf: (name) => {
      const a = host.iface(name)?.addrs[0];
      return a ? prefixMask(a.len) : undefined;
    },
    resolveName: (name) => {
      const a = sys.resolve(name);
      return a === undefined ? undefined : [a];
    },
    resolveAddr: (a) => sys.reverse(a),
    dayOffsetUs: 0,
  };
  const r = startTcpdump(ctx.argv.slice(1), th);
  if (!r.ok) {
    ctx.out(r.stdout);
    ctx.err(r.stderr);
    return r.exit;
  }
  if (r.iface !== 'any' && !host.iface(r.iface)!.adminUp) {
    ctx.err(`tcpdump: ${r.iface}: That device is not up\n`);
    return 1;
  }
  const count = r.options.count;
  const trace = sys.lab.world.trace;
  let captured = 0;
  let stopped = false;
  let write = (t: string) => ctx.out(t);
  let onCount: (() => void) | undefined;
  const listener = (ev: TraceEvent) => {
    if (stopped || (ev.type !== 'dev.rx' && ev.type !== 'dev.tx') || ev.node !== sys.name) return;
    if (r.iface !== 'any' && ev.dev !== r.iface) return;
    const outbound = ev.type === 'dev.tx';
    if (outbound && ev.dev === 'lo') return;
    if (!r.wants(ev.frame, outbound)) return;
    const any = r.iface === 'any' ? { iface: ev.dev, dir: outbound ? ('Out' as const) : ('In' as const), ifindex: host.iface(ev.dev)?.index ?? 0 } : undefined;
    write(r.session.format(ev.frame, ev.t, any) + '\n');
    captured++;
    if (count !== undefined && captured >= count) {
      stopped = true;
      onCount?.();
    }
  };
  const summary = (interrupted: boolean): { stdout: string; stderr: string } => tcpdumpSummary({ captured, interrupted });

  if (ctx.background) {
    const { job, write: w } = ctx.sh.addJob({
      cmdline: ctx.argv.join(' '),
      announce: true,
      stop: () => {
        if (stopped && count !== undefined && captured >= count) return;
        stopped = true;
        unsubscribe();
        const s = summary(true);
        w(s.stdout + s.stderr);
      },
    });
    write = w;
    w(r.stderr);
    onCount = () => {
      unsubscribe();
      w(summary(false).stderr);
      ctx.sh.endJob(job, 'Done');
    };
    const unsubscribe = trace.subscribe(listener);
    return 0;
  }

  ctx.err(r.stderr);
  const unsubscribe = trace.subscribe(listener);
  const res = ctx.wait(() => stopped, count !== undefined ? CONNECT_CAP_US : FOREGROUND_US);
  stopped = true;
  unsubscribe();
  if (res === 'done') {
    ctx.err(summary(false).stderr);
    return 0;
  }
  if (res === 'interrupt') ctx.tty('^C');
  const s = summary(true);
  ctx.out(s.stdout);
  ctx.err(s.stderr);
  return res === 'timeout' ? 124 : 0;
}
