/**
 * What a command sees when it runs: its arguments and standard streams (`CmdCtx`), the
 * node it runs on with that node's files, names and kernel (`NodeSys`), and the session
 * around it (`ShellApi`: ssh/exit, history, jobs, variables).
 *
 * Commands print exactly what the real tool prints, on the stream it uses, and return
 * the real exit status. A command that takes time (curl, ping, ab, tcpdump, nc) calls
 * `wait`, which runs the simulation until it is done or a bound is reached.
 */
import type { Lab, LabNode } from '../lab';
import type { Host } from '../host/host';
import type { Ip } from '../net/addr';
import { ipStr, parseIp } from '../net/addr';
import { Ipvs } from '../ipvs/ipvs';
import { Vfs, parentOf, resolvePath } from './vfs';
import { haConfigFiles } from '../ha/ha';

/** The longest any one command may run the simulation (each tool sets its own, shorter bound). */
export const MAX_WAIT_US = 3_600_000_000;
/** A tool that runs until Ctrl-C (ping, tcpdump without -c) stops after this long, as if ^C. */
export const FOREGROUND_US = 10_000_000;
/** curl's connect and tools like it: the kernel gives up after ~127 s (tcp_syn_retries=6). */
export const CONNECT_CAP_US = 130_000_000;

/** How a wait ended: the command finished, `timeout` killed it, or the lab's bound (as ^C). */
export type WaitResult = 'done' | 'timeout' | 'interrupt';

export interface CmdCtx {
  /** argv[0] is the command name as typed. */
  readonly argv: readonly string[];
  /** Piped or redirected input; undefined when stdin is the terminal (reads as empty). */
  readonly stdin: string | undefined;
  readonly stdoutTty: boolean;
  out(text: string): void;
  err(text: string): void;
  /** Straight to the terminal: the tty's own echo of ^C. */
  tty(text: string): void;
  readonly sys: NodeSys;
  readonly sh: ShellApi;
  /** Started with `&`: a tool that can run in the background registers a job and returns. */
  readonly background: boolean;
  /**
   * Run the simulation until `done()` or `maxUs` of simulated time have passed (or the
   * `timeout` command's deadline). Commands run from scenario events do not wait.
   */
  wait(done: () => boolean, maxUs: number): WaitResult;
}

export type Command = (ctx: CmdCtx) => number;

export interface CommandEntry {
  readonly name: string;
  /** One line for `help`. */
  readonly synopsis: string;
  readonly run: Command;
}

/** A background job (`nc -l`, `tcpdump ... &`): output goes to the terminal when it comes. */
export interface Job {
  readonly id: number;
  readonly pid: number;
  readonly node: string;
  readonly cmdline: string;
  /** Started with `&`: bash announced it and will report its end. */
  readonly announce: boolean;
  /** undefined while running; then how `jobs` reports the end. */
  ended: 'Done' | 'Terminated' | 'Killed' | undefined;
  /** SIGTERM: stop and print what the tool prints when terminated. */
  stop(): void;
}

export interface JobSpec {
  readonly cmdline: string;
  readonly announce: boolean;
  readonly stop: () => void;
}

export interface ShellApi {
  readonly lab: Lab;
  /** Run a whole command line on `node` as `ssh node LINE` does, returning its exit status. */
  runRemote(node: string, line: string, ctx: CmdCtx): number;
  login(node: string): void;
  /** Leave an ssh session (prints bash's `logout` and ssh's closing line). */
  logout(code: number): number;
  /** How many ssh sessions deep the terminal is. */
  readonly depth: number;
  history(): readonly string[];
  /** Number of the first entry `history()` returns, minus one. */
  histBase(): number;
  clearHistory(): void;
  readonly jobs: Job[];
  /** Register a background job; `write` prints to the terminal whenever the job has output. */
  addJob(spec: JobSpec): { job: Job; write: (text: string) => void };
  /** The job ended by itself (bash reports `Done` before the next prompt). */
  endJob(job: Job, how: 'Done' | 'Terminated' | 'Killed'): void;
  getVar(name: string): string | undefined;
  setVar(name: string, value: string): void;
  nodeSys(name: string): NodeSys | undefined;
  /** Run `argv` as a command with this context's streams; with a deadline, as `timeout` does. */
  exec(argv: readonly string[], ctx: CmdCtx, deadlineUs?: number): number;
  nextPid(): number;
  cwd(): string;
  setCwd(path: string): void;
}

