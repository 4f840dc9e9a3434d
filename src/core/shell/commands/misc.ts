/**
 * The small tools around the lab's work: hostname, uname, whoami, id, date, and the
 * text and file tools a learner pipes into (cat, grep, head, tail, wc, sort, uniq, tee,
 * ls, mkdir, rm, touch). Messages follow coreutils 9.1, grep 3.8 and hostname 3.23.
 */
import type { CmdCtx } from '../context';
import { resolvePath, baseName } from '../vfs';
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

// ------------------------------------------------------------------ files

/** Read each operand (or stdin for none or `-`), reporting errors as `TOOL: NAME: ERR`. */
function inputs(ctx: CmdCtx, tool: string, names: string[]): { name: string; data: string }[] | { failed: true; got: { name: string; data: string }[] } {
  const got: { name: string; data: string }[] = [];
  let failed = false;
  if (names.length === 0) names = ['-'];
  for (const n of names) {
    if (n === '-') {
      got.push({ name: '(standard input)', data: ctx.stdin ?? '' });
      continue;
    }
    const r = ctx.sys.read(resolvePath(ctx.sh.cwd(), n));
    if (!r.ok) {
      ctx.err(`${tool}: ${n}: ${r.err}\n`);
      failed = true;
      continue;
    }
    got.push({ name: n, data: r.data });
  }
  return failed ? { failed: true, got } : got;
}

function splitOpts(args: string[], withArg: string): { opts: Map<string, string>; rest: string[]; bad?: string } {
  const opts = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      rest.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      opts.set(a, '');
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      rest.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (withArg.includes(c)) {
        const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (v === undefined) return { opts, rest, bad: `option requires an argument -- '${c}'` };
        opts.set(c, v);
        break;
      }
      if (/\d/.test(c) && withArg.includes('n')) {
        opts.set('n', a.slice(j));
        break;
      }
      opts.set(c, '');
    }
  }
  return { opts, rest };
}

export function cat(ctx: CmdCtx): number {
  const { opts, rest } = splitOpts(ctx.argv.slice(1), '');
  const r = inputs(ctx, 'cat', rest);
  const list = 'failed' in r ? r.got : r;
  let text = list.map((x) => x.data).join('');
  if (opts.has('n')) {
    let n = 0;
    text = text.replace(/^(?=.)|^(?=\n)/gm, () => `${String(++n).padStart(6)}\t`);
    if (text.endsWith('\t')) text = text.slice(0, text.lastIndexOf('\n') + 1);
  }
  ctx.out(text);
  return 'failed' in r ? 1 : 0;
}

/** A POSIX basic (or extended) regular expression as a JavaScript one. */
export function posixRegex(pat: string, extended: boolean, icase: boolean, word: boolean): RegExp | undefined {
  const classes: Record<string, string> = { digit: '0-9', alpha: 'A-Za-z', alnum: 'A-Za-z0-9', space: ' \\t\\n\\r\\f\\v', upper: 'A-Z', lower: 'a-z', punct: '!-/:-@\\[-`{-~', xdigit: '0-9A-Fa-f', blank: ' \\t' };
  let out = '';
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i]!;
    if (c === '[') {
      let j = i + 1;
      if (pat[j] === '^') j++;
      if (pat[j] === ']') j++;
      while (j < pat.length && pat[j] !== ']') {
        if (pat[j] === '[' && pat[j + 1] === ':') {
          const close = pat.indexOf(':]', j + 2);
          if (close < 0) return undefined;
          j = close + 2;
        } else j++;
      }
      if (j >= pat.length) return undefined;
      const body = pat
        .slice(i + 1, j)
        .replace(/\\/g, '\\\\')
        .replace(/\[:([a-z]+):\]/g, (m, k: string) => classes[k] ?? m)
        .replace(/^(\^?)\]/, '$1\\]');
      out += `[${body}]`;
      i = j;
      continue;
    }
    if (c === '\\' && i + 1 < pat.length) {
      const n = pat[++i]!;
      if (!extended && '|+?(){}'.includes(n)) out += n;
      else if ('<>'.includes(n)) out += '\\b';
      else if ('wWsSbB'.includes(n)) out += '\\' + n;
      else out += '\\' + (/[a-zA-Z0-9]/.test(n) ? n === 'n' ? 'n' : n : n);
      continue;
    }
    if (!extended && '|+?(){}'.includes(c)) {
      out += '\\' + c;
      continue;
    }
    if ('/'.includes(c)) {
      out += '\\/';
      continue;
    }
    out += c;
  }
  try {
    return new RegExp(word ? `(?<![A-Za-z0-9_])(?:${out})(?![A-Za-z0-9_])` : out, icase ? 'i' : '');
  } catch {
    return undefined;
  }
}

