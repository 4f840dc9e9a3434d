/**
 * bash builtins the lab needs (cd, echo, printf, exit, history, jobs, kill, export...) and
 * two coreutils that steer time: `sleep` runs the simulation, `timeout` bounds a command.
 * Messages follow bash 5.2 and coreutils 9.1 (Debian 12).
 */
import type { CmdCtx } from '../context';
import { resolvePath } from '../vfs';
import { backslashEscapes, durationArg } from './util';

export function cd(ctx: CmdCtx): number {
  const args = ctx.argv.slice(1).filter((a) => a !== '--');
  if (args.length > 1) {
    ctx.err('bash: cd: too many arguments\n');
    return 1;
  }
  const target = args[0] ?? '/root';
  const path = resolvePath(ctx.sh.cwd(), target);
  if (!ctx.sys.isDir(path)) {
    ctx.err(`bash: cd: ${target}: ${ctx.sys.read(path).ok ? 'Not a directory' : 'No such file or directory'}\n`);
    return 1;
  }
  ctx.sh.setCwd(path);
  return 0;
}

export function pwd(ctx: CmdCtx): number {
  ctx.out(ctx.sh.cwd() + '\n');
  return 0;
}

/** bash's echo: -n, -e, -E only when the whole word is made of those letters. */
export function echo(ctx: CmdCtx): number {
  const args = ctx.argv.slice(1);
  let newline = true;
  let escapes = false;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (!/^-[neE]+$/.test(a)) break;
    for (const c of a.slice(1)) {
      if (c === 'n') newline = false;
      else if (c === 'e') escapes = true;
      else escapes = false;
    }
  }
  let text = args.slice(i).join(' ');
  if (escapes) {
    const r = backslashEscapes(text, true);
    text = r.text;
    if (r.stop) newline = false;
  }
  ctx.out(text + (newline ? '\n' : ''));
  return 0;
}

/** printf FORMAT [ARG...]: %s %d %i %u %x %X %o %c %f %%, reused while arguments remain. */
export function printf(ctx: CmdCtx): number {
  const args = ctx.argv.slice(1);
  if (args[0] === '--') args.shift();
  const fmt = args.shift();
  if (fmt === undefined) {
    ctx.err('printf: usage: printf [-v var] format [arguments]\n');
    return 2;
  }
  let out = '';
  let status = 0;
  let rounds = 0;
  do {
    let used = 0;
    const r = fmt.replace(/%([-+ 0#]*)(\d*)(?:\.(\d+))?([sdiuxXocfb%])/g, (_m, flags: string, width: string, prec: string | undefined, conv: string) => {
      if (conv === '%') return '%';
      const arg = args.shift();
      if (arg !== undefined) used++;
      let v: string;
      switch (conv) {
        case 's':
          v = arg ?? '';
          if (prec !== undefined) v = v.slice(0, Number(prec));
          break;
        case 'b':
          v = backslashEscapes(arg ?? '', true).text;
          break;
        case 'c':
          v = (arg ?? '').slice(0, 1);
          break;
        case 'f': {
          const n = Number(arg ?? 0);
          v = (Number.isFinite(n) ? n : 0).toFixed(prec !== undefined ? Number(prec) : 6);
          break;
        }
        default: {
          const s = arg ?? '0';
          let n = /^[-+]?\d+$/.test(s.trim()) ? Number(s) : /^'./.test(s) ? s.charCodeAt(1) : NaN;
          if (Number.isNaN(n)) {
            ctx.err(`bash: printf: ${s}: invalid number\n`);
            status = 1;
            n = 0;
          }
          v = conv === 'x' ? n.toString(16) : conv === 'X' ? n.toString(16).toUpperCase() : conv === 'o' ? n.toString(8) : String(Math.trunc(n));
        }
      }
      const w = Math.min(Number(width || 0), 4096);
      if (v.length < w) v = flags.includes('-') ? v.padEnd(w) : flags.includes('0') && conv !== 's' ? v.padStart(w, '0') : v.padStart(w);
      return v;
    });
    const e = backslashEscapes(r, true);
    out += e.text;
    if (e.stop || used === 0) break;
  } while (args.length > 0 && ++rounds < 10000);
  ctx.out(out);
  return status;
}

export function exit(ctx: CmdCtx): number {
  const a = ctx.argv[1];
  let code = Number(ctx.sh.getVar('?') ?? 0);
  if (a !== undefined) {
    if (!/^[-+]?\d+$/.test(a)) {
      ctx.err(`bash: exit: ${a}: numeric argument required\n`);
      code = 2;
    } else code = ((Number(a) % 256) + 256) % 256;
  }
  if (ctx.sh.depth === 0) {
    // The console: a real getty would start a new login; the lab keeps the terminal open.
    ctx.tty('logout\n');
    return code;
  }
  return ctx.sh.logout(code);
}

export function history(ctx: CmdCtx): number {
  const a = ctx.argv[1];
  if (a === '-c') {
    ctx.sh.clearHistory();
    return 0;
  }
  const h = ctx.sh.history();
  let n = h.length;
  if (a !== undefined) {
    if (!/^\d+$/.test(a)) {
      ctx.err(`bash: history: ${a}: numeric argument required\n`);
      return 1;
    }
    n = Math.min(h.length, Number(a));
  }
  const base = ctx.sh.histBase();
  let s = '';
  for (let i = h.length - n; i < h.length; i++) s += `${String(base + i + 1).padStart(5)}  ${h[i]}\n`;
  ctx.out(s);
  return 0;
}

/** ncurses' clear for TERM=xterm-256color: home, erase screen, erase scrollback. */
export function clear(ctx: CmdCtx): number {
  ctx.out('\x1b[H\x1b[2J\x1b[3J');
  return 0;
}

export const trueCmd = (): number => 0;
export const falseCmd = (): number => 1;

export function exportCmd(ctx: CmdCtx): number {
  for (const a of ctx.argv.slice(1)) {
    if (a.startsWith('-')) continue;
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      ctx.err(`bash: export: \`${a}': not a valid identifier\n`);
      return 1;
    }
    if (eq >= 0) ctx.sh.setVar(name, a.slice(eq + 1));
  }
  return 0;
}