const HOSTS_HEAD = '127.0.0.1\tlocalhost\n';
const HOSTS_V6 =
  '# The following lines are desirable for IPv6 capable hosts\n' +
  '::1     localhost ip6-localhost ip6-loopback\n' +
  'ff02::1 ip6-allnodes\n' +
  'ff02::2 ip6-allrouters\n';

/** /etc/sysctl.conf as Debian 12 ships it, shortened to its head. */
const SYSCTL_CONF =
  '#\n# /etc/sysctl.conf - Configuration file for setting system variables\n' +
  '# See /etc/sysctl.d/ for additional system variables.\n# See sysctl.conf (5) for information.\n#\n';

export type ReadResult = { ok: true; data: string } | { ok: false; err: string };
export type WriteResult = { ok: true } | { ok: false; err: string; /** EINVAL from a /proc/sys write: the writer reports it */ writeError?: boolean };

/**
 * One node as its shell sees it: the kernel (Host), its files, its name, its history.
 * Lives as long as the Shell, so files and history survive ssh sessions.
 */
export class NodeSys {
  readonly fs = new Vfs();
  hostname: string;
  readonly history: string[] = [];
  /** Kernel modules loaded by hand that the model has no object for (lsmod shows them). */
  readonly modules = new Set<string>();

  constructor(
    readonly lab: Lab,
    readonly name: string,
  ) {
    this.hostname = name;
    for (const d of ['/root', '/tmp', '/etc', '/etc/sysctl.d', '/etc/keepalived', '/etc/ha.d', '/var', '/var/log', '/usr', '/usr/bin', '/usr/sbin', '/home', '/lib', '/lib/modules']) {
      this.fs.mkdir(d, true);
    }
    this.fs.write('/etc/hosts', this.hostsFile());
    this.fs.write('/etc/sysctl.conf', SYSCTL_CONF);
    this.fs.write('/etc/hostname', name + '\n');
    // keepalived.conf / ldirectord.cf of daemons the scenario runs (src/core/ha).
    for (const f of haConfigFiles(lab, name)) this.fs.write(f.path, f.text);
  }

  get node(): LabNode {
    return this.lab.nodes.get(this.name)!;
  }

  get host(): Host {
    return this.lab.host(this.name);
  }

  /** The IPVS of this node, loading ip_vs (a fresh, empty table) on first use as modprobe does. */
  ipvs(load = true): Ipvs | undefined {
    const n = this.node;
    if (!n.ipvs && load) n.ipvs = new Ipvs(this.host, this.lab.scenario.kernel);
    return n.ipvs;
  }

  /**
   * /etc/hosts: Debian's head, then every lab host under its name (the lab's
   * convenience: a real site would use DNS). Learners may edit it.
   */
  private hostsFile(): string {
    let s = HOSTS_HEAD + `127.0.1.1\t${this.name}\n\n` + HOSTS_V6 + '\n# LVS Lab nodes\n';
    for (const n of this.lab.nodes.values()) {
      const a = n.host ? primaryAddr(n.host) : undefined;
      if (a !== undefined) s += `${ipStr(a)}\t${n.name}\n`;
    }
    return s;
  }

