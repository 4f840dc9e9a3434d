/**
 * ipvsadm 1.31, ipvsadm-save/-restore and /proc/net/ip_vs* against the real program:
 * - every case of shared/oracle/ipvsadm/examples.json, replayed step by step on a fresh
 *   director, stdout/stderr/exit compared byte for byte;
 * - each listing option on the sample configuration of reference/ipvsadm.md §5;
 * - each error message of §6 (ipvsadm's own and the kernel's);
 * - listings of a director carrying traffic (the dr preset), checked against the model.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../../src/core/lab';
import { drPreset } from '../../../src/core/scenario/presets';
import { Conn, IP_VS_CONN_F_DROUTE, IP_VS_CONN_F_MASQ, IP_VS_CONN_F_TEMPLATE } from '../../../src/core/ipvs/conn';
import { S } from '../../../src/core/ipvs/tcp-states';
import { ip } from '../../../src/core/net/addr';
import type { CmdResult } from '../../../src/core/shell/types';
import { ipvsadm, ipvsadmRestore, ipvsadmSave, procFile, type IpvsadmEnv } from '../../../src/core/shell/ipvsadm/index';
import { COMMANDS_V_OPTIONS, OPT_NAMES, TUNNEL_TYPES_V_OPTIONS } from '../../../src/core/shell/ipvsadm/options';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const ORACLE = join(ROOT, '..', 'shared', 'oracle', 'ipvsadm', 'examples.json');

// ---------------------------------------------------------------- a tiny shell

/** Split a bash command line into words: '…', "…" (\\ \" \$ \` escapes), \x, blanks; `|` separates commands. */
function shellWords(line: string): string[][] {
  const cmds: string[][] = [[]];
  let cur = '';
  let have = false;
  const flush = () => {
    if (have) cmds[cmds.length - 1]!.push(cur);
    cur = '';
    have = false;
  };
  for (let i = 0; i < line.length; ) {
    const c = line[i]!;
    if (c === "'") {
      const j = line.indexOf("'", i + 1);
      cur += line.slice(i + 1, j);
      have = true;
      i = j + 1;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && '"\\$`'.includes(line[i + 1] ?? '')) i++;
        cur += line[i++];
      }
      i++;
      have = true;
    } else if (c === '\\') {
      cur += line[i + 1] ?? '';
      have = true;
      i += 2;
    } else if (c === ' ' || c === '\t') {
      flush();
      i++;
    } else if (c === '|') {
      flush();
      cmds.push([]);
      i++;
    } else {
      cur += c;
      have = true;
      i++;
    }
  }
  flush();
  return cmds;
}

/** echo / printf (the left side of a pipe), as bash's builtins print. */
function builtin(words: string[]): string {
  const [name, ...args] = words;
  if (name === 'echo') {
    let e = false;
    let n = false;
    while (args[0] === '-e' || args[0] === '-n' || args[0] === '-en' || args[0] === '-ne') {
      const f = args.shift()!;
      e ||= f.includes('e');
      n ||= f.includes('n');
    }
    const s = args.join(' ');
    return (e ? s.replace(/\\n/g, '\n').replace(/\\t/g, '\t') : s) + (n ? '' : '\n');
  }
  if (name === 'printf') return (args[0] ?? '').replace(/\\n/g, '\n').replace(/\\t/g, '\t');
  throw new Error(`unsupported command ${name}`);
}

/** Run one command line of the examples: ipvsadm, ipvsadm-save, ipvsadm-restore, `… | ipvsadm -R`. */
function run(line: string, env: IpvsadmEnv, stdin: string | null = null): CmdResult {
  const cmds = shellWords(line);
  let input = stdin ?? '';
  let r: CmdResult = { stdout: '', stderr: '', exit: 0 };
  for (const [k, words] of cmds.entries()) {
    if (k > 0) input = r.stdout;
    const [prog, ...argv] = words;
    if (prog === 'ipvsadm') r = ipvsadm(argv, env, input);
    else if (prog === 'ipvsadm-save') r = ipvsadmSave(argv, env);
    else if (prog === 'ipvsadm-restore') r = ipvsadmRestore(argv, env, input);
    else r = { stdout: builtin(words), stderr: '', exit: 0 };
  }
  return r;
}

/** A director like the oracle's machine: interfaces lo, eth0, eth1 (MTU 65536/1500/1500). */
function director(kernel: '6.12' | '6.1' = '6.12'): { lab: Lab; env: IpvsadmEnv } {
  const lab = Lab.of({
    kernel,
    nodes: [
      {
        name: 'director',
        kind: 'director',
        ifaces: [
          { name: 'eth0', addrs: ['10.0.0.2/24'] },
          { name: 'eth1', addrs: ['192.168.77.2/24'] },
        ],
        ipvs: { services: [] },
      },
    ],
  });
  return { lab, env: envOf(lab) };
}

function envOf(lab: Lab): IpvsadmEnv {
  const host = lab.host('director');
  return { ipvs: lab.nodes.get('director')!.ipvs!, ifaceMtu: (n) => host.iface(n)?.mtu };
}

/** Run lines that must succeed silently. */
function setup(env: IpvsadmEnv, ...lines: string[]): void {
  for (const l of lines) expect(run(l, env), l).toEqual({ stdout: '', stderr: '', exit: 0 });
}

const out = (stdout: string): CmdResult => ({ stdout, stderr: '', exit: 0 });
const err = (stderr: string, exit: number): CmdResult => ({ stdout: '', stderr, exit });

// ---------------------------------------------------------------- the oracle's examples

interface Step {
  cmd: string;
  stdin: string | null;
  stdout: string;
  stderr: string;
  exit: number;
}
const examples = JSON.parse(readFileSync(ORACLE, 'utf8')) as { cases: { name: string; steps: Step[] }[] };

describe('examples recorded from the real ipvsadm 1.31', () => {
  it.each(examples.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { env } = director();
    for (const s of c.steps) {
      expect(run(s.cmd, env, s.stdin), s.cmd).toEqual({ stdout: s.stdout, stderr: s.stderr, exit: s.exit });
    }
  });
});

// ---------------------------------------------------------------- tables

