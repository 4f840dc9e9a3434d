/**
 * ipvs-datapath.md §2.2–§2.3 and §1: the classic LVS set-up mistakes, each ending in a
 * drop with a typed reason in the trace (and what the client and the director see).
 */
import { describe, expect, it } from 'vitest';
import { stateName } from '../../../src/core/ipvs/ipvs';
import type { ScenarioInput } from '../../../src/core/scenario/schema';
import { CIP, F, MS, SEC, SETTLE, build, conns, curl, drops, embedded, get, hops, inject, innerTcp, ip, ipStr, isolate, node, only, pktStr, send, service, tcp, type TestLab } from './helpers';

const VIP = '192.168.10.100';
const { SYN, ACK, PSH } = F;

const reasons = (t: TestLab, n?: string) => drops(t.events, n).map((d) => `${d.node}: ${d.reason}`);
/** Drops other than end hosts answering hand-made segments (no socket) with RST. */
const others = (t: TestLab) => reasons(t).filter((r) => !r.endsWith(': no-socket'));
const icmpTo = (t: TestLab, who: string) =>
  hops(t.events, (p) => p.l4.kind === 'icmp')
    .filter((h) => h.link.endsWith(`${who}:eth0`))
    .map((h) => pktStr(h.ip));

describe('NAT: a real server whose default gateway is not the director', () => {
  // A second router (gw2) joins the real-server segment to the Internet; the RSs use it.
  const wrongGw = (s: ScenarioInput) => {
    s.nodes.push({
      name: 'gw2',
      kind: 'router',
      ifaces: [
        { name: 'eth0', mac: '52:54:00:00:0b:01', addrs: ['192.168.10.254/24'] },
        { name: 'eth1', mac: '52:54:00:00:0b:02', addrs: ['203.0.113.254/24'] },
      ],
      sysctl: { 'net.ipv4.ip_forward': 1 },
    });
    s.links!.push({ a: 'gw2:eth0', b: 'switch:p9' }, { a: 'gw2:eth1', b: 'internet:p9' });
    for (const n of ['rs1', 'rs2', 'rs3']) node(s, n).routes = [{ dst: 'default', via: '192.168.10.254' }];
  };

  it('the reply leaves with source RIP straight to the client, which answers RST; the entry stays SYN_RECV (active)', () => {
    const t = build('nat', wrongGw);
    const box = get(t, 'client1', '172.16.0.100', 80, 5 * SEC);
    t.lab.advance(6 * SEC);
    expect(box.r).toMatchObject({ ok: false, error: 'deadline' });
    const P = box.r!.sport ?? only(conns(t.ipvs)).cport;
    // The SYN+ACK reaches the client un-NATed, via gw2.
    const synack = hops(t.events, (p) => innerTcp(p)?.tcp.flags === (SYN | ACK)).filter((h) => h.link.endsWith('client1:eth0'));
    expect(synack.length).toBeGreaterThanOrEqual(3); // the RS retransmits it too
    expect(pktStr(synack[0]!.ip)).toBe(`192.168.10.13:80 > ${CIP}:${P} ttl 63 DF tcp [S.]`);
    expect(hops(t.events, (p) => p.src === ip('192.168.10.13')).some((h) => h.link.includes('director'))).toBe(false);
    // The client has no socket for 192.168.10.13:80: it drops the segment and answers RST.
    expect(drops(t.events, 'client1').map((d) => d.reason)).toContain('no-socket');
    const rst = hops(t.events, (p) => innerTcp(p)?.tcp.flags === F.RST || innerTcp(p)?.tcp.flags === (F.RST | ACK)).filter((h) => h.link.startsWith('client1:eth0'));
    expect(rst.length).toBeGreaterThanOrEqual(1);
    expect(ipStr(rst[0]!.ip.dst)).toBe('192.168.10.13');
    // The director saw only the client's SYNs: its entry is SYN_RECV and counts as active.
    const c = only(conns(t.ipvs));
    expect(stateName(c)).toBe('SYN_RECV');
    const rs3 = t.ipvs.services[0]!.dests.find((d) => d.addr === ip('192.168.10.13'))!;
    expect([rs3.activeConns, rs3.inactive, rs3.stats.outpkts]).toEqual([1, 0, 0]);
  });

  it('with ip_forward=0 on the director the (correctly routed) replies die there: not-forwarding', () => {
    const t = build('nat', (s) => (node(s, 'director').sysctl = { 'net.ipv4.ip_forward': 0 }));
    const box = get(t, 'client1', '172.16.0.100', 80, 2 * SEC);
    t.lab.advance(3 * SEC);
    expect(box.r).toMatchObject({ ok: false, error: 'deadline' });
    const d = drops(t.events, 'director');
    expect(d.length).toBeGreaterThan(0);
    expect(new Set(d.map((x) => x.reason))).toEqual(new Set(['not-forwarding']));
    expect(ipStr(d[0]!.ip!.src)).toBe('192.168.10.13');
    expect(stateName(only(conns(t.ipvs)))).toBe('SYN_RECV');
  });

  it('nat_icmp_send=1: a reply from a NAT real server without an entry gets ICMP port unreachable (RSTs exempt)', () => {
    const t = build('nat');
    t.lab.advance(SETTLE);
    const icmp = () => hops(t.events, (p) => p.l4.kind === 'icmp').filter((h) => h.link === 'director:eth1 -> switch:p0').map((h) => pktStr(h.ip));
    inject(t, 'out', ACK);
    t.lab.advance(50 * MS);
    expect([icmp(), reasons(t)]).toEqual([[], ['client1: no-socket']]); // default 0: forwarded untouched (the client has no such socket)
    t.host('director').sysctl.set('net.ipv4.vs.nat_icmp_send', 1);
    inject(t, 'out', F.RST, { cport: 40002 });
    t.lab.advance(50 * MS);
    expect(icmp()).toEqual([]);
    inject(t, 'out', ACK, { cport: 40004 });
    t.lab.advance(50 * MS);
    expect(icmp()).toEqual(['192.168.10.1 > 192.168.10.13 ttl 64 icmp 3/3']);
    expect(reasons(t, 'director')).toEqual(['director: ipvs-no-dest']);
    // Not a configured real server: untouched.
    inject(t, 'out', ACK, { rip: '192.168.10.99', cport: 40006 });
    t.lab.advance(50 * MS);
    expect(icmp()).toHaveLength(1);
  });
});

