/**
 * ARP as Linux does it (net/ipv4/arp.c, net/core/neighbour.c): who answers a request
 * under each arp_ignore, which sender address a request carries under each arp_announce,
 * the LVS-DR "ARP problem" of linux-tools.md §5, and the neighbour states a learner sees
 * in `ip neigh`.
 */
import { describe, it, expect } from 'vitest';
import { MS, SEC, arping, miniLab, neigh, ping, type LinkIn, type NodeIn } from '../helpers/mini-lab';

const VIP = '192.168.10.100';
const MAC = { router: '52:54:00:00:0a:01', director: '52:54:00:00:0a:02', rs1: '52:54:00:00:0a:11', rs2: '52:54:00:00:0a:12', stranger: '52:54:00:00:0a:99' };

type Sysctl = Record<string, number>;

/**
 * The LAN of linux-tools.md §5: router .1, director .2 with the VIP on eth0:0, rs1 .11 and
 * rs2 .12 with the VIP on lo:0. rs1 also has an eth1 (10.0.0.11/24, no cable). A
 * "stranger" in another subnet (172.16.0.9/24) shares the wire. rs2's cable is the
 * shortest, then rs1's, then the director's, so replies arrive in the order of the capture.
 */
function lan(o: { rs1?: Sysctl; rs2?: Sysctl; director?: Sysctl; router?: Sysctl; rs1HostScopeVip?: boolean } = {}) {
  const nodes: NodeIn[] = [
    { name: 'lan', kind: 'switch' },
    { name: 'router', kind: 'router', ifaces: [{ name: 'eth0', mac: MAC.router, addrs: ['192.168.10.1/24'] }], sysctl: o.router ?? {} },
    {
      name: 'director',
      kind: 'director',
      ifaces: [{ name: 'eth0', mac: MAC.director, addrs: ['192.168.10.2/24', { addr: `${VIP}/32`, label: 'eth0:0' }] }],
      sysctl: o.director ?? {},
    },
    {
      name: 'rs1',
      kind: 'rs',
      ifaces: [
        { name: 'eth0', mac: MAC.rs1, addrs: ['192.168.10.11/24'] },
        { name: 'eth1', mac: '52:54:00:00:0b:11', addrs: ['10.0.0.11/24'] },
        { name: 'lo', addrs: o.rs1HostScopeVip ? [] : [{ addr: `${VIP}/32`, label: 'lo:0' }] },
      ],
      routes: [{ dst: 'default', via: '192.168.10.1' }],
      sysctl: o.rs1 ?? {},
    },
    {
      name: 'rs2',
      kind: 'rs',
      ifaces: [
        { name: 'eth0', mac: MAC.rs2, addrs: ['192.168.10.12/24'] },
        { name: 'lo', addrs: [{ addr: `${VIP}/32`, label: 'lo:0' }] },
      ],
      routes: [{ dst: 'default', via: '192.168.10.1' }],
      sysctl: o.rs2 ?? { 'net.ipv4.conf.all.arp_ignore': 1, 'net.ipv4.conf.all.arp_announce': 2 },
    },
    { name: 'stranger', kind: 'host', ifaces: [{ name: 'eth0', mac: MAC.stranger, addrs: ['172.16.0.9/24'] }] },
  ];
  const links: LinkIn[] = [
    { a: 'router:eth0', b: 'lan:p0', latency: '10us' },
    { a: 'rs2:eth0', b: 'lan:p1', latency: '20us' },
    { a: 'rs1:eth0', b: 'lan:p2', latency: '30us' },
    { a: 'director:eth0', b: 'lan:p3', latency: '40us' },
    { a: 'stranger:eth0', b: 'lan:p4', latency: '10us' },
  ];
  const m = miniLab(nodes, links);
  if (o.rs1HostScopeVip) {
    // `ip addr add 192.168.10.100/32 dev lo scope host`
    m.lab.host('rs1').addAddr('lo', 0xc0a80a64, 32, 'lo:0', 'host');
  }
  return m;
}

/** Who answers `arping -I eth0 TARGET` sent by `asker`: the MACs of the replies, in arrival order. */
function whoAnswers(m: ReturnType<typeof lan>, asker: 'router' | 'stranger', target: string): string[] {
  const t0 = m.lab.now;
  arping(m.lab.host(asker), 'eth0', target);
  m.lab.advance(10 * MS);
  return m.rec.arpRepliesTo(asker, 'eth0', t0).map((r) => r.mac);
}

