/**
 * sysctl (procps-ng 4.0.2) over the host's Sysctl store, which /proc/sys shares:
 * read, -w, -n, -N, -q, -e, -a, -p FILE. Messages as linux-tools.md §5 captured them.
 */
import type { CmdCtx } from '../context';
import { resolvePath } from '../vfs';

const USAGE =
  '\nUsage:\n sysctl [options] [variable[=value] ...]\n\nOptions:\n' +
  '  -a, --all            display all variables\n' +
  '  -A                   alias of -a\n' +
  '  -X                   alias of -a\n' +
  '      --deprecated     include deprecated parameters to listing\n' +
  '  -b, --binary         print value without new line\n' +
  '  -e, --ignore         ignore unknown variables errors\n' +
  '  -N, --names          print variable names without values\n' +
  '  -n, --values         print only values of the given variable(s)\n' +
  '  -p, --load[=<file>]  read values from file\n' +
  '  -f                   alias of -p\n' +
  '      --system         read values from all system directories\n' +
  '  -r, --pattern <expression>\n' +
  '                       select setting that match expression\n' +
  '  -q, --quiet          do not echo variable set\n' +
  '  -w, --write          enable writing a value to variable\n' +
  '  -o                   does nothing\n' +
  '  -x                   does nothing\n' +
  '  -d                   alias of -h\n\n' +
  ' -h, --help     display this help and exit\n' +
  ' -V, --version  output version information and exit\n\n' +
  'For more details see sysctl(8).\n';

interface Flags {
  names: boolean;
  values: boolean;
  quiet: boolean;
  ignore: boolean;
  binary: boolean;
}

export function sysctl(ctx: CmdCtx): number {
  const f: Flags = { names: false, values: false, quiet: false, ignore: false, binary: false };
  let write = false;
  let all = false;
  let load: string | undefined;
  let pattern: RegExp | undefined;
  const words: string[] = [];
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      words.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const [name, val] = a.slice(2).split('=', 2) as [string, string | undefined];
      if (name === 'all') all = true;
      else if (name === 'values') f.values = true;
      else if (name === 'names') f.names = true;
      else if (name === 'quiet') f.quiet = true;
      else if (name === 'ignore') f.ignore = true;
      else if (name === 'write') write = true;
      else if (name === 'binary') f.binary = true;
      else if (name === 'load') load = val ?? '/etc/sysctl.conf';
      else if (name === 'system') load = '/etc/sysctl.conf';
      else if (name === 'help') {
        ctx.out(USAGE);
        return 0;
      } else if (name === 'version') {
        ctx.out('sysctl from procps-ng 4.0.2\n');
        return 0;
      } else {
        ctx.err(`sysctl: unrecognized option '${a}'\n` + USAGE);
        return 1;
      }
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      words.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if ('aAX'.includes(c)) all = true;
      else if (c === 'n') f.values = true;
      else if (c === 'N') f.names = true;
      else if (c === 'q') f.quiet = true;
      else if (c === 'e') f.ignore = true;
      else if (c === 'w') write = true;
      else if (c === 'b') f.binary = true;
      else if (c === 'o' || c === 'x') continue;
      else if (c === 'p' || c === 'f') {
        const rest = a.slice(j + 1);
        load = rest || (args[i + 1] !== undefined && !args[i + 1]!.startsWith('-') && !args[i + 1]!.includes('=') ? args[++i]! : '/etc/sysctl.conf');
        break;
      } else if (c === 'r') {
        const src = a.slice(j + 1) || args[++i];
        try {
          pattern = new RegExp(src ?? '');
        } catch {
          ctx.err(`sysctl: unable to compile regex: ${src}\n`);
          return 1;
        }
        break;
      } else if (c === 'h' || c === 'd') {
        ctx.out(USAGE);
        return 0;
      } else if (c === 'V') {
        ctx.out('sysctl from procps-ng 4.0.2\n');
        return 0;
      } else {
        ctx.err(`sysctl: invalid option -- '${c}'\n` + USAGE);
        return 1;
      }
    }
  }
  const sc = ctx.sys.host.sysctl;
  if (load !== undefined) return loadFile(ctx, load, f);
  if (all) {
    let out = '';
    for (const k of sc.keys()) if (!pattern || pattern.test(k)) out += show(k, sc.get(k)!, f);
    ctx.out(out);
    return 0;
  }
  if (words.length === 0) {
    ctx.err("sysctl: no variables specified\nTry `sysctl --help' for more information.\n");
    return 1;
  }
  let rc = 0;
  for (const w of words) {
    if (write || w.includes('=')) rc |= setting(ctx, w, f, 'command line(0)');
    else rc |= read(ctx, w, f, pattern);
  }
  return rc;
}

