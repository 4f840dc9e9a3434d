/**
 * The reverse-path filter (fib_validate_source) on asymmetric traffic — linux-tools.md §6 —
 * and on IP-in-IP decapsulated on tunl0, the LVS-TUN real-server case of
 * ipvs-datapath.md §2.3.
 */
import { describe, it, expect } from 'vitest';
import { ip, ipStr } from '../../../src/core/net/addr';
import { ACK, SYN, makeIp, type Ipv4 } from '../../../src/core/net/packet';
import { MS, SEC, miniLab, ping, type NodeIn } from '../helpers/mini-lab';

type Sysctl = Record<string, number>;

/**
 * §6: client 203.0.113.10 — router eth0 203.0.113.1 | eth1 192.168.10.1 — rs1 192.168.10.11.
 * rs1 also owns 203.0.113.50 (on lo), so it can send from a source the router routes via eth0.
 */
function asym(router: Sysctl) {
  const nodes: NodeIn[] = [
    { name: 'client', kind: 'client', ifaces: [{ name: 'eth0', mac: '52:54:00:00:01:10', addrs: ['203.0.113.10/24'] }], routes: [{ dst: 'default', via: '203.0.113.1' }] },
    {
      name: 'router',
      kind: 'router',
      ifaces: [
        { name: 'eth0', mac: '52:54:00:00:01:01', addrs: ['203.0.113.1/24'] },
        { name: 'eth1', mac: '52:54:00:00:0a:01', addrs: ['192.168.10.1/24'] },
      ],
      sysctl: { 'net.ipv4.ip_forward': 1, ...router },
    },
    {
      name: 'rs1',
      kind: 'rs',
      ifaces: [
        { name: 'eth0', mac: '52:54:00:00:0a:11', addrs: ['192.168.10.11/24'] },
        { name: 'lo', addrs: ['203.0.113.50/32'] },
      ],
      routes: [{ dst: 'default', via: '192.168.10.1' }],
    },
  ];
  return miniLab(nodes, [
    { a: 'client:eth0', b: 'router:eth0' },
    { a: 'router:eth1', b: 'rs1:eth0' },
  ]);
}

/** rs1: `ping -c 2 -I 203.0.113.50 DST`, one second apart. */
function pingTwice(m: ReturnType<typeof asym>, dst = '192.168.10.1', src = '203.0.113.50') {
  const rs1 = m.lab.host('rs1');
  const a = ping(rs1, dst, { src, seq: 1 });
  m.lab.advance(1 * SEC);
  const b = ping(rs1, dst, { src, seq: 2 });
  m.lab.advance(1 * SEC);
  return [a, b];
}