export function grep(ctx: CmdCtx): number {
  const { opts, rest, bad } = splitOpts(ctx.argv.slice(1), 'eABCm');
  if (bad) {
    ctx.err(`grep: ${bad}\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n`);
    return 2;
  }
  const pattern = opts.get('e') ?? rest.shift();
  if (pattern === undefined) {
    ctx.err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
    return 2;
  }
  const fixed = opts.has('F');
  const icase = opts.has('i');
  const pats = pattern.split('\n');
  const res = pats.map((p) =>
    fixed ? new RegExp((opts.has('w') ? '\\b' : '') + p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') + (opts.has('w') ? '\\b' : ''), icase ? 'i' : '') : posixRegex(p, opts.has('E'), icase, opts.has('w')),
  );
  if (res.some((r) => r === undefined)) {
    ctx.err('grep: Unmatched [, [^, [:, [., or [=\n');
    return 2;
  }
  const r = inputs(ctx, 'grep', rest);
  const list = 'failed' in r ? r.got : r;
  const many = list.length > 1;
  let matched = 0;
  let out = '';
  for (const f of list) {
    let count = 0;
    const lines = f.data.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    lines.forEach((line, idx) => {
      const hit = res.some((re) => re!.test(line.length > 65536 ? line.slice(0, 65536) : line));
      if (hit === opts.has('v')) return;
      count++;
      if (opts.has('c') || opts.has('q') || opts.has('l')) return;
      const prefix = (many ? `${f.name}:` : '') + (opts.has('n') ? `${idx + 1}:` : '');
      if (opts.has('o') && !opts.has('v')) {
        for (const re of res) for (const m of line.matchAll(new RegExp(re!.source, re!.flags + 'g'))) if (m[0] !== '') out += prefix + m[0] + '\n';
      } else out += prefix + line + '\n';
    });
    if (opts.has('c')) out += (many ? `${f.name}:` : '') + count + '\n';
    if (opts.has('l') && count > 0) out += f.name + '\n';
    matched += count;
  }
  if (!opts.has('q')) ctx.out(out);
  if ('failed' in r) return matched > 0 && opts.has('q') ? 0 : 2;
  return matched > 0 ? 0 : 1;
}

function headTail(ctx: CmdCtx, tool: 'head' | 'tail'): number {
  const { opts, rest, bad } = splitOpts(ctx.argv.slice(1), 'nc');
  if (bad) {
    ctx.err(`${tool}: ${bad}\nTry '${tool} --help' for more information.\n`);
    return 1;
  }
  const spec = opts.get('n') ?? '10';
  const n = Number(spec.replace(/^[-+]/, ''));
  if (!/^[-+]?\d+$/.test(spec)) {
    ctx.err(`${tool}: invalid number of lines: '${spec}'\n`);
    return 1;
  }
  const r = inputs(ctx, tool, rest);
  const list = 'failed' in r ? r.got : r;
  list.forEach((f, i) => {
    if (list.length > 1) ctx.out(`${i > 0 ? '\n' : ''}==> ${f.name} <==\n`);
    const lines = f.data.split(/(?<=\n)/);
    let pick: string[];
    if (tool === 'head') pick = spec.startsWith('-') ? lines.slice(0, Math.max(0, lines.length - n)) : lines.slice(0, n);
    else pick = spec.startsWith('+') ? lines.slice(Math.max(0, n - 1)) : n === 0 ? [] : lines.slice(-n);
    ctx.out(pick.join(''));
  });
  return 'failed' in r ? 1 : 0;
}

export const head = (ctx: CmdCtx): number => headTail(ctx, 'head');
export const tail = (ctx: CmdCtx): number => headTail(ctx, 'tail');

export function wc(ctx: CmdCtx): number {
  const { opts, rest } = splitOpts(ctx.argv.slice(1), '');
  const want = ['l', 'w', 'c'].filter((c) => opts.has(c) || (c === 'c' && opts.has('m')));
  const cols = want.length ? want : ['l', 'w', 'c'];
  const r = inputs(ctx, 'wc', rest);
  const list = 'failed' in r ? r.got : r;
  const rows = list.map((f) => ({
    name: rest.length ? f.name : '',
    l: (f.data.match(/\n/g) ?? []).length,
    w: f.data.split(/\s+/).filter(Boolean).length,
    c: new TextEncoder().encode(f.data).length,
  }));
  if (rows.length > 1) rows.push({ name: 'total', l: sum(rows, 'l'), w: sum(rows, 'w'), c: sum(rows, 'c') });
  const fromStdin = rest.length === 0 || rest.includes('-');
  const width = cols.length === 1 && rows.length === 1 ? 1 : fromStdin ? 7 : Math.max(...rows.map((x) => String(x.c).length));
  for (const row of rows) {
    ctx.out(cols.map((c) => String(row[c as 'l' | 'w' | 'c']).padStart(width)).join(' ') + (row.name ? ` ${row.name}` : '') + '\n');
  }
  return 'failed' in r ? 1 : 0;
}

function sum(rows: { l: number; w: number; c: number }[], k: 'l' | 'w' | 'c'): number {
  return rows.reduce((s, x) => s + x[k], 0);
}

export function sort(ctx: CmdCtx): number {
  const { opts, rest } = splitOpts(ctx.argv.slice(1), 'kt');
  const r = inputs(ctx, 'sort', rest);
  const list = 'failed' in r ? r.got : r;
  let lines = list.flatMap((f) => f.data.split('\n').filter((_, i, a) => i < a.length - 1 || a[i] !== ''));
  const num = (s: string) => parseFloat(s) || 0;
  lines.sort(opts.has('n') ? (a, b) => num(a) - num(b) || (a < b ? -1 : a > b ? 1 : 0) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (opts.has('r')) lines.reverse();
  if (opts.has('u')) lines = lines.filter((l, i) => i === 0 || l !== lines[i - 1]);
  ctx.out(lines.map((l) => l + '\n').join(''));
  return 'failed' in r ? 2 : 0;
}

export function uniq(ctx: CmdCtx): number {
  const { opts, rest } = splitOpts(ctx.argv.slice(1), '');
  const r = inputs(ctx, 'uniq', rest.slice(0, 1));
  const list = 'failed' in r ? r.got : r;
  const lines = (list[0]?.data ?? '').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let out = '';
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j < lines.length && lines[j] === lines[i]) j++;
    out += (opts.has('c') ? `${String(j - i).padStart(7)} ` : '') + lines[i] + '\n';
    i = j;
  }
  ctx.out(out);
  return 'failed' in r ? 1 : 0;
}

