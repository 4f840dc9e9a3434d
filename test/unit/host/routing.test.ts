/**
 * IPv4 routing as Linux does it: longest prefix, then metric; connected routes that follow
 * addresses and links; forwarding with TTL decrement; and the ICMP errors a router sends
 * back (linux-tools.md §1 and §3: time exceeded, net/host unreachable, frag needed).
 */
import { describe, it, expect } from 'vitest';
import { ipStr } from '../../../src/core/net/addr';
import type { Host } from '../../../src/core/host/host';
import { MS, SEC, miniLab, ping, type NodeIn } from '../helpers/mini-lab';

/** `ip route get DST`: "via GW dev DEV" or "dev DEV" (on-link), "local", or "unreachable". */
function routeGet(h: Host, dst: string): string {
  const [a, b, c, d] = dst.split('.').map(Number) as [number, number, number, number];
  const r = h.route(((a << 24) | (b << 16) | (c << 8) | d) >>> 0);
  if (r.kind === 'local') return 'local';
  if (r.kind === 'unreachable') return 'unreachable';
  return r.route.via !== undefined ? `via ${ipStr(r.route.via)} dev ${r.dev.name}` : `dev ${r.dev.name}`;
}

/** `ip route show`, one string per route, kernel routes with their preferred source. */
function routeShow(h: Host): string[] {
  return h.routes.listed().map((r) => `${r.len === 0 ? 'default' : `${ipStr(r.dst)}/${r.len}`}${r.via !== undefined ? ` via ${ipStr(r.via)}` : ''} dev ${r.dev.name}${r.proto === 'kernel' ? ` proto kernel scope link src ${ipStr(r.src!)}` : ''}${r.metric ? ` metric ${r.metric}` : ''}`);
}

describe('route lookup', () => {
  function multi() {
    return miniLab([
      {
        name: 'h',
        kind: 'host',
        ifaces: [
          { name: 'eth0', addrs: ['10.0.0.2/24'] },
          { name: 'eth1', addrs: ['10.1.0.2/24'] },
        ],
        routes: [
          { dst: '10.0.0.0/8', via: '10.0.0.1' },
          { dst: '10.1.0.0/16', via: '10.1.0.1' },
          { dst: 'default', via: '10.0.0.254', metric: 100 },
          { dst: 'default', via: '10.1.0.254', metric: 50 },
        ],
      },
    ]);
  }

  it('the longest matching prefix wins, whatever the order the routes were added', () => {
    const h = multi().lab.host('h');
    expect(routeGet(h, '10.1.2.3')).toBe('via 10.1.0.1 dev eth1');
    expect(routeGet(h, '10.9.9.9')).toBe('via 10.0.0.1 dev eth0');
    expect(routeGet(h, '10.0.0.77')).toBe('dev eth0');
    expect(routeGet(h, '10.0.0.2')).toBe('local');
  });

  it('among equal prefixes the lowest metric wins', () => {
    const h = multi().lab.host('h');
    expect(routeGet(h, '8.8.8.8')).toBe('via 10.1.0.254 dev eth1');
  });

  it('`ip link set eth1 down` removes every route through eth1, so the others take over', () => {
    const h = multi().lab.host('h');
    h.setLinkUp('eth1', false);
    expect(routeGet(h, '8.8.8.8')).toBe('via 10.0.0.254 dev eth0');
    expect(routeGet(h, '10.1.2.3')).toBe('via 10.0.0.1 dev eth0');
    expect(routeShow(h).some((r) => r.includes('eth1'))).toBe(false);
  });

  it('with no route at all, ping says "connect: Network is unreachable" (nothing is sent)', () => {
    const { lab, rec } = miniLab([{ name: 'lonely', kind: 'host' }]);
    const p = ping(lab.host('lonely'), '192.168.10.11');
    lab.advance(10 * MS);
    expect(p.sent).toBe(false);
    expect(rec.frames('lonely')).toEqual([]);
  });
});