describe('rp_filter on asymmetric traffic (linux-tools.md §6)', () => {
  it('eth1 rp_filter=1: dropped silently, yet tcpdump on eth1 still sees both requests; IPReversePathFilter 0 → 2', () => {
    const m = asym({ 'net.ipv4.conf.eth1.rp_filter': 1 });
    const pings = pingTwice(m);
    const seen = m.rec.ip('router', 'eth1', 'rx').filter((x) => x.l4.kind === 'icmp' && x.l4.type === 8);
    expect(seen.map((x) => ipStr(x.src))).toEqual(['203.0.113.50', '203.0.113.50']);
    expect(m.rec.drops('router').map((d) => d.reason)).toEqual(['rp-filter', 'rp-filter']);
    expect(m.lab.host('router').counters.reversePathFilter).toBe(2);
    expect(pings.flatMap((p) => p.replies)).toEqual([]);
    // Nothing at all leaves the router in answer.
    expect(m.rec.frames('router', 'eth0', 'tx')).toEqual([]);
  });

  it('eth1 rp_filter=0: accepted; the reply is routed out eth0 and ARP for 203.0.113.50 never resolves', () => {
    const m = asym({ 'net.ipv4.conf.eth1.rp_filter': 0 });
    pingTwice(m);
    expect(m.rec.drops('router', 'rp-filter')).toEqual([]);
    expect(m.lab.host('router').counters.reversePathFilter).toBe(0);
    // "eth0 Out ARP, Request who-has 203.0.113.50 tell 192.168.10.1" (arp_announce=0 keeps
    // the reply's own source, even on another interface).
    const reqs = m.rec.arp('router', 'eth0', 'tx').filter((a) => a.op === 'request');
    expect(reqs.length).toBeGreaterThanOrEqual(2);
    expect(reqs.every((a) => ipStr(a.tpa) === '203.0.113.50' && ipStr(a.spa) === '192.168.10.1')).toBe(true);
    expect(m.rec.ip('rs1', 'eth0', 'rx').filter((x) => x.l4.kind === 'icmp' && x.l4.type === 0)).toEqual([]);
  });

  it('rp_filter=2 (loose) accepts: a route back exists, through whatever interface', () => {
    const m = asym({ 'net.ipv4.conf.eth1.rp_filter': 2 });
    pingTwice(m);
    expect(m.rec.drops('router', 'rp-filter')).toEqual([]);
    expect(m.rec.arp('router', 'eth0', 'tx').some((a) => ipStr(a.tpa) === '203.0.113.50')).toBe(true);
  });

  it('rp_filter=2 drops a source with no route back at all', () => {
    const m = asym({ 'net.ipv4.conf.eth1.rp_filter': 2 });
    m.lab.host('rs1').addAddr('lo', ip('198.51.100.7'), 32);
    pingTwice(m, '192.168.10.1', '198.51.100.7');
    expect(m.rec.drops('router').map((d) => d.reason)).toEqual(['rp-filter', 'rp-filter']);
  });

  it('a symmetric source passes rp_filter=1', () => {
    const m = asym({ 'net.ipv4.conf.all.rp_filter': 1 });
    const [a] = pingTwice(m, '192.168.10.1', '192.168.10.11');
    expect(a!.replies).toHaveLength(1);
    expect(m.rec.drops('router')).toEqual([]);
  });

  it('forwarded packets are filtered too: rs1 → client from 203.0.113.50 never reaches the client', () => {
    const m = asym({ 'net.ipv4.conf.eth1.rp_filter': 1 });
    pingTwice(m, '203.0.113.10');
    expect(m.rec.drops('router').map((d) => d.reason)).toEqual(['rp-filter', 'rp-filter']);
    expect(m.rec.ip('client')).toEqual([]);
  });

  describe('the value in force is max(conf.all, conf.eth1)', () => {
    const dropped = (s: Sysctl) => {
      const m = asym(s);
      pingTwice(m);
      return m.rec.drops('router', 'rp-filter').length;
    };
    it('all=1, eth1=0: strict', () => expect(dropped({ 'net.ipv4.conf.all.rp_filter': 1, 'net.ipv4.conf.eth1.rp_filter': 0 })).toBe(2));
    it('all=0, eth1=1: strict', () => expect(dropped({ 'net.ipv4.conf.eth1.rp_filter': 1 })).toBe(2));
    it('all=2, eth1=1: loose wins over strict', () => expect(dropped({ 'net.ipv4.conf.all.rp_filter': 2, 'net.ipv4.conf.eth1.rp_filter': 1 })).toBe(0));
    it('only eth0=1: eth1 is where the packet came in, so nothing is filtered', () => expect(dropped({ 'net.ipv4.conf.eth0.rp_filter': 1 })).toBe(0));
  });

  it('a host that does not forward reports not-forwarding, not rp-filter, for a packet that is not its own', () => {
    // ip_route_input_slow: without forwarding the input route fails (EHOSTUNREACH) before
    // the reverse path is ever checked; only local and forwarded packets are validated.
    const m = asym({ 'net.ipv4.ip_forward': 0, 'net.ipv4.conf.all.rp_filter': 1 });
    pingTwice(m, '203.0.113.10');
    expect(m.rec.drops('router').map((d) => d.reason)).toEqual(['not-forwarding', 'not-forwarding']);
    expect(m.lab.host('router').counters.reversePathFilter).toBe(0);
    expect(m.lab.host('router').counters.inAddrErrors).toBe(2);
  });
});

const VIP = '192.168.10.100';
const CIP = '203.0.113.10';

/**
 * LVS-TUN seen from a real server: the director (192.168.10.2) wraps the client's SYN for
 * the VIP in IP-in-IP to rs1 (192.168.10.11), whose route back to the client is via eth0.
 */