describe('option tables', () => {
  it('have a rule for each of the 34 options in every row', () => {
    expect(OPT_NAMES).toHaveLength(34);
    for (const row of COMMANDS_V_OPTIONS) expect(row).toMatch(/^[x+1 ]{34}$/);
    for (const row of TUNNEL_TYPES_V_OPTIONS) expect(row).toMatch(/^[x+1 ]{4}$/);
  });
});

// ---------------------------------------------------------------- listings (§4, §5)

/**
 * The sample configuration of ipvsadm.md §5: VIP 192.168.1.100, TCP/80 wlc DR to .11 (w1),
 * .12 (w2, -x 100), .13 (w0); TCP/443 rr persistent 360 DR; UDP/53 rr NAT to 10.0.1.21:5353.
 */
function sample(): { lab: Lab; env: IpvsadmEnv } {
  const d = director();
  setup(
    d.env,
    'ipvsadm -A -t 192.168.1.100:80',
    'ipvsadm -a -t 192.168.1.100:80 -r 10.0.0.11',
    'ipvsadm -a -t 192.168.1.100:80 -r 10.0.0.12 -w 2 -x 100',
    'ipvsadm -a -t 192.168.1.100:80 -r 10.0.0.13 -w 0',
    'ipvsadm -A -t 192.168.1.100:443 -s rr -p',
    'ipvsadm -a -t 192.168.1.100:443 -r 10.0.0.11',
    'ipvsadm -a -t 192.168.1.100:443 -r 10.0.0.12',
    'ipvsadm -A -u 192.168.1.100:53 -s rr',
    'ipvsadm -a -u 192.168.1.100:53 -r 10.0.1.21:5353 -m',
  );
  const ipvs = d.env.ipvs;
  const svc = (port: number) => ipvs.services.find((s) => s.port === port)!;
  const dest = (port: number, last: number) => svc(port).dests.find((x) => (x.addr & 0xff) === last)!;
  dest(80, 11).setCounts(12, 40);
  dest(80, 12).setCounts(25, 81);
  dest(80, 13).setCounts(0, 3);
  dest(443, 11).setCounts(2, 1);
  dest(443, 12).setCounts(1, 0);
  dest(443, 11).persistConns = 3;
  dest(443, 12).persistConns = 2;
  dest(53, 21).setCounts(0, 17);
  const stats = (st: { conns: number; inpkts: number; outpkts: number; inbytes: number; outbytes: number }, v: number[]) =>
    Object.assign(st, { conns: v[0], inpkts: v[1], outpkts: v[2], inbytes: v[3], outbytes: v[4] });
  stats(svc(80).stats, [15740, 276443, 0, 19025456, 0]);
  stats(dest(80, 11).stats, [5123, 90233, 0, 6123456, 0]);
  stats(dest(80, 12).stats, [10240, 180110, 0, 12500000, 0]);
  stats(dest(80, 13).stats, [377, 6100, 0, 402000, 0]);
  stats(svc(443).stats, [31, 450, 0, 29000, 0]);
  stats(dest(443, 11).stats, [20, 300, 0, 20000, 0]);
  stats(dest(443, 12).stats, [11, 150, 0, 9000, 0]);
  stats(svc(53).stats, [17, 17, 17, 1020, 2890]);
  stats(dest(53, 21).stats, [17, 17, 17, 1020, 2890]);
  return d;
}

const HEADER = 'IP Virtual Server version 1.2.1 (size=4096)\n';
const TITLE = 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';

