/**
 * TCP as a capture shows it (linux-tools.md §1, §2): the handshake with its sequence
 * numbers, data and ACKs, both teardown orders with TIME_WAIT, RST from a closed port, SYN
 * back-off to the 127 s connect timeout, EHOSTUNREACH after a failed ARP, retransmission.
 */
import { describe, it, expect } from 'vitest';
import { httpGet, type HttpResult } from '../../../src/core/apps/http-client';
import type { Host } from '../../../src/core/host/host';
import type { TcpError, TcpSocket } from '../../../src/core/host/tcp';
import { ip, ipStr } from '../../../src/core/net/addr';
import { ACK, FIN, PSH, RST, SYN, type Tcp } from '../../../src/core/net/packet';
import { tcpFlagsText } from '../../../src/core/sim/trace-json';
import { MS, SEC, miniLab, type NodeIn, type Recorder } from '../helpers/mini-lab';

/**
 * client 203.0.113.10 — router (203.0.113.1 | 192.168.10.1) — LAN with rs1 192.168.10.11
 * running nginx on :80 (1 ms per request), as in the reference captures.
 */
function lab(o: { rs1Web?: boolean; router2?: boolean } = {}) {
  const nodes: NodeIn[] = [
    { name: 'client', kind: 'client', ifaces: [{ name: 'eth0', mac: '52:54:00:00:01:10', addrs: ['203.0.113.10/24'] }], routes: [{ dst: 'default', via: '203.0.113.1' }] },
    {
      name: 'router',
      kind: 'router',
      ifaces: [
        { name: 'eth0', mac: '52:54:00:00:01:01', addrs: ['203.0.113.1/24'] },
        { name: 'eth1', mac: '52:54:00:00:0a:01', addrs: ['192.168.10.1/24'] },
      ],
      routes: o.router2 ? [{ dst: '10.99.0.0/16', via: '192.168.10.2' }] : [],
      sysctl: { 'net.ipv4.ip_forward': 1 },
    },
    { name: 'lan', kind: 'switch' },
    {
      name: 'rs1',
      kind: 'rs',
      ifaces: [{ name: 'eth0', mac: '52:54:00:00:0a:11', addrs: ['192.168.10.11/24'] }],
      routes: [{ dst: 'default', via: '192.168.10.1' }],
      ...(o.rs1Web === false ? {} : { web: { port: 80, serviceTime: { dist: 'const' as const, meanMs: 1 } } }),
    },
  ];
  if (o.router2) {
    // A second router that sends everything back: a routing loop for 10.99.0.0/16.
    nodes.push({ name: 'router2', kind: 'router', ifaces: [{ name: 'eth0', mac: '52:54:00:00:0a:03', addrs: ['192.168.10.2/24'] }], routes: [{ dst: 'default', via: '192.168.10.1' }], sysctl: { 'net.ipv4.ip_forward': 1 } });
  }
  return miniLab(nodes, [
    { a: 'client:eth0', b: 'router:eth0', latency: '1ms' },
    { a: 'router:eth1', b: 'lan:p0' },
    { a: 'rs1:eth0', b: 'lan:p1' },
    ...(o.router2 ? [{ a: 'router2:eth0', b: 'lan:p2' }] : []),
  ]);
}

interface Seg {
  dir: 'in' | 'out';
  flags: string;
  seq: number;
  ack: number;
  len: number;
  win: number;
  t: number;
}

/** `tcpdump -n -i eth0 tcp` on a node: direction, flags as tcpdump prints them, absolute seq/ack. */
function tcpdump(rec: Recorder, node: string, dev = 'eth0'): Seg[] {
  const out: Seg[] = [];
  for (const e of rec.events) {
    if ((e.type !== 'dev.rx' && e.type !== 'dev.tx') || e.node !== node || e.dev !== dev) continue;
    const l4 = e.frame.ip?.l4;
    if (l4?.kind !== 'tcp') continue;
    out.push({ dir: e.type === 'dev.rx' ? 'in' : 'out', flags: tcpFlagsText(l4.flags), seq: l4.seq, ack: l4.ack, len: l4.plen, win: l4.win, t: e.t });
  }
  return out;
}