function tunRs(rs1: Partial<NodeIn>) {
  const nodes: NodeIn[] = [
    { name: 'lan', kind: 'switch' },
    {
      name: 'router',
      kind: 'router',
      ifaces: [
        { name: 'eth0', mac: '52:54:00:00:01:01', addrs: ['203.0.113.1/24'] },
        { name: 'eth1', mac: '52:54:00:00:0a:01', addrs: ['192.168.10.1/24'] },
      ],
      sysctl: { 'net.ipv4.ip_forward': 1 },
    },
    { name: 'director', kind: 'host', ifaces: [{ name: 'eth0', mac: '52:54:00:00:0a:02', addrs: ['192.168.10.2/24'] }] },
    {
      name: 'rs1',
      kind: 'rs',
      ifaces: [{ name: 'eth0', mac: '52:54:00:00:0a:11', addrs: ['192.168.10.11/24'] }],
      routes: [{ dst: 'default', via: '192.168.10.1' }],
      web: { port: 80, serviceTime: { dist: 'const', meanMs: 1 } },
      ...rs1,
    } as NodeIn,
  ];
  return miniLab(nodes, [
    { a: 'router:eth1', b: 'lan:p0' },
    { a: 'director:eth0', b: 'lan:p1' },
    { a: 'rs1:eth0', b: 'lan:p2' },
  ]);
}

/** What IPVS-TUN puts on the wire: 192.168.10.2 > 192.168.10.11: IP 203.0.113.10.43998 > VIP.80: Flags [S]. */
function sendTunnelledSyn(m: ReturnType<typeof tunRs>): Ipv4 {
  const inner = makeIp({ src: ip(CIP), dst: ip(VIP), ttl: 63, l4: { kind: 'tcp', sport: 43998, dport: 80, seq: 3973466621, ack: 0, flags: SYN, win: 64240, plen: 0, mss: 1460 } });
  const director = m.lab.host('director');
  const outer = makeIp({ src: ip('192.168.10.2'), dst: ip('192.168.10.11'), ttl: 64, id: director.nextIpId(), l4: { kind: 'ipip', inner } });
  director.output(outer);
  m.lab.advance(5 * MS);
  return outer;
}

/** rs1's SYN-ACK from the VIP to the client, out of eth0 (it goes straight to the router). */
function synAcks(m: ReturnType<typeof tunRs>): Ipv4[] {
  return m.rec.ip('rs1', 'eth0', 'tx').filter((x) => x.l4.kind === 'tcp' && x.l4.flags === (SYN | ACK) && ipStr(x.src) === VIP && ipStr(x.dst) === CIP);
}

const withTunl0 = (sysctl: Sysctl, tunl0: NonNullable<NodeIn['ifaces']>[number] = { name: 'tunl0', addrs: [`${VIP}/32`] }): Partial<NodeIn> => ({
  modules: ['ipip'],
  ifaces: [{ name: 'eth0', mac: '52:54:00:00:0a:11', addrs: ['192.168.10.11/24'] }, tunl0],
  sysctl,
});