describe('listing formats (reference §5)', () => {
  it('-L -n, and the same through every spelling', () => {
    const { env } = sample();
    const want =
      HEADER +
      TITLE +
      'TCP  192.168.1.100:80 wlc\n' +
      '  -> 10.0.0.11:80                 Route   1      12         40        \n' +
      '  -> 10.0.0.12:80                 Route   2      25         81        \n' +
      '  -> 10.0.0.13:80                 Route   0      0          3         \n' +
      'TCP  192.168.1.100:443 rr persistent 360\n' +
      '  -> 10.0.0.11:443                Route   1      2          1         \n' +
      '  -> 10.0.0.12:443                Route   1      1          0         \n' +
      'UDP  192.168.1.100:53 rr\n' +
      '  -> 10.0.1.21:5353               Masq    1      0          17        \n';
    for (const l of ['ipvsadm -L -n', 'ipvsadm -Ln', 'ipvsadm -ln', 'ipvsadm --list --numeric', 'ipvsadm -nL --sort'.replace('-nL', '-Ln')]) expect(run(l, env), l).toEqual(out(want));
  });

  it('-L without -n names ports from /etc/services by the service protocol (no host names resolve)', () => {
    const { env } = sample();
    expect(run('ipvsadm -L', env).stdout).toBe(
      HEADER +
        TITLE +
        'TCP  192.168.1.100:http wlc\n' +
        '  -> 10.0.0.11:http               Route   1      12         40        \n' +
        '  -> 10.0.0.12:http               Route   2      25         81        \n' +
        '  -> 10.0.0.13:http               Route   0      0          3         \n' +
        'TCP  192.168.1.100:https rr persistent 360\n' +
        '  -> 10.0.0.11:https              Route   1      2          1         \n' +
        '  -> 10.0.0.12:https              Route   1      1          0         \n' +
        'UDP  192.168.1.100:domain rr\n' +
        '  -> 10.0.1.21:mdns               Masq    1      0          17        \n',
    );
  });

  it('--stats', () => {
    const { env } = sample();
    expect(run('ipvsadm -L -n --stats', env)).toEqual(
      out(
        HEADER +
          'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n' +
          '  -> RemoteAddress:Port\n' +
          'TCP  192.168.1.100:80                15740   276443        0 19025456        0\n' +
          '  -> 10.0.0.11:80                     5123    90233        0  6123456        0\n' +
          '  -> 10.0.0.12:80                    10240   180110        0 12500000        0\n' +
          '  -> 10.0.0.13:80                      377     6100        0   402000        0\n' +
          'TCP  192.168.1.100:443                  31      450        0    29000        0\n' +
          '  -> 10.0.0.11:443                      20      300        0    20000        0\n' +
          '  -> 10.0.0.12:443                      11      150        0     9000        0\n' +
          'UDP  192.168.1.100:53                   17       17       17     1020     2890\n' +
          '  -> 10.0.1.21:5353                     17       17       17     1020     2890\n',
      ),
    );
  });

  it('--stats scales big numbers with K/M/G/T, --exact prints them whole', () => {
    const { env } = director();
    setup(env, 'ipvsadm -A -t 10.0.0.1:80', 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.11');
    const svc = env.ipvs.services[0]!;
    Object.assign(svc.stats, { conns: 99_999_999, inpkts: 123_456_789, outpkts: 98_765_432_100, inbytes: 12_345_678_901_234, outbytes: 123_456_789_012_345 });
    const line = (l: string) => run(l, env).stdout.split('\n')[3];
    const name = 'TCP  10.0.0.1:80'.padEnd(33);
    expect(line('ipvsadm -Ln --stats')).toBe(name + ' 99999999  123456K   98765M   12345G     123T');
    expect(line('ipvsadm -Ln --stats --exact')).toBe(name + ' 99999999 123456789 98765432100 12345678901234 123456789012345');
  });

  it('--rate shows the estimator, rates per second (bytes, not bits)', () => {
    const { env } = sample();
    const r = run('ipvsadm -L -n --rate', env);
    expect(r.stdout.split('\n').slice(0, 4)).toEqual([
      HEADER.trimEnd(),
      'Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS',
      '  -> RemoteAddress:Port',
      'TCP  192.168.1.100:80                    0        0        0        0        0',
    ]);
    expect(r.stdout.split('\n')[4]).toBe('  -> 10.0.0.11:80                        0        0        0        0        0');
  });

  it('--thresholds and --persistent-conn', () => {
    const { env } = sample();
    const th = run('ipvsadm -L -n --thresholds', env).stdout.split('\n');
    expect(th.slice(1, 7)).toEqual([
      'Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn ',
      '  -> RemoteAddress:Port',
      'TCP  192.168.1.100:80 wlc',
      '  -> 10.0.0.11:80                 0          0          12         40        ',
      '  -> 10.0.0.12:80                 100        0          25         81        ',
      '  -> 10.0.0.13:80                 0          0          0          3         ',
    ]);
    expect(run('ipvsadm -L -n --persistent-conn -t 192.168.1.100:443', env)).toEqual(
      out(
        'Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n' +
          '  -> RemoteAddress:Port\n' +
          'TCP  192.168.1.100:443 rr persistent 360\n' +
          '  -> 10.0.0.11:443                1         3           2          1         \n' +
          '  -> 10.0.0.12:443                1         2           1          0         \n',
      ),
    );
  });

  it('-L -t VIP:PORT lists one service without the version line', () => {
    const { env } = sample();
    expect(run('ipvsadm -L -n -u 192.168.1.100:53', env)).toEqual(out(TITLE + 'UDP  192.168.1.100:53 rr\n  -> 10.0.1.21:5353               Masq    1      0          17        \n'));
    expect(run('ipvsadm -L -n -u 192.168.1.100:54', env)).toEqual(err('No such service\n', 1));
  });

  it('-S -n and -S (names)', () => {
    const { env } = sample();
    expect(run('ipvsadm -S -n', env)).toEqual(
      out(
        '-A -t 192.168.1.100:80 -s wlc\n' +
          '-a -t 192.168.1.100:80 -r 10.0.0.11:80 -g -w 1\n' +
          '-a -t 192.168.1.100:80 -r 10.0.0.12:80 -g -w 2\n' +
          '-a -t 192.168.1.100:80 -r 10.0.0.13:80 -g -w 0\n' +
          '-A -t 192.168.1.100:443 -s rr -p 360\n' +
          '-a -t 192.168.1.100:443 -r 10.0.0.11:443 -g -w 1\n' +
          '-a -t 192.168.1.100:443 -r 10.0.0.12:443 -g -w 1\n' +
          '-A -u 192.168.1.100:53 -s rr\n' +
          '-a -u 192.168.1.100:53 -r 10.0.1.21:5353 -m -w 1\n',
      ),
    );
    expect(run('ipvsadm-save', env).stdout.split('\n')[0]).toBe('-A -t 192.168.1.100:http -s wlc');
  });

  it('-S output restores to the same table (ipvsadm-save | ipvsadm-restore)', () => {
    const a = sample();
    const saved = run('ipvsadm-save -n', a.env).stdout;
    const b = director();
    setup(b.env, 'ipvsadm -A -t 1.1.1.1:1', 'ipvsadm --set 1 1 1');
    expect(run('ipvsadm-restore', b.env, '# saved\n' + saved)).toEqual(out(''));
    expect(run('ipvsadm -S -n', b.env).stdout).toBe(saved);
  });

  it('-L -n -c: state, Expires mm:ss, templates as ASSURED with client port 0', () => {
    const { lab, env } = sample();
    const ipvs = env.ipvs;
    const svc = (port: number) => ipvs.services.find((s) => s.port === port)!;
    const d = (port: number, last: number) => svc(port).dests.find((x) => (x.addr & 0xff) === last)!;
    const add = (c: Conn, secs: number, state: number) => {
      c.state = state;
      c.expires = lab.now + secs * 1_000_000 + 400_000;
      ipvs.conns.insert(c, false);
    };
    const vip = ip('192.168.1.100');
    add(new Conn('tcp', ip('172.16.5.9'), 51234, vip, 80, ip('10.0.0.12'), 80, IP_VS_CONN_F_DROUTE, d(80, 12), svc(80), 0), 899, S.ESTABLISHED);
    add(new Conn('tcp', ip('172.16.5.9'), 51230, vip, 80, ip('10.0.0.11'), 80, IP_VS_CONN_F_DROUTE, d(80, 11), svc(80), 0), 117, S.FIN_WAIT);
    add(new Conn('tcp', ip('172.16.5.7'), 40022, vip, 80, ip('10.0.0.11'), 80, IP_VS_CONN_F_DROUTE, d(80, 11), svc(80), 0), 58, S.SYN_RECV);
    const t = new Conn('tcp', ip('172.16.5.9'), 0, vip, 443, ip('10.0.0.11'), 443, IP_VS_CONN_F_TEMPLATE | IP_VS_CONN_F_DROUTE, d(443, 11), svc(443), 0);
    t.assured = true;
    add(t, 359, 0);
    add(new Conn('udp', ip('172.16.5.8'), 33001, vip, 53, ip('10.0.1.21'), 5353, IP_VS_CONN_F_MASQ, d(53, 21), svc(53), 0), 299, 0);
    expect(run('ipvsadm -L -n -c', env)).toEqual(
      out(
        'IPVS connection entries\n' +
          'pro expire state       source             virtual            destination\n' +
          'TCP 14:59  ESTABLISHED 172.16.5.9:51234   192.168.1.100:80   10.0.0.12:80\n' +
          'TCP 01:57  FIN_WAIT    172.16.5.9:51230   192.168.1.100:80   10.0.0.11:80\n' +
          'TCP 00:58  SYN_RECV    172.16.5.7:40022   192.168.1.100:80   10.0.0.11:80\n' +
          'TCP 05:59  ASSURED     172.16.5.9:0       192.168.1.100:443  10.0.0.11:443\n' +
          'UDP 04:59  UDP         172.16.5.8:33001   192.168.1.100:53   10.0.1.21:5353\n',
      ),
    );
    expect(run('ipvsadm -Lc', env).stdout.split('\n')[2]).toBe('TCP 14:59  ESTABLISHED 172.16.5.9:51234   192.168.1.100:http 10.0.0.12:http');
    expect(procFile('/proc/net/ip_vs_conn', env).split('\n').slice(0, 2)).toEqual([
      'Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData',
      'TCP AC100509 C822 C0A80164 0050 0A00000C 0050 ESTABLISHED     899',
    ]);
    expect(run('ipvsadm -Lnc --persistent-conn', env).stdout.split('\n')[1]).toBe(
      'pro expire state       source             virtual            destination        pe name          pe_data',
    );
  });

  it('--timeout and --daemon', () => {
    const { env } = director();
    expect(run('ipvsadm -L --timeout', env)).toEqual(out('Timeout (tcp tcpfin udp): 900 120 300\n'));
    setup(env, 'ipvsadm --start-daemon master --syncid 51', 'ipvsadm --start-daemon backup --syncid 51 --mcast-interface lo');
    expect(run('ipvsadm -L --daemon', env)).toEqual(
      out(
        'master sync daemon (mcast=eth0, syncid=51, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n' +
          'backup sync daemon (mcast=lo, syncid=51, maxlen=65507, group=224.0.0.81, port=8848, ttl=1)\n',
      ),
    );
    setup(env, 'ipvsadm --stop-daemon master', 'ipvsadm --stop-daemon backup', 'ipvsadm --start-daemon master --mcast-group ff02::81 --mcast-port 9000 --mcast-ttl 2 --sync-maxlen 1000');
    expect(run('ipvsadm -L --daemon', env).stdout).toBe('master sync daemon (mcast=eth0, syncid=0, maxlen=1000, group=ff02::81, port=9000, ttl=2)\n');
  });

  it('--tun-info, tunnel types in -S', () => {
    const { env } = director();
    setup(
      env,
      'ipvsadm -A -t 192.168.1.100:80 -s rr',
      'ipvsadm -a -t 192.168.1.100:80 -r 192.168.10.1 -i',
      'ipvsadm -a -t 192.168.1.100:80 -r 192.168.10.2 -i --tun-type gue --tun-port 6080 --tun-nocsum',
      'ipvsadm -a -t 192.168.1.100:80 -r 192.168.10.3 -i --tun-type gre --tun-csum',
      'ipvsadm -a -t 192.168.1.100:80 -r 192.168.10.4',
    );
    expect(run('ipvsadm -L -n --tun-info', env)).toEqual(
      out(
        HEADER +
          'Prot LocalAddress:Port Scheduler Flags\n' +
          '  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n' +
          'TCP  192.168.1.100:80 rr\n' +
          '  -> 192.168.10.1:80              Tunnel  ipip          1      0          0         \n' +
          '  -> 192.168.10.2:80              Tunnel  gue:6080:-c   1      0          0         \n' +
          '  -> 192.168.10.3:80              Tunnel  gre:+c        1      0          0         \n' +
          '  -> 192.168.10.4:80              Route   n/a           1      0          0         \n',
      ),
    );
    expect(run('ipvsadm -S -n', env).stdout.split('\n').slice(1, 4)).toEqual([
      '-a -t 192.168.1.100:80 -r 192.168.10.1:80 -i -w 1 --tun-type ipip',
      '-a -t 192.168.1.100:80 -r 192.168.10.2:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum',
      '-a -t 192.168.1.100:80 -r 192.168.10.3:80 -i -w 1 --tun-type gre --tun-csum',
    ]);
  });

  it('--nosort shows the kernel order: newest real server first', () => {
    const { env } = director();
    setup(env, 'ipvsadm -A -t 10.0.0.1:80', 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.11', 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.13', 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.12');
    const rs = (l: string) => run(l, env).stdout.split('\n').filter((x) => x.startsWith('  -> 10')).map((x) => x.slice(5, 14));
    expect(rs('ipvsadm -Ln')).toEqual(['10.0.0.11', '10.0.0.12', '10.0.0.13']);
    expect(rs('ipvsadm -Ln --nosort')).toEqual(['10.0.0.12', '10.0.0.13', '10.0.0.11']);
  });

  it('IPv6, SCTP and fwmark services, sorted by fwmark, family, protocol, address, port', () => {
    const { env } = director();
    setup(
      env,
      'ipvsadm -A -f 7 -6 -s rr -p 60 -M 64',
      'ipvsadm -a -f 7 -6 -r 2001:db8::11',
      'ipvsadm -A -t [2001:db8::1]:443 -s sh -b sh-port',
      'ipvsadm -a -t [2001:db8::1]:443 -r 2001:db8::12 -m -w 3',
      'ipvsadm -a -t [2001:db8::1]:443 -r 10.0.0.12 -i',
      'ipvsadm -A --sctp-service 10.0.0.1:5672',
      'ipvsadm -A -f 3 -s lc',
      'ipvsadm -A -t 10.0.0.1:80',
    );
    expect(run('ipvsadm -Ln', env).stdout).toBe(
      HEADER +
        TITLE +
        'TCP  10.0.0.1:80 wlc\n' +
        'SCTP 10.0.0.1:5672 wlc\n' +
        'TCP  [2001:db8::1]:443 sh (sh-port)\n' +
        '  -> 10.0.0.12:443                Tunnel  1      0          0         \n' +
        '  -> [2001:db8::12]:443           Masq    3      0          0         \n' +
        'FWM  3 lc\n' +
        'FWM  7 IPv6 rr persistent 60 mask 64\n' +
        '  -> [2001:db8::11]:0             Route   1      0          0         \n',
    );
    expect(run('ipvsadm -S', env).stdout).toBe(
      '-A -t 10.0.0.1:http -s wlc\n' +
        '-A --sctp-service 10.0.0.1:amqp -s wlc\n' +
        '-A -t [2001:db8::1]:https -s sh -b sh-port\n' +
        '-a -t [2001:db8::1]:https -r 10.0.0.12:https -i -w 1 --tun-type ipip\n' +
        '-a -t [2001:db8::1]:https -r [2001:db8::12]:https -m -w 3\n' +
        '-A -f 3 -s lc\n' +
        '-A -f 7 -6 -s rr -p 60 -M 64\n' +
        '-a -f 7 -6 -r [2001:db8::11]:0 -g -w 1\n',
    );
    setup(env, 'ipvsadm -d -t [2001:db8::1]:443 -r 10.0.0.12', 'ipvsadm -D -f 7 -6', 'ipvsadm -E --sctp-service 10.0.0.1:5672 -s rr');
    expect(run('ipvsadm -Ln', env).stdout.split('\n').slice(3)).toEqual([
      'TCP  10.0.0.1:80 wlc',
      'SCTP 10.0.0.1:5672 rr',
      'TCP  [2001:db8::1]:443 sh (sh-port)',
      '  -> [2001:db8::12]:443           Masq    3      0          0         ',
      'FWM  3 lc',
      '',
    ]);
  });

  it('fwmark services: marks print as signed ints, their ports never as names (no protocol in the dump)', () => {
    const { env } = director();
    setup(env, 'ipvsadm -A -f 4294967295', 'ipvsadm -a -f 4294967295 -r 10.0.0.11:80 -m', 'ipvsadm -A -f 2147483647 -6');
    expect(run('ipvsadm -L', env).stdout.split('\n').slice(3)).toEqual(['FWM  2147483647 IPv6 wlc', 'FWM  -1 wlc', '  -> 10.0.0.11:80                 Masq    1      0          0         ', '']);
    expect(run('ipvsadm -S', env).stdout).toBe('-A -f 2147483647 -6 -s wlc\n-A -f -1 -s wlc\n-a -f -1 -r 10.0.0.11:80 -m -w 1\n');
  });

  it('help and version', () => {
    const { env } = director();
    const h = run('ipvsadm -h', env);
    expect(h.exit).toBe(0);
    expect(h.stdout.split('\n').slice(0, 3)).toEqual([
      'ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)',
      'Usage:',
      '  ipvsadm -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]',
    ]);
    expect(h.stdout).toContain('  --scheduler    -s scheduler         one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh,\n');
    expect(run('ipvsadm --version', env)).toEqual(out('ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n'));
  });
});

// ---------------------------------------------------------------- /proc

describe('/proc/net/ip_vs and /proc/net/ip_vs_stats', () => {
  it('print services in hex, timeouts in jiffies, masks in host order', () => {
    const { env } = director();
    setup(env, 'ipvsadm -A -t 10.0.0.1:80 -p 60 -M 255.255.255.0', 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.11:8080 -m -w 3', 'ipvsadm -A -u 10.0.0.1:53 -o -s rr', 'ipvsadm -A -f 5');
    expect(procFile('/proc/net/ip_vs', env)).toBe(
      HEADER +
        'Prot LocalAddress:Port Scheduler Flags\n' +
        '  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n' +
        'UDP  0A000001:0035 rr ops  \n' +
        // 60 s in jiffies at Debian's CONFIG_HZ=250:
        'TCP  0A000001:0050 wlc  persistent 15000 FFFFFF00\n' +
        '  -> 0A00000B:1F90      Masq    3      0          0         \n' +
        'FWM  00000005 wlc \n',
    );
    expect(procFile('/proc/net/ip_vs_stats', env)).toBe(
      '   Total Incoming Outgoing         Incoming         Outgoing\n' +
        '   Conns  Packets  Packets            Bytes            Bytes\n' +
        '       0        0        0                0                0\n\n' +
        ' Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n' +
        '       0        0        0                0                0\n',
    );
  });
});

// ---------------------------------------------------------------- semantics (§2.1)

describe('surprising semantics', () => {
  it('-e without -m switches a NAT dest to DR with weight 1; with another port that is "No such destination"', () => {
    const { env } = director();
    setup(env, 'ipvsadm -A -t 10.0.0.1:80', 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.11 -m -w 5 -x 10 -y 5', 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.12:8080 -m');
    setup(env, 'ipvsadm -e -t 10.0.0.1:80 -r 10.0.0.11');
    expect(run('ipvsadm -Ln --thresholds', env).stdout.split('\n')[4]).toBe('  -> 10.0.0.11:80                 0          0          0          0         ');
    expect(run('ipvsadm -S -n', env).stdout.split('\n')[1]).toBe('-a -t 10.0.0.1:80 -r 10.0.0.11:80 -g -w 1');
    expect(run('ipvsadm -e -t 10.0.0.1:80 -r 10.0.0.12:8080', env)).toEqual(err('No such destination\n', 255));
    setup(env, 'ipvsadm -e -t 10.0.0.1:80 -r 10.0.0.12:8080 -m -w 4', 'ipvsadm -d -t 10.0.0.1:80 -r 10.0.0.11');
    expect(run('ipvsadm -d -t 10.0.0.1:80 -r 10.0.0.12', env)).toEqual(err('No such destination\n', 255));
  });

  it('-E keeps the dests and scheduler state only as far as the full spec says', () => {
    const { env } = director();
    setup(env, 'ipvsadm -A -t 10.0.0.1:80 -s rr -p 100 -M 255.255.255.0 -o'.replace(' -o', ''), 'ipvsadm -E -t 10.0.0.1:80 -s mh -b mh-fallback');
    expect(run('ipvsadm -Ln', env).stdout.split('\n')[3]).toBe('TCP  10.0.0.1:80 mh (mh-fallback)');
    setup(env, 'ipvsadm -E -t 10.0.0.1:80 -s none');
    expect(run('ipvsadm -Ln', env).stdout.split('\n')[3]).toBe('TCP  10.0.0.1:80 none');
  });

  it('-Z zeroes one service or all; a restored dest keeps its counters (trash)', () => {
    const { env } = director();
    setup(env, 'ipvsadm -A -t 10.0.0.1:80', 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.11', 'ipvsadm -A -t 10.0.0.1:81', 'ipvsadm -a -t 10.0.0.1:81 -r 10.0.0.11');
    for (const s of env.ipvs.services) {
      s.stats.conns = 7;
      s.dests[0]!.stats.conns = 7;
    }
    setup(env, 'ipvsadm -Z -t 10.0.0.1:80');
    const conns = () => run('ipvsadm -Ln --stats', env).stdout.split('\n').slice(3, -1).map((l) => l.trim().split(/ +/)[l.startsWith('  ->') ? 2 : 2]);
    expect(conns()).toEqual(['0', '0', '7', '7']);
    setup(env, 'ipvsadm -d -t 10.0.0.1:81 -r 10.0.0.11', 'ipvsadm -a -t 10.0.0.1:81 -r 10.0.0.11');
    expect(conns()).toEqual(['0', '0', '7', '7']);
    setup(env, 'ipvsadm -Z');
    expect(conns()).toEqual(['0', '0', '0', '0']);
  });

  it('-C clears everything; --set 0 keeps a value', () => {
    const { env } = director();
    setup(env, 'ipvsadm -A -t 10.0.0.1:80', 'ipvsadm -A -f 1 -6', 'ipvsadm -C', 'ipvsadm --set 0 60 0');
    expect(run('ipvsadm -Ln', env)).toEqual(out(HEADER + TITLE));
    expect(run('ipvsadm -L --timeout', env).stdout).toBe('Timeout (tcp tcpfin udp): 900 60 300\n');
    expect(env.ipvs.timeouts.tcp[S.FIN_WAIT]).toBe(60);
  });

  it('-R keeps going after a kernel error but stops at a parse error; -R inside -R is refused', () => {
    const { env } = director();
    const r = run('ipvsadm -R', env, '-A -t 10.0.0.1:80\n-A -t 10.0.0.1:80\n-A -t 10.0.0.2:80\n');
    expect(r).toEqual(err('Service already exists\n', 0));
    expect(run('ipvsadm -R', env, '-A -t 10.0.0.3:80 -w 1\n-A -t 10.0.0.4:80\n')).toEqual(err("Illegal 'weight' option with the 'add-service' command\n", 2));
    expect(run('ipvsadm -R', env, '-R\n-A -t 10.0.0.5:80\n')).toEqual(err("Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n", 255));
    expect(run('echo "ipvsadm -A -t 10.0.0.6:80 -s rr" | ipvsadm -R', env)).toEqual(out(''));
    expect(run('ipvsadm -Ln', env).stdout.split('\n').filter((l) => l.startsWith('TCP')).map((l) => l.split(' ')[2])).toEqual(['10.0.0.1:80', '10.0.0.2:80', '10.0.0.6:80']);
  });
});

// ---------------------------------------------------------------- errors (§6)

describe('error messages (reference §6.1, printed by ipvsadm: exit 2, popt 255)', () => {
  const cases: [string, string, number][] = [
    ['ipvsadm -A -t 10.0.0.1:80 -L', "invalid option `-L'", 2],
    ['ipvsadm -A -t 10.0.0.1:80 -s rr -s wrr', "multiple 'scheduler' options specified", 2],
    ['ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -g -m', "multiple 'forwarding-method' options specified", 2],
    ['ipvsadm -a -t 10.0.0.1:80', "You need to supply the 'real-server' option for the 'add-server' command", 2],
    ['ipvsadm -A', "You need to supply the 'service-address' option for the 'add-service' command", 2],
    ['ipvsadm -A -t 10.0.0.1:80 -w 3', "Illegal 'weight' option with the 'add-service' command", 2],
    ['ipvsadm -L -c -t 10.0.0.1:80', "The option 'service-address' conflicts with the 'connection' option in the 'list' command", 2],
    ['ipvsadm -L --timeout --daemon', "The option 'daemon' conflicts with the 'timeout' option in the 'list' command", 2],
    ['ipvsadm -L -c --stats', 'options conflicts in the list command', 2],
    ['ipvsadm -L --daemon --persistent-conn', 'options conflicts in the list command', 2],
    ['ipvsadm -A -t 10.0.0.1:99999', 'illegal virtual server address[:port] specified', 2],
    ['ipvsadm -A -t nosuchhost:80', 'illegal virtual server address[:port] specified', 2],
    ['ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2:nosuchport', 'illegal real server address[:port] specified', 2],
    ['ipvsadm -A -t 10.0.0.1:80 -p -M 255.255.255.x', 'illegal virtual server persistent mask specified', 2],
    ['ipvsadm -A -t [2001:db8::1]:80 -p -M 129', 'illegal ipv6 netmask specified', 2],
    ['ipvsadm -A -6 -f 1', '-6 used before -f\n', 2],
    ['ipvsadm -A -f 0', "invalid fwmark value `0' specified", 2],
    ['ipvsadm -A -t 10.0.0.1:80 -p 0', "invalid timeout value `0' specified", 2],
    ['ipvsadm --set 1 2', '--set option requires 3 timeout values', 2],
    ['ipvsadm -L extra', 'unexpected argument extra', 2],
    ['ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -w 65536', 'illegal weight specified', 2],
    ['ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -x -1', 'illegal u_threshold specified', 2],
    ['ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -y 2147483648', 'illegal l_threshold specified', 2],
    ['ipvsadm --start-daemon master --syncid 256', 'illegal syncid specified', 2],
    ['ipvsadm --start-daemon primary', 'illegal start-daemon parameter specified', 2],
    ['ipvsadm --stop-daemon primary', 'illegal start_daemon specified', 2],
    ['ipvsadm -A -t 10.0.0.1:80 -b flag-4', "invalid scheduler flag `flag-4'", 2],
    ['ipvsadm -A -t 10.0.0.1:80 -s rr -b sh-port', "incompatible scheduler flag `sh-port'", 2],
    ['ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type vxlan', 'illegal tunnel type specified', 2],
    ['ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-port 0', 'illegal tunnel port specified', 2],
    ['ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -m --tun-type gre', 'Tunnel options conflict with forward method', 2],
    ['ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gue', "You need to supply the 'tun-port' option for the 'gue' tunnel type", 2],
    ['ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-port 9', "Illegal 'tun-port' option with the 'ipip' tunnel type", 2],
    ['ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gre --tun-nocsum --tun-csum', "The option 'tun-csum' conflicts with the 'tun-nocsum' option in the 'gre' tunnel type", 2],
    ['ipvsadm -a -t 10.0.0.1:80 -r [2001:db8::2]:80 -m', 'Different address family is allowed only for tunneling servers', 2],
    ['ipvsadm -a -t 10.0.0.1:80 -r [2001:db8::2] -i', 'illegal real server address[:port] specified', 2],
    ['ipvsadm -A -t 10.0.0.1', 'Zero port specified for non-persistent service', 2],
    ['ipvsadm -A -t 10.0.0.1:53 -o', 'One-Packet Scheduling is only for UDP virtual services', 2],
    ['ipvsadm --start-daemon master --mcast-group 10.0.0.1', "invalid IPv4 mcast-group `10.0.0.1'", 2],
    ['ipvsadm --start-daemon master --mcast-group 2001:db8::1', "invalid IPv6 mcast-group `2001:db8::1'", 2],
    ['ipvsadm --start-daemon master --mcast-port 0', 'illegal mcast-port specified', 2],
    ['ipvsadm --start-daemon master --mcast-ttl 256', 'illegal mcast-ttl specified', 2],
    ['ipvsadm --start-daemon master --sync-maxlen 65508', 'illegal sync-maxlen specified', 2],
    ['ipvsadm -L --foo', '--foo: unknown option', 255],
    ['ipvsadm -L -n=1', '-n=1: option does not take an argument', 255],
    ['ipvsadm -L -t', '-t: missing argument', 255],
    ['ipvsadm foo', "Try `ipvsadm -h' or 'ipvsadm --help' for more information.", 255],
    ['ipvsadm -n -L', "Try `ipvsadm -h' or 'ipvsadm --help' for more information.", 255],
  ];
  it.each(cases)('%s', (line, msg, exit) => {
    const { env } = director();
    expect(run(line, env)).toEqual(err(msg + '\n', exit));
  });
});

describe('kernel errors (reference §6.2: libipvs messages, exit 255)', () => {
  const cases: [string[], string, string][] = [
    [['ipvsadm -A -t 10.0.0.1:80'], 'ipvsadm -A -t 10.0.0.1:80', 'Service already exists'],
    [[], 'ipvsadm -A -t 10.0.0.1:80 -s bogus', 'Scheduler or persistence engine not found'],
    [[], 'ipvsadm -A -t 10.0.0.1:80 --pe nope', 'Scheduler or persistence engine not found'],
    [['ipvsadm -A -t 10.0.0.1:80'], 'ipvsadm -E -t 10.0.0.1:80 -s bogus', 'Scheduler or persistence engine not found'],
    [[], 'ipvsadm -E -t 10.0.0.1:80', 'No such service'],
    [[], 'ipvsadm -D -t 10.0.0.1:80', 'No such service'],
    [[], 'ipvsadm -Z -t 10.0.0.1:80', 'No such service'],
    [[], 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2', 'Service not defined'],
    [[], 'ipvsadm -e -t 10.0.0.1:80 -r 10.0.0.2', 'Service not defined'],
    [[], 'ipvsadm -d -t 10.0.0.1:80 -r 10.0.0.2', 'Service not defined'],
    [['ipvsadm -A -t 10.0.0.1:80', 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2'], 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -m', 'Destination already exists'],
    [['ipvsadm -A -t 10.0.0.1:80'], 'ipvsadm -e -t 10.0.0.1:80 -r 10.0.0.2', 'No such destination'],
    [['ipvsadm -A -t 10.0.0.1:80'], 'ipvsadm -d -t 10.0.0.1:80 -r 10.0.0.2', 'No such destination'],
    [['ipvsadm --start-daemon master'], 'ipvsadm --start-daemon master', 'Daemon has already run'],
    [[], 'ipvsadm --stop-daemon backup', 'No daemon is running'],
    [[], 'ipvsadm --start-daemon backup --mcast-interface eth7', 'No such device'],
    [['ipvsadm -A -t 10.0.0.1:80'], 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -y 5', 'Numerical result out of range'],
    [['ipvsadm -A -t 10.0.0.1:80'], 'ipvsadm -a -t 10.0.0.1:80 -r 224.0.0.5', 'Invalid operation.  Possibly wrong module version, address not unicast, ...'],
    [['ipvsadm -A -t 10.0.0.1:80'], 'ipvsadm -a -t 10.0.0.1:80 -r 255.255.255.255', 'Invalid operation.  Possibly wrong module version, address not unicast, ...'],
    [['ipvsadm -A -t 10.0.0.1:80', 'ipvsadm -a -t 10.0.0.1:80 -r 2001:db8::9 -i'], 'ipvsadm --start-daemon master', 'Invalid operation.  Possibly wrong module version, address not unicast, ...'],
  ];
  it.each(cases)('%#: %s', (before, line, msg) => {
    const { env } = director();
    setup(env, ...before);
    expect(run(line, env)).toEqual(err(msg + '\n', 255));
  });

  it('twos exists only on the 6.12 kernel', () => {
    expect(run('ipvsadm -A -t 10.0.0.1:80 -s twos', director('6.12').env)).toEqual(out(''));
    expect(run('ipvsadm -A -t 10.0.0.1:80 -s twos', director('6.1').env)).toEqual(err('Scheduler or persistence engine not found\n', 255));
  });
});

describe('ipvsadm-save and ipvsadm-restore (the scripts)', () => {
  it('ipvsadm-save takes -n only; ipvsadm-restore drops # lines and clears the table first', () => {
    const { env } = director();
    expect(run('ipvsadm-save -x', env)).toEqual(err('ipvsadm-save: Script to save the IPVS table to stdout.\n   With the -n option, prints out the table in numeric format.\n', 1));
    setup(env, 'ipvsadm -A -t 10.0.0.9:80');
    expect(run('ipvsadm-restore', env, '# a comment\n-A -u 10.0.0.1:53 -s rr\n#-A -t 10.0.0.2:80\n')).toEqual(out(''));
    expect(run('ipvsadm-save -n', env)).toEqual(out('-A -u 10.0.0.1:53 -s rr\n'));
    expect(run('ipvsadm-restore', env, '-A -u 10.0.0.1:53\n-A -u 10.0.0.1:53\n')).toEqual(err('Service already exists\n', 255));
    expect(run('ipvsadm-restore', env, '-A -u 10.0.0.1:53\n-A -u 10.0.0.1:53\n-A -u 10.0.0.2:53\n')).toEqual(err('Service already exists\n', 0));
  });
});

// ---------------------------------------------------------------- a director under load

describe('listings of a director carrying traffic (dr preset)', () => {
  let lab: Lab;
  let env: IpvsadmEnv;
  let ipvs: IpvsadmEnv['ipvs'];
  beforeAll(() => {
    lab = Lab.of(drPreset());
    env = envOf(lab);
    ipvs = env.ipvs;
    lab.advance(7_300_000);
  });

  it('-Ln: ActiveConn/InActConn are the dests counters', () => {
    const rows = run('ipvsadm -Ln', env).stdout.split('\n').filter((l) => l.startsWith('  -> 192'));
    const dests = [...ipvs.services[0]!.dests].sort((a, b) => a.addr - b.addr);
    expect(rows).toEqual(dests.map((d) => `  -> ${`192.168.10.${d.addr & 0xff}:80`.padEnd(28)} Route   1      ${String(d.activeConns).padEnd(10)} ${String(d.inactive).padEnd(10)}`));
    expect(dests.reduce((n, d) => n + d.activeConns + d.inactive, 0)).toBeGreaterThan(0);
  });

  it('-Lnc: one line per entry, Expires as whole mm:ss left, matching /proc/net/ip_vs_conn', () => {
    const lines = run('ipvsadm -Lnc', env).stdout.split('\n').slice(2, -1);
    const entries = [...ipvs.conns.all];
    expect(lines).toHaveLength(entries.length);
    expect(lines.length).toBeGreaterThan(0);
    const proc = procFile('/proc/net/ip_vs_conn', env).split('\n').slice(1, -1);
    expect(proc).toHaveLength(entries.length);
    entries.forEach((c, i) => {
      const secs = Math.floor(ipvs.remaining(c) / 1_000_000);
      const mmss = `${String(Math.floor(secs / 60)).padStart(2, '0')}:${String(secs % 60).padStart(2, '0')}`;
      const m = /^TCP (\d\d:\d\d)  (\S+) +(\S+) +(\S+) +(\S+)$/.exec(lines[i]!)!;
      expect(m, lines[i]).not.toBeNull();
      expect(m[1]).toBe(mmss);
      expect(['ESTABLISHED', 'SYN_RECV', 'FIN_WAIT', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'NONE']).toContain(m[2]);
      expect(m[4]).toBe('192.168.10.100:80');
      const p = proc[i]!.split(/ +/);
      expect(parseInt(p[8]!, 10)).toBe(secs);
      expect(parseInt(p[6]!, 16)).toBe(80);
    });
  });

  it('--stats: the service line is the sum of its dests; /proc/net/ip_vs_stats has the totals in hex', () => {
    const rows = run('ipvsadm -Ln --stats', env).stdout.split('\n').slice(3, -1).map((l) => l.trim().split(/ +/).slice(-5).map(Number));
    const [svc, ...dests] = rows;
    expect(svc![0]).toBeGreaterThan(0);
    for (let k = 0; k < 5; k++) expect(dests.reduce((n, d) => n + d[k]!, 0)).toBe(svc![k]);
    const totals = procFile('/proc/net/ip_vs_stats', env).split('\n')[2]!.trim().split(/ +/).map((h) => parseInt(h, 16));
    expect(totals).toEqual(svc);
  });

  it('--rate: the estimator per second, rounded as the kernel reads it', () => {
    lab.advance(2_000_000);
    const rows = run('ipvsadm -Ln --rate', env).stdout.split('\n').slice(3, -1).map((l) => l.trim().split(/ +/).slice(-5).map(Number));
    const svc = ipvs.services[0]!;
    const r = ipvs.rates(svc.stats);
    expect(rows[0]).toEqual([r.cps, r.inpps, r.outpps, r.inbps, r.outbps]);
    expect(r.inpps).toBeGreaterThan(0);
  });

  it('a persistent service shows templates (client port 0) and PersistConn', () => {
    setup(env, 'ipvsadm -E -t 192.168.10.100:80 -s rr -p 120');
    lab.advance(5_000_000);
    const lines = run('ipvsadm -Lnc', env).stdout.split('\n');
    const templates = lines.filter((l) => / (NONE|ASSURED) +\S+:0 /.test(l));
    expect(templates.length).toBeGreaterThan(0);
    const pc = run('ipvsadm -Ln --persistent-conn', env).stdout.split('\n').filter((l) => l.startsWith('  -> 1'));
    const persist = pc.map((l) => Number(l.trim().split(/ +/)[3]));
    expect(persist.reduce((a, b) => a + b, 0)).toBe(templates.length);
  });
});
