/**
 * tcpdump formatting, filters and command line against the real captures in
 * shared/reference/linux-tools.md §1 (tcpdump 4.99.3 / libpcap 1.10.3).
 *
 * Real Linux segments carry timestamps, SACK-permitted and window scaling; the packet
 * model has them as optional `Tcp` fields and counts their bytes as Linux lays them out,
 * so the reference lines, lengths included, are reproduced byte for byte. (The lab's own
 * TCP writes these options: test/unit/shell/commands/tcpdump.test.ts compares a real
 * exchange with the same reference.)
 */
import { describe, it, expect } from 'vitest';
import type { Frame, Ipv4, Tcp, Udp, Icmp, Vrrp, AppData, L4 } from '../../../src/core/net/packet';
import { ACK, FIN, PSH, RST, SYN, makeIp, ipFrame, arpFrame } from '../../../src/core/net/packet';
import { ip, BROADCAST_MAC, ZERO_MAC, multicastMac } from '../../../src/core/net/addr';
import {
  formatTcpdumpLine,
  formatTimestamp,
  newTcpdumpState,
  TcpdumpSession,
  type TcpdumpLineOptions,
} from '../../../src/core/shell/tcpdump/format';
import { parseTcpdumpFilter, type TcpdumpFilterOptions } from '../../../src/core/shell/tcpdump/filter';
import {
  parseTcpdumpArgs,
  startTcpdump,
  tcpdumpBanner,
  tcpdumpSummary,
  noSuchDeviceError,
  TCPDUMP_USAGE,
  type TcpdumpOptions,
} from '../../../src/core/shell/tcpdump/options';

// ---- the reference topology

const CLIENT = ip('203.0.113.10');
const ROUTER0 = ip('203.0.113.1');
const ROUTER1 = ip('192.168.10.1');
const DIRECTOR = ip('192.168.10.2');
const DIRECTOR2 = ip('192.168.10.3');
const RS1 = ip('192.168.10.11');
const RS2 = ip('192.168.10.12');
const VIP = ip('192.168.10.100');
const VRRP_GROUP = ip('224.0.0.18');

const MAC = {
  client: '52:54:00:00:01:10',
  router0: '52:54:00:00:01:01',
  router1: '52:54:00:00:0a:01',
  director: '52:54:00:00:0a:02',
  director2: '52:54:00:00:0a:03',
  rs1: '52:54:00:00:0a:11',
  rs2: '52:54:00:00:0a:12',
};

/** "00:59:13.599305" as µs since midnight. */
function at(hms: string): number {
  const m = /^(\d\d):(\d\d):(\d\d)\.(\d{6})$/.exec(hms);
  if (!m) throw new Error(hms);
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1e6 + Number(m[4]);
}

interface TcpInit {
  sport: number;
  dport: number;
  seq: number;
  ack?: number;
  flags: number;
  win: number;
  plen?: number;
  mss?: number;
  data?: AppData;
  /** Linux's TCP options. */
  ts?: [number, number];
  sackOk?: boolean;
  wscale?: number;
}

function tcp(t: TcpInit): Tcp {
  const base: Tcp = {
    kind: 'tcp',
    sport: t.sport,
    dport: t.dport,
    seq: t.seq,
    ack: t.ack ?? 0,
    flags: t.flags,
    win: t.win,
    plen: t.plen ?? 0,
    ...(t.mss !== undefined ? { mss: t.mss } : {}),
    ...(t.data !== undefined ? { data: t.data } : {}),
  };
  return {
    ...base,
    ...(t.ts ? { ts: { val: t.ts[0], ecr: t.ts[1] } } : {}),
    ...(t.sackOk ? { sackOk: true } : {}),
    ...(t.wscale !== undefined ? { wscale: t.wscale } : {}),
  };
}

/** An IP packet whose total length is what Linux put on the wire. */
function pkt(src: number, dst: number, l4: L4, o: { ttl?: number; id?: number; df?: boolean; tos?: number; len?: number } = {}): Ipv4 {
  const p = makeIp({ src, dst, l4, ttl: o.ttl ?? 64, id: o.id ?? 0, df: o.df ?? true, tos: o.tos ?? 0 });
  return o.len !== undefined ? { ...p, len: o.len } : p;
}

/** The model's own length (no override): the -e and -v lines check it against Linux's. */
function tcpPkt(src: number, dst: number, t: Tcp, o: { ttl?: number; id?: number } = {}): Ipv4 {
  return pkt(src, dst, t, o);
}

function frame(src: string, dst: string, p: Ipv4): Frame {
  return { ...ipFrame(src, dst, p), len: 14 + p.len };
}

const N: Omit<TcpdumpLineOptions, 'timeUs'> = { numeric: true, ether: false };

function line(f: Frame, timeUs: number, o: Partial<TcpdumpLineOptions> = {}, st = newTcpdumpState()): string {
  return formatTcpdumpLine(f, { ...N, timeUs, ...o }, st);
}

// ---- §1: one HTTP exchange, seen on rs1

const HTTP_REQ: AppData = { app: 'http-req', method: 'GET', path: '/', host: '192.168.10.11', agent: 'curl/7.88.1' };
const HTTP_RESP: AppData = { app: 'http-resp', status: 200, body: 'rs1 192.168.10.11\n' };

const CISN = 3105237607;
const SISN = 1657790862;
const c2s = (t: Tcp, id: number): Frame => frame(MAC.router1, MAC.rs1, tcpPkt(CLIENT, RS1, t, { ttl: 63, id }));
const s2c = (t: Tcp, id: number): Frame => frame(MAC.rs1, MAC.router1, tcpPkt(RS1, CLIENT, t, { ttl: 64, id }));
const CT = 2023297938;
const ST = 496097941;

const EXCHANGE: [string, Frame][] = [
  ['00:59:13.599305', c2s(tcp({ sport: 34950, dport: 80, seq: CISN, flags: SYN, win: 64240, mss: 1460, sackOk: true, wscale: 10, ts: [CT, 0] }), 23474)],
  ['00:59:13.599326', s2c(tcp({ sport: 80, dport: 34950, seq: SISN, ack: CISN + 1, flags: SYN | ACK, win: 65160, mss: 1460, sackOk: true, wscale: 10, ts: [ST, CT] }), 0)],
  ['00:59:13.599358', c2s(tcp({ sport: 34950, dport: 80, seq: CISN + 1, ack: SISN + 1, flags: ACK, win: 63, ts: [CT + 1, ST] }), 23475)],
  ['00:59:13.599478', c2s(tcp({ sport: 34950, dport: 80, seq: CISN + 1, ack: SISN + 1, flags: PSH | ACK, win: 63, ts: [CT + 1, ST], plen: 77, data: HTTP_REQ }), 23476)],
  ['00:59:13.599488', s2c(tcp({ sport: 80, dport: 34950, seq: SISN + 1, ack: CISN + 78, flags: ACK, win: 64, ts: [ST, CT + 1] }), 1)],
  ['00:59:13.599567', s2c(tcp({ sport: 80, dport: 34950, seq: SISN + 1, ack: CISN + 78, flags: PSH | ACK, win: 64, ts: [ST, CT + 1], plen: 254, data: HTTP_RESP }), 2)],
  ['00:59:13.599579', c2s(tcp({ sport: 34950, dport: 80, seq: CISN + 78, ack: SISN + 255, flags: ACK, win: 63, ts: [CT + 1, ST] }), 23477)],
  ['00:59:13.599700', c2s(tcp({ sport: 34950, dport: 80, seq: CISN + 78, ack: SISN + 255, flags: FIN | ACK, win: 63, ts: [CT + 1, ST] }), 23478)],
  ['00:59:13.599719', s2c(tcp({ sport: 80, dport: 34950, seq: SISN + 255, ack: CISN + 79, flags: FIN | ACK, win: 64, ts: [ST, CT + 1] }), 3)],
  ['00:59:13.599739', c2s(tcp({ sport: 34950, dport: 80, seq: CISN + 79, ack: SISN + 256, flags: ACK, win: 63, ts: [CT + 1, ST] }), 23479)],
];