describe('DR: the VIP missing on the real server', () => {
  const noVip = (forward: number) => (s: ScenarioInput) => {
    for (const n of ['rs1', 'rs2', 'rs3']) {
      node(s, n).ifaces = node(s, n).ifaces!.filter((f) => f.name !== 'lo');
      node(s, n).sysctl = { ...node(s, n).sysctl, 'net.ipv4.ip_forward': forward };
    }
  };

  it('ip_forward=0: the RS receives a frame for an address it does not have and drops it (not-forwarding); the client times out', () => {
    const t = build('dr', noVip(0));
    const box = get(t, 'client1', VIP, 80, 3 * SEC);
    t.lab.advance(4 * SEC);
    expect(box.r).toMatchObject({ ok: false, error: 'deadline' });
    const d = drops(t.events, 'rs3');
    expect(d.length).toBeGreaterThanOrEqual(2); // the SYN and its retransmission
    expect(new Set(d.map((x) => x.reason))).toEqual(new Set(['not-forwarding']));
    expect(pktStr(d[0]!.ip!)).toMatch(new RegExp(`^${CIP}:\\d+ > ${VIP}:80 ttl 62 DF tcp \\[S\\]$`));
    expect(stateName(only(conns(t.ipvs)))).toBe('SYN_RECV');
  });

  it('ip_forward=1: the RS routes it back to the VIP (on-link: the director), IPVS sends it again, …: a loop until the TTL runs out', () => {
    const t = build('dr', noVip(1));
    t.lab.advance(SETTLE);
    send(t.host('client1'), CIP, VIP, tcp(40000, 80, SYN));
    t.lab.advance(100 * MS);
    const toRs = hops(t.events, (p) => p.dst === ip(VIP)).filter((h) => h.link === 'switch:p4 -> rs3:eth0');
    const back = hops(t.events, (p) => p.dst === ip(VIP)).filter((h) => h.link === 'rs3:eth0 -> switch:p4');
    // IPVS and the RS each take one off the TTL per pass.
    expect(toRs.map((h) => h.ip.ttl)).toEqual(Array.from({ length: 31 }, (_, i) => 62 - 2 * i));
    expect(back.map((h) => [h.ip.ttl, h.dmac])).toEqual(toRs.map((h) => [h.ip.ttl - 1, '52:54:00:00:0a:02']));
    expect(reasons(t)).toEqual(['director: ttl-exceeded']);
    expect(icmpTo(t, 'client1')).toEqual([`${VIP} > ${CIP} ttl 63 icmp 11/0`]);
    expect(only(conns(t.ipvs)).inPkts).toBe(32);
  });
});

