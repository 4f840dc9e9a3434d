/**
 * The command table: one entry per command the lab's shell knows, with the line `help`
 * shows and where a Debian system keeps it (for `which`/`type`). Anything else answers
 * `bash: NAME: command not found` (exit 127), as on a machine without the package.
 */
import type { CmdCtx, CommandEntry } from './context';
import * as b from './commands/builtins';
import * as m from './commands/misc';
import * as t from './commands/text';
import * as f from './commands/files';
import { ip } from './commands/ip';
import { sysctl } from './commands/sysctl';
import { arp, lsmod, modprobe } from './commands/net-tools';
import { ping } from './commands/ping';
import { curl } from './commands/curl';
import { nc } from './commands/nc';
import { ab } from './commands/ab';
import { tcpdump } from './commands/tcpdump';
import { systemctl } from './commands/systemctl';
import { labCmd } from './commands/lab';
import { ssh } from './commands/ssh';
import { ipvsadm, ipvsadmRestoreCmd, ipvsadmSaveCmd } from './commands/ipvs';

interface Entry extends CommandEntry {
  /** Directory on Debian 12, or 'builtin'. */
  readonly where: string;
  /** Left out of `help` (aliases, trivial tools). */
  readonly quiet?: boolean;
}

const e = (name: string, where: string, synopsis: string, run: (ctx: CmdCtx) => number, quiet = false): Entry => ({ name, where, synopsis, run, quiet });

const TABLE: readonly Entry[] = [
  // the lab
  e('lab', '/usr/local/bin', 'lab time | advance 10s | power off|on NODE | link down|up NODE:IF | traffic start|stop | service stop|start|hang NODE | slow NODE K | loss NODE:IF PCT', labCmd),
  e('ssh', '/usr/bin', 'ssh NODE [COMMAND]    open a shell on another node (exit comes back)', ssh),
  // LVS
  e('ipvsadm', '/usr/sbin', 'ipvsadm -A|-E|-D|-a|-e|-d|-C|-L|-Z|-R|-S ...   the IPVS table', ipvsadm),
  e('ipvsadm-save', '/usr/sbin', 'ipvsadm-save [-n]    print the IPVS table as ipvsadm-restore input', ipvsadmSaveCmd),
  e('ipvsadm-restore', '/usr/sbin', 'ipvsadm-restore < FILE    replace the IPVS table', ipvsadmRestoreCmd),
  // networking
  e('ip', '/usr/sbin', 'ip [-4] [-s] [-br] addr|link|route|neigh|tunnel|rule ...', ip),
  e('sysctl', '/usr/sbin', 'sysctl [-w] [-n] [-q] [-a] [-p FILE] KEY[=VALUE]', sysctl),
  e('arp', '/usr/sbin', 'arp [-n] [-a] [-d HOST] [-s HOST MAC]', arp),
  e('modprobe', '/usr/sbin', 'modprobe [-q] [-r] ipip|ip_vs|ip_vs_SCHED', modprobe),
  e('rmmod', '/usr/sbin', 'rmmod MODULE', modprobe, true),
  e('lsmod', '/usr/sbin', 'lsmod', lsmod),
  e('ping', '/usr/bin', 'ping [-c N] [-i S] [-W S] [-w S] [-s SIZE] [-t TTL] [-M do] [-I ADDR|DEV] HOST', ping),
  e('curl', '/usr/bin', 'curl [-s] [-S] [-v] [-i] [-m S] [--connect-timeout S] [-o FILE] [-w FMT] URL', curl),
  e('nc', '/usr/bin', 'nc -l [-p] PORT | nc [-v] [-w S] [-u] [-z] HOST PORT', nc),
  e('ab', '/usr/bin', 'ab -n N -c C [-s S] [-t S] http://HOST[:PORT]/PATH', ab),
  e('tcpdump', '/usr/bin', 'tcpdump [-n] [-e] [-v] [-q] [-t] [-i IF|any] [-c N] [FILTER]', tcpdump),
  e('systemctl', '/usr/bin', 'systemctl start|stop|restart|status|is-active nginx', systemctl),
  e('hostname', '/usr/bin', 'hostname [-I] [-i] [NAME]', m.hostname),
  e('uname', '/usr/bin', 'uname [-a] [-r] [-n]', m.uname),
  // files and text
  e('cat', '/usr/bin', 'cat [FILE...]    (also /proc/sys/..., /proc/net/ip_vs*, /proc/net/arp)', t.cat),
  e('echo', 'builtin', 'echo [-n] [-e] TEXT    (> /proc/sys/KEY writes a sysctl)', b.echo),
  e('printf', 'builtin', 'printf FORMAT [ARG...]', b.printf),
  e('grep', '/usr/bin', 'grep [-i] [-v] [-c] [-n] [-E] [-F] [-w] [-o] [-q] PATTERN [FILE...]', t.grep),
  e('head', '/usr/bin', 'head [-n N] [FILE...]', t.head),
  e('tail', '/usr/bin', 'tail [-n N] [FILE...]', t.tail),
  e('wc', '/usr/bin', 'wc [-l] [-w] [-c] [FILE...]', t.wc),
  e('sort', '/usr/bin', 'sort [-n] [-r] [-u] [FILE...]', t.sort),
  e('uniq', '/usr/bin', 'uniq [-c] [FILE]', t.uniq),
  e('tee', '/usr/bin', 'tee [-a] FILE...', t.tee),
  e('seq', '/usr/bin', 'seq [FIRST [STEP]] LAST', t.seq, true),
  e('ls', '/usr/bin', 'ls [-l] [-a] [-1] [PATH...]', f.ls),
  e('cd', 'builtin', 'cd [DIR]', b.cd),
  e('pwd', 'builtin', 'pwd', b.pwd),
  e('mkdir', '/usr/bin', 'mkdir [-p] DIR...', f.mkdir),
  e('rm', '/usr/bin', 'rm [-r] [-f] PATH...', f.rm),
  e('touch', '/usr/bin', 'touch FILE...', f.touch),
  // the shell
  e('history', 'builtin', 'history [N] | history -c', b.history),
  e('clear', '/usr/bin', 'clear', b.clear),
  e('exit', 'builtin', 'exit [N]    leave an ssh session', b.exit),
  e('logout', 'builtin', 'logout', b.exit, true),
  e('sleep', '/usr/bin', 'sleep SECONDS    (runs the simulation)', b.sleep),
  e('timeout', '/usr/bin', 'timeout DURATION COMMAND...', b.timeout),
  e('jobs', 'builtin', 'jobs', b.jobs),
  e('kill', 'builtin', 'kill [-9] %N|PID', b.kill),
  e('export', 'builtin', 'export NAME=VALUE', b.exportCmd, true),
  e('unset', 'builtin', 'unset NAME', b.unset, true),
  e('true', 'builtin', 'true', b.trueCmd, true),
  e('false', 'builtin', 'false', b.falseCmd, true),
  e('date', '/usr/bin', 'date [+FORMAT]', m.date),
  e('whoami', '/usr/bin', 'whoami', m.whoami, true),
  e('id', '/usr/bin', 'id', m.id, true),
  e('help', 'builtin', 'help    this list', help),
  e('which', '/usr/bin', 'which COMMAND...', which, true),
  e('type', 'builtin', 'type COMMAND...', type, true),
];