const EXCHANGE_LINES = [
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

describe('tcpdump: HTTP exchange (linux-tools §1)', () => {
  it('-n: ten lines, relative seq/ack after the handshake', () => {
    const s = new TcpdumpSession(N);
    expect(EXCHANGE.map(([t, f]) => s.format(f, at(t)))).toEqual(EXCHANGE_LINES);
    expect(s.captured).toBe(10);
  });

  it('lab clock offset: sim time 0 is 00:59:13', () => {
    const s = new TcpdumpSession({ ...N, clock: { dayOffsetUs: at('00:59:13.000000') } });
    const [t, f] = EXCHANGE[0]!;
    expect(s.format(f, at(t) - at('00:59:13.000000'))).toBe(EXCHANGE_LINES[0]);
  });

  it('-n -e', () => {
    const s = new TcpdumpSession({ numeric: true, ether: true });
    expect(s.format(EXCHANGE[0]![1], at('00:59:13.599303'))).toBe(
      '00:59:13.599303 52:54:00:00:0a:01 > 52:54:00:00:0a:11, ethertype IPv4 (0x0800), length 74: 203.0.113.10.34950 > 192.168.10.11.80: Flags [S], seq 3105237607, win 64240, options [mss 1460,sackOK,TS val 2023297938 ecr 0,nop,wscale 10], length 0',
    );
    expect(s.format(EXCHANGE[1]![1], at('00:59:13.599325'))).toBe(
      '00:59:13.599325 52:54:00:00:0a:11 > 52:54:00:00:0a:01, ethertype IPv4 (0x0800), length 74: 192.168.10.11.80 > 203.0.113.10.34950: Flags [S.], seq 1657790862, ack 3105237608, win 65160, options [mss 1460,sackOK,TS val 496097941 ecr 2023297938,nop,wscale 10], length 0',
    );
  });

  it('-n -i any', () => {
    const s = new TcpdumpSession(N);
    expect(s.format(EXCHANGE[0]![1], at('00:59:13.599297'), { iface: 'eth0', dir: 'In' })).toBe(
      '00:59:13.599297 eth0  In  IP 203.0.113.10.34950 > 192.168.10.11.80: Flags [S], seq 3105237607, win 64240, options [mss 1460,sackOK,TS val 2023297938 ecr 0,nop,wscale 10], length 0',
    );
    expect(s.format(EXCHANGE[1]![1], at('00:59:13.599324'), { iface: 'eth0', dir: 'Out' })).toBe(
      '00:59:13.599324 eth0  Out IP 192.168.10.11.80 > 203.0.113.10.34950: Flags [S.], seq 1657790862, ack 3105237608, win 65160, options [mss 1460,sackOK,TS val 496097941 ecr 2023297938,nop,wscale 10], length 0',
    );
  });

  it('-n -v: header line, checksums, HTTP text', () => {
    const s = new TcpdumpSession({ ...N, verbose: 1 });
    expect(s.format(EXCHANGE[0]![1], at('00:59:13.599301'))).toBe(
      '00:59:13.599301 IP (tos 0x0, ttl 63, id 23474, offset 0, flags [DF], proto TCP (6), length 60)\n' +
        '    203.0.113.10.34950 > 192.168.10.11.80: Flags [S], cksum 0x4dce (correct), seq 3105237607, win 64240, options [mss 1460,sackOK,TS val 2023297938 ecr 0,nop,wscale 10], length 0',
    );
    s.format(EXCHANGE[1]![1], at('00:59:13.599326'));
    s.format(EXCHANGE[2]![1], at('00:59:13.599358'));
    const req = s.format(EXCHANGE[3]![1], at('00:59:13.599477')).split('\n');
    expect(req.slice(0, 6)).toEqual([
      '00:59:13.599477 IP (tos 0x0, ttl 63, id 23476, offset 0, flags [DF], proto TCP (6), length 129)',
      '    203.0.113.10.34950 > 192.168.10.11.80: Flags [P.], cksum 0xa648 (correct), seq 1:78, ack 1, win 63, options [nop,nop,TS val 2023297939 ecr 496097941], length 77: HTTP, length: 77',
      '\tGET / HTTP/1.1',
      '\tHost: 192.168.10.11',
      '\tUser-Agent: curl/7.88.1',
      '\tAccept: */*',
    ]);
    expect(req.slice(6)).toEqual(['\t']); // the blank line that ends the header block
    const resp = s.format(EXCHANGE[5]![1], at('00:59:13.599567')).split('\n');
    expect(resp[1]).toMatch(/length 254: HTTP, length: 254$/);
    expect(resp.slice(2)).toEqual(['\tHTTP/1.1 200 OK', '\t', '\trs1 192.168.10.11']);
  });

  it('without -n: ports named from /etc/services, addresses numeric', () => {
    expect(line(EXCHANGE[0]![1], at('00:59:13.599299'), { numeric: false })).toBe(
      '00:59:13.599299 IP 203.0.113.10.34950 > 192.168.10.11.http: Flags [S], seq 3105237607, win 64240, options [mss 1460,sackOK,TS val 2023297938 ecr 0,nop,wscale 10], length 0',
    );
  });

  it('-q -n', () => {
    expect(line(EXCHANGE[0]![1], at('00:59:13.599299'), { quiet: true })).toBe(
      '00:59:13.599299 IP 203.0.113.10.34950 > 192.168.10.11.80: tcp 0',
    );
  });

  it('what the model alone carries: mss only', () => {
    const syn = makeIp({ src: CLIENT, dst: RS1, l4: tcp({ sport: 34950, dport: 80, seq: CISN, flags: SYN, win: 64240, mss: 1460 }) });
    const ack = makeIp({ src: CLIENT, dst: RS1, l4: tcp({ sport: 34950, dport: 80, seq: CISN + 1, ack: SISN + 1, flags: ACK, win: 502 }) });
    const st = newTcpdumpState();
    expect(line(ipFrame(MAC.router1, MAC.rs1, syn), 0, {}, st)).toBe(
      '00:00:00.000000 IP 203.0.113.10.34950 > 192.168.10.11.80: Flags [S], seq 3105237607, win 64240, options [mss 1460], length 0',
    );
    // No SYN-ACK seen: the first ACK of a flow prints absolute numbers, later ones relative.
    expect(line(ipFrame(MAC.router1, MAC.rs1, ack), 1, {}, st)).toBe(
      '00:00:00.000001 IP 203.0.113.10.34950 > 192.168.10.11.80: Flags [.], ack 1657790863, win 502, length 0',
    );
    expect(line(ipFrame(MAC.router1, MAC.rs1, ack), 2, {}, st)).toBe(
      '00:00:00.000002 IP 203.0.113.10.34950 > 192.168.10.11.80: Flags [.], ack 1, win 502, length 0',
    );
  });

  it('the model counts option bytes as Linux lays them out (tcp_options_write)', () => {
    const syn = { sport: 1, dport: 80, seq: 1, flags: SYN, win: 64240 };
    const len = (t: TcpInit) => makeIp({ src: CLIENT, dst: RS1, l4: tcp(t) }).len;
    expect(len({ ...syn, mss: 1460, sackOk: true, wscale: 7, ts: [1, 0] })).toBe(60); // mss,sackOK,TS,nop,wscale
    expect(len({ ...syn, mss: 1460, sackOk: true, wscale: 7 })).toBe(52); // mss,nop,nop,sackOK,nop,wscale
    expect(len({ ...syn, mss: 1460, ts: [1, 0] })).toBe(56); // mss,nop,nop,TS
    expect(len({ ...syn, mss: 1460 })).toBe(44);
    const ack = { sport: 1, dport: 80, seq: 2, ack: 2, flags: ACK, win: 502 };
    expect(len({ ...ack, ts: [1, 1] })).toBe(52); // nop,nop,TS
    expect(len({ ...ack, ts: [1, 1], plen: 77 })).toBe(129);
    // sackOK and wscale belong to SYNs only: ignored elsewhere, as tcpdump would not see them.
    expect(len({ ...ack, sackOk: true, wscale: 7 })).toBe(40);
  });

  it('-S keeps absolute numbers; -vv prints seq on pure ACKs', () => {
    const s = new TcpdumpSession({ ...N, absoluteSeq: true });
    s.format(EXCHANGE[1]![1], 0);
    expect(s.format(EXCHANGE[2]![1], 0)).toContain('Flags [.], ack 1657790863, win 63');
    const v = new TcpdumpSession({ ...N, verbose: 2 });
    v.format(EXCHANGE[1]![1], 0);
    expect(v.format(EXCHANGE[2]![1], 0)).toMatch(/Flags \[\.\], cksum 0x[0-9a-f]{4} \(correct\), seq 1, ack 1, win 63/);
  });
});

// ---- RST, UDP

describe('tcpdump: RST and UDP (linux-tools §1)', () => {
  it('RST from a closed port: first ACK-bearing segment prints absolute', () => {
    const s = new TcpdumpSession(N);
    const syn = tcp({ sport: 39484, dport: 81, seq: 4015326908, flags: SYN, win: 64240, mss: 1460, sackOk: true, wscale: 10, ts: [1092398389, 0] });
    const rst = tcp({ sport: 81, dport: 39484, seq: 0, ack: 4015326909, flags: RST | ACK, win: 0 });
    expect(s.format(frame(MAC.router1, MAC.rs1, tcpPkt(CLIENT, RS1, syn)), at('00:53:39.240503'))).toBe(
      '00:53:39.240503 IP 203.0.113.10.39484 > 192.168.10.11.81: Flags [S], seq 4015326908, win 64240, options [mss 1460,sackOK,TS val 1092398389 ecr 0,nop,wscale 10], length 0',
    );
    expect(s.format(frame(MAC.rs1, MAC.router1, tcpPkt(RS1, CLIENT, rst)), at('00:53:39.240516'))).toBe(
      '00:53:39.240516 IP 192.168.10.11.81 > 203.0.113.10.39484: Flags [R.], seq 0, ack 4015326909, win 0, length 0',
    );
  });

  const udp = (sport: number, dport: number, plen: number): Udp => ({ kind: 'udp', sport, dport, plen, data: { app: 'text', text: 'hello\n' } });

  it('UDP datagrams and the port unreachable they draw', () => {
    const u1 = pkt(CLIENT, RS1, udp(36056, 9999, 6));
    expect(line(ipFrame(MAC.router1, MAC.rs1, u1), at('00:54:14.194942'))).toBe(
      '00:54:14.194942 IP 203.0.113.10.36056 > 192.168.10.11.9999: UDP, length 6',
    );
    const unreach: Icmp = { kind: 'icmp', type: 3, code: 3, orig: u1 };
    // Linux quotes the whole datagram (up to 576 bytes in all): 8 + 34 = 42.
    const icmpPkt = pkt(RS1, CLIENT, unreach, { tos: 0xc0, df: false, len: 20 + 8 + u1.len });
    expect(line(ipFrame(MAC.rs1, MAC.router1, icmpPkt), at('00:54:14.194956'))).toBe(
      '00:54:14.194956 IP 192.168.10.11 > 203.0.113.10: ICMP 192.168.10.11 udp port 9999 unreachable, length 42',
    );
    // The model sizes the ICMP error the same way (the whole datagram quoted, as Linux does):
    const modelPkt = makeIp({ src: RS1, dst: CLIENT, l4: unreach });
    expect(line(ipFrame(MAC.rs1, MAC.router1, modelPkt), 0)).toBe(
      '00:00:00.000000 IP 192.168.10.11 > 203.0.113.10: ICMP 192.168.10.11 udp port 9999 unreachable, length 42',
    );
    expect(line(ipFrame(MAC.router1, MAC.rs2, pkt(CLIENT, RS2, udp(50002, 5000, 6))), at('00:54:16.203151'))).toBe(
      '00:54:16.203151 IP 203.0.113.10.50002 > 192.168.10.12.5000: UDP, length 6',
    );
  });

  it('-v UDP', () => {
    expect(line(ipFrame(MAC.router1, MAC.rs1, pkt(CLIENT, RS1, udp(36056, 9999, 6), { id: 7 })), 0, { verbose: true })).toBe(
      '00:00:00.000000 IP (tos 0x0, ttl 64, id 7, offset 0, flags [DF], proto UDP (17), length 34)\n' +
        '    203.0.113.10.36056 > 192.168.10.11.9999: [udp sum ok] UDP, length 6',
    );
  });

  it('tcp port unreachable names the port without -n', () => {
    const orig = makeIp({ src: CLIENT, dst: RS1, l4: tcp({ sport: 40000, dport: 80, seq: 1, flags: SYN, win: 64240 }) });
    const m: Icmp = { kind: 'icmp', type: 3, code: 3, orig };
    const p = makeIp({ src: RS1, dst: CLIENT, l4: m });
    expect(line(ipFrame(MAC.rs1, MAC.router1, p), 0)).toContain('ICMP 192.168.10.11 tcp port 80 unreachable');
    expect(line(ipFrame(MAC.rs1, MAC.router1, p), 0, { numeric: false })).toContain('ICMP 192.168.10.11 tcp port http unreachable');
  });
});

// ---- ICMP

describe('tcpdump: ICMP (linux-tools §1)', () => {
  const echo = (type: 0 | 8, id: number, seq: number, plen = 56): Icmp => ({ kind: 'icmp', type, code: 0, echoId: id, echoSeq: seq, plen });

  it('echo request and reply', () => {
    expect(line(ipFrame(MAC.client, MAC.router0, pkt(CLIENT, RS1, echo(8, 4283, 1))), at('00:54:07.272237'))).toBe(
      '00:54:07.272237 IP 203.0.113.10 > 192.168.10.11: ICMP echo request, id 4283, seq 1, length 64',
    );
    expect(line(ipFrame(MAC.router0, MAC.client, pkt(RS1, CLIENT, echo(0, 4283, 1))), at('00:54:07.272416'))).toBe(
      '00:54:07.272416 IP 192.168.10.11 > 203.0.113.10: ICMP echo reply, id 4283, seq 1, length 64',
    );
  });

  it('time exceeded', () => {
    const orig = pkt(CLIENT, RS1, echo(8, 4711, 1), { ttl: 1 });
    const te: Icmp = { kind: 'icmp', type: 11, code: 0, orig };
    const p = pkt(ROUTER0, CLIENT, te, { tos: 0xc0, df: false, len: 20 + 8 + orig.len });
    expect(line(ipFrame(MAC.router0, MAC.client, p), at('00:54:24.190363'))).toBe(
      '00:54:24.190363 IP 203.0.113.1 > 203.0.113.10: ICMP time exceeded in-transit, length 92',
    );
  });

  it('fragmentation needed, plain and -v with the quoted packet', () => {
    const orig = pkt(CLIENT, RS1, echo(8, 4787, 1, 1400), { id: 0 });
    expect(line(ipFrame(MAC.client, MAC.router0, orig), at('00:54:28.432503'))).toBe(
      '00:54:28.432503 IP 203.0.113.10 > 192.168.10.11: ICMP echo request, id 4787, seq 1, length 1408',
    );
    const fn: Icmp = { kind: 'icmp', type: 3, code: 4, mtu: 1400, orig };
    const p = pkt(ROUTER0, CLIENT, fn, { tos: 0xc0, df: false, id: 26787, len: 576 });
    const f = ipFrame(MAC.router0, MAC.client, p);
    expect(line(f, at('00:54:28.432576'))).toBe(
      '00:54:28.432576 IP 203.0.113.1 > 203.0.113.10: ICMP 192.168.10.11 unreachable - need to frag (mtu 1400), length 556',
    );
    expect(line(f, at('00:54:28.432576'), { verbose: true })).toBe(
      '00:54:28.432576 IP (tos 0xc0, ttl 64, id 26787, offset 0, flags [none], proto ICMP (1), length 576)\n' +
        '    203.0.113.1 > 203.0.113.10: ICMP 192.168.10.11 unreachable - need to frag (mtu 1400), length 556\n' +
        '\tIP (tos 0x0, ttl 64, id 0, offset 0, flags [DF], proto ICMP (1), length 1428)\n' +
        '    203.0.113.10 > 192.168.10.11: ICMP echo request, id 4787, seq 1, length 1408',
    );
    const lvs: Icmp = { kind: 'icmp', type: 3, code: 4, mtu: 1480, orig };
    expect(line(ipFrame(MAC.router0, MAC.client, makeIp({ src: DIRECTOR, dst: CLIENT, l4: lvs })), 0)).toContain(
      'ICMP 192.168.10.11 unreachable - need to frag (mtu 1480)',
    );
  });

  it('-i any: B for received broadcast, Out for what the router sends', () => {
    const ask = (tpa: number): Frame =>
      arpFrame(MAC.router1, BROADCAST_MAC, { op: 'request', sha: MAC.router1, spa: ROUTER1, tha: ZERO_MAC, tpa });
    const fromDirector = arpFrame(MAC.director, BROADCAST_MAC, {
      op: 'request', sha: MAC.director, spa: DIRECTOR, tha: ZERO_MAC, tpa: ip('192.168.10.99'),
    });
    expect(line(fromDirector, at('00:54:51.125459'), { anyIface: { iface: 'eth1', dir: 'In' } })).toBe(
      '00:54:51.125459 eth1  B   ARP, Request who-has 192.168.10.99 tell 192.168.10.2, length 28',
    );
    expect(line(ipFrame(MAC.client, MAC.router0, pkt(CLIENT, ip('192.168.10.98'), echo(8, 5266, 1))), at('00:54:53.192232'), { anyIface: { iface: 'eth0', dir: 'In' } })).toBe(
      '00:54:53.192232 eth0  In  IP 203.0.113.10 > 192.168.10.98: ICMP echo request, id 5266, seq 1, length 64',
    );
    expect(line(ask(ip('192.168.10.98')), at('00:54:53.192255'), { anyIface: { iface: 'eth1', dir: 'Out' } })).toBe(
      '00:54:53.192255 eth1  Out ARP, Request who-has 192.168.10.98 tell 192.168.10.1, length 28',
    );
    const host: Icmp = { kind: 'icmp', type: 3, code: 1, orig: pkt(CLIENT, ip('192.168.10.98'), echo(8, 5266, 1)) };
    expect(line(ipFrame(MAC.router0, MAC.client, pkt(ROUTER0, CLIENT, host, { len: 112 })), at('00:54:56.245408'), { anyIface: { iface: 'eth0', dir: 'Out' } })).toBe(
      '00:54:56.245408 eth0  Out IP 203.0.113.1 > 203.0.113.10: ICMP host 192.168.10.98 unreachable, length 92',
    );
    const net: Icmp = { kind: 'icmp', type: 3, code: 0, orig: pkt(CLIENT, ip('198.51.100.1'), echo(8, 5310, 1)) };
    expect(line(ipFrame(MAC.router0, MAC.client, pkt(ROUTER0, CLIENT, net, { len: 112 })), at('00:54:59.332325'), { anyIface: { iface: 'eth0', dir: 'Out' } })).toBe(
      '00:54:59.332325 eth0  Out IP 203.0.113.1 > 203.0.113.10: ICMP net 198.51.100.1 unreachable, length 92',
    );
    const mcast = ipFrame(MAC.director, multicastMac(ip('224.0.0.1')), pkt(DIRECTOR, ip('224.0.0.1'), echo(8, 1, 1)));
    expect(line(mcast, 0, { anyIface: { iface: 'eth0', dir: 'In' } })).toMatch(/^00:00:00\.000000 eth0  M   IP 192\.168\.10\.2 > 224\.0\.0\.1: ICMP echo request/);
  });
});

// ---- ARP

describe('tcpdump: ARP (linux-tools §1, §5, §6)', () => {
  const req = arpFrame(MAC.director, BROADCAST_MAC, { op: 'request', sha: MAC.director, spa: DIRECTOR, tha: ZERO_MAC, tpa: RS1 });
  const rep = arpFrame(MAC.rs1, MAC.director, { op: 'reply', sha: MAC.rs1, spa: RS1, tha: MAC.director, tpa: DIRECTOR });

  it('-n', () => {
    expect(line(req, at('00:53:42.859912'))).toBe('00:53:42.859912 ARP, Request who-has 192.168.10.11 tell 192.168.10.2, length 28');
    expect(line(rep, at('00:53:42.859922'))).toBe('00:53:42.859922 ARP, Reply 192.168.10.11 is-at 52:54:00:00:0a:11, length 28');
  });

  it('-n -e', () => {
    expect(line(req, at('00:53:42.859911'), { ether: true })).toBe(
      '00:53:42.859911 52:54:00:00:0a:02 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.168.10.11 tell 192.168.10.2, length 28',
    );
    expect(line(rep, at('00:53:42.859922'), { ether: true })).toBe(
      '00:53:42.859922 52:54:00:00:0a:11 > 52:54:00:00:0a:02, ethertype ARP (0x0806), length 42: Reply 192.168.10.11 is-at 52:54:00:00:0a:11, length 28',
    );
  });

  it('-n -v', () => {
    expect(line(req, at('00:53:42.859910'), { verbose: true })).toBe(
      '00:53:42.859910 ARP, Ethernet (len 6), IPv4 (len 4), Request who-has 192.168.10.11 tell 192.168.10.2, length 28',
    );
  });

  it('arping -U (gratuitous), -A, and a unicast probe', () => {
    const garp = arpFrame(MAC.director, BROADCAST_MAC, { op: 'request', sha: MAC.director, spa: VIP, tha: BROADCAST_MAC, tpa: VIP });
    expect(line(garp, at('00:53:50.948174'))).toBe(
      '00:53:50.948174 ARP, Request who-has 192.168.10.100 (ff:ff:ff:ff:ff:ff) tell 192.168.10.100, length 28',
    );
    const a = arpFrame(MAC.director, BROADCAST_MAC, { op: 'reply', sha: MAC.director, spa: VIP, tha: MAC.director, tpa: VIP });
    expect(line(a, at('00:53:53.157963'))).toBe('00:53:53.157963 ARP, Reply 192.168.10.100 is-at 52:54:00:00:0a:02, length 28');
    const probe = arpFrame(MAC.director, MAC.rs1, { op: 'request', sha: MAC.director, spa: DIRECTOR, tha: MAC.rs1, tpa: RS1 });
    expect(line(probe, at('00:53:56.369793'))).toBe(
      '00:53:56.369793 ARP, Request who-has 192.168.10.11 (52:54:00:00:0a:11) tell 192.168.10.2, length 28',
    );
  });

  it('arping from the router with -e (arp_ignore)', () => {
    const r = arpFrame(MAC.router1, BROADCAST_MAC, { op: 'request', sha: MAC.router1, spa: ROUTER1, tha: BROADCAST_MAC, tpa: VIP });
    expect(line(r, at('01:00:17.734315'), { ether: true })).toBe(
      '01:00:17.734315 52:54:00:00:0a:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.168.10.100 (ff:ff:ff:ff:ff:ff) tell 192.168.10.1, length 28',
    );
    const rep2 = arpFrame(MAC.rs2, MAC.router1, { op: 'reply', sha: MAC.rs2, spa: VIP, tha: MAC.router1, tpa: ROUTER1 });
    expect(line(rep2, at('01:00:17.734358'), { ether: true })).toBe(
      '01:00:17.734358 52:54:00:00:0a:12 > 52:54:00:00:0a:01, ethertype ARP (0x0806), length 42: Reply 192.168.10.100 is-at 52:54:00:00:0a:12, length 28',
    );
  });

  it('-e -i any: ifindex, source MAC only, cooked length', () => {
    const a = arpFrame(MAC.rs1, BROADCAST_MAC, { op: 'request', sha: MAC.rs1, spa: RS1, tha: ZERO_MAC, tpa: ROUTER1 });
    expect(line(a, 0, { ether: true, anyIface: { iface: 'eth0', dir: 'Out', ifindex: 2 } })).toBe(
      '00:00:00.000000 eth0  Out ifindex 2 52:54:00:00:0a:11 ethertype ARP (0x0806), length 48: Request who-has 192.168.10.1 tell 192.168.10.11, length 28',
    );
  });

  it('without -n: Broadcast and (oui Unknown)', () => {
    const garp = arpFrame(MAC.director, BROADCAST_MAC, { op: 'request', sha: MAC.director, spa: VIP, tha: BROADCAST_MAC, tpa: VIP });
    expect(line(garp, 0, { numeric: false, ether: true })).toBe(
      '00:00:00.000000 52:54:00:00:0a:02 (oui Unknown) > Broadcast, ethertype ARP (0x0806), length 42: Request who-has 192.168.10.100 (Broadcast) tell 192.168.10.100, length 28',
    );
    expect(line(rep, 0, { numeric: false })).toBe('00:00:00.000000 ARP, Reply 192.168.10.11 is-at 52:54:00:00:0a:11 (oui Unknown), length 28');
  });
});

// ---- IPIP

describe('tcpdump: IP-in-IP (linux-tools §1)', () => {
  const syn = tcp({ sport: 43998, dport: 80, seq: 3973466621, flags: SYN, win: 64240, mss: 1460, sackOk: true, wscale: 10, ts: [3916935611, 0] });
  const inner = tcpPkt(CLIENT, VIP, syn, { ttl: 63, id: 38787 });
  const outer = pkt(DIRECTOR, RS1, { kind: 'ipip', inner }, { ttl: 64, id: 4796, len: 20 + inner.len });
  const f = frame(MAC.director, MAC.rs1, outer);
  const INNER =
    '203.0.113.10.43998 > 192.168.10.100.80: Flags [S], seq 3973466621, win 64240, options [mss 1460,sackOK,TS val 3916935611 ecr 0,nop,wscale 10], length 0';

  it('the client SYN, then encapsulated for rs1, then protocol unreachable', () => {
    expect(line(frame(MAC.router1, MAC.director, inner), at('00:56:57.354139'))).toBe(`00:56:57.354139 IP ${INNER}`);
    expect(line(f, at('00:56:57.354280'))).toBe(`00:56:57.354280 IP 192.168.10.2 > 192.168.10.11: IP ${INNER}`);
    const pu: Icmp = { kind: 'icmp', type: 3, code: 2, orig: outer };
    const p = pkt(RS1, DIRECTOR, pu, { tos: 0xc0, df: false, len: 20 + 8 + outer.len });
    expect(line(frame(MAC.rs1, MAC.director, p), at('00:56:57.354309'))).toBe(
      '00:56:57.354309 IP 192.168.10.11 > 192.168.10.2: ICMP 192.168.10.11 protocol 4 unreachable, length 88',
    );
  });

  it('-i any, -e, -v', () => {
    expect(line(f, at('00:56:57.354278'), { anyIface: { iface: 'eth0', dir: 'Out' } })).toBe(
      `00:56:57.354278 eth0  Out IP 192.168.10.2 > 192.168.10.11: IP ${INNER}`,
    );
    expect(line(f, at('00:56:57.354279'), { ether: true })).toBe(
      `00:56:57.354279 52:54:00:00:0a:02 > 52:54:00:00:0a:11, ethertype IPv4 (0x0800), length 94: 192.168.10.2 > 192.168.10.11: ${INNER}`,
    );
    expect(line(f, at('00:56:57.354280'), { verbose: true })).toBe(
      '00:56:57.354280 IP (tos 0x0, ttl 64, id 4796, offset 0, flags [DF], proto IPIP (4), length 80)\n' +
        '    192.168.10.2 > 192.168.10.11: IP (tos 0x0, ttl 63, id 38787, offset 0, flags [DF], proto TCP (6), length 60)\n' +
        '    203.0.113.10.43998 > 192.168.10.100.80: Flags [S], cksum 0xc7be (correct), seq 3973466621, win 64240, options [mss 1460,sackOK,TS val 3916935611 ecr 0,nop,wscale 10], length 0',
    );
  });
});

// ---- VRRP

describe('tcpdump: VRRP (linux-tools §1)', () => {
  const advert = (src: number, prio: number, pass?: string): Ipv4 => {
    const v: Vrrp = { kind: 'vrrp', version: 2, vrid: 51, prio, advertInt: 1, addrs: [VIP], authType: 1 };
    return makeIp({ src, dst: VRRP_GROUP, l4: (pass !== undefined ? { ...v, authPass: pass } : v) as Vrrp, ttl: 255, id: 1, df: false, tos: 0xc0 });
  };

  it('adverts from the master, its priority-0 goodbye, and the new master', () => {
    const f = (src: number, prio: number, mac: string): Frame => ipFrame(mac, multicastMac(VRRP_GROUP), advert(src, prio));
    expect(line(f(DIRECTOR, 150, MAC.director), at('00:57:56.121660'))).toBe(
      '00:57:56.121660 IP 192.168.10.2 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 150, authtype simple, intvl 1s, length 20',
    );
    expect(line(f(DIRECTOR, 0, MAC.director), at('00:57:56.539278'))).toBe(
      '00:57:56.539278 IP 192.168.10.2 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 0, authtype simple, intvl 1s, length 20',
    );
    expect(line(f(DIRECTOR2, 100, MAC.director2), at('00:57:57.150083'))).toBe(
      '00:57:57.150083 IP 192.168.10.3 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 100, authtype simple, intvl 1s, length 20',
    );
  });

  it('-v and -e', () => {
    const f = ipFrame(MAC.director2, multicastMac(VRRP_GROUP), advert(DIRECTOR2, 100, '1111'));
    expect(line(f, at('00:57:36.319967'), { verbose: true })).toBe(
      '00:57:36.319967 IP (tos 0xc0, ttl 255, id 1, offset 0, flags [none], proto VRRP (112), length 40)\n' +
        '    192.168.10.3 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 100, authtype simple, intvl 1s, length 20, addrs: 192.168.10.100 auth "1111"',
    );
    expect(line(f, at('00:57:36.319965'), { ether: true })).toBe(
      '00:57:36.319965 52:54:00:00:0a:03 > 01:00:5e:00:00:12, ethertype IPv4 (0x0800), length 54: 192.168.10.3 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 100, authtype simple, intvl 1s, length 20',
    );
  });

  it('authtype none, VRRPv3, a TTL other than 255', () => {
    const v2: Vrrp = { kind: 'vrrp', version: 2, vrid: 51, prio: 150, advertInt: 1, addrs: [VIP] };
    expect(line(ipFrame(MAC.director, multicastMac(VRRP_GROUP), makeIp({ src: DIRECTOR, dst: VRRP_GROUP, l4: v2, ttl: 255 })), 0)).toContain(
      'VRRPv2, Advertisement, vrid 51, prio 150, authtype none, intvl 1s, length 20',
    );
    const v3: Vrrp = { kind: 'vrrp', version: 3, vrid: 51, prio: 150, advertInt: 1, addrs: [VIP] };
    expect(line(ipFrame(MAC.director, multicastMac(VRRP_GROUP), makeIp({ src: DIRECTOR, dst: VRRP_GROUP, l4: v3, ttl: 64 })), 0)).toContain(
      'VRRPv3, Advertisement, (ttl 64), vrid 51, prio 150, intvl 100cs, length 12',
    );
  });
});

// ---- timestamps

describe('tcpdump: timestamps', () => {
  it('-t, -tt, -ttt, -tttt, -ttttt', () => {
    expect(formatTimestamp(at('00:52:54.887351'), 'none')).toBe('');
    expect(formatTimestamp(at('00:52:54.887351'), 'hms')).toBe('00:52:54.887351 ');
    expect(formatTimestamp(at('00:52:54.887351'), 'date')).toBe('2026-11-26 00:52:54.887351 ');
    expect(formatTimestamp(1_500_000, 'epoch')).toBe('1795651201.500000 ');
    const st = newTcpdumpState();
    expect(formatTimestamp(100, 'delta', {}, st)).toBe(' 00:00:00.000000 ');
    expect(formatTimestamp(117, 'delta', {}, st)).toBe(' 00:00:00.000017 ');
    expect(formatTimestamp(120, 'delta', {}, st)).toBe(' 00:00:00.000003 ');
    const st5 = newTcpdumpState();
    formatTimestamp(100, 'since-first', {}, st5);
    formatTimestamp(117, 'since-first', {}, st5);
    expect(formatTimestamp(2_000_100, 'since-first', {}, st5)).toBe(' 00:00:02.000000 ');
    expect(formatTimestamp(at('23:59:59.999999') + 2, 'hms')).toBe('00:00:00.000001 ');
  });
});

// ---- filters

describe('tcpdump filters', () => {
  const http = c2s(tcp({ sport: 34950, dport: 80, seq: 1, flags: SYN, win: 64240, mss: 1460 }), 1);
  const reply = s2c(tcp({ sport: 80, dport: 34950, seq: 1, ack: 2, flags: SYN | ACK, win: 65160, mss: 1460 }), 1);
  const https = frame(MAC.router1, MAC.rs1, tcpPkt(CLIENT, RS1, tcp({ sport: 40000, dport: 443, seq: 1, flags: SYN, win: 1 })));
  const dns = ipFrame(MAC.rs1, MAC.router1, makeIp({ src: RS1, dst: ip('8.8.8.8'), l4: { kind: 'udp', sport: 5353, dport: 53, plen: 30 } }));
  const ping = ipFrame(MAC.client, MAC.router0, makeIp({ src: CLIENT, dst: RS1, l4: { kind: 'icmp', type: 8, code: 0, echoId: 1, echoSeq: 1, plen: 56 } }));
  const arpReq = arpFrame(MAC.director, BROADCAST_MAC, { op: 'request', sha: MAC.director, spa: DIRECTOR, tha: ZERO_MAC, tpa: VIP });
  const vrrp = ipFrame(MAC.director, multicastMac(VRRP_GROUP), makeIp({ src: DIRECTOR, dst: VRRP_GROUP, ttl: 255, l4: { kind: 'vrrp', version: 2, vrid: 51, prio: 150, advertInt: 1, addrs: [VIP] } }));
  const ipip = ipFrame(MAC.director, MAC.rs1, makeIp({ src: DIRECTOR, dst: RS1, l4: { kind: 'ipip', inner: makeIp({ src: CLIENT, dst: VIP, l4: tcp({ sport: 43998, dport: 80, seq: 1, flags: SYN, win: 1 }) }) } }));
  const ALL = { http, reply, https, dns, ping, arpReq, vrrp, ipip };

  function sel(expr: string, o: TcpdumpFilterOptions = {}): string[] {
    const f = parseTcpdumpFilter(expr, o);
    if (!f.ok) throw new Error(f.error);
    return Object.entries(ALL)
      .filter(([, fr]) => f.match(fr))
      .map(([k]) => k);
  }

  function err(expr: string, o: TcpdumpFilterOptions = {}): string {
    const f = parseTcpdumpFilter(expr, o);
    if (f.ok) throw new Error(`${expr} compiled`);
    return f.error;
  }

  it('empty matches everything', () => {
    expect(sel('')).toEqual(Object.keys(ALL));
    expect(sel('   ')).toEqual(Object.keys(ALL));
  });

  it('protocols', () => {
    expect(sel('tcp')).toEqual(['http', 'reply', 'https']);
    expect(sel('udp')).toEqual(['dns']);
    expect(sel('icmp')).toEqual(['ping']);
    expect(sel('arp')).toEqual(['arpReq']);
    expect(sel('vrrp')).toEqual(['vrrp']);
    expect(sel('ip')).toEqual(['http', 'reply', 'https', 'dns', 'ping', 'vrrp', 'ipip']);
    expect(sel('proto 4')).toEqual(['ipip']);
    expect(sel('ip proto 112')).toEqual(['vrrp']);
    expect(sel('proto \\tcp')).toEqual(['http', 'reply', 'https']);
    expect(sel('ip proto ipencap')).toEqual(['ipip']);
    expect(sel('ip proto ipip')).toEqual([]); // /etc/protocols: ipip is 94, IP-in-IP is "ipencap" 4
    expect(sel('ether proto 0x0806')).toEqual(['arpReq']);
    expect(sel('ether proto \\arp')).toEqual(['arpReq']);
  });

  it('hosts, nets, directions; ARP addresses count as hosts', () => {
    expect(sel('host 192.168.10.11')).toEqual(['http', 'reply', 'https', 'dns', 'ping', 'ipip']);
    expect(sel('src host 192.168.10.11')).toEqual(['reply', 'dns']);
    expect(sel('dst 192.168.10.11')).toEqual(['http', 'https', 'ping', 'ipip']);
    expect(sel('host 192.168.10.100')).toEqual(['arpReq']); // ARP target, not the IPIP inner header
    expect(sel('ip host 192.168.10.100')).toEqual([]);
    expect(sel('arp host 192.168.10.2')).toEqual(['arpReq']);
    expect(sel('net 203.0.113.0/24')).toEqual(['http', 'reply', 'https', 'ping']);
    expect(sel('src net 192.168.10.0 mask 255.255.255.0')).toEqual(['reply', 'dns', 'arpReq', 'vrrp', 'ipip']);
    expect(sel('dst net 224.0.0.0/4')).toEqual(['vrrp']);
    expect(sel('net 203.0.113')).toEqual(['http', 'reply', 'https', 'ping']);
    expect(sel('src or dst host 203.0.113.10')).toEqual(['http', 'reply', 'https', 'ping']);
    expect(sel('src and dst net 192.168.10.0/24')).toEqual(['arpReq', 'ipip']);
  });

  it('ports see only the outer header: IPIP is not tcp port 80', () => {
    expect(sel('tcp port 80')).toEqual(['http', 'reply']);
    expect(sel('port 80')).toEqual(['http', 'reply']);
    expect(sel('host 192.168.10.11 and port 80')).toEqual(['http', 'reply']);
    expect(sel('host 192.168.10.11')).toContain('ipip');
    expect(sel('dst port 80')).toEqual(['http']);
    expect(sel('src port 80')).toEqual(['reply']);
    expect(sel('udp port 53')).toEqual(['dns']);
    expect(sel('tcp port 53')).toEqual([]);
    expect(sel('port http')).toEqual(['http', 'reply']);
    expect(sel('port domain')).toEqual(['dns']);
    expect(sel('portrange 1-100')).toEqual(['http', 'reply', 'dns']);
    expect(sel('tcp portrange 400-500')).toEqual(['https']);
    expect(sel('portrange http-https')).toEqual(['http', 'reply', 'https']);
  });

  it('qualifier inheritance: host a or b, port 80 or 443', () => {
    expect(sel('host 192.168.10.2 or 203.0.113.10')).toEqual(['http', 'reply', 'https', 'ping', 'arpReq', 'vrrp', 'ipip']);
    expect(sel('tcp port 80 or 443')).toEqual(['http', 'reply', 'https']);
    expect(sel('tcp dst port 80 or 443')).toEqual(['http', 'https']);
    expect(sel('port 53 or 80 or 443')).toEqual(['http', 'reply', 'https', 'dns']);
    expect(sel('host 192.168.10.11 and not 203.0.113.10')).toEqual(['dns', 'ipip']);
    expect(sel('tcp port 1 or (80 or 443)')).toEqual(['http', 'reply', 'https']);
    expect(sel('host 192.168.10.2 and (tcp or udp)')).toEqual([]);
    expect(sel('dst port 80 and (8080 or 443)')).toEqual([]);
  });

  it('and/or: same precedence, left to right; not binds tighter', () => {
    // pcap: (arp or icmp) and host 203.0.113.10, not arp or (icmp and host ...)
    expect(sel('arp or icmp and host 203.0.113.10')).toEqual(['ping']);
    expect(sel('icmp and host 203.0.113.10 or arp')).toEqual(['ping', 'arpReq']);
    expect(sel('not tcp and not udp')).toEqual(['ping', 'arpReq', 'vrrp', 'ipip']);
    expect(sel('not (tcp or udp)')).toEqual(['ping', 'arpReq', 'vrrp', 'ipip']);
    expect(sel('! tcp && ! arp || vrrp')).toEqual(['dns', 'ping', 'vrrp', 'ipip']);
    expect(sel('tcp port 80 or proto 4 or icmp')).toEqual(['http', 'reply', 'ping', 'ipip']);
    expect(sel('vrrp or arp')).toEqual(['arpReq', 'vrrp']);
  });

  it('ether host/src/dst, broadcast, multicast', () => {
    expect(sel('ether host 52:54:00:00:0a:11')).toEqual(['http', 'reply', 'https', 'dns', 'ipip']);
    expect(sel('ether src 52:54:00:00:0a:11')).toEqual(['reply', 'dns']);
    expect(sel('ether dst 52:54:0:0:a:11')).toEqual(['http', 'https', 'ipip']);
    expect(sel('ether broadcast')).toEqual(['arpReq']);
    expect(sel('ether multicast')).toEqual(['arpReq', 'vrrp']);
    expect(sel('ip multicast')).toEqual(['vrrp']);
    expect(sel('ip broadcast', { netmask: 0xffffff00 })).toEqual([]);
  });

  it('byte loads: tcp flags, ICMP type, HTTP GET in the payload', () => {
    expect(sel('tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn')).toEqual(['http', 'https']);
    expect(sel('tcp[13] = 18')).toEqual(['reply']);
    expect(sel('icmp[icmptype] == icmp-echo')).toEqual(['ping']);
    expect(sel('ip[9] = 4')).toEqual(['ipip']);
    expect(sel('ether[12:2] = 0x0806')).toEqual(['arpReq']);
    expect(sel('less 50')).toEqual(['arpReq']);
    expect(sel('greater 72')).toEqual(['dns', 'ping', 'ipip']);
    expect(sel('len > 90')).toEqual(['ping']);
    const get = c2s(tcp({ sport: 34950, dport: 80, seq: 2, ack: 2, flags: PSH | ACK, win: 63, plen: 77, data: HTTP_REQ }), 2);
    const f = parseTcpdumpFilter('tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420');
    expect(f.ok && f.match(get)).toBe(true);
    expect(f.ok && f.match(http)).toBe(false); // a load past the end rejects the packet
  });

  it('inbound / outbound', () => {
    const f = parseTcpdumpFilter('outbound and tcp');
    expect(f.ok && f.match(http, true)).toBe(true);
    expect(f.ok && f.match(http, false)).toBe(false);
  });

  it('host names resolve through the lab, or fail like libpcap', () => {
    expect(sel('host rs1', { resolveHost: (n) => (n === 'rs1' ? [RS1] : undefined) })).toContain('http');
    expect(err('host rs9')).toBe("tcpdump: unknown host 'rs9'");
  });

  it('errors, word for word', () => {
    expect(err('tcp port 80 and')).toBe("tcpdump: can't parse filter expression: syntax error");
    expect(err('port 80 and (')).toBe("tcpdump: can't parse filter expression: syntax error");
    expect(err('192.168.10.11')).toBe("tcpdump: can't parse filter expression: syntax error");
    expect(err('tcp or 80')).toBe('tcpdump: syntax error in filter expression');
    expect(err('port 99999')).toBe('tcpdump: illegal port number 99999 > 65535');
    expect(err('port 99999 and')).toBe('tcpdump: illegal port number 99999 > 65535');
    expect(err('port 80 or 10.0.0.1')).toBe("tcpdump: 'port' modifier applied to IP address");
    expect(err('port foo')).toBe("tcpdump: unknown port 'foo'");
    expect(err('udp port http')).toBe("tcpdump: port 'http' is tcp");
    expect(err('ip port 80')).toBe("tcpdump: illegal qualifier of 'port'");
    expect(err('tcp host 192.168.10.11')).toBe("tcpdump: 'tcp' modifier applied to host");
    expect(err('net 192.168.10.1/24')).toBe('tcpdump: non-network bits set in "192.168.10.1/24"');
    expect(err('host 192.168.10.0/24')).toBe('tcpdump: Mask syntax for networks only');
    expect(err('net 10.0.0.0/33')).toBe('tcpdump: mask length must be <= 32');
    expect(err('proto foo')).toBe("tcpdump: unknown ip proto 'foo'");
    expect(err('tcp proto 6')).toBe("tcpdump: 'tcp proto' is bogus");
    expect(err('arp proto 6')).toBe('tcpdump: arp does not encapsulate another protocol');
    expect(err('host 52:54:00:00:0a:11')).toBe('tcpdump: ethernet address used in non-ether expression');
    expect(err('ether host 192.168.10.11')).toBe('tcpdump: illegal link layer address');
    expect(err('ether host 52:54:00:00:0a:11', { linkType: 'LINUX_SLL2' })).toBe(
      'tcpdump: ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel',
    );
    expect(err('tcp[13:3] = 1')).toBe('tcpdump: data size must be 1, 2, or 4');
    expect(err('tcp[13] / 0 = 1')).toBe('tcpdump: division by zero');
    expect(err('ip broadcast')).toBe("tcpdump: netmask not known, so 'ip broadcast' not supported");
    expect(err('host 300.1.1.1')).toBe("tcpdump: invalid IPv4 address '300.1.1.1'");
    expect(err('tcp port 80 $')).toBe("tcpdump: can't parse filter expression: syntax error");
  });

  it('-i any: offsets and lengths of the cooked header', () => {
    const o: TcpdumpFilterOptions = { linkType: 'LINUX_SLL2' };
    expect(sel('ip[9] = 4', o)).toEqual(['ipip']);
    expect(sel('less 48', o)).toEqual(['arpReq']);
    expect(sel('tcp port 80', o)).toEqual(['http', 'reply']);
  });
});

// ---- command line, banner, summary

describe('tcpdump command line', () => {
  const run = (argv: string[]): TcpdumpOptions => {
    const r = parseTcpdumpArgs(argv);
    if (r.kind !== 'run') throw new Error(r.stderr);
    return r.options;
  };

  it('flags, clusters and the filter words', () => {
    const o = run(['-nei', 'eth0', 'tcp', 'port', '80']);
    expect(o).toMatchObject({ iface: 'eth0', numeric: true, ether: true, filter: 'tcp port 80', verbose: 0 });
    expect(run(['-nn', '-vv', '-c5', '-q', '-l', 'vrrp or arp'])).toMatchObject({ numeric: true, verbose: 2, count: 5, quiet: true, lineBuffered: true, filter: 'vrrp or arp' });
    expect(run(['-i', 'any', '-c', '3'])).toMatchObject({ iface: 'any', count: 3, filter: '' });
    expect(run(['host', '10.0.0.1', '-n'])).toMatchObject({ numeric: true, filter: 'host 10.0.0.1' }); // glibc permutes
    expect(run(['-n', '--', '-x'])).toMatchObject({ filter: '-x' });
    expect(run(['--interface=eth1', '-ttt', '-S'])).toMatchObject({ iface: 'eth1', tstamp: 'delta', absoluteSeq: true });
    expect(run(['--inter', 'eth1'])).toMatchObject({ iface: 'eth1' });
    expect(run(['-Q', 'in', '-s', '0'])).toMatchObject({ direction: 'in', snaplen: 262144 });
    expect(run(['-t']).tstamp).toBe('none');
  });

  it('getopt errors print the usage; -h and --version exit 0', () => {
    const r = parseTcpdumpArgs(['-i']);
    expect(r).toEqual({ kind: 'exit', stdout: '', stderr: "tcpdump: option requires an argument -- 'i'\n" + TCPDUMP_USAGE, exit: 1 });
    const k = parseTcpdumpArgs(['-k']);
    expect(k.kind === 'exit' && k.stderr.split('\n').slice(0, 2)).toEqual(["tcpdump: invalid option -- 'k'", 'tcpdump version 4.99.3']);
    const l = parseTcpdumpArgs(['--foo']);
    expect(l.kind === 'exit' && l.stderr.split('\n')[0]).toBe("tcpdump: unrecognized option '--foo'");
    expect(parseTcpdumpArgs(['-c', 'x'])).toEqual({ kind: 'exit', stdout: '', stderr: 'tcpdump: invalid packet count x\n', exit: 1 });
    expect(parseTcpdumpArgs(['-Q', 'sideways'])).toMatchObject({ stderr: "tcpdump: unknown capture direction 'sideways'\n", exit: 1 });
    expect(parseTcpdumpArgs(['-h'])).toEqual({ kind: 'exit', stdout: TCPDUMP_USAGE, stderr: '', exit: 0 });
    expect(parseTcpdumpArgs(['--version'])).toMatchObject({ stdout: expect.stringMatching(/^tcpdump version 4\.99\.3\nlibpcap version 1\.10\.3/), exit: 0 });
    expect(TCPDUMP_USAGE.split('\n')[3]).toBe('Usage: tcpdump [-AbdDefhHIJKlLnNOpqStuUvxX#] [ -B size ] [ -c count ] [--count]');
  });

  it('banner lines (stderr)', () => {
    expect(tcpdumpBanner({ verbose: 0, snaplen: 262144 }, 'eth0', 'EN10MB')).toEqual({
      opened: '',
      listening:
        'tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n' +
        'listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n',
    });
    expect(tcpdumpBanner({ verbose: 0, snaplen: 262144 }, 'any', 'LINUX_SLL2')).toEqual({
      opened: 'tcpdump: data link type LINUX_SLL2\n',
      listening:
        'tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n' +
        'listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes\n',
    });
    expect(tcpdumpBanner({ verbose: 1, snaplen: 262144 }, 'eth0', 'EN10MB').listening).toBe(
      'tcpdump: listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n',
    );
  });

  it('closing counters (stderr), newline on stdout after ^C', () => {
    expect(tcpdumpSummary({ captured: 10, interrupted: true })).toEqual({
      stdout: '\n',
      stderr: '10 packets captured\n10 packets received by filter\n0 packets dropped by kernel\n',
    });
    expect(tcpdumpSummary({ captured: 1, received: 1, interrupted: false }).stderr).toBe(
      '1 packet captured\n1 packet received by filter\n0 packets dropped by kernel\n',
    );
  });

  it('startTcpdump: device, filter and banner in tcpdump order', () => {
    const host = { devices: new Map([['eth0', 'EN10MB' as const], ['lo', 'EN10MB' as const]]), defaultDevice: 'eth0' };
    expect(startTcpdump(['-i', 'eth9'], host)).toEqual({ ok: false, stdout: '', stderr: noSuchDeviceError('eth9'), exit: 1 });
    expect(noSuchDeviceError('eth9')).toBe('tcpdump: eth9: No such device exists\n(No such device exists)\n');
    expect(startTcpdump(['-i', 'any', 'port', '80', 'and'], host)).toEqual({
      ok: false,
      stdout: '',
      stderr: "tcpdump: data link type LINUX_SLL2\ntcpdump: can't parse filter expression: syntax error\n",
      exit: 1,
    });
    const t = startTcpdump(['-n', 'tcp', 'port', '80'], host);
    if (!t.ok) throw new Error(t.stderr);
    expect(t.iface).toBe('eth0');
    expect(t.stderr).toContain('listening on eth0, link-type EN10MB (Ethernet)');
    expect(t.wants(EXCHANGE[0]![1], false)).toBe(true);
    expect(t.session.format(EXCHANGE[0]![1], at('00:59:13.599305'))).toBe(EXCHANGE_LINES[0]);
    const q = startTcpdump(['-Q', 'out', '-n'], host);
    expect(q.ok && q.wants(EXCHANGE[0]![1], false)).toBe(false);
  });
});