describe('IP-in-IP on a TUN real server: decapsulated on tunl0, then rp_filter on tunl0', () => {
  it('tunl0 rp_filter=0 (and all=0): the inner SYN is accepted and rs1 answers the client directly from the VIP', () => {
    const m = tunRs(withTunl0({ 'net.ipv4.conf.all.rp_filter': 0, 'net.ipv4.conf.tunl0.rp_filter': 0 }));
    sendTunnelledSyn(m);
    const decap = m.rec.events.filter((e) => e.type === 'ip.forward' && e.node === 'rs1' && e.why.includes('tunl0'));
    expect(decap).toHaveLength(1);
    expect(synAcks(m)).toHaveLength(1);
    expect(m.rec.drops('rs1')).toEqual([]);
  });

  it('tunl0 rp_filter=1: the route back to the client leaves eth0, not tunl0 — silently dropped', () => {
    const m = tunRs(withTunl0({ 'net.ipv4.conf.tunl0.rp_filter': 1 }));
    sendTunnelledSyn(m);
    expect(m.rec.drops('rs1').map((d) => d.reason)).toEqual(['rp-filter']);
    expect(m.lab.host('rs1').counters.reversePathFilter).toBe(1);
    expect(synAcks(m)).toEqual([]);
    expect(m.rec.ip('director', 'eth0', 'rx')).toEqual([]);
  });

  it('all.rp_filter=1 with tunl0=0 still drops: max(all, tunl0)', () => {
    const m = tunRs(withTunl0({ 'net.ipv4.conf.all.rp_filter': 1, 'net.ipv4.conf.tunl0.rp_filter': 0 }));
    sendTunnelledSyn(m);
    expect(m.rec.drops('rs1').map((d) => d.reason)).toEqual(['rp-filter']);
    expect(synAcks(m)).toEqual([]);
  });

  it('rp_filter=2 (loose) on a tunl0 that holds the VIP accepts', () => {
    const m = tunRs(withTunl0({ 'net.ipv4.conf.tunl0.rp_filter': 2 }));
    sendTunnelledSyn(m);
    expect(synAcks(m)).toHaveLength(1);
  });

  it('VIP on lo and tunl0 up without an address: even loose rp_filter drops (no address on tunl0), 0 accepts', () => {
    // __fib_validate_source: an input device with no address goes to last_resort, which
    // rejects whenever rp_filter is on.
    const noAddr = { ifaces: [{ name: 'eth0', mac: '52:54:00:00:0a:11', addrs: ['192.168.10.11/24'] }, { name: 'tunl0' }, { name: 'lo', addrs: [`${VIP}/32`] }] };
    const loose = tunRs({ ...withTunl0({ 'net.ipv4.conf.tunl0.rp_filter': 2 }), ...noAddr });
    sendTunnelledSyn(loose);
    expect(loose.rec.drops('rs1').map((d) => d.reason)).toEqual(['rp-filter']);
    expect(synAcks(loose)).toEqual([]);
    const off = tunRs({ ...withTunl0({}), ...noAddr });
    sendTunnelledSyn(off);
    expect(synAcks(off)).toHaveLength(1);
  });

  it('no tunl0 (ipip not loaded): "ICMP 192.168.10.11 protocol 4 unreachable, length 88" back to the director', () => {
    const m = tunRs({ ifaces: [{ name: 'eth0', mac: '52:54:00:00:0a:11', addrs: ['192.168.10.11/24'] }, { name: 'lo', addrs: [`${VIP}/32`] }] });
    const outer = sendTunnelledSyn(m);
    expect(m.rec.drops('rs1').map((d) => d.reason)).toEqual(['proto-unreachable']);
    const icmp = m.rec.ip('director', 'eth0', 'rx').filter((x) => x.l4.kind === 'icmp');
    expect(icmp).toHaveLength(1);
    const err = icmp[0]!;
    expect(ipStr(err.src)).toBe('192.168.10.11');
    expect(err.l4.kind === 'icmp' && [err.l4.type, err.l4.code]).toEqual([3, 2]);
    expect(err.l4.kind === 'icmp' && 'orig' in err.l4 && err.l4.orig).toEqual(outer);
    // The error quotes the whole outer packet: "length 88" on Linux, whose SYN carries 20
    // bytes of options (the lab's SYN carries only MSS, so the numbers are smaller).
    expect(err.len - 20).toBe(8 + outer.len);
    expect(synAcks(m)).toEqual([]);
  });

  it('tunl0 down: no tunnel takes the packet, so tunnel4_rcv drops it with ICMP port unreachable', () => {
    const m = tunRs(withTunl0({}, { name: 'tunl0', up: false, addrs: [`${VIP}/32`] }));
    sendTunnelledSyn(m);
    expect(m.rec.drops('rs1').map((d) => d.reason)).toEqual(['tunnel-down']);
    const icmp = m.rec.ip('director', 'eth0', 'rx').filter((x) => x.l4.kind === 'icmp');
    expect(icmp.map((x) => x.l4.kind === 'icmp' && [x.l4.type, x.l4.code])).toEqual([[3, 3]]);
    expect(synAcks(m)).toEqual([]);
  });
});