const BY_NAME = new Map(TABLE.map((x) => [x.name, x]));

export function findCommand(name: string): CommandEntry | undefined {
  return BY_NAME.get(name);
}

export function commandNames(): string[] {
  return TABLE.map((x) => x.name).sort();
}

function help(ctx: CmdCtx): number {
  let s = 'LVS Lab shell (bash-like). Commands simulated on every node:\n\n';
  for (const x of TABLE) if (!x.quiet) s += `  ${x.name.padEnd(16)} ${x.synopsis.startsWith(x.name) ? x.synopsis.slice(x.name.length).trim() : x.synopsis}\n`;
  s += '\nShell: pipes (|), ; && ||, > >> < 2>&1, <<EOF heredocs, $VAR, $(...), & for nc -l and tcpdump.\n';
  s += 'Time runs while commands wait (curl, ping, ab, tcpdump, sleep); `lab advance 10s` runs it by hand.\n';
  ctx.out(s);
  return 0;
}

function which(ctx: CmdCtx): number {
  let rc = 0;
  for (const n of ctx.argv.slice(1)) {
    const x = BY_NAME.get(n);
    if (!x || x.where === 'builtin' && !['echo', 'printf', 'pwd', 'kill', 'true', 'false'].includes(n)) {
      rc = 1;
      continue;
    }
    ctx.out(`${x.where === 'builtin' ? '/usr/bin' : x.where}/${n}\n`);
  }
  return rc;
}

function type(ctx: CmdCtx): number {
  let rc = 0;
  for (const n of ctx.argv.slice(1)) {
    const x = BY_NAME.get(n);
    if (!x) {
      ctx.err(`bash: type: ${n}: not found\n`);
      rc = 1;
    } else ctx.out(x.where === 'builtin' ? `${n} is a shell builtin\n` : `${n} is ${x.where}/${n}\n`);
  }
  return rc;
}