describe('DR: real-server ARP not suppressed (arp_ignore/arp_announce left at 0)', () => {
  it('arp_ignore=0: after the router flushes its cache, the first ARP answer for the VIP wins — here an RS, so traffic bypasses the director', () => {
    // The director answers 1 ms later than the real servers (a slower link): timing decides.
    const t = build('dr', (s) => {
      for (const n of ['rs1', 'rs2', 'rs3']) node(s, n).sysctl = { 'net.ipv4.conf.all.arp_ignore': 0, 'net.ipv4.conf.all.arp_announce': 0 };
      s.links!.find((l) => l.a === 'director:eth0')!.latency = '1ms';
    });
    const router = t.host('router');
    // Before: a correctly set up pair of requests go through the director (router cache
    // learned while the RSs still ignored ARP for the VIP).
    for (const n of ['rs1', 'rs2', 'rs3']) t.host(n).sysctl.set('net.ipv4.conf.all.arp_ignore', 1);
    expect(curl(t, 'client1', VIP, 80, 1 * SEC).body).toBe('rs3 192.168.10.13\n');
    expect(t.ipvs.services[0]!.stats.conns).toBe(1);
    // Now the RSs answer ARP for the VIP, and the router's cache is flushed (ip neigh flush).
    for (const n of ['rs1', 'rs2', 'rs3']) t.host(n).sysctl.set('net.ipv4.conf.all.arp_ignore', 0);
    router.neigh.flush();
    t.events.length = 0;
    const bodies = ['client1', 'client2', 'client3'].map((c) => curl(t, c, VIP, 80, 1 * SEC).body);
    const replies = t.events.flatMap((e) => (e.type === 'link.tx' && e.to === 'router:eth1' && e.frame.arp?.op === 'reply' && e.frame.arp.spa === ip(VIP) ? [`${e.t} ${e.frame.arp.sha}`] : []));
    // Four answers: three RSs at once, the director 1.8 ms later; the first (rs1) is kept.
    expect(replies.map((r) => r.split(' ')[1])).toEqual(['52:54:00:00:0a:11', '52:54:00:00:0a:12', '52:54:00:00:0a:13', '52:54:00:00:0a:02']);
    expect(router.neigh.get(router.iface('eth1')!, ip(VIP))?.mac).toBe('52:54:00:00:0a:11');
    expect(bodies).toEqual(Array(3).fill('rs1 192.168.10.11\n'));
    expect(t.ipvs.services[0]!.stats.conns).toBe(1); // the director saw none of them
    expect(hops(t.events, (p) => p.dst === ip(VIP)).filter((h) => h.link.endsWith('director:eth0'))).toEqual([]);
  });

  it('arp_announce=0: an RS that ARPs for the router with source VIP (after the 1 s locktime) takes the VIP over', () => {
    const t = build('dr', (s) => {
      for (const n of ['rs1', 'rs2', 'rs3']) node(s, n).sysctl = { 'net.ipv4.conf.all.arp_ignore': 1, 'net.ipv4.conf.all.arp_announce': 0 };
    });
    const router = t.host('router');
    // The router learns VIP → director at t≈0 (a datagram to a port without a service).
    send(t.host('client1'), CIP, VIP, { kind: 'udp', sport: 5000, dport: 9, plen: 10 });
    t.lab.advance(2 * SEC);
    expect(router.neigh.get(router.iface('eth1')!, ip(VIP))?.mac).toBe('52:54:00:00:0a:02');
    // rs3's first reply needs the router's MAC: it asks "who-has 192.168.10.1 tell VIP".
    const first = curl(t, 'client1', VIP, 80, 1 * SEC);
    expect(first.body).toBe('rs3 192.168.10.13\n');
    const ask = t.events.find((e) => e.type === 'link.tx' && e.from === 'rs3:eth0' && e.frame.arp?.op === 'request');
    expect(ask?.type === 'link.tx' && ipStr(ask.frame.arp!.spa)).toBe(VIP);
    expect(router.neigh.get(router.iface('eth1')!, ip(VIP))?.mac).toBe('52:54:00:00:0a:13');
    // The director saw the SYN only: the rest of that connection and every later one go to rs3 directly.
    expect(stateName(only(conns(t.ipvs)))).toBe('SYN_RECV');
    expect(['client2', 'client3'].map((c) => curl(t, c, VIP, 80, 1 * SEC).body)).toEqual(['rs3 192.168.10.13\n', 'rs3 192.168.10.13\n']);
    expect(t.ipvs.services[0]!.stats.conns).toBe(1);
  });

  it('with arp_ignore=1 / arp_announce=2 (the preset) the same sequence keeps going through the director', () => {
    const t = build('dr');
    send(t.host('client1'), CIP, VIP, { kind: 'udp', sport: 5000, dport: 9, plen: 10 });
    t.lab.advance(2 * SEC);
    t.host('router').neigh.flush();
    const bodies = ['client1', 'client2', 'client3'].map((c) => curl(t, c, VIP, 80, 1 * SEC).body);
    expect(bodies).toEqual(['rs3 192.168.10.13\n', 'rs2 192.168.10.12\n', 'rs1 192.168.10.11\n']);
    expect(t.ipvs.services[0]!.stats.conns).toBe(3);
    const router = t.host('router');
    expect(router.neigh.get(router.iface('eth1')!, ip(VIP))?.mac).toBe('52:54:00:00:0a:02');
  });
});