export function tee(ctx: CmdCtx): number {
  const { opts, rest } = splitOpts(ctx.argv.slice(1), '');
  const data = ctx.stdin ?? '';
  let status = 0;
  for (const f of rest) {
    const w = ctx.sys.write(resolvePath(ctx.sh.cwd(), f), data, opts.has('a'));
    if (!w.ok) {
      ctx.err(`tee: ${f}: ${w.err}\n`);
      status = 1;
    }
  }
  ctx.out(data);
  return status;
}

export function seq(ctx: CmdCtx): number {
  const nums = ctx.argv.slice(1).map(Number);
  if (nums.length === 0 || nums.length > 3 || nums.some((n) => !Number.isFinite(n))) {
    ctx.err(`seq: ${nums.length === 0 ? 'missing operand' : `invalid floating point argument: '${ctx.argv.find((a, i) => i > 0 && !Number.isFinite(Number(a))) ?? ''}'`}\nTry 'seq --help' for more information.\n`);
    return 1;
  }
  const [first, step, last] = nums.length === 1 ? [1, 1, nums[0]!] : nums.length === 2 ? [nums[0]!, 1, nums[1]!] : [nums[0]!, nums[1]!, nums[2]!];
  if (step === 0) {
    ctx.err("seq: invalid Zero increment value: '0'\nTry 'seq --help' for more information.\n");
    return 1;
  }
  let out = '';
  let n = 0;
  for (let x = first; step > 0 ? x <= last : x >= last; x += step) {
    out += `${x}\n`;
    if (++n >= 100_000) break;
  }
  ctx.out(out);
  return 0;
}

// ------------------------------------------------------------------ directories

/** GNU ls -C: names down then across, in as many columns as fit 80 characters. */
function columns(names: string[], width = 80): string {
  if (names.length === 0) return '';
  for (let cols = Math.min(names.length, Math.floor(width / 3)); cols >= 1; cols--) {
    const rows = Math.ceil(names.length / cols);
    const widths: number[] = [];
    for (let c = 0; c < cols; c++) widths.push(Math.max(0, ...names.slice(c * rows, (c + 1) * rows).map((n) => n.length)));
    const used = Math.ceil(names.length / rows);
    const total = widths.slice(0, used).reduce((s, w) => s + w + 2, 0) - 2;
    if (total <= width || cols === 1) {
      let out = '';
      for (let r = 0; r < rows; r++) {
        const line: string[] = [];
        for (let c = 0; c < used; c++) {
          const n = names[c * rows + r];
          if (n === undefined) continue;
          const last = c === used - 1 || names[(c + 1) * rows + r] === undefined;
          line.push(last ? n : n.padEnd(widths[c]! + 2));
        }
        out += line.join('') + '\n';
      }
      return out;
    }
  }
  return names.join('\n') + '\n';
}

