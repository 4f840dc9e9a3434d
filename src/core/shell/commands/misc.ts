/**
 * Who and when: hostname, uname, whoami, id, date (hostname 3.23 and coreutils 9.1
 * messages). Text tools are in text.ts, file tools in files.ts.
 */
import type { CmdCtx } from '../context';
import { ipStr } from '../../net/addr';
import { KERNEL_RELEASE } from '../../ipvs/kernel';
import { civil, labUnix, p2 } from './util';

/** `uname -r` of the lab's kernels, as Debian 12 names them. */
export function kernelRelease(ctx: CmdCtx): { release: string; version: string } {
  const k = ctx.sh.lab.scenario.kernel;
  const full = KERNEL_RELEASE[k];
  return k === '6.1'
    ? { release: '6.1.0-44-amd64', version: `#1 SMP PREEMPT_DYNAMIC Debian ${full}-1 (2026-10-08)` }
    : { release: `${full}+deb12-amd64`, version: `#1 SMP PREEMPT_DYNAMIC Debian ${full}-1~bpo12+1 (2026-10-12)` };
}

// ------------------------------------------------------------------ identity

export function hostname(ctx: CmdCtx): number {
  const args = ctx.argv.slice(1);
  const sys = ctx.sys;
  if (args.length === 0 || ['-s', '--short', '-f', '--fqdn', '--long', '-A', '--all-fqdns'].includes(args[0]!)) {
    ctx.out(sys.hostname + (args[0] === '-A' || args[0] === '--all-fqdns' ? ' ' : '') + '\n');
    return 0;
  }
  const a = args[0]!;
  if (a === '-I' || a === '--all-ip-addresses') {
    // Every address of every interface that is up, except loopback's (hostname.c: getifaddrs).
    let s = '';
    for (const d of sys.host.ifaces) {
      if (d.kind === 'loopback' || !d.adminUp) continue;
      for (const x of d.addrs) s += ipStr(x.addr) + ' ';
    }
    ctx.out(s + '\n');
    return 0;
  }
  if (a === '-i' || a === '--ip-address') {
    const ip = sys.resolve(sys.hostname);
    if (ip === undefined) {
      ctx.err('hostname: Name or service not known\n');
      return 1;
    }
    ctx.out(ipStr(ip) + ' \n');
    return 0;
  }
  if (a.startsWith('-')) {
    ctx.err(`hostname: invalid option -- '${a.slice(1, 2)}'\n` + HOSTNAME_USAGE);
    return 1;
  }
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]{0,62})$/.test(a)) {
    ctx.err('hostname: the specified hostname is invalid\n');
    return 1;
  }
  sys.hostname = a;
  return 0;
}

const HOSTNAME_USAGE =
  'Usage: hostname [-b] {hostname|-F file}         set host name (from file)\n' +
  '       hostname [-a|-A|-d|-f|-i|-I|-s|-y]       display formatted name\n' +
  '       hostname                                 display host name\n';

export function uname(ctx: CmdCtx): number {
  const { release, version } = kernelRelease(ctx);
  const fields = { s: 'Linux', n: ctx.sys.hostname, r: release, v: version, m: 'x86_64', p: 'unknown', i: 'unknown', o: 'GNU/Linux' };
  const args = ctx.argv.slice(1);
  const want = new Set<string>();
  for (const a of args) {
    if (a === '-a' || a === '--all') ['s', 'n', 'r', 'v', 'm', 'o'].forEach((c) => want.add(c));
    else if (/^-[snrvmpio]+$/.test(a)) for (const c of a.slice(1)) want.add(c);
    else {
      ctx.err(`uname: ${a.startsWith('-') ? `invalid option -- '${a.slice(1, 2)}'` : `extra operand '${a}'`}\nTry 'uname --help' for more information.\n`);
      return 1;
    }
  }
  if (want.size === 0) want.add('s');
  const order = ['s', 'n', 'r', 'v', 'm', 'p', 'i', 'o'] as const;
  ctx.out(order.filter((c) => want.has(c) && !(args.includes('-a') && (c === 'p' || c === 'i'))).map((c) => fields[c]).join(' ') + '\n');
  return 0;
}

export function whoami(ctx: CmdCtx): number {
  ctx.out('root\n');
  return 0;
}

export function id(ctx: CmdCtx): number {
  ctx.out('uid=0(root) gid=0(root) groups=0(root)\n');
  return 0;
}

/** date [+FORMAT], in UTC on the lab's calendar. */
export function date(ctx: CmdCtx): number {
  const t = labUnix(ctx.sh.lab.now);
  const c = civil(t);
  const fmt = ctx.argv.slice(1).find((a) => a.startsWith('+'));
  if (!fmt) {
    ctx.out(`${c.wd} ${c.mon} ${String(c.d).padStart(2)} ${p2(c.h)}:${p2(c.mi)}:${p2(c.s)} UTC ${c.y}\n`);
    return 0;
  }
  const us = ctx.sh.lab.now % 1e6;
  const out = fmt.slice(1).replace(/%([a-zA-Z%])/g, (m, k: string) => {
    switch (k) {
      case 'Y': return String(c.y);
      case 'm': return p2(c.mo);
      case 'd': return p2(c.d);
      case 'H': return p2(c.h);
      case 'M': return p2(c.mi);
      case 'S': return p2(c.s);
      case 'N': return String(us * 1000).padStart(9, '0');
      case 's': return String(t);
      case 'T': return `${p2(c.h)}:${p2(c.mi)}:${p2(c.s)}`;
      case 'F': return `${c.y}-${p2(c.mo)}-${p2(c.d)}`;
      case 'a': return c.wd;
      case 'b': return c.mon;
      case 'Z': return 'UTC';
      case '%': return '%';
      default: return m;
    }
  });
  ctx.out(out + '\n');
  return 0;
}