function curl(h: Host, dst: string, port = 80, deadlineUs?: number): { r?: HttpResult } {
  const box: { r?: HttpResult } = {};
  httpGet(h, { dst: ip(dst), port, ...(deadlineUs !== undefined ? { deadlineUs } : {}) }, (r) => (box.r = r));
  return box;
}

const sockets = (h: Host) => [...h.tcp.sockets()].map((s) => ({ state: s.state, local: `${ipStr(s.local)}:${s.lport}`, remote: `${ipStr(s.remote)}:${s.rport}` }));

describe('an HTTP exchange, seen on rs1 (linux-tools.md §1)', () => {
  it('handshake, request, response and a client-first close: the same 10 segments as the capture', () => {
    const m = lab();
    const res = curl(m.lab.host('client'), '192.168.10.11');
    m.lab.advance(1 * SEC);
    expect(res.r).toMatchObject({ ok: true, status: 200, body: 'rs1 192.168.10.11\n' });
    const segs = tcpdump(m.rec, 'rs1');
    expect(segs.map((s) => `${s.dir} ${s.flags}`)).toEqual(['in S', 'out S.', 'in .', 'in P.', 'out .', 'out P.', 'in .', 'in F.', 'out F.', 'in .']);
    const c = segs[0]!.seq; // client ISN
    const s = segs[1]!.seq; // server ISN
    const req = segs[3]!.len;
    const resp = segs[5]!.len;
    expect(req).toBe(77); // curl 7.88.1's GET / to an IP host
    expect(resp).toBe(236 + 'rs1 192.168.10.11\n'.length);
    const u = (n: number) => n >>> 0;
    expect(segs.map((x) => [x.seq, x.ack, x.len])).toEqual([
      [c, 0, 0],
      [s, u(c + 1), 0],
      [u(c + 1), u(s + 1), 0],
      [u(c + 1), u(s + 1), req],
      [u(s + 1), u(c + 1 + req), 0],
      [u(s + 1), u(c + 1 + req), resp],
      [u(c + 1 + req), u(s + 1 + resp), 0],
      [u(c + 1 + req), u(s + 1 + resp), 0], // F. seq 78, ack 255
      [u(s + 1 + resp), u(c + 2 + req), 0], // F. seq 255, ack 79
      [u(c + 2 + req), u(s + 2 + resp), 0], // . ack 256
    ]);
    expect(segs[0]!.win).toBe(64240);
    expect(segs[1]!.win).toBe(65160);
  });

  it('the client that closed first sits in TIME_WAIT for 60 s, then is gone; the server is gone at once', () => {
    const m = lab();
    const client = m.lab.host('client');
    curl(client, '192.168.10.11');
    m.lab.advance(1 * SEC);
    expect(sockets(client).map((s) => s.state)).toEqual(['TIME_WAIT']);
    expect(sockets(m.lab.host('rs1'))).toEqual([]);
    m.lab.advance(58 * SEC);
    expect(sockets(client).map((s) => s.state)).toEqual(['TIME_WAIT']);
    m.lab.advance(2 * SEC);
    expect(sockets(client)).toEqual([]);
  });

  it('server closes first: the server ends in TIME_WAIT and the client goes straight to CLOSED', () => {
    const m = lab({ rs1Web: false });
    const rs1 = m.lab.host('rs1');
    rs1.tcp.listen({ addr: 0, port: 7000, onAccept: (s) => s.close() });
    const client = m.lab.host('client');
    const closed: (TcpError | 'ok')[] = [];
    client.tcp.connect(ip('192.168.10.11'), 7000, { onPeerClosed: (s) => s.close(), onClosed: (_s, err) => closed.push(err ?? 'ok') });
    m.lab.advance(1 * SEC);
    const flags = tcpdump(m.rec, 'rs1').map((s) => `${s.dir} ${s.flags}`);
    expect(flags).toEqual(['in S', 'out S.', 'in .', 'out F.', 'in F.', 'out .']);
    expect(sockets(rs1).map((s) => s.state)).toEqual(['TIME_WAIT']);
    expect(sockets(client)).toEqual([]);
    expect(closed).toEqual(['ok']);
    m.lab.advance(60 * SEC);
    expect(sockets(rs1)).toEqual([]);
  });
});

