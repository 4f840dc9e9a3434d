/**
 * `ip` (iproute2 6.1.0): options, object dispatch and the helpers the objects share.
 * Objects live in ip-addr.ts (address, link), ip-route.ts (route, neigh, tunnel, rule).
 *
 * Exit statuses as iproute2 gives them (ip.c do_cmd returns -(handler)): 1 for parse
 * errors and unknown devices, 2 for kernel refusals (RTNETLINK answers / extack
 * `Error: ...`), 255 for exit(-1) paths (unknown command, incomplete command, usage).
 */
import type { CmdCtx } from '../context';
import { ipAddress, ipLink } from './ip-addr';
import { ipNeigh, ipRoute, ipRule, ipTunnel } from './ip-route';

/** An early exit, as iproute2's exit() / return -N; caught in `ip`. */
export class IpExit {
  constructor(readonly code: number) {}
}

export interface IpOpts {
  family: 'inet' | 'inet6' | 'any';
  stats: number;
  brief: boolean;
  details: boolean;
  oneline: boolean;
}

export interface IpCtx {
  readonly ctx: CmdCtx;
  readonly o: IpOpts;
}

/** iproute2's matches(): `cmd` is a non-empty prefix of `pattern`. */
export function matches(cmd: string | undefined, pattern: string): boolean {
  return cmd !== undefined && cmd.length > 0 && cmd.length <= pattern.length && pattern.startsWith(cmd);
}

export function fail(c: IpCtx, msg: string, code: number): never {
  c.ctx.err(msg + '\n');
  throw new IpExit(code);
}

/** NEXT_ARG(): the next word, or "Command line is not complete". */
export function nextArg(c: IpCtx, args: string[], i: number): string {
  const v = args[i + 1];
  if (v === undefined) fail(c, 'Command line is not complete. Try option "help"', 255);
  return v;
}

export function invarg(c: IpCtx, msg: string, arg: string): never {
  fail(c, `Error: argument "${arg}" is wrong: ${msg}`, 255);
}

export function duparg(c: IpCtx, key: string, arg: string): never {
  fail(c, `Error: duplicate "${key}": "${arg}" is the second value.`, 255);
}

export function familyName(c: IpCtx): string {
  return c.o.family === 'inet' ? 'inet' : c.o.family === 'inet6' ? 'inet6' : 'any valid';
}

const IP_USAGE =
  'Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n' +
  '       ip [ -force ] -batch filename\n' +
  'where  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp | link |\n' +
  '                   macsec | maddress | monitor | mptcp | mroute | mrule |\n' +
  '                   neighbor | neighbour | netconf | netns | nexthop | ntable |\n' +
  '                   ntbl | route | rule | sr | tap | tcpmetrics |\n' +
  '                   token | tunnel | tuntap | vrf | xfrm }\n' +
  '       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |\n' +
  '                    -h[uman-readable] | -iec | -j[son] | -p[retty] |\n' +
  '                    -f[amily] { inet | inet6 | mpls | bridge | link } |\n' +
  '                    -4 | -6 | -M | -B | -0 |\n' +
  '                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |\n' +
  '                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |\n' +
  '                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |\n' +
  '                    -c[olor]}\n';

/** ip.c's object table, in its order (matches() takes the first hit: `ip l` is link). */
const OBJECTS: [string, ((c: IpCtx, args: string[]) => number) | undefined][] = [
  ['address', ipAddress],
  ['addrlabel', undefined],
  ['maddress', undefined],
  ['route', ipRoute],
  ['rule', ipRule],
  ['neighbor', ipNeigh],
  ['neighbour', ipNeigh],
  ['ntable', undefined],
  ['ntbl', undefined],
  ['link', ipLink],
  ['l2tp', undefined],
  ['fou', undefined],
  ['ila', undefined],
  ['macsec', undefined],
  ['tunnel', ipTunnel],
  ['tunl', ipTunnel],
  ['tuntap', undefined],
  ['tap', undefined],
  ['token', undefined],
  ['tcpmetrics', undefined],
  ['tcp_metrics', undefined],
  ['monitor', undefined],
  ['xfrm', undefined],
  ['mroute', undefined],
  ['mrule', undefined],
  ['netns', undefined],
  ['netconf', undefined],
  ['vrf', undefined],
  ['sr', undefined],
  ['nexthop', undefined],
  ['mptcp', undefined],
  ['ioam', undefined],
  ['stats', undefined],
];

export function ip(ctx: CmdCtx): number {
  const args = ctx.argv.slice(1);
  const o: IpOpts = { family: 'any', stats: 0, brief: false, details: false, oneline: false };
  const c: IpCtx = { ctx, o };
  try {
    while (args.length > 0 && args[0]!.startsWith('-')) {
      let opt = args.shift()!;
      if (opt === '--') break;
      if (opt.startsWith('--')) opt = opt.slice(1);
      if (opt === '-4') o.family = 'inet';
      else if (opt === '-6') o.family = 'inet6';
      else if (opt === '-0') o.family = 'any';
      else if (matches(opt, '-family')) {
        const f = args.shift();
        if (f === undefined) fail(c, 'Command line is not complete. Try option "help"', 255);
        if (f === 'inet' || f === 'inet6') o.family = f;
        else if (f !== 'link') invarg(c, 'invalid protocol family', f);
      } else if (matches(opt, '-stats') || matches(opt, '-statistics')) o.stats++;
      else if (matches(opt, '-brief')) o.brief = true;
      else if (matches(opt, '-details')) o.details = true;
      else if (matches(opt, '-oneline')) o.oneline = true;
      else if (matches(opt, '-Version')) {
        ctx.out('ip utility, iproute2-6.1.0, libbpf 1.1.0\n');
        return 0;
      } else if (matches(opt, '-help')) {
        ctx.err(IP_USAGE);
        return 255;
      } else if (matches(opt, '-color') || matches(opt, '-resolve') || matches(opt, '-Numeric') || matches(opt, '-human-readable') || opt === '-iec' || matches(opt, '-all')) {
        // Accepted; plain text output is the same here.
      } else if (matches(opt, '-json') || matches(opt, '-pretty') || matches(opt, '-netns') || matches(opt, '-batch')) {
        ctx.err(`ip: option "${opt}" is not simulated in LVS Lab\n`);
        return 255;
      } else {
        ctx.err(`Option "${opt}" is unknown, try "ip -help".\n`);
        return 255;
      }
    }
    const obj = args.shift();
    if (obj === undefined || matches(obj, 'help')) {
      ctx.err(IP_USAGE);
      return 255;
    }
    const hit = OBJECTS.find(([name]) => matches(obj, name));
    if (!hit) {
      ctx.err(`Object "${obj}" is unknown, try "ip help".\n`);
      return 1;
    }
    const [name, fn] = hit;
    if (!fn) {
      ctx.err(`ip ${name}: not simulated in LVS Lab (try: ip address, link, route, neigh, tunnel)\n`);
      return 1;
    }
    return fn(c, args);
  } catch (e) {
    if (e instanceof IpExit) return e.code;
    throw e;
  }
}