describe('DR: real server not on the director’s segment (§2.3)', () => {
  it('the frame goes to the gateway for the RIP, which routes it (dst VIP) back to the director: a loop, TTL −2 per pass', () => {
    const t = build('tun', (s) => {
      for (const d of service(s).dests!) d.fwd = 'route';
    });
    t.lab.advance(SETTLE);
    send(t.host('client1'), CIP, VIP, tcp(40000, 80, SYN));
    t.lab.advance(100 * MS);
    const out = hops(t.events, (p) => p.dst === ip(VIP) && p.l4.kind === 'tcp').filter((h) => h.link === 'director:eth0 -> switch:p1');
    expect(out.map((h) => h.ip.ttl)).toEqual(Array.from({ length: 31 }, (_, i) => 62 - 2 * i));
    expect(new Set(out.map((h) => h.dmac))).toEqual(new Set(['52:54:00:00:0a:01'])); // the router's MAC
    expect(reasons(t)).toEqual(['director: ttl-exceeded']);
    expect(icmpTo(t, 'client1')).toEqual([`${VIP} > ${CIP} ttl 63 icmp 11/0`]);
    expect(hops(t.events).filter((h) => h.link.includes('rs3'))).toEqual([]);
  });
});

describe('TUN mistakes', () => {
  it('no tunl0 (ipip not loaded) on the RS: ICMP protocol unreachable (proto 4) to the director, relayed to the client', () => {
    const t = build('tun', (s) => {
      for (const n of ['rs1', 'rs2', 'rs3']) {
        node(s, n).ifaces = node(s, n).ifaces!.filter((f) => f.name !== 'tunl0');
        node(s, n).modules = [];
        delete node(s, n).sysctl!['net.ipv4.conf.tunl0.rp_filter'];
      }
    });
    t.lab.advance(SETTLE);
    const box = get(t, 'client1', VIP, 80, 2 * SEC);
    t.lab.advance(3 * SEC);
    // The connect fails at once (Linux: ENOPROTOOPT, "Protocol not available").
    expect(box.r?.ok).toBe(false);
    expect(box.r!.tDone - box.r!.tStart).toBeLessThan(100 * MS);
    expect(reasons(t, 'rs3')).toEqual(['rs3: proto-unreachable']);
    const icmp = hops(t.events, (p) => p.l4.kind === 'icmp').filter((h) => h.link === 'router:eth1 -> switch:p0');
    expect(icmp.length).toBeGreaterThanOrEqual(1);
    expect(pktStr(icmp[0]!.ip)).toBe('10.3.0.11 > 192.168.10.2 ttl 63 icmp 3/2');
    const orig = icmp[0]!.ip.l4.kind === 'icmp' && 'orig' in icmp[0]!.ip.l4 ? icmp[0]!.ip.l4.orig : undefined;
    expect(orig?.proto).toBe(4);
    // ip_vs_in_icmp (tunnel case) relays it to the client, from the VIP, quoting the SYN.
    expect(icmpTo(t, 'client1')).toEqual([`${VIP} > ${CIP} ttl 63 icmp 3/2`]);
    const relayed = hops(t.events, (p) => p.l4.kind === 'icmp').find((h) => h.link.endsWith('client1:eth0'))!;
    expect(pktStr(embedded(relayed.ip)!)).toMatch(new RegExp(`^${CIP}:\\d+ > ${VIP}:80 ttl 62 DF tcp \\[S\\]$`));
    // Counted in OutPkts (§2.2). (The relayed error also passes ip_vs_out_hook at LOCAL_OUT,
    // which matches the TUN entry again, so it counts twice — as the kernel code reads.)
    expect(t.ipvs.services[0]!.dests.find((d) => d.addr === ip('10.3.0.11'))!.stats.outpkts).toBeGreaterThanOrEqual(1);
  });

  it('rp_filter=1 on the RS: the decapsulated packet (src CIP on tunl0, route back via eth0) is dropped: rp-filter', () => {
    const t = build('tun', (s) => {
      for (const n of ['rs1', 'rs2', 'rs3']) node(s, n).sysctl = { ...node(s, n).sysctl, 'net.ipv4.conf.all.rp_filter': 1 };
    });
    const box = get(t, 'client1', VIP, 80, 2 * SEC);
    t.lab.advance(3 * SEC);
    expect(box.r).toMatchObject({ ok: false, error: 'deadline' });
    const d = drops(t.events, 'rs3');
    expect(d.length).toBeGreaterThanOrEqual(2);
    expect(new Set(d.map((x) => x.reason))).toEqual(new Set(['rp-filter']));
    expect(pktStr(d[0]!.ip!)).toMatch(new RegExp(`^${CIP}:\\d+ > ${VIP}:80 ttl 62 DF tcp \\[S\\]$`));
    // Loose mode (2) accepts it.
    const u = build('tun', (s) => {
      for (const n of ['rs1', 'rs2', 'rs3']) node(s, n).sysctl = { ...node(s, n).sysctl, 'net.ipv4.conf.all.rp_filter': 2 };
    });
    expect(curl(u, 'client1', VIP, 80, 1 * SEC).ok).toBe(true);
  });

  it('a 1500-byte DF packet: ICMP fragmentation needed with MTU 1480 back to the client; 1480 bytes pass', () => {
    const t = build('tun');
    const c1 = t.host('client1');
    send(c1, CIP, VIP, tcp(40000, 80, SYN));
    t.lab.advance(50 * MS);
    send(c1, CIP, VIP, tcp(40000, 80, PSH | ACK, 1460)); // 20 + 20 + 1460 = 1500
    send(c1, CIP, VIP, tcp(40000, 80, PSH | ACK, 1440)); // 1480: fits
    t.lab.advance(50 * MS);
    expect(reasons(t, 'director')).toEqual(['director: frag-needed']);
    const icmp = hops(t.events, (p) => p.l4.kind === 'icmp').filter((h) => h.link.endsWith('client1:eth0'));
    expect(icmp.map((h) => pktStr(h.ip))).toEqual([`${VIP} > ${CIP} ttl 63 icmp 3/4 mtu 1480`]);
    const mine = (p: Parameters<typeof innerTcp>[0]) => p.l4.kind === 'ipip' && !(innerTcp(p)!.tcp.flags & F.RST);
    const enc = () => hops(t.events, mine).filter((h) => h.link === 'director:eth0 -> switch:p1');
    expect(enc().map((h) => h.ip.len)).toEqual([60, 1500]);
    // Without DF the packet is not refused (the outer packet would be fragmented).
    send(c1, CIP, VIP, tcp(40000, 80, PSH | ACK, 1460), { df: false });
    t.lab.advance(50 * MS);
    expect(enc().map((h) => h.ip.len)).toEqual([60, 1500, 1520]);
  });

  it('a smaller MTU behind the router: its "frag needed" reaches the director, which lowers the PMTU and relays MTU − 20 to the client', () => {
    const t = build('tun', (s) => {
      node(s, 'router').ifaces!.find((f) => f.name === 'eth4')!.mtu = 1400;
      node(s, 'rs3').ifaces!.find((f) => f.name === 'eth0')!.mtu = 1400;
    });
    const c1 = t.host('client1');
    send(c1, CIP, VIP, tcp(40000, 80, SYN));
    t.lab.advance(50 * MS);
    send(c1, CIP, VIP, tcp(40000, 80, PSH | ACK, 1360)); // inner 1400, outer 1420 > 1400
    t.lab.advance(50 * MS);
    // The router refuses the outer packet and tells the director (the outer source).
    expect(others(t)).toEqual(['router: frag-needed']);
    const toDirector = hops(t.events, (p) => p.l4.kind === 'icmp').filter((h) => h.link === 'switch:p1 -> director:eth0');
    expect(toDirector.map((h) => pktStr(h.ip))).toEqual(['192.168.10.1 > 192.168.10.2 ttl 64 icmp 3/4 mtu 1400']);
    // The director relays it to the client, from the VIP, with 1400 − 20.
    expect(icmpTo(t, 'client1')).toEqual([`${VIP} > ${CIP} ttl 63 icmp 3/4 mtu 1380`]);
    // The next big packet is refused by the director itself, with the learned MTU; 1380 fits.
    t.events.length = 0;
    send(c1, CIP, VIP, tcp(40000, 80, PSH | ACK, 1360));
    send(c1, CIP, VIP, tcp(40000, 80, PSH | ACK, 1340)); // inner 1380, outer 1400
    t.lab.advance(50 * MS);
    expect(others(t)).toEqual(['director: frag-needed']);
    expect(icmpTo(t, 'client1')).toEqual([`${VIP} > ${CIP} ttl 63 icmp 3/4 mtu 1380`]);
    expect(hops(t.events, (p) => p.l4.kind === 'ipip').filter((h) => h.link === 'router:eth4 -> rs3:eth0').map((h) => h.ip.len)).toEqual([1400]);
    // The learned PMTU expires after 10 minutes (ip_rt_mtu_expires).
    t.lab.advance(600 * SEC);
    send(c1, CIP, VIP, tcp(40002, 80, SYN, 0, 5000)); // rr: rs2, then rs1 …
    send(c1, CIP, VIP, tcp(40004, 80, SYN, 0, 5000));
    send(c1, CIP, VIP, tcp(40006, 80, SYN, 0, 5000)); // … and rs3 again
    t.lab.advance(50 * MS);
    t.events.length = 0;
    send(c1, CIP, VIP, tcp(40006, 80, PSH | ACK, 1360));
    t.lab.advance(50 * MS);
    expect(others(t)).toEqual(['router: frag-needed']);
  });

  it('no relay when the client’s packet had no DF (the PMTU is still learned)', () => {
    const t = build('tun', (s) => {
      node(s, 'router').ifaces!.find((f) => f.name === 'eth4')!.mtu = 1400;
      node(s, 'rs3').ifaces!.find((f) => f.name === 'eth0')!.mtu = 1400;
    });
    const c1 = t.host('client1');
    send(c1, CIP, VIP, tcp(40000, 80, SYN));
    t.lab.advance(50 * MS);
    send(c1, CIP, VIP, tcp(40000, 80, PSH | ACK, 1360), { df: false }); // outer DF copied: 0 → the router passes it whole
    t.lab.advance(50 * MS);
    expect(others(t)).toEqual([]);
    expect(icmpTo(t, 'client1')).toEqual([]);
  });

  it('NAT and DR use the route MTU (1500): a 1500-byte DF packet passes, a 1501-byte one does not', () => {
    for (const mode of ['nat', 'dr'] as const) {
      const t = build(mode);
      isolate(t);
      inject(t, 'in', SYN);
      inject(t, 'in', ACK, { plen: 1460 });
      inject(t, 'in', ACK, { plen: 1461 });
      expect([mode, reasons(t, 'director')]).toEqual([mode, ['director: frag-needed']]);
    }
  });
});