describe('connected routes follow addresses and links', () => {
  function one() {
    return miniLab([{ name: 'h', kind: 'host', ifaces: [{ name: 'eth0', addrs: ['192.168.10.11/24'] }] }]).lab.host('h');
  }

  it('an address brings its subnet route (proto kernel scope link src ADDR); a /32 brings none', () => {
    const h = one();
    expect(routeShow(h)).toEqual(['192.168.10.0/24 dev eth0 proto kernel scope link src 192.168.10.11']);
    h.addAddr('eth0', 0xac140005, 16); // 172.20.0.5/16
    h.addAddr('eth0', 0xc0a80a64, 32); // 192.168.10.100/32
    expect(routeShow(h)).toEqual(['172.20.0.0/16 dev eth0 proto kernel scope link src 172.20.0.5', '192.168.10.0/24 dev eth0 proto kernel scope link src 192.168.10.11']);
  });

  it('a second address in the same subnet is secondary: no second route; deleting the primary promotes it', () => {
    const h = one();
    h.addAddr('eth0', 0xc0a80a0c, 24); // 192.168.10.12/24
    expect(routeShow(h)).toEqual(['192.168.10.0/24 dev eth0 proto kernel scope link src 192.168.10.11']);
    expect(h.iface('eth0')!.addrs.map((a) => a.secondary)).toEqual([false, true]);
    h.delAddr('eth0', 0xc0a80a0b, 24);
    expect(routeShow(h)).toEqual(['192.168.10.0/24 dev eth0 proto kernel scope link src 192.168.10.12']);
    h.delAddr('eth0', 0xc0a80a0c, 24);
    expect(routeShow(h)).toEqual([]);
    expect(routeGet(h, '192.168.10.1')).toBe('unreachable');
  });

  it('link down removes the connected route, link up brings it back', () => {
    const h = one();
    h.setLinkUp('eth0', false);
    expect(routeShow(h)).toEqual([]);
    expect(routeGet(h, '192.168.10.1')).toBe('unreachable');
    h.setLinkUp('eth0', true);
    expect(routeShow(h)).toEqual(['192.168.10.0/24 dev eth0 proto kernel scope link src 192.168.10.11']);
  });

  it('an address added while the link is down gets its route when the link comes up', () => {
    const h = one();
    h.setLinkUp('eth0', false);
    h.addAddr('eth0', 0xac140005, 16);
    expect(routeShow(h)).toEqual([]);
    h.setLinkUp('eth0', true);
    expect(routeShow(h).sort()).toEqual(['172.20.0.0/16 dev eth0 proto kernel scope link src 172.20.0.5', '192.168.10.0/24 dev eth0 proto kernel scope link src 192.168.10.11']);
  });
});

/** client 203.0.113.10 — router (203.0.113.1 | 192.168.10.1) — LAN with rs1 192.168.10.11. */
function routed(o: { forward?: boolean; eth1Mtu?: number } = {}) {
  const nodes: NodeIn[] = [
    { name: 'client', kind: 'client', ifaces: [{ name: 'eth0', mac: '52:54:00:00:01:10', addrs: ['203.0.113.10/24'] }], routes: [{ dst: 'default', via: '203.0.113.1' }] },
    {
      name: 'router',
      kind: 'router',
      ifaces: [
        { name: 'eth0', mac: '52:54:00:00:01:01', addrs: ['203.0.113.1/24'] },
        { name: 'eth1', mac: '52:54:00:00:0a:01', addrs: ['192.168.10.1/24'], ...(o.eth1Mtu ? { mtu: o.eth1Mtu } : {}) },
      ],
      sysctl: { 'net.ipv4.ip_forward': o.forward === false ? 0 : 1 },
    },
    { name: 'lan', kind: 'switch' },
    { name: 'rs1', kind: 'rs', ifaces: [{ name: 'eth0', mac: '52:54:00:00:0a:11', addrs: ['192.168.10.11/24'] }], routes: [{ dst: 'default', via: '192.168.10.1' }] },
  ];
  return miniLab(nodes, [
    { a: 'client:eth0', b: 'router:eth0' },
    { a: 'router:eth1', b: 'lan:p0' },
    { a: 'rs1:eth0', b: 'lan:p1' },
  ]);
}