function keyOf(s: string): string {
  return s.trim().replace(/\//g, '.');
}

function show(k: string, v: number, f: Flags): string {
  if (f.names) return k + '\n';
  if (f.values) return f.binary ? String(v) : `${v}\n`;
  return `${k} = ${v}\n`;
}

function read(ctx: CmdCtx, w: string, f: Flags, pattern: RegExp | undefined): number {
  const sc = ctx.sys.host.sysctl;
  const key = keyOf(w);
  const v = sc.get(key);
  if (v !== undefined) {
    if (!pattern || pattern.test(key)) ctx.out(show(key, v, f));
    return 0;
  }
  // A directory: everything under it.
  const under = sc.keys().filter((k) => k.startsWith(key + '.'));
  if (key !== '' && under.length > 0) {
    ctx.out(under.filter((k) => !pattern || pattern.test(k)).map((k) => show(k, sc.get(k)!, f)).join(''));
    return 0;
  }
  if (f.ignore) return 0;
  ctx.err(`sysctl: cannot stat /proc/sys/${key.replace(/\./g, '/')}: No such file or directory\n`);
  return 1;
}

/** WriteSetting: `key=value`, echoed as `key = value` unless -q. */
function setting(ctx: CmdCtx, w: string, f: Flags, where: string): number {
  const sc = ctx.sys.host.sysctl;
  const eq = w.indexOf('=');
  if (eq < 0) {
    ctx.err(`sysctl: ${where}: invalid syntax, continuing...\n`);
    return 1;
  }
  let key = keyOf(w.slice(0, eq));
  let ignoreErr = f.ignore;
  if (key.startsWith('-')) {
    key = key.slice(1);
    ignoreErr = true;
  }
  const value = w.slice(eq + 1).trim();
  if (key === '') {
    ctx.err(`sysctl: malformed setting "${w}"\n`);
    return 1;
  }
  if (!sc.has(key)) {
    const dir = sc.keys().some((k) => k.startsWith(key + '.'));
    if (ignoreErr) return 0;
    ctx.err(dir ? `sysctl: setting key "${key}": Is a directory\n` : `sysctl: cannot stat /proc/sys/${key.replace(/\./g, '/')}: No such file or directory\n`);
    return 1;
  }
  const m = /^\s*(-?\d+)\s*$/.exec(value);
  const err = m ? sc.set(key, Number(m[1])) : 'invalid';
  if (err) {
    ctx.err(`sysctl: setting key "${key}": Invalid argument\n`);
    return 1;
  }
  if (!f.quiet) ctx.out(f.values ? `${value}\n` : f.names ? `${key}\n` : `${key} = ${value}\n`);
  return 0;
}

/** -p FILE: one `key = value` a line; `#` and `;` start comments. */
function loadFile(ctx: CmdCtx, file: string, f: Flags): number {
  const r = ctx.sys.read(resolvePath(ctx.sh.cwd(), file));
  if (!r.ok) {
    ctx.err(`sysctl: cannot open "${file}": ${r.err}\n`);
    return 1;
  }
  let rc = 0;
  r.data.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    rc |= setting(ctx, line, f, `${file}(${i + 1})`);
  });
  return rc;
}