export function unset(ctx: CmdCtx): number {
  for (const a of ctx.argv.slice(1)) if (!a.startsWith('-')) ctx.sh.setVar(a, '');
  return 0;
}

export function jobs(ctx: CmdCtx): number {
  const list = ctx.sh.jobs.filter((j) => j.node === ctx.sys.name && j.announce);
  list.forEach((j, i) => {
    const mark = i === list.length - 1 ? '+' : i === list.length - 2 ? '-' : ' ';
    const state = j.ended ?? 'Running';
    ctx.out(`[${j.id}]${mark}  ${state.padEnd(24)}${j.cmdline}${j.ended ? '' : ' &'}\n`);
  });
  return 0;
}

const SIGNALS: Record<string, number> = { HUP: 1, INT: 2, KILL: 9, TERM: 15 };

export function kill(ctx: CmdCtx): number {
  const args = ctx.argv.slice(1);
  let sig = 15;
  if (args[0]?.startsWith('-') && args[0] !== '-') {
    const s = args.shift()!.slice(1).replace(/^SIG/, '');
    const n = /^\d+$/.test(s) ? Number(s) : SIGNALS[s.replace(/^s\s*/, '').toUpperCase()];
    if (n === undefined) {
      ctx.err(`bash: kill: ${s}: invalid signal specification\n`);
      return 1;
    }
    sig = n;
  }
  if (args.length === 0) {
    ctx.err('kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n');
    return 2;
  }
  let status = 0;
  for (const a of args) {
    const job = a.startsWith('%')
      ? ctx.sh.jobs.find((j) => (a === '%' || a === '%+' ? j === ctx.sh.jobs[ctx.sh.jobs.length - 1] : `%${j.id}` === a) && j.ended === undefined)
      : ctx.sh.jobs.find((j) => String(j.pid) === a && j.ended === undefined);
    if (!job) {
      ctx.err(a.startsWith('%') ? `bash: kill: ${a}: no such job\n` : /^\d+$/.test(a) ? `bash: kill: (${a}) - No such process\n` : `bash: kill: ${a}: arguments must be process or job IDs\n`);
      status = 1;
      continue;
    }
    if (sig !== 0) {
      if (sig !== 9) job.stop();
      ctx.sh.endJob(job, sig === 9 ? 'Killed' : 'Terminated');
    }
  }
  return status;
}

/** coreutils sleep: the simulation runs for that long. */
export function sleep(ctx: CmdCtx): number {
  const args = ctx.argv.slice(1);
  if (args.length === 0) {
    ctx.err("sleep: missing operand\nTry 'sleep --help' for more information.\n");
    return 1;
  }
  let total = 0;
  for (const a of args) {
    const us = durationArg(a);
    if (us === undefined) {
      ctx.err(`sleep: invalid time interval '${a}'\nTry 'sleep --help' for more information.\n`);
      return 1;
    }
    total += us;
  }
  const end = ctx.sh.lab.now + total;
  const r = ctx.wait(() => ctx.sh.lab.now >= end, total);
  if (r === 'interrupt') {
    ctx.tty('^C\n');
    return 130;
  }
  return r === 'timeout' ? 124 : 0;
}

/** coreutils timeout DURATION COMMAND...: SIGTERM when the time is up, exit status 124. */
export function timeout(ctx: CmdCtx): number {
  const args = ctx.argv.slice(1);
  while (args[0]?.startsWith('-') && args[0] !== '-') {
    const o = args.shift()!;
    if (o === '-s' || o === '-k' || o === '--signal' || o === '--kill-after') args.shift();
    else if (o === '--') break;
  }
  const d = args.shift();
  if (d === undefined || args.length === 0) {
    ctx.err(`timeout: missing operand${d !== undefined ? ` after '${d}'` : ''}\nTry 'timeout --help' for more information.\n`);
    return 125;
  }
  const us = durationArg(d);
  if (us === undefined) {
    ctx.err(`timeout: invalid time interval '${d}'\nTry 'timeout --help' for more information.\n`);
    return 125;
  }
  return ctx.sh.exec(args, ctx, us === 0 ? undefined : us);
}