describe('forwarding', () => {
  it('a router forwards and decrements the TTL: rs1 sees ttl 63, the client\'s reply has ttl 63 (§3)', () => {
    const { lab, rec } = routed();
    const p = ping(lab.host('client'), '192.168.10.11');
    lab.advance(10 * MS);
    const atRs1 = rec.ip('rs1', 'eth0', 'rx').filter((x) => x.l4.kind === 'icmp');
    expect(atRs1.map((x) => x.ttl)).toEqual([63]);
    expect(p.replies.map((x) => x.ttl)).toEqual([63]);
    const fwd = rec.events.filter((e) => e.type === 'ip.forward' && e.node === 'router');
    expect(fwd).toHaveLength(2);
    expect(lab.host('router').counters.forwarded).toBe(2);
  });

  it('ip_forward=0: the router drops it silently (not-forwarding, InAddrErrors), no ICMP back', () => {
    const { lab, rec } = routed({ forward: false });
    const p = ping(lab.host('client'), '192.168.10.11');
    lab.advance(2 * SEC);
    expect(rec.drops('router').map((d) => d.reason)).toEqual(['not-forwarding']);
    expect(lab.host('router').counters.inAddrErrors).toBe(1);
    expect(p.replies).toEqual([]);
    expect(p.errors).toEqual([]);
    expect(rec.ip('rs1')).toEqual([]);
  });

  it('ping -t 1: "From 203.0.113.1 icmp_seq=1 Time to live exceeded", the error quoting the 84-byte request (length 92)', () => {
    const { lab, rec } = routed();
    const p = ping(lab.host('client'), '192.168.10.11', { ttl: 1 });
    lab.advance(10 * MS);
    expect(rec.drops('router').map((d) => d.reason)).toEqual(['ttl-exceeded']);
    expect(p.errors.map((e) => [e.from, e.type, e.code])).toEqual([['203.0.113.1', 11, 0]]);
    const err = p.errors[0]!.ip;
    // tcpdump: "ICMP time exceeded in-transit, length 92" (8 + the whole 84-byte original).
    expect(err.len - 20).toBe(92);
    expect(err.tos).toBe(0xc0);
    expect(err.ttl).toBe(64);
    expect(rec.ip('rs1')).toEqual([]);
  });

  it('ping -t 2 gets through with ttl 1 at rs1', () => {
    const { lab, rec } = routed();
    ping(lab.host('client'), '192.168.10.11', { ttl: 2 });
    lab.advance(10 * MS);
    expect(rec.ip('rs1', 'eth0', 'rx').filter((x) => x.l4.kind === 'icmp' && x.l4.type === 8).map((x) => x.ttl)).toEqual([1]);
  });

  it('no route: "From 203.0.113.1 icmp_seq=1 Destination Net Unreachable"', () => {
    const { lab, rec } = routed();
    const p = ping(lab.host('client'), '198.51.100.1');
    lab.advance(10 * MS);
    expect(rec.drops('router').map((d) => d.reason)).toEqual(['no-route']);
    expect(p.errors.map((e) => [e.from, e.type, e.code])).toEqual([['203.0.113.1', 3, 0]]);
    expect(p.errors[0]!.ip.len - 20).toBe(92);
  });

  it('no ARP answer behind the router: "Destination Host Unreachable" from the router after ~3 s', () => {
    const { lab, rec } = routed();
    const p = ping(lab.host('client'), '192.168.10.98');
    lab.advance(2_900 * MS);
    expect(p.errors).toEqual([]);
    lab.advance(200 * MS);
    expect(p.errors.map((e) => [e.from, e.type, e.code])).toEqual([['203.0.113.1', 3, 1]]);
    expect(rec.drops('router', 'arp-failed')).toHaveLength(1);
    // "eth1 Out ARP, Request who-has 192.168.10.98 tell 192.168.10.1" (a forwarded packet's
    // source is not local, so the router announces its own eth1 address).
    const reqs = rec.arp('router', 'eth1', 'tx').filter((a) => a.tpa === 0xc0a80a62);
    expect(reqs.map((a) => ipStr(a.spa))).toEqual(['192.168.10.1', '192.168.10.1', '192.168.10.1']);
  });

  it('MTU 1400 on the way and DF set: "Frag needed and DF set (mtu = 1400)", an ICMP of 576 bytes', () => {
    const { lab, rec } = routed({ eth1Mtu: 1400 });
    const p = ping(lab.host('client'), '192.168.10.11', { size: 1400 });
    lab.advance(10 * MS);
    expect(rec.drops('router').map((d) => d.reason)).toEqual(['frag-needed']);
    expect(p.errors.map((e) => [e.from, e.type, e.code, e.mtu])).toEqual([['203.0.113.1', 3, 4, 1400]]);
    // "(tos 0xc0, ttl 64, ..., proto ICMP (1), length 576)": the quote is cut at 576 bytes.
    expect(p.errors[0]!.ip.len).toBe(576);
    expect(rec.ip('rs1')).toEqual([]);
  });

  it('MTU 1400 and a packet that fits, or one without DF, gets through', () => {
    const { lab } = routed({ eth1Mtu: 1400 });
    const fits = ping(lab.host('client'), '192.168.10.11', { size: 1372 });
    const noDf = ping(lab.host('client'), '192.168.10.11', { size: 1400, df: false });
    lab.advance(10 * MS);
    expect(fits.replies).toHaveLength(1);
    expect(fits.errors).toEqual([]);
    expect(noDf.errors).toEqual([]);
  });
});

