/**
 * `lab ...`: the lab's own namespace, for what no Linux command can do — simulated time,
 * power, cables, client traffic, faults. Changes go through `lab.apply` (typed LabCommand,
 * logged at their simulated time, replayable); `lab advance` runs the clock.
 */
import type { CmdCtx } from '../context';
import type { LabCommand } from '../../scenario/schema';
import { durationArg } from './util';

const HELP =
  'usage: lab COMMAND\n' +
  '  lab time                        simulated time now\n' +
  '  lab advance DURATION            run the simulation (10s, 500ms, 2m)\n' +
  '  lab nodes                       the nodes and their state\n' +
  '  lab power off|on NODE           cut or restore a node\'s power\n' +
  '  lab link down|up NODE:IF        unplug or plug a cable\n' +
  '  lab loss NODE:IF PCT            lose PCT% of the frames on a link\n' +
  '  lab traffic start [--rate R/s]  start client traffic (optionally at a rate)\n' +
  '  lab traffic stop                stop client traffic\n' +
  '  lab traffic rate R/s            change the traffic rate\n' +
  '  lab traffic                     traffic counters\n' +
  '  lab service stop|start|hang NODE  the web service on a real server\n' +
  '  lab slow NODE K                 make NODE\'s service K times slower\n';

/** Longest single `lab advance`. */
const MAX_ADVANCE_US = 3_600_000_000;

function usage(ctx: CmdCtx, msg?: string): number {
  if (msg) ctx.err(`lab: ${msg}\n`);
  ctx.err(HELP);
  return 2;
}

export function formatSimTime(us: number): string {
  return `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')} s`;
}

function nodeIf(ref: string | undefined): { node: string; iface: string } | undefined {
  const m = /^([^:\s]+):([^:\s]+)$/.exec(ref ?? '');
  return m ? { node: m[1]!, iface: m[2]! } : undefined;
}

/** "200/s", "200", "12.5/s" → sessions per second. */
function rateArg(s: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(s ?? '');
  return m ? Number(m[1]) : undefined;
}

function apply(ctx: CmdCtx, cmd: LabCommand): number {
  const r = ctx.sh.lab.apply(cmd);
  if (!r.ok) {
    ctx.err(`lab: ${r.error}\n`);
    return 1;
  }
  return 0;
}

export function labCmd(ctx: CmdCtx): number {
  const [sub, ...rest] = ctx.argv.slice(1);
  const lab = ctx.sh.lab;
  switch (sub) {
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      ctx.out(HELP);
      return sub === undefined ? 2 : 0;
    case 'time':
      ctx.out(`${formatSimTime(lab.now)}\n`);
      return 0;
    case 'advance': {
      const d = rest[0];
      const us = d !== undefined ? durationArg(d) ?? (/^\d+(us|ms)$/.test(d) ? Number(d.replace(/\D+$/, '')) * (d.endsWith('ms') ? 1000 : 1) : undefined) : undefined;
      if (us === undefined) return usage(ctx, `advance needs a duration such as 10s, 500ms or 2m, not ${d ?? 'nothing'}`);
      if (us > MAX_ADVANCE_US) {
        ctx.err('lab: advance at most 1h at a time\n');
        return 1;
      }
      const end = lab.now + us;
      const r = ctx.wait(() => lab.now >= end, us);
      if (r === 'timeout') return 124;
      ctx.out(`${formatSimTime(lab.now)}\n`);
      return 0;
    }
    case 'nodes': {
      let s = '';
      for (const n of lab.nodes.values()) {
        const state = n.host ? (n.host.powered ? 'on' : 'off') : '-';
        const svc = n.web ? ` nginx ${n.web.condition}${n.web.slowFactor !== 1 ? ` (×${n.web.slowFactor})` : ''}` : '';
        const ipvs = n.ipvs ? ` ipvs ${n.ipvs.services.length} service${n.ipvs.services.length === 1 ? '' : 's'}` : '';
        s += `${n.name.padEnd(10)} ${n.kind.padEnd(8)} ${state.padEnd(3)}${svc}${ipvs}\n`;
      }
      ctx.out(s);
      return 0;
    }
    case 'power': {
      const [how, node] = rest;
      if ((how !== 'on' && how !== 'off') || !node) return usage(ctx, 'power on|off NODE');
      return apply(ctx, { type: 'power', node, on: how === 'on' });
    }
    case 'link': {
      const [how, ref] = rest;
      const ni = nodeIf(ref);
      if ((how !== 'up' && how !== 'down') || !ni) return usage(ctx, 'link up|down NODE:IF');
      return apply(ctx, { type: 'link', node: ni.node, iface: ni.iface, up: how === 'up' });
    }
    case 'loss': {
      const [ref, pct] = rest;
      const ni = nodeIf(ref);
      const p = Number((pct ?? '').replace(/%$/, ''));
      if (!ni || pct === undefined || !Number.isFinite(p) || p < 0 || p > 100) return usage(ctx, 'loss NODE:IF PCT (0-100)');
      return apply(ctx, { type: 'loss', node: ni.node, iface: ni.iface, pct: p });
    }
    case 'service': {
      const [how, node] = rest;
      const state = how === 'stop' ? 'stopped' : how === 'start' ? 'running' : how === 'hang' ? 'hung' : undefined;
      if (!state || !node) return usage(ctx, 'service stop|start|hang NODE');
      return apply(ctx, { type: 'service', node, state });
    }
    case 'slow': {
      const [node, k] = rest;
      const f = Number(k);
      if (!node || !Number.isFinite(f) || f < 0.01 || f > 1000) return usage(ctx, 'slow NODE K (0.01-1000)');
      return apply(ctx, { type: 'slow', node, factor: f });
    }
    case 'traffic': {
      const [how, ...more] = rest;
      if (how === undefined) {
        const t = lab.traffic;
        if (!t) {
          ctx.err('lab: this lab has no client traffic\n');
          return 1;
        }
        const s = t.stats;
        let out = `traffic ${t.running ? 'running' : 'stopped'} at ${t.config.rate}/s: ${s.started} requests, ${s.ok} ok, ${s.failed} failed\n`;
        for (const [name, n] of [...s.byServer].sort((a, b) => a[0].localeCompare(b[0]))) out += `  ${name.padEnd(10)} ${n}\n`;
        for (const [e, n] of [...s.byError].sort()) out += `  failed: ${e} × ${n}\n`;
        ctx.out(out);
        return 0;
      }
      if (how === 'stop') return apply(ctx, { type: 'traffic', running: false });
      if (how === 'start' || how === 'rate') {
        let rate: number | undefined;
        const opts = how === 'rate' ? ['--rate', ...more] : more;
        for (let i = 0; i < opts.length; i++) {
          if (opts[i] === '--rate') {
            rate = rateArg(opts[++i]);
            if (rate === undefined || rate > 1_000_000) return usage(ctx, 'a rate such as 200/s (at most 1000000/s)');
          } else if (opts[i]?.startsWith('--rate=')) {
            rate = rateArg(opts[i]!.slice(7));
            if (rate === undefined || rate > 1_000_000) return usage(ctx, 'a rate such as 200/s (at most 1000000/s)');
          } else return usage(ctx, `unexpected ${opts[i]}`);
        }
        if (how === 'rate' && rate === undefined) return usage(ctx, 'traffic rate R/s');
        return apply(ctx, { type: 'traffic', ...(how === 'start' ? { running: true } : {}), ...(rate !== undefined ? { rate } : {}) });
      }
      return usage(ctx, `unknown traffic command ${how}`);
    }
    default:
      return usage(ctx, `unknown command ${sub}`);
  }
}