  private hostsEntries(): { ip: Ip; names: string[] }[] {
    const r = this.fs.read('/etc/hosts');
    if (!r.ok) return [];
    const out: { ip: Ip; names: string[] }[] = [];
    for (const line of r.data.split('\n')) {
      const words = line.replace(/#.*/, '').trim().split(/\s+/);
      const a = parseIp(words[0] ?? '');
      if (a !== undefined && words.length > 1) out.push({ ip: a, names: words.slice(1) });
    }
    return out;
  }

  /** getaddrinfo: a dotted quad, or a name from /etc/hosts (there is no DNS in the lab). */
  resolve(name: string): Ip | undefined {
    const a = parseIp(name);
    if (a !== undefined) return a;
    if (name === '') return undefined;
    return this.hostsEntries().find((e) => e.names.includes(name))?.ip;
  }

  /** getnameinfo via /etc/hosts. */
  reverse(a: Ip): string | undefined {
    return this.hostsEntries().find((e) => e.ip === a)?.names[0];
  }

  // ------------------------------------------------------------------ files

  read(path: string): ReadResult {
    if (path === '/proc' || path.startsWith('/proc/')) return this.readProc(path);
    if (path === '/dev/null') return { ok: true, data: '' };
    return this.fs.read(path);
  }

  isDir(path: string): boolean {
    if (path === '/proc' || path === '/proc/sys' || path === '/proc/net' || path === '/dev') return true;
    if (path.startsWith('/proc/sys/')) return this.sysctlDir(path) !== undefined;
    return this.fs.isDir(path);
  }

  write(path: string, data: string, append: boolean): WriteResult {
    if (path === '/dev/null') return { ok: true };
    if (path.startsWith('/proc/sys/')) {
      const key = procKey(path);
      const sc = this.host.sysctl;
      if (!sc.has(key)) return { ok: false, err: this.sysctlDir(path) ? 'Is a directory' : 'No such file or directory' };
      // proc_dointvec: optional blanks, one integer, optional trailing blanks/newline.
      const m = /^\s*(-?\d+)\s*/.exec(data);
      if (!m) return { ok: false, err: 'Invalid argument', writeError: true };
      const e = sc.set(key, Number(m[1]));
      if (e) return { ok: false, err: 'Invalid argument', writeError: true };
      return { ok: true };
    }
    if (path === '/proc' || path.startsWith('/proc/')) {
      return { ok: false, err: this.read(path).ok ? 'Permission denied' : 'No such file or directory' };
    }
    return this.fs.write(path, data, append);
  }

  list(path: string): string[] | undefined {
    if (path === '/proc') return ['net', 'sys'];
    if (path === '/proc/sys') return this.sysctlChildren('');
    if (path === '/proc/net') return ['arp', ...(this.node.ipvs ? ['ip_vs', 'ip_vs_conn', 'ip_vs_conn_sync', 'ip_vs_stats', 'ip_vs_stats_percpu'] : [])];
    if (path.startsWith('/proc/sys/')) return this.sysctlDir(path);
    if (!this.fs.isDir(path)) return undefined;
    const names = this.fs.list(path);
    if (path === '/') return [...new Set([...names, 'dev', 'proc'])].sort();
    return names;
  }

  private sysctlChildren(prefix: string): string[] {
    const names = new Set<string>();
    for (const k of this.host.sysctl.keys()) {
      if (prefix === '' || k.startsWith(prefix + '.')) {
        const rest = prefix === '' ? k : k.slice(prefix.length + 1);
        names.add(rest.split('.')[0]!);
      }
    }
    return [...names].sort();
  }

  private sysctlDir(path: string): string[] | undefined {
    const key = procKey(path);
    if (key === '') return this.sysctlChildren('');
    const kids = this.sysctlChildren(key);
    return kids.length > 0 && !this.host.sysctl.has(key) ? kids : undefined;
  }

  private readProc(path: string): ReadResult {
    if (this.isDir(path)) return { ok: false, err: 'Is a directory' };
    if (path.startsWith('/proc/sys/')) {
      const v = this.host.sysctl.get(procKey(path));
      return v === undefined ? { ok: false, err: 'No such file or directory' } : { ok: true, data: `${v}\n` };
    }
    if (path === '/proc/net/arp') return { ok: true, data: procNetArp(this.host) };
    if (path.startsWith('/proc/net/ip_vs') && this.node.ipvs) {
      const text = this.ipvsProc?.(path);
      if (text !== undefined) return { ok: true, data: text };
    }
    return { ok: false, err: 'No such file or directory' };
  }

  /** Set by the ipvsadm command module: renders /proc/net/ip_vs*. */
  ipvsProc: ((path: string) => string | undefined) | undefined;
}

/** The address a node is known by: the first global address of its first Ethernet port. */
export function primaryAddr(h: Host): Ip | undefined {
  for (const d of h.ifaces) {
    if (d.kind !== 'ether') continue;
    const a = d.addrs.find((x) => x.scope === 'global' && !x.secondary);
    if (a) return a.addr;
  }
  return undefined;
}

/** /proc/sys/net/ipv4/ip_forward → net.ipv4.ip_forward. */
export function procKey(path: string): string {
  return path.slice('/proc/sys/'.length).replace(/\/+$/, '').split('/').filter(Boolean).join('.');
}

/** /proc/net/arp (net/ipv4/arp.c: arp_format_neigh_entry). */
function procNetArp(h: Host): string {
  let s = 'IP address       HW type     Flags       HW address            Mask     Device\n';
  for (const n of h.neigh.entries()) {
    const flags = n.state === 'PERMANENT' ? 0x6 : n.state === 'INCOMPLETE' || n.state === 'FAILED' ? 0 : 0x2;
    s += `${ipStr(n.ip).padEnd(16)} 0x${(1).toString(16).padEnd(10)}0x${flags.toString(16).padEnd(10)}${(n.mac ?? '00:00:00:00:00:00').padEnd(17)}     ${'*'.padEnd(8)} ${n.dev.name}\n`;
  }
  return s;
}

export { resolvePath, parentOf };