export function ls(ctx: CmdCtx): number {
  const { opts, rest } = splitOpts(ctx.argv.slice(1), '');
  const targets = rest.length ? rest : ['.'];
  let status = 0;
  const files: string[] = [];
  const dirs: { name: string; entries: string[] }[] = [];
  for (const t of targets) {
    const path = resolvePath(ctx.sh.cwd(), t);
    const entries = ctx.sys.list(path);
    if (entries) {
      dirs.push({ name: t, entries: opts.has('a') ? ['.', '..', ...entries] : entries });
      continue;
    }
    if (ctx.sys.read(path).ok) files.push(t);
    else {
      ctx.err(`ls: cannot access '${t}': No such file or directory\n`);
      status = 2;
    }
  }
  const long = opts.has('l');
  const one = opts.has('1') || !ctx.stdoutTty;
  const show = (names: string[], dir: string): string => {
    if (long) {
      const c = civil(labUnix(0));
      const rows = names.map((n) => {
        const p = resolvePath(resolvePath(ctx.sh.cwd(), dir), n);
        const isDir = ctx.sys.isDir(p);
        const size = isDir ? 4096 : (ctx.sys.read(p) as { data?: string }).data?.length ?? 0;
        return { n, isDir, size };
      });
      const w = Math.max(1, ...rows.map((r) => String(r.size).length));
      return (
        `total ${rows.length * 4}\n` +
        rows.map((r) => `${r.isDir ? 'drwxr-xr-x 2' : '-rw-r--r-- 1'} root root ${String(r.size).padStart(w)} ${c.mon} ${String(c.d).padStart(2)} ${p2(c.h)}:${p2(c.mi)} ${r.n}\n`).join('')
      );
    }
    return one ? names.map((n) => n + '\n').join('') : columns(names);
  };
  let out = files.length ? show(files, '.') : '';
  dirs.forEach((d, i) => {
    if (targets.length > 1) out += `${out || i > 0 ? '\n' : ''}${d.name}:\n`;
    out += show(d.entries, d.name);
  });
  ctx.out(out);
  return status;
}

export function mkdir(ctx: CmdCtx): number {
  const { opts, rest } = splitOpts(ctx.argv.slice(1), 'm');
  if (rest.length === 0) {
    ctx.err("mkdir: missing operand\nTry 'mkdir --help' for more information.\n");
    return 1;
  }
  let status = 0;
  for (const d of rest) {
    const r = ctx.sys.fs.mkdir(resolvePath(ctx.sh.cwd(), d), opts.has('p'));
    if (!r.ok) {
      ctx.err(`mkdir: cannot create directory '${d}': ${r.err}\n`);
      status = 1;
    }
  }
  return status;
}

export function rm(ctx: CmdCtx): number {
  const { opts, rest } = splitOpts(ctx.argv.slice(1), '');
  if (rest.length === 0 && !opts.has('f')) {
    ctx.err("rm: missing operand\nTry 'rm --help' for more information.\n");
    return 1;
  }
  let status = 0;
  for (const f of rest) {
    const path = resolvePath(ctx.sh.cwd(), f);
    if (path.startsWith('/proc') || path === '/dev/null') {
      ctx.err(`rm: cannot remove '${f}': Permission denied\n`);
      status = 1;
      continue;
    }
    const r = ctx.sys.fs.remove(path, opts.has('r') || opts.has('R'));
    if (!r.ok && !(opts.has('f') && r.err === 'No such file or directory')) {
      ctx.err(`rm: cannot remove '${f}': ${r.err}\n`);
      status = 1;
    }
  }
  return status;
}

export function touch(ctx: CmdCtx): number {
  let status = 0;
  for (const f of ctx.argv.slice(1).filter((a) => !a.startsWith('-'))) {
    const path = resolvePath(ctx.sh.cwd(), f);
    if (ctx.sys.isDir(path) || ctx.sys.read(path).ok) continue;
    const w = ctx.sys.write(path, '', true);
    if (!w.ok) {
      ctx.err(`touch: cannot touch '${f}': ${w.err}\n`);
      status = 1;
    }
  }
  return status;
}

export { baseName };
