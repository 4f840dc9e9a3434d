/**
 * tcpdump in the shell: capture from a node's devices while simulated time runs, in the
 * three forwarding methods (the acceptance), plus -c, background jobs, ^C and errors.
 * The line format itself is tested with the formatter (test/unit/shell/tcpdump.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { presetShell, referenceShell } from '../fixtures';

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
      new RegExp(`\\n${TS} 52:54:00:00:0a:02 > 52:54:00:00:0a:11, ethertype IPv4 \\(0x0800\\), length 74: 203\\.0\\.113\\.10\\.\\d+ > 192\\.168\\.10\\.100\\.80: Flags \\[S\\], seq \\d+, win 64240, options \\[mss 1460,sackOK,TS val \\d+ ecr 0,nop,wscale 7\\], length 0\\n1 packet captured\\n1 packet received by filter\\n0 packets dropped by kernel\\n`),
    );
  });

  it('TUN: the real server sees the IPIP packet, inner header nested on one line', () => {
    const { capture } = captureDuringCurls('tun', 'rs1', '-n -c 1 -i eth0 tcp port 80 or proto 4', 3);
    expect(capture).toMatch(new RegExp(`\\n${TS} IP 192\\.168\\.10\\.2 > 10\\.1\\.0\\.11: IP 203\\.0\\.113\\.10\\.\\d+ > 192\\.168\\.10\\.100\\.80: Flags \\[S\\], seq \\d+, win 64240, options \\[mss 1460,sackOK,TS val \\d+ ecr 0,nop,wscale 7\\], length 0\\n`));
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

/**
 * linux-tools.md §1: one curl from the client to rs1, captured on rs1 by several tcpdumps.
 * The lab runs the same exchange in the reference's own topology and must print the same
 * lines, except what is random or clock-bound there: timestamps, the client port, the
 * ISNs (absolute seq/ack in the handshake) and TS val/ecr; those are checked for what they
 * must be (ack = peer ISN + 1, ecr = the peer's last TS val) instead. The window scale
 * differs by kernel: the capture's 6.18 offers wscale 10 (tcp_rmem max 32 MiB), the lab's
 * 6.1/6.12 wscale 7 (6 MiB); both then send the SYN's window scaled down and rounded up
 * (64240 → 63 or 502, 65160 → 64 or 510), which is what is compared.
 */