/** The TCP segments a node sent or received on eth0, whole: options and IP length too. */
function wire(rec: Recorder, node: string): { dir: 'in' | 'out'; tcp: Tcp; ipLen: number; t: number }[] {
  const out: { dir: 'in' | 'out'; tcp: Tcp; ipLen: number; t: number }[] = [];
  for (const e of rec.events) {
    if ((e.type !== 'dev.rx' && e.type !== 'dev.tx') || e.node !== node || e.dev !== 'eth0') continue;
    const p = e.frame.ip;
    if (p?.l4.kind !== 'tcp') continue;
    out.push({ dir: e.type === 'dev.rx' ? 'in' : 'out', tcp: p.l4, ipLen: p.len, t: e.t });
  }
  return out;
}

describe('TCP options as Linux writes them (linux-tools.md §1)', () => {
  it('SYN and SYN-ACK offer mss, sackOK, TS and wscale 7 (60-byte packets); every later segment carries TS only (52 bytes + data)', () => {
    const m = lab();
    curl(m.lab.host('client'), '192.168.10.11');
    m.lab.advance(1 * SEC);
    const segs = wire(m.rec, 'rs1');
    expect(segs.map((s) => s.ipLen)).toEqual([60, 60, 52, 52 + 77, 52, 52 + 254, 52, 52, 52, 52]);
    const [syn, synack] = [segs[0]!.tcp, segs[1]!.tcp];
    expect(syn).toMatchObject({ mss: 1460, sackOk: true, wscale: 7, win: 64240, ts: { ecr: 0 } });
    expect(synack).toMatchObject({ mss: 1460, sackOk: true, wscale: 7, win: 65160, ts: { ecr: syn.ts!.val } });
    for (const s of segs.slice(2)) {
      expect(s.tcp.mss === undefined && s.tcp.sackOk === undefined && s.tcp.wscale === undefined).toBe(true);
      expect(s.tcp.ts).toBeDefined();
      // The window is the SYN's, scaled down by 2^7 and rounded up: 64240 → 502, 65160 → 510.
      expect(s.tcp.win).toBe(s.dir === 'in' ? 502 : 510);
    }
  });

  it('TS val is the millisecond clock plus a per-connection offset; TS ecr echoes the peer\'s last TS val', () => {
    const m = lab();
    const client = m.lab.host('client');
    curl(client, '192.168.10.11');
    m.lab.advance(1 * SEC);
    m.lab.advance(5 * SEC);
    curl(client, '192.168.10.11');
    m.lab.advance(1 * SEC);
    const segs = wire(m.rec, 'rs1');
    expect(segs).toHaveLength(20);
    const last = { in: 0, out: 0 };
    for (const s of segs) {
      const peer = s.dir === 'in' ? 'out' : 'in';
      expect(s.tcp.ts!.ecr).toBe((s.tcp.flags & (SYN | ACK)) === SYN ? 0 : last[peer]);
      last[s.dir] = s.tcp.ts!.val;
    }
    // Within a connection TS val moves with the clock: val - ms(t) is the connection's offset.
    const offset = (s: { tcp: Tcp; t: number }) => (s.tcp.ts!.val - Math.floor(s.t / 1000)) >>> 0;
    const a = segs.slice(0, 10).filter((s) => s.dir === 'in');
    const b = segs.slice(10).filter((s) => s.dir === 'in');
    // (tcpdump's "t" is the receive time; the sender stamped the segment 1 ms of link earlier at most.)
    for (const s of a) expect(Math.abs(offset(s) - offset(a[0]!))).toBeLessThanOrEqual(2);
    expect(b[0]!.t - a[0]!.t).toBeGreaterThan(5 * SEC);
    // A new connection from the same client gets another offset (random, like its ISN).
    expect(Math.abs(offset(b[0]!) - offset(a[0]!))).toBeGreaterThan(1000);
  });

  it('with timestamps, a segment carries at most 1448 bytes of data (mss 1460 - 12)', () => {
    const m = lab({ rs1Web: false });
    m.lab.host('rs1').tcp.listen({ addr: 0, port: 7000, onAccept: (s) => s.send(undefined, 3000) });
    m.lab.host('client').tcp.connect(ip('192.168.10.11'), 7000, {});
    m.lab.advance(1 * SEC);
    const data = wire(m.rec, 'rs1').filter((s) => s.dir === 'out' && s.tcp.plen > 0);
    expect(data.map((s) => [s.tcp.plen, s.ipLen])).toEqual([[1448, 1500], [1448, 1500], [104, 156]]);
  });

  it('net.ipv4.tcp_timestamps=0 on the client: no TS either way, 52-byte SYNs, 40-byte ACKs, 1460-byte segments', () => {
    const m = lab({ rs1Web: false });
    m.lab.host('client').sysctl.set('net.ipv4.tcp_timestamps', 0);
    m.lab.host('rs1').tcp.listen({ addr: 0, port: 7000, onAccept: (s) => s.send(undefined, 3000) });
    m.lab.host('client').tcp.connect(ip('192.168.10.11'), 7000, {});
    m.lab.advance(1 * SEC);
    const segs = wire(m.rec, 'rs1');
    expect(segs[0]!.tcp).toMatchObject({ mss: 1460, sackOk: true, wscale: 7 });
    expect(segs[0]!.tcp.ts).toBeUndefined();
    expect(segs[1]!.tcp.ts).toBeUndefined();
    // Without timestamps the server's window is 44 × 1460, like the client's, not 45 × 1448.
    expect(segs[1]!.tcp.win).toBe(64240);
    expect(segs.slice(2).map((s) => s.tcp.win)).toEqual(segs.slice(2).map(() => 502));
    expect(segs.slice(0, 3).map((s) => s.ipLen)).toEqual([52, 52, 40]);
    expect(segs.every((s) => s.tcp.ts === undefined)).toBe(true);
    const data = segs.filter((s) => s.dir === 'out' && s.tcp.plen > 0);
    expect(data.map((s) => s.tcp.plen)).toEqual([1460, 1460, 80]);
  });

  it('tcp_window_scaling=0 and tcp_sack=0 on the server: its SYN-ACK leaves them out and the windows stay unscaled', () => {
    const m = lab();
    const rs1 = m.lab.host('rs1');
    rs1.sysctl.set('net.ipv4.tcp_window_scaling', 0);
    rs1.sysctl.set('net.ipv4.tcp_sack', 0);
    curl(m.lab.host('client'), '192.168.10.11');
    m.lab.advance(1 * SEC);
    const segs = wire(m.rec, 'rs1');
    expect(segs[1]!.tcp.sackOk).toBeUndefined();
    expect(segs[1]!.tcp.wscale).toBeUndefined();
    expect(segs[1]!.ipLen).toBe(20 + 20 + 4 + 12); // mss, nop,nop,TS
    expect(segs.slice(2).map((s) => s.tcp.win)).toEqual(segs.slice(2).map((s) => (s.dir === 'in' ? 64240 : 65160)));
  });

  it('tcp_timestamps=2: TS val is the bare millisecond clock', () => {
    const m = lab();
    m.lab.host('client').sysctl.set('net.ipv4.tcp_timestamps', 2);
    m.lab.advance(3 * SEC);
    const t0 = m.lab.now;
    curl(m.lab.host('client'), '192.168.10.11');
    m.lab.advance(1 * SEC);
    // Stamped when TCP sent it (3000 ms), not when it left after ARP resolved the router.
    const syn = wire(m.rec, 'client')[0]!;
    expect(t0).toBe(3 * SEC);
    expect(syn.tcp.ts!.val).toBe(3000);
    expect(syn.t).toBeGreaterThan(t0);
  });
});