describe('no destination available', () => {
  it('all weights 0: ICMP port unreachable, and the client connect fails with "refused"', () => {
    const t = build('dr', (s) => {
      for (const d of service(s).dests!) d.weight = 0;
    });
    t.lab.advance(SETTLE);
    const r = curl(t, 'client1', VIP, 80, 1 * SEC);
    expect(r).toMatchObject({ ok: false, error: 'refused' });
    expect(reasons(t)).toEqual(['director: ipvs-no-dest']);
    expect(icmpTo(t, 'client1')).toEqual([`${VIP} > ${CIP} ttl 63 icmp 3/3`]);
    expect(t.ipvs.log).toEqual(['IPVS: rr: TCP 192.168.10.100:80 - no destination available']);
    expect(t.ipvs.conns.all.size).toBe(0);
  });

  it('a non-persistent port-zero service: every new connection is logged and refused', () => {
    const t = build('dr', (s) => {
      service(s).port = 0;
      for (const d of service(s).dests!) d.port = 0;
    });
    t.lab.advance(SETTLE);
    const r = curl(t, 'client1', VIP, 80, 1 * SEC);
    expect(r).toMatchObject({ ok: false, error: 'refused' });
    expect(t.ipvs.log).toEqual(['IPVS: Schedule: port zero only supported in persistent services, check your ipvs configuration']);
  });
});

