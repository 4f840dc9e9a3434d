/**
 * The acceptance, through the command line as a learner would script it:
 * `npx tsx src/cli/main.ts shell --preset P` with commands on stdin prints exactly what the
 * browser terminal would (no prompts).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function labShell(args: string[], input: string): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'shell', ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 120_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const TS = String.raw`\d\d:\d\d:\d\d\.\d{6}`;

/**
 * rr order: ipvsadm adds each destination at the head of the service's list and
 * ip_vs_rr_schedule walks from the head, so the last added (rs3) is picked first.
 */
const ROTATION = ['rs3', 'rs2', 'rs1', 'rs3', 'rs2', 'rs1'];

function curls(vip: string): string {
  return 'ssh client1\n' + `curl -s http://${vip}/\n`.repeat(6) + 'exit\n';
}

function servers(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => /^rs\d /.test(l))
    .map((l) => l.split(' ')[0]!);
}

describe('lab shell (CLI)', { timeout: 150_000 }, () => {
  it('DR: six curls rotate over rs1..rs3; tcpdump -e on rs1 shows the director MAC and the VIP', () => {
    const r = labShell(['--preset', 'dr'], 'lab traffic stop\nssh rs1 tcpdump -n -e -c 1 -i eth0 tcp port 80 &\n' + curls('192.168.10.100') + 'foo\n');
    expect(r.status).toBe(127);
    expect(r.stderr).toBe('');
    expect(servers(r.stdout)).toEqual(ROTATION);
    expect(r.stdout).toMatch(/^\[1\] \d+\ntcpdump: verbose output suppressed, use -v\[v\]\.\.\. for full protocol decode\nlistening on eth0, link-type EN10MB \(Ethernet\), snapshot length 262144 bytes\n/);
    expect(r.stdout).toMatch(new RegExp(`\\n${TS} 52:54:00:00:0a:02 > 52:54:00:00:0a:11, ethertype IPv4 \\(0x0800\\), length \\d+: 203\\.0\\.113\\.10\\.\\d+ > 192\\.168\\.10\\.100\\.80: Flags \\[S\\]`));
    expect(r.stdout).toContain('1 packet captured\n1 packet received by filter\n0 packets dropped by kernel\n');
    expect(r.stdout).toContain('[1]+  Done                    tcpdump -n -e -c 1 -i eth0 tcp port 80\n');
    expect(r.stdout).toContain('logout\nConnection to client1 closed.\nbash: foo: command not found\n');
  });

  it('TUN: the same rotation; the real server sees the nested IPIP line', () => {
    const r = labShell(['--preset', 'tun'], 'lab traffic stop\nssh rs1 tcpdump -n -c 1 -i eth0 proto 4 &\n' + curls('192.168.10.100'));
    expect(r.status).toBe(0);
    expect(servers(r.stdout)).toEqual(ROTATION);
    expect(r.stdout).toMatch(new RegExp(`\\n${TS} IP 192\\.168\\.10\\.2 > 10\\.1\\.0\\.11: IP 203\\.0\\.113\\.10\\.\\d+ > 192\\.168\\.10\\.100\\.80: Flags \\[S\\]`));
  });

  it('NAT: the same rotation; the client side sees the VIP, the real-server side client → RIP', () => {
    const r = labShell(
      ['--preset', 'nat'],
      'lab traffic stop\nssh client1 tcpdump -n -c 2 -i eth0 tcp port 80 &\nssh rs1 tcpdump -n -c 2 -i eth0 tcp port 80 &\n' + curls('172.16.0.100'),
    );
    expect(r.status).toBe(0);
    expect(servers(r.stdout)).toEqual(ROTATION);
    expect(r.stdout).toMatch(new RegExp(`\\n${TS} IP 203\\.0\\.113\\.10\\.(\\d+) > 172\\.16\\.0\\.100\\.80: Flags \\[S\\], .*\\n${TS} IP 172\\.16\\.0\\.100\\.80 > 203\\.0\\.113\\.10\\.\\1: Flags \\[S\\.\\]`));
    expect(r.stdout).toMatch(new RegExp(`\\n${TS} IP 203\\.0\\.113\\.10\\.(\\d+) > 192\\.168\\.10\\.11\\.80: Flags \\[S\\], .*\\n${TS} IP 192\\.168\\.10\\.11\\.80 > 203\\.0\\.113\\.10\\.\\1: Flags \\[S\\.\\]`));
  });

  it('ssh/exit, --prompt transcripts, unknown commands, absurd input', () => {
    const absurd = ['x'.repeat(100_000), '\x01\x02\x1b[2J', 'ping -c 1e999 ' + '9'.repeat(5000), 'ip ' + 'a '.repeat(10_000), 'echo "never closed'].join('\n');
    const r = labShell(['--preset', 'dr', '--prompt'], 'ssh rs2\nhostname\nexit\nfoo\n' + absurd + '\n');
    expect(r.stderr).toBe('');
    expect(r.stdout.startsWith(
      '[root@director ~]# ssh rs2\n' +
        '[root@rs2 ~]# hostname\nrs2\n' +
        '[root@rs2 ~]# exit\nlogout\nConnection to rs2 closed.\n' +
        '[root@director ~]# foo\nbash: foo: command not found\n' +
        `[root@director ~]# ${'x'.repeat(100_000)}\nbash: ${'x'.repeat(100_000)}: command not found\n`,
    )).toBe(true);
    expect(r.stdout.endsWith('[root@director ~]# echo "never closed\nbash: unexpected EOF while looking for matching `"\'\nbash: syntax error: unexpected end of file\n')).toBe(true);
    expect(r.status).toBe(2);
  });

  it('bad options', () => {
    const r = labShell(['--preset', 'nope'], '');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('lab: no preset or readable file named nope');
  });
});
