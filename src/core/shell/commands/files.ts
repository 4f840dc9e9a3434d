/**
 * ls, mkdir, rm, touch over the node's small filesystem (and /proc/sys, read-only).
 */
import type { CmdCtx } from '../context';
import { resolvePath } from '../vfs';
import { splitOpts } from './text';
import { civil, labUnix, p2 } from './util';

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