describe('arp_ignore: who answers a request for a local address', () => {
  // rs1's answer, for each arp_ignore value set in conf.all (rs2 stays quiet with arp_ignore=1).
  const cases: { mode: number; vipOnLo: boolean; otherIface: boolean; ownAddr: boolean; ownAddrOtherSubnet: boolean }[] = [
    { mode: 0, vipOnLo: true, otherIface: true, ownAddr: true, ownAddrOtherSubnet: true },
    { mode: 1, vipOnLo: false, otherIface: false, ownAddr: true, ownAddrOtherSubnet: true },
    { mode: 2, vipOnLo: false, otherIface: false, ownAddr: true, ownAddrOtherSubnet: false },
    // 3 only hides scope-host addresses: a VIP added with `ip addr add` is scope global.
    { mode: 3, vipOnLo: true, otherIface: true, ownAddr: true, ownAddrOtherSubnet: true },
    { mode: 8, vipOnLo: false, otherIface: false, ownAddr: false, ownAddrOtherSubnet: false },
  ];
  for (const c of cases) {
    it(`arp_ignore=${c.mode}: VIP on lo ${c.vipOnLo ? 'answered' : 'ignored'}, eth1 address ${c.otherIface ? 'answered' : 'ignored'}, eth0 address ${c.ownAddr ? 'answered' : 'ignored'} (${c.ownAddrOtherSubnet ? 'also' : 'not'} to another subnet)`, () => {
      const m = lan({ rs1: { 'net.ipv4.conf.all.arp_ignore': c.mode } });
      expect(whoAnswers(m, 'router', VIP).includes(MAC.rs1)).toBe(c.vipOnLo);
      expect(whoAnswers(m, 'router', '10.0.0.11')).toEqual(c.otherIface ? [MAC.rs1] : []);
      expect(whoAnswers(m, 'router', '192.168.10.11')).toEqual(c.ownAddr ? [MAC.rs1] : []);
      expect(whoAnswers(m, 'stranger', '192.168.10.11')).toEqual(c.ownAddrOtherSubnet ? [MAC.rs1] : []);
    });
  }

  it('the director always answers for the VIP on its eth0, so with arp_ignore=1 on the real servers only it replies', () => {
    const m = lan({ rs1: { 'net.ipv4.conf.all.arp_ignore': 1, 'net.ipv4.conf.eth0.arp_ignore': 1 } });
    expect(whoAnswers(m, 'router', VIP)).toEqual([MAC.director]);
    // ...and rs1 still answers for its own eth0 address (the §5 capture's second pair).
    expect(whoAnswers(m, 'router', '192.168.10.11')).toEqual([MAC.rs1]);
  });

  it('with arp_ignore=0 everywhere all three answer, in wire order (§5 capture)', () => {
    const m = lan({ rs1: {}, rs2: {} });
    expect(whoAnswers(m, 'router', VIP)).toEqual([MAC.rs2, MAC.rs1, MAC.director]);
  });

  it('arp_ignore=2 answers for a /32 on eth0 when the asker is in the subnet of another eth0 address', () => {
    // inet_confirm_addr: the target must be on the interface, and some address of the
    // interface must cover both the target and the sender (192.168.10.2/24 does).
    const m = lan({ director: { 'net.ipv4.conf.all.arp_ignore': 2 } });
    expect(whoAnswers(m, 'router', VIP)).toContain(MAC.director);
    expect(whoAnswers(m, 'stranger', VIP)).not.toContain(MAC.director);
  });

  it('arp_ignore=3 hides an address of scope host', () => {
    const hidden = lan({ rs1HostScopeVip: true, rs1: { 'net.ipv4.conf.all.arp_ignore': 3 } });
    expect(whoAnswers(hidden, 'router', VIP)).not.toContain(MAC.rs1);
    const shown = lan({ rs1HostScopeVip: true, rs1: { 'net.ipv4.conf.all.arp_ignore': 0 } });
    expect(whoAnswers(shown, 'router', VIP)).toContain(MAC.rs1);
  });

  it('nobody answers for 127.0.0.1 (a martian destination on eth0)', () => {
    const m = lan({ rs1: {}, rs2: {} });
    expect(whoAnswers(m, 'router', '127.0.0.1')).toEqual([]);
  });

  describe('the value in force is max(conf.all, conf.IFACE) of the interface the request came in on', () => {
    const rs1Answers = (s: Sysctl, asker: 'router' | 'stranger' = 'router', target = VIP) => whoAnswers(lan({ rs1: s }), asker, target).includes(MAC.rs1);
    it('all=0, eth0=1: ignored', () => expect(rs1Answers({ 'net.ipv4.conf.eth0.arp_ignore': 1 })).toBe(false));
    it('all=1, eth0=0: ignored', () => expect(rs1Answers({ 'net.ipv4.conf.all.arp_ignore': 1, 'net.ipv4.conf.eth0.arp_ignore': 0 })).toBe(false));
    it('only lo=1: answered — the request arrives on eth0, lo\'s value does not count', () => expect(rs1Answers({ 'net.ipv4.conf.lo.arp_ignore': 1 })).toBe(true));
    it('all=2, eth0=1: mode 2, so a sender in another subnet gets no answer', () => {
      expect(rs1Answers({ 'net.ipv4.conf.all.arp_ignore': 2, 'net.ipv4.conf.eth0.arp_ignore': 1 }, 'stranger', '192.168.10.11')).toBe(false);
      expect(rs1Answers({ 'net.ipv4.conf.all.arp_ignore': 1, 'net.ipv4.conf.eth0.arp_ignore': 1 }, 'stranger', '192.168.10.11')).toBe(true);
    });
  });
});