describe('connect failures, as curl reports them (linux-tools.md §2)', () => {
  it('closed port: rs1 answers [R.] seq 0, ack ISN+1, win 0, and curl fails at once with "Connection refused"', () => {
    const m = lab();
    const res = curl(m.lab.host('client'), '192.168.10.11', 81);
    m.lab.advance(1 * SEC);
    expect(res.r?.ok).toBe(false);
    expect(res.r?.error).toBe('refused');
    expect(res.r!.tDone - res.r!.tStart).toBeLessThan(10 * MS);
    const segs = tcpdump(m.rec, 'rs1');
    expect(segs.map((s) => `${s.dir} ${s.flags}`)).toEqual(['in S', 'out R.']);
    expect(segs[1]).toMatchObject({ seq: 0, ack: (segs[0]!.seq + 1) >>> 0, win: 0, len: 0 });
    expect(m.rec.drops('rs1').map((d) => d.reason)).toEqual(['no-socket']);
    expect(sockets(m.lab.host('client'))).toEqual([]);
  });

  it('a dead server behind a stale neighbour entry: SYN at 0, 1, 3, 7, 15, 31, 63 s, then ETIMEDOUT at 127 s', () => {
    const m = lab();
    // The client reaches rs1 directly here, with a static ARP entry (`ip neigh add ...
    // nud permanent`): nothing on the path can report the death, the SYNs just vanish.
    const client = m.lab.host('client');
    client.routes.add({ dst: ip('192.168.10.11'), len: 32, dev: client.iface('eth0')!, proto: 'static', scope: 'link', metric: 0 });
    client.neigh.addPermanent(client.iface('eth0')!, ip('192.168.10.11'), '52:54:00:00:01:01');
    m.lab.host('router').sysctl.set('net.ipv4.ip_forward', 0);
    m.lab.apply({ type: 'power', node: 'rs1', on: false });
    const res = curl(client, '192.168.10.11');
    m.lab.advance(126 * SEC);
    expect(res.r).toBeUndefined();
    m.lab.advance(2 * SEC);
    expect(res.r).toMatchObject({ ok: false, error: 'timeout' });
    expect(res.r!.tDone - res.r!.tStart).toBe(127 * SEC);
    const syns = tcpdump(m.rec, 'client').filter((s) => s.dir === 'out');
    expect(syns.every((s) => s.flags === 'S' && s.seq === syns[0]!.seq)).toBe(true);
    expect(syns.map((s) => s.t / SEC)).toEqual([0, 1, 3, 7, 15, 31, 63]);
  });

  it('tcp_syn_retries=2 gives up after 7 s', () => {
    const m = lab();
    const client = m.lab.host('client');
    client.sysctl.set('net.ipv4.tcp_syn_retries', 2);
    client.neigh.addPermanent(client.iface('eth0')!, ip('203.0.113.1'), '52:54:00:00:01:01');
    m.lab.apply({ type: 'power', node: 'router', on: false });
    const res = curl(client, '192.168.10.11');
    m.lab.advance(10 * SEC);
    expect(res.r).toMatchObject({ ok: false, error: 'timeout' });
    expect(res.r!.tDone - res.r!.tStart).toBe(7 * SEC);
  });

  it('no ARP answer on the client\'s own link: "No route to host" after ~3 s', () => {
    const m = lab();
    const res = curl(m.lab.host('client'), '203.0.113.98');
    m.lab.advance(2_900 * MS);
    expect(res.r).toBeUndefined();
    m.lab.advance(200 * MS);
    expect(res.r).toMatchObject({ ok: false, error: 'host-unreachable' });
    expect(res.r!.tDone - res.r!.tStart).toBe(3 * SEC);
  });

  it('no ARP answer behind the router: the router\'s ICMP host unreachable fails the connect after ~3 s', () => {
    const m = lab();
    const res = curl(m.lab.host('client'), '192.168.10.98');
    m.lab.advance(4 * SEC);
    expect(res.r).toMatchObject({ ok: false, error: 'host-unreachable' });
    expect(res.r!.tDone - res.r!.tStart).toBeGreaterThanOrEqual(3 * SEC);
    expect(res.r!.tDone - res.r!.tStart).toBeLessThan(3_100 * MS);
  });

  it('the router has no route: ICMP net unreachable fails the connect at once', () => {
    const m = lab();
    const res = curl(m.lab.host('client'), '198.51.100.1');
    m.lab.advance(1 * SEC);
    expect(res.r).toMatchObject({ ok: false, error: 'net-unreachable' });
    expect(res.r!.tDone - res.r!.tStart).toBeLessThan(10 * MS);
  });

  it('a routing loop: the ICMP time exceeded fails the connect with EHOSTUNREACH (tcp_v4_err)', () => {
    const m = lab({ router2: true });
    const res = curl(m.lab.host('client'), '10.99.0.1');
    m.lab.advance(1 * SEC);
    expect(m.rec.drops(undefined, 'ttl-exceeded')).toHaveLength(1);
    expect(res.r).toMatchObject({ ok: false, error: 'host-unreachable' });
  });

  it('curl -m 2 against a server that accepts and never answers: the deadline fires', () => {
    const m = lab({ rs1Web: false });
    m.lab.host('rs1').tcp.listen({ addr: 0, port: 8080, onAccept: () => {} });
    const res = curl(m.lab.host('client'), '192.168.10.11', 8080, 2 * SEC);
    m.lab.advance(3 * SEC);
    expect(res.r).toMatchObject({ ok: false, error: 'deadline' });
    expect(res.r!.tConnected).toBeDefined();
    expect(res.r!.tDone - res.r!.tStart).toBe(2 * SEC);
  });
});