describe('the local table', () => {
  it('a VIP put on lo as /24 instead of /32 makes the whole /24 local: rs1 answers its own pings to the gateway', () => {
    // fib_add_ifaddr adds "local 192.168.10.0/24 dev lo" to the local table for a prefix on
    // a loopback device — the classic LVS-DR misconfiguration.
    const { lab, rec } = routed();
    const rs1 = lab.host('rs1');
    expect(rs1.addAddr('lo', 0xc0a80a64, 24, 'lo:0')).toBe('ok');
    expect(routeGet(rs1, '192.168.10.1')).toBe('local');
    const p = ping(rs1, '192.168.10.1');
    lab.advance(10 * MS);
    expect(p.replies).toHaveLength(1);
    expect(rec.frames('rs1', 'eth0', 'tx')).toEqual([]);
    expect(rec.frames('router', 'eth1', 'rx')).toEqual([]);
  });

  it('...and, with arp_ignore=0, rs1 answers ARP for every address of that /24', () => {
    const { lab, rec } = routed();
    lab.host('rs1').addAddr('lo', 0xc0a80a64, 24, 'lo:0');
    const p = ping(lab.host('router'), '192.168.10.99');
    lab.advance(10 * MS);
    expect(rec.arpRepliesTo('router', 'eth1')).toEqual([{ ip: '192.168.10.99', mac: '52:54:00:00:0a:11' }]);
    // With rp_filter=0 only rs1's own addresses are martian sources, so the request from
    // 192.168.10.1 is accepted even though that address is in the local /24...
    expect(rec.drops('rs1')).toEqual([]);
    expect(rec.ip('rs1', 'eth0', 'rx').filter((x) => x.l4.kind === 'icmp' && x.l4.type === 8)).toHaveLength(1);
    // ...but the reply to it is routed to lo: the router's ping never gets an answer.
    expect(rec.ip('rs1', 'lo', 'tx').filter((x) => x.l4.kind === 'icmp' && x.l4.type === 0).map((x) => ipStr(x.dst))).toEqual(['192.168.10.1']);
    expect(p.replies).toEqual([]);
  });

  it('the same VIP as /32 leaves the gateway reachable', () => {
    const { lab, rec } = routed();
    const rs1 = lab.host('rs1');
    rs1.addAddr('lo', 0xc0a80a64, 32, 'lo:0');
    expect(routeGet(rs1, '192.168.10.1')).toBe('dev eth0');
    const p = ping(rs1, '192.168.10.1');
    lab.advance(10 * MS);
    expect(p.replies).toHaveLength(1);
    expect(rec.ip('router', 'eth1', 'rx').filter((x) => x.l4.kind === 'icmp')).toHaveLength(1);
  });
});