describe('arp_announce: the sender address of rs1\'s ARP request when it pings the router from the VIP', () => {
  /** `ping -c 1 -I VIP 192.168.10.1` on rs1, after `ip neigh flush all`; the ARP request rs1 sends. */
  function announce(s: Sysctl, src = VIP) {
    const m = lan({ rs1: { 'net.ipv4.conf.all.arp_ignore': 1, ...s } });
    if (src !== VIP) m.lab.host('rs1').addAddr('lo', 0x0a090909, 32, 'lo:1'); // 10.9.9.9/32
    const p = ping(m.lab.host('rs1'), '192.168.10.1', { src });
    m.lab.advance(50 * MS);
    const req = m.rec.arp('rs1', 'eth0', 'tx').filter((a) => a.op === 'request' && a.tpa === 0xc0a80a01);
    return { m, p, tell: req.map((a) => `${a.spa >>> 24}.${(a.spa >>> 16) & 255}.${(a.spa >>> 8) & 255}.${a.spa & 255}`) };
  }

  it('arp_announce=0: "who-has 192.168.10.1 tell 192.168.10.100", and the router maps the VIP to rs1 (§5)', () => {
    const { m, p, tell } = announce({});
    expect(tell).toEqual([VIP]);
    expect(neigh(m.lab.host('router'), 'eth0', VIP)).toEqual({ state: 'DELAY', mac: MAC.rs1 });
    expect(p.replies).toHaveLength(1);
  });

  it('arp_announce=2: "tell 192.168.10.11"; the router ARPs for the VIP itself, the director answers, rs1 gets no reply (§5)', () => {
    const { m, p, tell } = announce({ 'net.ipv4.conf.all.arp_announce': 2 });
    expect(tell).toEqual(['192.168.10.11']);
    const router = m.lab.host('router');
    expect(neigh(router, 'eth0', '192.168.10.11')).toEqual({ state: 'STALE', mac: MAC.rs1 });
    expect(neigh(router, 'eth0', VIP)).toEqual({ state: 'REACHABLE', mac: MAC.director });
    // rs1 sees the router's broadcast "who-has 192.168.10.100 tell 192.168.10.1" go by.
    expect(m.rec.arp('rs1', 'eth0', 'rx').some((a) => a.op === 'request' && a.tpa === 0xc0a80a64 && a.spa === 0xc0a80a01)).toBe(true);
    expect(p.replies).toHaveLength(0);
    const atDirector = m.rec.ip('director', 'eth0', 'rx').filter((x) => x.l4.kind === 'icmp' && x.l4.type === 0);
    expect(atDirector).toHaveLength(1);
  });

  it('arp_announce=1 keeps the VIP when it is inside a subnet of eth0 shared with the target', () => {
    expect(announce({ 'net.ipv4.conf.all.arp_announce': 1 }).tell).toEqual([VIP]);
  });

  it('arp_announce=1 replaces a source outside eth0\'s subnets; 0 does not', () => {
    expect(announce({ 'net.ipv4.conf.all.arp_announce': 1 }, '10.9.9.9').tell).toEqual(['192.168.10.11']);
    expect(announce({}, '10.9.9.9').tell).toEqual(['10.9.9.9']);
  });

  it('max(all, iface): all=2 or eth0=2 both give the primary address; lo=2 alone does nothing', () => {
    expect(announce({ 'net.ipv4.conf.all.arp_announce': 2, 'net.ipv4.conf.eth0.arp_announce': 0 }).tell).toEqual(['192.168.10.11']);
    expect(announce({ 'net.ipv4.conf.eth0.arp_announce': 2 }).tell).toEqual(['192.168.10.11']);
    expect(announce({ 'net.ipv4.conf.lo.arp_announce': 2 }).tell).toEqual([VIP]);
  });

  it('a request addressed to a host teaches it the asker (neigh_event_ns): its answer needs no ARP of its own', () => {
    const m = lan({ rs1: {} });
    const p = ping(m.lab.host('rs1'), '192.168.10.1');
    m.lab.advance(50 * MS);
    expect(p.replies).toHaveLength(1);
    expect(m.rec.arp('router', 'eth0', 'tx').filter((a) => a.op === 'request')).toEqual([]);
    // STALE from rs1's request, then DELAY once the echo reply used it.
    expect(neigh(m.lab.host('router'), 'eth0', '192.168.10.11')).toEqual({ state: 'DELAY', mac: MAC.rs1 });
  });
});

