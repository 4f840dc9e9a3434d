/**
 * A node's small filesystem: the files a learner writes while setting up LVS
 * (/etc/keepalived/keepalived.conf, /etc/sysctl.conf, /etc/hosts, scripts under /root).
 * Plain text files and directories only; no permissions, owners or times.
 * /proc and /dev are not stored here: NodeSys answers them from the model.
 */

export type FsError = 'No such file or directory' | 'Is a directory' | 'Not a directory' | 'File exists' | 'Directory not empty';

/** Normalise `p` against `cwd`: absolute, no `.`/`..`/empty parts, no trailing slash. */
export function resolvePath(cwd: string, p: string): string {
  const home = p === '~' || p.startsWith('~/') ? '/root' + p.slice(1) : p;
  const abs = home.startsWith('/') ? home : `${cwd}/${home}`;
  const out: string[] = [];
  for (const part of abs.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Keeps files small enough that a runaway `yes > f` cannot eat the browser's memory. */
export const MAX_FILE_BYTES = 1 << 20;

export class Vfs {
  private readonly files = new Map<string, string>();
  private readonly dirs = new Set<string>(['/']);

  isDir(path: string): boolean {
    return this.dirs.has(path);
  }

  isFile(path: string): boolean {
    return this.files.has(path);
  }

  read(path: string): { ok: true; data: string } | { ok: false; err: FsError } {
    const f = this.files.get(path);
    if (f !== undefined) return { ok: true, data: f };
    if (this.dirs.has(path)) return { ok: false, err: 'Is a directory' };
    return { ok: false, err: this.parentProblem(path) ?? 'No such file or directory' };
  }

  write(path: string, data: string, append = false): { ok: true } | { ok: false; err: FsError } {
    if (this.dirs.has(path)) return { ok: false, err: 'Is a directory' };
    const bad = this.parentProblem(path);
    if (bad) return { ok: false, err: bad };
    const next = (append ? (this.files.get(path) ?? '') : '') + data;
    this.files.set(path, next.length > MAX_FILE_BYTES ? next.slice(0, MAX_FILE_BYTES) : next);
    return { ok: true };
  }

  mkdir(path: string, parents = false): { ok: true } | { ok: false; err: FsError } {
    if (this.dirs.has(path)) return parents ? { ok: true } : { ok: false, err: 'File exists' };
    if (this.files.has(path)) return { ok: false, err: 'File exists' };
    const parent = parentOf(path);
    if (!this.dirs.has(parent)) {
      if (!parents) return { ok: false, err: this.files.has(parent) ? 'Not a directory' : 'No such file or directory' };
      const r = this.mkdir(parent, true);
      if (!r.ok) return r;
    }
    this.dirs.add(path);
    return { ok: true };
  }

  remove(path: string, recursive = false): { ok: true } | { ok: false; err: FsError } {
    if (this.files.delete(path)) return { ok: true };
    if (!this.dirs.has(path) || path === '/') return { ok: false, err: this.dirs.has(path) ? 'Is a directory' : 'No such file or directory' };
    if (!recursive) return { ok: false, err: 'Is a directory' };
    for (const f of [...this.files.keys()]) if (f.startsWith(path + '/')) this.files.delete(f);
    for (const d of [...this.dirs]) if (d === path || d.startsWith(path + '/')) this.dirs.delete(d);
    return { ok: true };
  }

  /** Names directly inside `dir`, sorted as `ls` sorts them in the C locale. */
  list(dir: string): string[] {
    const prefix = dir === '/' ? '/' : dir + '/';
    const names = new Set<string>();
    for (const p of [...this.files.keys(), ...this.dirs]) {
      if (p.startsWith(prefix) && p !== dir) {
        const rest = p.slice(prefix.length);
        if (rest && !rest.includes('/')) names.add(rest);
      }
    }
    return [...names].sort();
  }

  private parentProblem(path: string): FsError | undefined {
    const parent = parentOf(path);
    if (this.dirs.has(parent)) return undefined;
    return this.files.has(parent) ? 'Not a directory' : 'No such file or directory';
  }
}
