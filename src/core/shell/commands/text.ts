/**
 * The text tools a learner pipes into: cat, grep, head, tail, wc, sort, uniq, tee, seq
 * (coreutils 9.1, grep 3.8 messages). Files come from the node's NodeSys (its small
 * filesystem, /proc, /dev/null); no operand means standard input.
 */
import type { CmdCtx } from '../context';
import { resolvePath } from '../vfs';

/** Read each operand (or stdin for none or `-`), reporting errors as `TOOL: NAME: ERR`. */
export function inputs(ctx: CmdCtx, tool: string, names: string[]): { name: string; data: string }[] | { failed: true; got: { name: string; data: string }[] } {
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

export function splitOpts(args: string[], withArg: string): { opts: Map<string, string>; rest: string[]; bad?: string } {
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