describe('neighbour states (ip neigh)', () => {
  it('INCOMPLETE while resolving, REACHABLE when the reply comes', () => {
    const m = lan();
    const router = m.lab.host('router');
    const p = ping(router, '192.168.10.11');
    expect(neigh(router, 'eth0', '192.168.10.11')).toEqual({ state: 'INCOMPLETE', mac: undefined });
    m.lab.advance(1 * MS);
    expect(neigh(router, 'eth0', '192.168.10.11')).toEqual({ state: 'REACHABLE', mac: MAC.rs1 });
    expect(p.replies).toHaveLength(1);
    // The request was broadcast, with a zero target MAC as the kernel writes it.
    const req = m.rec.arp('router', 'eth0', 'tx').filter((a) => a.op === 'request');
    expect(req).toEqual([expect.objectContaining({ dstMac: 'ff:ff:ff:ff:ff:ff', tha: '00:00:00:00:00:00', spa: 0xc0a80a01, tpa: 0xc0a80a0b })]);
  });

  it('REACHABLE turns STALE after reachable_time (random in [15 s, 45 s) for base 30 s)', () => {
    const m = lan();
    const router = m.lab.host('router');
    ping(router, '192.168.10.11');
    m.lab.advance(14 * SEC);
    expect(neigh(router, 'eth0', '192.168.10.11')?.state).toBe('REACHABLE');
    m.lab.advance(32 * SEC);
    expect(neigh(router, 'eth0', '192.168.10.11')).toEqual({ state: 'STALE', mac: MAC.rs1 });
  });

  it('STALE → DELAY on use → PROBE after 5 s (unicast request) → REACHABLE when answered', () => {
    const m = lan();
    const router = m.lab.host('router');
    ping(router, '192.168.10.11');
    m.lab.advance(50 * SEC);
    expect(neigh(router, 'eth0', '192.168.10.11')?.state).toBe('STALE');
    const t0 = m.lab.now;
    const seen = m.rec.events.length;
    const p = ping(router, '192.168.10.11');
    expect(neigh(router, 'eth0', '192.168.10.11')?.state).toBe('DELAY');
    m.lab.advance(1 * MS);
    expect(p.replies).toHaveLength(1); // sent at once to the cached MAC
    m.lab.advance(4_900 * MS);
    expect(neigh(router, 'eth0', '192.168.10.11')?.state).toBe('DELAY');
    m.lab.advance(200 * MS);
    expect(neigh(router, 'eth0', '192.168.10.11')).toEqual({ state: 'REACHABLE', mac: MAC.rs1 });
    const probes = m.rec.arp('router', 'eth0', 'tx', t0).filter((a) => a.op === 'request');
    expect(probes).toEqual([expect.objectContaining({ dstMac: MAC.rs1, tha: MAC.rs1, spa: 0xc0a80a01 })]);
    const states = m.rec.events.slice(seen).flatMap((e) => (e.type === 'ctl' && e.node === 'router' && e.what === 'neigh' ? [e.data?.state] : []));
    expect(states).toEqual(['DELAY', 'PROBE', 'REACHABLE']);
  });

  it('PROBE → FAILED after 3 unanswered unicast probes when the neighbour is gone', () => {
    const m = lan();
    const router = m.lab.host('router');
    ping(router, '192.168.10.11');
    m.lab.advance(50 * SEC);
    m.lab.apply({ type: 'power', node: 'rs1', on: false });
    const t0 = m.lab.now;
    ping(router, '192.168.10.11');
    m.lab.advance(7_900 * MS);
    expect(neigh(router, 'eth0', '192.168.10.11')?.state).toBe('PROBE');
    m.lab.advance(200 * MS);
    expect(neigh(router, 'eth0', '192.168.10.11')?.state).toBe('FAILED');
    const probes = m.rec.arp('router', 'eth0', 'tx', t0).filter((a) => a.op === 'request');
    expect(probes.map((a) => a.dstMac)).toEqual([MAC.rs1, MAC.rs1, MAC.rs1]);
  });

  it('FAILED after 3 unanswered broadcast solicits (~3 s): "no ARP reply", and ping says Destination Host Unreachable', () => {
    const m = lan();
    const director = m.lab.host('director');
    const p = ping(director, '192.168.10.99');
    m.lab.advance(2_900 * MS);
    expect(neigh(director, 'eth0', '192.168.10.99')?.state).toBe('INCOMPLETE');
    expect(p.errors).toEqual([]);
    m.lab.advance(200 * MS);
    expect(neigh(director, 'eth0', '192.168.10.99')).toEqual({ state: 'FAILED', mac: undefined });
    const reqs = m.rec.arp('director', 'eth0', 'tx').filter((a) => a.op === 'request' && a.tpa === 0xc0a80a63);
    expect(reqs.map((a) => a.dstMac)).toEqual(['ff:ff:ff:ff:ff:ff', 'ff:ff:ff:ff:ff:ff', 'ff:ff:ff:ff:ff:ff']);
    const sentAt = m.rec.events.filter((e) => e.type === 'dev.tx' && e.node === 'director' && e.frame.arp?.tpa === 0xc0a80a63).map((e) => e.t);
    expect(sentAt).toEqual([0, SEC, 2 * SEC]);
    const drops = m.rec.drops('director', 'arp-failed');
    expect(drops).toHaveLength(1);
    expect(drops[0]!.text).toContain('no ARP reply for 192.168.10.99');
    expect(drops[0]!.t).toBe(3 * SEC);
    // "From 192.168.10.2 icmp_seq=1 Destination Host Unreachable"
    expect(p.errors.map((e) => [e.from, e.type, e.code])).toEqual([['192.168.10.2', 3, 1]]);
  });

  it('the first reply wins: with three answerers the router keeps the first (§5: rs2)', () => {
    const m = lan({ rs1: {}, rs2: {} });
    const router = m.lab.host('router');
    ping(router, VIP);
    m.lab.advance(10 * MS);
    expect(m.rec.arpRepliesTo('router', 'eth0').map((r) => r.mac)).toEqual([MAC.rs2, MAC.rs1, MAC.director]);
    expect(neigh(router, 'eth0', VIP)).toEqual({ state: 'REACHABLE', mac: MAC.rs2 });
  });

  it('after locktime a different answer takes over, and an unchanged answer does not restart the lock (ARP flapping)', () => {
    const m = lan({ rs1: {}, rs2: {} });
    const router = m.lab.host('router');
    ping(router, VIP);
    m.lab.advance(2 * SEC);
    // A second round 2 s later: rs2's reply changes nothing; rs1's arrives after locktime
    // (1 s since the last change) and overrides; the director's is then within the lock.
    arping(router, 'eth0', VIP);
    m.lab.advance(10 * MS);
    expect(neigh(router, 'eth0', VIP)).toEqual({ state: 'REACHABLE', mac: MAC.rs1 });
  });

  it('within locktime a different answer is ignored even for a STALE entry, but a request to us always overrides', () => {
    const m = lan({ rs1: {}, rs2: {} });
    const router = m.lab.host('router');
    ping(router, VIP);
    m.lab.advance(50 * SEC);
    expect(neigh(router, 'eth0', VIP)?.state).toBe('STALE');
    // A gratuitous ARP from the director always overrides...
    m.lab.host('director').gratuitousArp(m.lab.host('director').iface('eth0')!, 0xc0a80a64);
    m.lab.advance(1 * MS);
    expect(neigh(router, 'eth0', VIP)).toEqual({ state: 'STALE', mac: MAC.director });
    // ...a broadcast request from rs1 with the VIP as sender, for someone else, right after it
    // does not (the entry changed less than locktime ago)...
    const rs1 = m.lab.host('rs1');
    rs1.neigh.flush();
    ping(rs1, '192.168.10.2', { src: VIP });
    m.lab.advance(1 * MS);
    expect(neigh(router, 'eth0', VIP)?.mac).toBe(MAC.director);
    // ...but a request for the router's own address does (neigh_event_ns overrides).
    rs1.neigh.flush();
    ping(rs1, '192.168.10.1', { src: VIP });
    m.lab.advance(1 * MS);
    expect(neigh(router, 'eth0', VIP)?.mac).toBe(MAC.rs1);
  });
});