describe('the VIP must be local on the director (§1)', () => {
  it('a service whose VIP is not a director address never sees the packets (routed to it: not-forwarding)', () => {
    const t = build('dr', (s) => {
      const d = node(s, 'director');
      d.ifaces![0]!.addrs = ['192.168.10.2/24'];
      node(s, 'router').routes = [{ dst: `${VIP}/32`, via: '192.168.10.2' }];
    });
    const box = get(t, 'client1', VIP, 80, 2 * SEC);
    t.lab.advance(3 * SEC);
    expect(box.r).toMatchObject({ ok: false, error: 'deadline' });
    const d = drops(t.events, 'director');
    expect(d.length).toBeGreaterThanOrEqual(2);
    expect(new Set(d.map((x) => x.reason))).toEqual(new Set(['not-forwarding']));
    expect(t.ipvs.conns.all.size).toBe(0);
    expect(t.ipvs.stats.inpkts).toBe(0);
  });

  it('… and with ip_forward=1 the director just routes it on (ARP for the VIP on its own segment fails): still no IPVS', () => {
    const t = build('dr', (s) => {
      const d = node(s, 'director');
      d.ifaces![0]!.addrs = ['192.168.10.2/24'];
      d.sysctl = { 'net.ipv4.ip_forward': 1 };
      node(s, 'router').routes = [{ dst: `${VIP}/32`, via: '192.168.10.2' }];
    });
    t.lab.advance(SETTLE);
    send(t.host('client1'), CIP, VIP, tcp(40000, 80, SYN));
    t.lab.advance(4 * SEC);
    expect(t.ipvs.conns.all.size).toBe(0);
    expect(t.ipvs.stats.inpkts).toBe(0);
    expect(reasons(t)).toEqual(['director: arp-failed']);
  });
});
