/**
 * tcpdump in the shell: capture from a node's devices while simulated time runs, in the
 * three forwarding methods (the acceptance), plus -c, background jobs, ^C and errors.
 * The line format itself is tested with the formatter (test/unit/shell/tcpdump.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { presetShell } from '../fixtures';

const TS = String.raw`\d\d:\d\d:\d\d\.\d{6}`;

/** Start a background capture on `node`, then curl the VIP from client1 `n` times. */
function captureDuringCurls(preset: 'dr' | 'nat' | 'tun', node: string, tcpdumpArgs: string, n: number): { capture: string; bodies: string[] } {
  const sh = presetShell(preset);
  const vip = preset === 'nat' ? '172.16.0.100' : '192.168.10.100';
  const start = sh.run(`ssh ${node} tcpdump ${tcpdumpArgs} &`).output;
  let capture = start;
  const bodies: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = sh.run(`ssh client1 curl -s http://${vip}/`);
    // The capture's lines come as they happen, during the curl; the body is curl's output.
    for (const line of r.output.split('\n').slice(0, -1)) {
      if (/^rs\d /.test(line)) bodies.push(line);
      else capture += line + '\n';
    }
  }
  return { capture, bodies };
}

describe('tcpdump: what each forwarding method looks like on the wire', () => {
  it('DR: the real server sees the director\'s MAC as source and the VIP as destination', () => {
    const { capture, bodies } = captureDuringCurls('dr', 'rs1', '-n -e -c 1 -i eth0 tcp port 80', 3);
    expect(bodies).toEqual(['rs3 192.168.10.13', 'rs2 192.168.10.12', 'rs1 192.168.10.11']);
    expect(capture).toMatch(
      new RegExp(`\\n${TS} 52:54:00:00:0a:02 > 52:54:00:00:0a:11, ethertype IPv4 \\(0x0800\\), length 66: 203\\.0\\.113\\.10\\.\\d+ > 192\\.168\\.10\\.100\\.80: Flags \\[S\\], seq \\d+, win 64240, options \\[mss 1460\\], length 0\\n1 packet captured\\n1 packet received by filter\\n0 packets dropped by kernel\\n`),
    );
  });

  it('TUN: the real server sees the IPIP packet, inner header nested on one line', () => {
    const { capture } = captureDuringCurls('tun', 'rs1', '-n -c 1 -i eth0 tcp port 80 or proto 4', 3);
    expect(capture).toMatch(new RegExp(`\\n${TS} IP 192\\.168\\.10\\.2 > 10\\.1\\.0\\.11: IP 203\\.0\\.113\\.10\\.\\d+ > 192\\.168\\.10\\.100\\.80: Flags \\[S\\], seq \\d+, win 64240, options \\[mss 1460\\], length 0\\n`));
  });

  it('NAT: the client sees the VIP; the real server sees client → RIP', () => {
    const client = captureDuringCurls('nat', 'client1', '-n -c 2 -i eth0 tcp port 80', 1).capture;
    expect(client).toMatch(new RegExp(`\\n${TS} IP 203\\.0\\.113\\.10\\.(\\d+) > 172\\.16\\.0\\.100\\.80: Flags \\[S\\], .*\\n${TS} IP 172\\.16\\.0\\.100\\.80 > 203\\.0\\.113\\.10\\.\\1: Flags \\[S\\.\\], `));
    const rs = captureDuringCurls('nat', 'rs1', '-n -c 2 -i eth0 tcp port 80', 3).capture;
    expect(rs).toMatch(new RegExp(`\\n${TS} IP 203\\.0\\.113\\.10\\.(\\d+) > 192\\.168\\.10\\.11\\.80: Flags \\[S\\], .*\\n${TS} IP 192\\.168\\.10\\.11\\.80 > 203\\.0\\.113\\.10\\.\\1: Flags \\[S\\.\\], `));
  });
});

describe('tcpdump: running and stopping', () => {
  it('without -c it runs 10 s of simulated time, then ^C and the counters', () => {
    const sh = presetShell('dr', 'rs1');
    sh.run('lab traffic start --rate 5/s');
    const t0 = sh.lab.now;
    const r = sh.run('tcpdump -n -i eth0 tcp port 80');
    expect(r.exit).toBe(0);
    expect(sh.lab.now - t0).toBe(10_000_000);
    expect(r.output.startsWith('tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\nlistening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n')).toBe(true);
    const m = /\^C\n(\d+) packets captured\n\1 packets received by filter\n0 packets dropped by kernel\n$/.exec(r.output);
    expect(m).not.toBeNull();
    const lines = r.output.split('\n').filter((l) => /^\d\d:/.test(l));
    expect(lines.length).toBe(Number(m![1]));
    expect(lines.length).toBeGreaterThan(10);
  });

  it('-c N stops by itself; timeout ends a capture with the counters', () => {
    const sh = presetShell('dr', 'director');
    sh.run('lab traffic start --rate 20/s');
    const r = sh.run('tcpdump -n -q -c 3 -i eth0');
    expect(r.output).toMatch(/\n3 packets captured\n3 packets received by filter\n0 packets dropped by kernel\n$/);
    expect(r.output.split('\n').filter((l) => /^\d\d:/.test(l))).toHaveLength(3);
    const t = sh.run('timeout 1 tcpdump -n -i eth0 arp');
    expect(t.exit).toBe(124);
    expect(t.output).toMatch(/\n\n\d+ packets? captured\n\d+ packets? received by filter\n0 packets dropped by kernel\n$/);
  });

  it('-i any prints the interface and direction', () => {
    const sh = presetShell('nat', 'director');
    sh.run('tcpdump -n -i any -c 2 tcp port 80 &');
    const r = sh.run('ssh client1 curl -s http://172.16.0.100/');
    expect(r.output).toMatch(new RegExp(`${TS} eth0  In  IP 203\\.0\\.113\\.10\\.\\d+ > 172\\.16\\.0\\.100\\.80: Flags \\[S\\]`));
    expect(r.output).toMatch(new RegExp(`${TS} eth1  Out IP 203\\.0\\.113\\.10\\.\\d+ > 192\\.168\\.10\\.1[123]\\.80: Flags \\[S\\]`));
  });

  it('errors: no device, a bad filter, a device that is down', () => {
    const sh = presetShell('dr', 'rs1');
    expect(sh.run('tcpdump -i eth9')).toEqual({ output: 'tcpdump: eth9: No such device exists\n(No such device exists)\n', exit: 1 });
    expect(sh.run('tcpdump -n -i eth0 port 80 and')).toEqual({ output: "tcpdump: can't parse filter expression: syntax error\n", exit: 1 });
    sh.run('ip link set eth0 down');
    expect(sh.run('tcpdump -n -i eth0')).toEqual({ output: 'tcpdump: eth0: That device is not up\n', exit: 1 });
  });
});