describe('retransmission', () => {
  it('data lost on the link is retransmitted with the same sequence number and delivered once', () => {
    const m = lab({ rs1Web: false });
    const rs1 = m.lab.host('rs1');
    const got: string[] = [];
    rs1.tcp.listen({
      addr: 0,
      port: 9000,
      onAccept: (s) => {
        s.handlers = { onData: (_s, data) => got.push(data?.app === 'text' ? data.text : '?') };
      },
    });
    let sock: TcpSocket | undefined;
    const client = m.lab.host('client');
    client.tcp.connect(ip('192.168.10.11'), 9000, { onConnected: (s) => (sock = s) });
    m.lab.advance(100 * MS);
    expect(sock?.state).toBe('ESTABLISHED');
    m.lab.apply({ type: 'loss', node: 'client', iface: 'eth0', pct: 100 });
    const t0 = m.lab.now;
    sock!.send({ app: 'text', text: 'hello' }, 6);
    m.lab.advance(300 * MS);
    expect(got).toEqual([]);
    m.lab.apply({ type: 'loss', node: 'client', iface: 'eth0', pct: 0 });
    m.lab.advance(5 * SEC);
    expect(got).toEqual(['hello']);
    const sent = tcpdump(m.rec, 'client').filter((s) => s.dir === 'out' && s.len === 6);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sent.map((s) => s.seq)).size).toBe(1);
    expect(m.rec.drops(undefined, 'link-loss').length).toBeGreaterThanOrEqual(1);
    // The first retransmission comes after the minimum RTO (200 ms), not the 1 s initial one.
    expect(sent[1]!.t - t0).toBeGreaterThanOrEqual(200 * MS);
    expect(sent[1]!.t - t0).toBeLessThan(500 * MS);
    // rs1 acknowledged exactly the 6 bytes.
    const acks = tcpdump(m.rec, 'rs1').filter((s) => s.dir === 'out' && s.flags === '.' && s.t > t0);
    expect(acks.length).toBeGreaterThanOrEqual(1);
    expect(acks[0]!.ack).toBe((sent[0]!.seq + 6) >>> 0);
  });

  it('a lost FIN is retransmitted and the close completes', () => {
    const m = lab({ rs1Web: false });
    const rs1 = m.lab.host('rs1');
    rs1.tcp.listen({ addr: 0, port: 9001, onAccept: (s) => (s.handlers = { onPeerClosed: (x) => x.close() }) });
    let sock: TcpSocket | undefined;
    const client = m.lab.host('client');
    client.tcp.connect(ip('192.168.10.11'), 9001, { onConnected: (s) => (sock = s) });
    m.lab.advance(100 * MS);
    m.lab.apply({ type: 'loss', node: 'client', iface: 'eth0', pct: 100 });
    sock!.close();
    m.lab.advance(150 * MS);
    m.lab.apply({ type: 'loss', node: 'client', iface: 'eth0', pct: 0 });
    m.lab.advance(5 * SEC);
    const fins = tcpdump(m.rec, 'client').filter((s) => s.dir === 'out' && s.flags === 'F.');
    expect(fins.length).toBeGreaterThanOrEqual(2);
    expect(sockets(client).map((s) => s.state)).toEqual(['TIME_WAIT']);
    expect(sockets(rs1)).toEqual([]);
  });
});

describe('tcpFlagsText', () => {
  it('prints flags as tcpdump does (the forms the captures above are compared in)', () => {
    const f = (x: number) => tcpFlagsText(x);
    expect([f(SYN), f(SYN | ACK), f(ACK), f(PSH | ACK), f(FIN | ACK), f(RST | ACK), f(RST)]).toEqual(['S', 'S.', '.', 'P.', 'F.', 'R.', 'R']);
  });
});