describe('tcpdump: a real lab exchange has the reference capture\'s shape', () => {
  const REF = [
    '00:59:13.599305 IP 203.0.113.10.34950 > 192.168.10.11.80: Flags [S], seq 3105237607, win 64240, options [mss 1460,sackOK,TS val 2023297938 ecr 0,nop,wscale 10], length 0',
    '00:59:13.599326 IP 192.168.10.11.80 > 203.0.113.10.34950: Flags [S.], seq 1657790862, ack 3105237608, win 65160, options [mss 1460,sackOK,TS val 496097941 ecr 2023297938,nop,wscale 10], length 0',
    '00:59:13.599358 IP 203.0.113.10.34950 > 192.168.10.11.80: Flags [.], ack 1, win 63, options [nop,nop,TS val 2023297939 ecr 496097941], length 0',
    '00:59:13.599478 IP 203.0.113.10.34950 > 192.168.10.11.80: Flags [P.], seq 1:78, ack 1, win 63, options [nop,nop,TS val 2023297939 ecr 496097941], length 77: HTTP: GET / HTTP/1.1',
    '00:59:13.599488 IP 192.168.10.11.80 > 203.0.113.10.34950: Flags [.], ack 78, win 64, options [nop,nop,TS val 496097941 ecr 2023297939], length 0',
    '00:59:13.599567 IP 192.168.10.11.80 > 203.0.113.10.34950: Flags [P.], seq 1:255, ack 78, win 64, options [nop,nop,TS val 496097941 ecr 2023297939], length 254: HTTP: HTTP/1.1 200 OK',
    '00:59:13.599579 IP 203.0.113.10.34950 > 192.168.10.11.80: Flags [.], ack 255, win 63, options [nop,nop,TS val 2023297939 ecr 496097941], length 0',
    '00:59:13.599700 IP 203.0.113.10.34950 > 192.168.10.11.80: Flags [F.], seq 78, ack 255, win 63, options [nop,nop,TS val 2023297939 ecr 496097941], length 0',
    '00:59:13.599719 IP 192.168.10.11.80 > 203.0.113.10.34950: Flags [F.], seq 255, ack 79, win 64, options [nop,nop,TS val 496097941 ecr 2023297939], length 0',
    '00:59:13.599739 IP 203.0.113.10.34950 > 192.168.10.11.80: Flags [.], ack 256, win 63, options [nop,nop,TS val 2023297939 ecr 496097941], length 0',
  ];
  const REF_E = [
    '00:59:13.599303 52:54:00:00:0a:01 > 52:54:00:00:0a:11, ethertype IPv4 (0x0800), length 74: 203.0.113.10.34950 > 192.168.10.11.80: Flags [S], seq 3105237607, win 64240, options [mss 1460,sackOK,TS val 2023297938 ecr 0,nop,wscale 10], length 0',
    '00:59:13.599325 52:54:00:00:0a:11 > 52:54:00:00:0a:01, ethertype IPv4 (0x0800), length 74: 192.168.10.11.80 > 203.0.113.10.34950: Flags [S.], seq 1657790862, ack 3105237608, win 65160, options [mss 1460,sackOK,TS val 496097941 ecr 2023297938,nop,wscale 10], length 0',
  ];
  /** -v: the SYN, and the request's first line (its headers follow in the capture). */
  const REF_V = [
    '00:59:13.599301 IP (tos 0x0, ttl 63, id 23474, offset 0, flags [DF], proto TCP (6), length 60)\n' +
      '    203.0.113.10.34950 > 192.168.10.11.80: Flags [S], cksum 0x4dce (correct), seq 3105237607, win 64240, options [mss 1460,sackOK,TS val 2023297938 ecr 0,nop,wscale 10], length 0',
    '00:59:13.599477 IP (tos 0x0, ttl 63, id 23476, offset 0, flags [DF], proto TCP (6), length 129)\n' +
      '    203.0.113.10.34950 > 192.168.10.11.80: Flags [P.], cksum 0xa648 (correct), seq 1:78, ack 1, win 63, options [nop,nop,TS val 2023297939 ecr 496097941], length 77: HTTP, length: 77',
  ];

  /**
   * The lines with the random and clock-bound fields replaced, after checking each for what
   * it must be. Sides are told apart by the client's address leading the line.
   */
  function shape(lines: readonly string[]): string[] {
    const isn: Record<'c' | 's', number | undefined> = { c: undefined, s: undefined };
    const synWin: Record<'c' | 's', number | undefined> = { c: undefined, s: undefined };
    const tsVal: Record<'c' | 's', number | undefined> = { c: undefined, s: undefined };
    let wscale: number | undefined;
    return lines.map((raw) => {
      let l = raw.replace(/^\d\d:\d\d:\d\d\.\d{6} /, '');
      const from: 'c' | 's' = /(?:^|IP |: | {4})203\.0\.113\.10\.\d+ >/.test(l) ? 'c' : 's';
      const peer: 'c' | 's' = from === 'c' ? 's' : 'c';
      l = l.replace(/203\.0\.113\.10\.\d+/g, '203.0.113.10.PORT').replace(/, id \d+,/, ', id ID,').replace(/cksum 0x[0-9a-f]{4}/, 'cksum 0xSUM');
      const syn = /Flags \[S\.?\]/.test(l);
      const ts = /TS val (\d+) ecr (\d+)/.exec(l);
      if (ts) {
        const [val, ecr] = [Number(ts[1]), Number(ts[2])];
        // ecr: 0 on the first SYN, then the peer's last TS val.
        expect(ecr).toBe(tsVal[peer] ?? 0);
        // A millisecond clock: never backwards, and only milliseconds pass in one exchange.
        if (tsVal[from] !== undefined) expect(val - tsVal[from]!).toBeGreaterThanOrEqual(0);
        if (tsVal[from] !== undefined) expect(val - tsVal[from]!).toBeLessThan(10);
        tsVal[from] = val;
        l = l.replace(/TS val \d+ ecr (\d+)/, (_m, e: string) => `TS val V ecr ${e === '0' ? '0' : 'E'}`);
      }
      if (syn) {
        const m = /seq (\d+)(?:, ack (\d+))?, win (\d+),.*wscale (\d+)/.exec(l)!;
        isn[from] = Number(m[1]);
        if (m[2] !== undefined) expect(Number(m[2])).toBe(isn[peer]! + 1);
        synWin[from] = Number(m[3]);
        wscale = Number(m[4]);
        l = l.replace(/seq \d+/, 'seq ISN').replace(/ack \d+/, 'ack ISN+1').replace(/wscale \d+/, 'wscale WS');
      } else {
        const win = Number(/win (\d+)/.exec(l)![1]);
        expect(win).toBe(Math.ceil(synWin[from]! / 2 ** wscale!));
        l = l.replace(/win \d+/, 'win W');
      }
      return l;
    });
  }

  /** Capture on rs1 while the client curls it; one string per packet (-v: its first two lines). */
  function capture(args: string, count: number): string[] {
    const sh = referenceShell('rs1');
    let out = sh.run(`tcpdump ${args} -c ${count} -i eth0 tcp port 80 &`).output;
    const curl = sh.run('ssh client curl -s http://192.168.10.11/');
    expect(curl.output).toContain('rs1 192.168.10.11\n');
    out += curl.output + sh.run('sleep 1').output;
    expect(out).toContain(`\n${count} packets captured\n`);
    const pkts: string[] = [];
    for (const l of out.split('\n')) {
      if (/^\d\d:\d\d:\d\d\.\d{6} /.test(l)) pkts.push(l);
      else if (/^ {4}\S/.test(l) && pkts.length > 0 && !pkts[pkts.length - 1]!.includes('\n')) pkts[pkts.length - 1] += '\n' + l;
    }
    return pkts;
  }

  it('-n: ten segments, options and lengths as Linux writes them', () => {
    const lab = capture('-n', 10);
    expect(lab).toHaveLength(10);
    expect(shape(lab)).toEqual(shape(REF));
    // The lab's own kernel: wscale 7, so the windows Debian's 6.1/6.12 print.
    expect(lab[0]).toMatch(/, win 64240, options \[mss 1460,sackOK,TS val \d+ ecr 0,nop,wscale 7\], length 0$/);
    expect(lab[2]).toMatch(/Flags \[\.\], ack 1, win 502, options \[nop,nop,TS val \d+ ecr \d+\], length 0$/);
    expect(lab[4]).toMatch(/Flags \[\.\], ack 78, win 510, options \[nop,nop,TS val \d+ ecr \d+\], length 0$/);
  });

  it('-n -e: a SYN and a SYN-ACK are 74-byte frames, a pure ACK 66', () => {
    const lab = capture('-n -e', 3);
    expect(shape(lab.slice(0, 2))).toEqual(shape(REF_E));
    expect(lab[2]).toMatch(/, length 66: 203\.0\.113\.10\.\d+ > 192\.168\.10\.11\.80: Flags \[\.\], ack 1, win 502, options \[nop,nop,TS val \d+ ecr \d+\], length 0$/);
  });

  it('-n -v: IP total length 60 for the SYN, 129 for the 77-byte request', () => {
    const lab = shape(capture('-n -v', 4));
    // SYN, SYN-ACK, ACK, request: the reference shows the client's SYN and request.
    const ref = shape([REF_V[0]!, REF[1]!, REF[2]!, REF_V[1]!]);
    expect([lab[0], lab[3]]).toEqual([ref[0], ref[3]]);
    expect(lab[0]).toContain('proto TCP (6), length 60)');
    expect(lab[3]).toContain('proto TCP (6), length 129)');
  });
});
