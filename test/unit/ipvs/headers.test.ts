/**
 * ipvs-datapath.md §2.1: every header field of one HTTP request and its reply, at every
 * hop, for NAT, DR and TUN — MACs, addresses, ports, TTL, DF, and the IP-in-IP wrapper.
 */
import { describe, expect, it } from 'vitest';
import { IPPROTO_IPIP, IP_HLEN, makeIp, type Ipv4 } from '../../../src/core/net/packet';
import type { ScenarioInput } from '../../../src/core/scenario/schema';
import { F, SETTLE, build, connLine, conns, curl, drops, embedded, hopLines, hops, innerTcp, ip, ipStr, node, only, pktStr, send, service, tcp, udp, type TestLab } from './helpers';

const CIP = '203.0.113.10';
const CLIENT_MAC = '52:54:00:00:01:10';

/** Frames of one client connection (either direction, inside a tunnel too). */
function connHops(t: TestLab, cport: number) {
  return hops(t.events, (p) => {
    const x = innerTcp(p);
    return !!x && (x.tcp.sport === cport || x.tcp.dport === cport);
  });
}

const isSynOnly = (p: Parameters<typeof innerTcp>[0]) => {
  const x = innerTcp(p);
  return !!x && (x.tcp.flags & (F.SYN | F.ACK)) === F.SYN;
};
const isSynAck = (p: Parameters<typeof innerTcp>[0]) => {
  const x = innerTcp(p);
  return !!x && (x.tcp.flags & (F.SYN | F.ACK)) === (F.SYN | F.ACK);
};

describe('NAT (masq): dport rewritten in, sport rewritten out, both ways through the director', () => {
  // RS port 8080 ≠ vport 80, so the port rewriting is visible.
  const t = build('nat', (s) => {
    for (const d of service(s).dests!) d.port = 8080;
    for (const n of ['rs1', 'rs2', 'rs3']) node(s, n).web!.port = 8080;
  });
  const r = curl(t, 'client1', '172.16.0.100');
  const P = r.sport!;
  const all = connHops(t, P);

  it('the request succeeds; rr starts at the newest dest (rs3)', () => {
    expect(r.ok).toBe(true);
    expect(r.body).toBe('rs3 192.168.10.13\n');
    expect(connLine(t.ipvs, only(conns(t.ipvs)))).toMatch(new RegExp(`^TCP TIME_WAIT \\d+ ${CIP}:${P} 172.16.0.100:80 192.168.10.13:8080$`));
  });

  it('SYN: TTL 64 → 63 (router) → 62 (IPVS); VIP:80 → RIP:8080 on the inside', () => {
    expect(hopLines(all.filter((h) => isSynOnly(h.ip)))).toEqual([
      `client1:eth0 -> internet:p1 | ${CLIENT_MAC} > 52:54:00:00:01:01 | ${CIP}:${P} > 172.16.0.100:80 ttl 64 DF tcp [S]`,
      `internet:p0 -> router:eth0 | ${CLIENT_MAC} > 52:54:00:00:01:01 | ${CIP}:${P} > 172.16.0.100:80 ttl 64 DF tcp [S]`,
      `router:eth1 -> director:eth0 | 52:54:00:00:10:01 > 52:54:00:00:10:02 | ${CIP}:${P} > 172.16.0.100:80 ttl 63 DF tcp [S]`,
      `director:eth1 -> switch:p0 | 52:54:00:00:0a:01 > 52:54:00:00:0a:13 | ${CIP}:${P} > 192.168.10.13:8080 ttl 62 DF tcp [S]`,
      `switch:p3 -> rs3:eth0 | 52:54:00:00:0a:01 > 52:54:00:00:0a:13 | ${CIP}:${P} > 192.168.10.13:8080 ttl 62 DF tcp [S]`,
    ]);
  });

  it('SYN+ACK: RIP:8080 → VIP:80 at the director (FORWARD), TTL 64 → 63 → 62', () => {
    expect(hopLines(all.filter((h) => isSynAck(h.ip)))).toEqual([
      `rs3:eth0 -> switch:p3 | 52:54:00:00:0a:13 > 52:54:00:00:0a:01 | 192.168.10.13:8080 > ${CIP}:${P} ttl 64 DF tcp [S.]`,
      `switch:p0 -> director:eth1 | 52:54:00:00:0a:13 > 52:54:00:00:0a:01 | 192.168.10.13:8080 > ${CIP}:${P} ttl 64 DF tcp [S.]`,
      `director:eth0 -> router:eth1 | 52:54:00:00:10:02 > 52:54:00:00:10:01 | 172.16.0.100:80 > ${CIP}:${P} ttl 63 DF tcp [S.]`,
      `router:eth0 -> internet:p0 | 52:54:00:00:01:01 > ${CLIENT_MAC} | 172.16.0.100:80 > ${CIP}:${P} ttl 62 DF tcp [S.]`,
      `internet:p1 -> client1:eth0 | 52:54:00:00:01:01 > ${CLIENT_MAC} | 172.16.0.100:80 > ${CIP}:${P} ttl 62 DF tcp [S.]`,
    ]);
  });

  it('every frame: the client side only ever sees VIP:80, the inside only RIP:8080; CIP never changes', () => {
    const outside = all.filter((h) => /client1|internet|router|director:eth0/.test(h.link) && !/director:eth1|switch|rs3/.test(h.link));
    const inside = all.filter((h) => /switch|rs3|director:eth1/.test(h.link));
    expect(outside.length).toBeGreaterThan(10);
    expect(inside.length).toBeGreaterThan(10);
    for (const h of outside) {
      const x = innerTcp(h.ip)!;
      const toServer = h.ip.src === ip(CIP);
      expect(toServer ? [h.ip.dst, x.tcp.dport] : [h.ip.src, x.tcp.sport]).toEqual([ip('172.16.0.100'), 80]);
      expect(toServer ? h.ip.src : h.ip.dst).toBe(ip(CIP));
    }
    for (const h of inside) {
      const x = innerTcp(h.ip)!;
      const toServer = h.ip.src === ip(CIP);
      expect(toServer ? [h.ip.dst, x.tcp.dport] : [h.ip.src, x.tcp.sport]).toEqual([ip('192.168.10.13'), 8080]);
    }
  });

  it('every packet the RS sends leaves the director rewritten (the reply path goes through it)', () => {
    const fromRs = all.filter((h) => h.link === 'rs3:eth0 -> switch:p3');
    const rewritten = all.filter((h) => h.link === 'director:eth0 -> router:eth1' && h.ip.src === ip('172.16.0.100'));
    expect(fromRs.length).toBeGreaterThanOrEqual(4);
    expect(rewritten.map((h) => [h.ip.len, h.ip.ttl, innerTcp(h.ip)!.tcp.flags])).toEqual(fromRs.map((h) => [h.ip.len, h.ip.ttl - 1, innerTcp(h.ip)!.tcp.flags]));
    // No frame from the RS reaches the client with its own address.
    expect(all.filter((h) => h.link.endsWith('client1:eth0') && h.ip.src !== ip('172.16.0.100'))).toEqual([]);
  });
});

describe('DR: only the destination MAC changes; the reply goes RS → router with source VIP', () => {
  const t = build('dr');
  const r = curl(t, 'client1', '192.168.10.100');
  const P = r.sport!;
  const all = connHops(t, P);
  const VIP = '192.168.10.100';

  it('the request succeeds', () => {
    expect(r.ok).toBe(true);
    expect(r.body).toBe('rs3 192.168.10.13\n');
  });

  it('SYN: the director re-sends the frame to the RS MAC, IP dst still the VIP, TTL decremented by IPVS', () => {
    expect(hopLines(all.filter((h) => isSynOnly(h.ip)))).toEqual([
      `client1:eth0 -> internet:p1 | ${CLIENT_MAC} > 52:54:00:00:01:01 | ${CIP}:${P} > ${VIP}:80 ttl 64 DF tcp [S]`,
      `internet:p0 -> router:eth0 | ${CLIENT_MAC} > 52:54:00:00:01:01 | ${CIP}:${P} > ${VIP}:80 ttl 64 DF tcp [S]`,
      `router:eth1 -> switch:p0 | 52:54:00:00:0a:01 > 52:54:00:00:0a:02 | ${CIP}:${P} > ${VIP}:80 ttl 63 DF tcp [S]`,
      `switch:p1 -> director:eth0 | 52:54:00:00:0a:01 > 52:54:00:00:0a:02 | ${CIP}:${P} > ${VIP}:80 ttl 63 DF tcp [S]`,
      `director:eth0 -> switch:p1 | 52:54:00:00:0a:02 > 52:54:00:00:0a:13 | ${CIP}:${P} > ${VIP}:80 ttl 62 DF tcp [S]`,
      `switch:p4 -> rs3:eth0 | 52:54:00:00:0a:02 > 52:54:00:00:0a:13 | ${CIP}:${P} > ${VIP}:80 ttl 62 DF tcp [S]`,
    ]);
  });

  it('SYN+ACK: straight from the RS to the router, source VIP:80, never via the director', () => {
    expect(hopLines(all.filter((h) => isSynAck(h.ip)))).toEqual([
      `rs3:eth0 -> switch:p4 | 52:54:00:00:0a:13 > 52:54:00:00:0a:01 | ${VIP}:80 > ${CIP}:${P} ttl 64 DF tcp [S.]`,
      `switch:p0 -> router:eth1 | 52:54:00:00:0a:13 > 52:54:00:00:0a:01 | ${VIP}:80 > ${CIP}:${P} ttl 64 DF tcp [S.]`,
      `router:eth0 -> internet:p0 | 52:54:00:00:01:01 > ${CLIENT_MAC} | ${VIP}:80 > ${CIP}:${P} ttl 63 DF tcp [S.]`,
      `internet:p1 -> client1:eth0 | 52:54:00:00:01:01 > ${CLIENT_MAC} | ${VIP}:80 > ${CIP}:${P} ttl 63 DF tcp [S.]`,
    ]);
  });

  it('every frame: addresses and ports are never rewritten; no reply frame reaches the director', () => {
    expect(all.length).toBeGreaterThan(20);
    for (const h of all) {
      const x = innerTcp(h.ip)!;
      const fwd = h.ip.src === ip(CIP);
      expect(fwd ? [h.ip.dst, x.tcp.dport] : [h.ip.src, x.tcp.sport]).toEqual([ip(VIP), 80]);
    }
    expect(all.filter((h) => h.ip.src === ip(VIP) && h.link.includes('director'))).toEqual([]);
    // Director → RS frames carry the RS MAC and the TTL one below what arrived.
    const inn = all.filter((h) => h.link === 'switch:p1 -> director:eth0');
    const out = all.filter((h) => h.link === 'director:eth0 -> switch:p1');
    expect(out.map((h) => [h.smac, h.dmac, h.ip.ttl, h.ip.len])).toEqual(inn.map((h) => ['52:54:00:00:0a:02', '52:54:00:00:0a:13', h.ip.ttl - 1, h.ip.len]));
  });

  it('a dest port different from the service port is not applied: DR never rewrites ports', () => {
    const t2 = build('dr', (s) => {
      for (const d of service(s).dests!) d.port = 8080;
    });
    const r2 = curl(t2, 'client1', VIP);
    expect(r2.ok).toBe(true);
    const c = only(conns(t2.ipvs));
    expect(c.dport).toBe(8080);
    const toRs = connHops(t2, r2.sport!).filter((h) => h.link === 'switch:p4 -> rs3:eth0');
    expect(toRs.length).toBeGreaterThan(3);
    for (const h of toRs) expect(innerTcp(h.ip)!.tcp.dport).toBe(80);
  });
});

describe('TUN (ipip): outer header director → RIP, inner packet unchanged but for the TTL', () => {
  const t = build('tun');
  const r = curl(t, 'client1', '192.168.10.100');
  const P = r.sport!;
  const all = connHops(t, P);
  const VIP = '192.168.10.100';

  it('the request succeeds', () => {
    expect(r.ok).toBe(true);
    expect(r.body).toBe('rs3 10.3.0.11\n');
  });

  it('SYN: outer src = the director address on the route to the RIP, outer dst = RIP, outer TTL = inner TTL after decrement, DF copied', () => {
    expect(hopLines(all.filter((h) => isSynOnly(h.ip)))).toEqual([
      `client1:eth0 -> internet:p1 | ${CLIENT_MAC} > 52:54:00:00:01:01 | ${CIP}:${P} > ${VIP}:80 ttl 64 DF tcp [S]`,
      `internet:p0 -> router:eth0 | ${CLIENT_MAC} > 52:54:00:00:01:01 | ${CIP}:${P} > ${VIP}:80 ttl 64 DF tcp [S]`,
      `router:eth1 -> switch:p0 | 52:54:00:00:0a:01 > 52:54:00:00:0a:02 | ${CIP}:${P} > ${VIP}:80 ttl 63 DF tcp [S]`,
      `switch:p1 -> director:eth0 | 52:54:00:00:0a:01 > 52:54:00:00:0a:02 | ${CIP}:${P} > ${VIP}:80 ttl 63 DF tcp [S]`,
      `director:eth0 -> switch:p1 | 52:54:00:00:0a:02 > 52:54:00:00:0a:01 | 192.168.10.2 > 10.3.0.11 ttl 62 DF ipip { ${CIP}:${P} > ${VIP}:80 ttl 62 DF tcp [S] }`,
      `switch:p0 -> router:eth1 | 52:54:00:00:0a:02 > 52:54:00:00:0a:01 | 192.168.10.2 > 10.3.0.11 ttl 62 DF ipip { ${CIP}:${P} > ${VIP}:80 ttl 62 DF tcp [S] }`,
      `router:eth4 -> rs3:eth0 | 52:54:00:00:17:01 > 52:54:00:00:17:13 | 192.168.10.2 > 10.3.0.11 ttl 61 DF ipip { ${CIP}:${P} > ${VIP}:80 ttl 62 DF tcp [S] }`,
    ]);
  });

  it('SYN+ACK: the RS answers directly with source VIP:80 through the router', () => {
    expect(hopLines(all.filter((h) => isSynAck(h.ip)))).toEqual([
      `rs3:eth0 -> router:eth4 | 52:54:00:00:17:13 > 52:54:00:00:17:01 | ${VIP}:80 > ${CIP}:${P} ttl 64 DF tcp [S.]`,
      `router:eth0 -> internet:p0 | 52:54:00:00:01:01 > ${CLIENT_MAC} | ${VIP}:80 > ${CIP}:${P} ttl 63 DF tcp [S.]`,
      `internet:p1 -> client1:eth0 | 52:54:00:00:01:01 > ${CLIENT_MAC} | ${VIP}:80 > ${CIP}:${P} ttl 63 DF tcp [S.]`,
    ]);
  });

  it('every encapsulated frame: protocol 4, +20 bytes, a fresh IP ID, inner addresses and ports untouched', () => {
    const enc = all.filter((h) => h.link === 'director:eth0 -> switch:p1');
    const arrived = all.filter((h) => h.link === 'switch:p1 -> director:eth0');
    expect(enc.length).toBe(arrived.length);
    expect(enc.length).toBeGreaterThan(3);
    enc.forEach((h, i) => {
      const a = arrived[i]!.ip;
      expect(h.ip.proto).toBe(IPPROTO_IPIP);
      expect(h.ip.len).toBe(a.len + IP_HLEN);
      expect(h.ip.l4.kind).toBe('ipip');
      if (h.ip.l4.kind !== 'ipip') return;
      const inner = h.ip.l4.inner;
      expect({ ...inner, ttl: inner.ttl + 1 }).toEqual(a);
      expect(h.ip.ttl).toBe(inner.ttl);
      expect(h.ip.df).toBe(inner.df);
    });
    const ids = enc.map((h) => h.ip.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toEqual(arrived.map((h) => h.ip.id));
    // Replies never pass the director.
    expect(all.filter((h) => h.ip.src === ip(VIP) && h.link.includes('director'))).toEqual([]);
  });

  it('outer DF follows the inner DF (pmtu_disc=1), and is 0 with pmtu_disc=0', () => {
    const t2 = build('tun');
    send(t2.host('client1'), CIP, VIP, tcp(40000, 80, F.SYN), { df: false });
    send(t2.host('client1'), CIP, VIP, tcp(40002, 80, F.SYN), { df: true });
    t2.lab.advance(50_000);
    t2.host('director').sysctl.set('net.ipv4.vs.pmtu_disc', 0);
    send(t2.host('client1'), CIP, VIP, tcp(40004, 80, F.SYN), { df: true });
    t2.lab.advance(50_000);
    const enc = hops(t2.events, (p) => p.l4.kind === 'ipip' && isSynOnly(p)).filter((h) => h.link === 'director:eth0 -> switch:p1');
    expect(enc.map((h) => [innerTcp(h.ip)!.tcp.sport, innerTcp(h.ip)!.ip.df, h.ip.df])).toEqual([
      [40000, false, false],
      [40002, true, true],
      [40004, true, false],
    ]);
  });

  it('outer TOS = inner DS field with ECN encapsulation: CE becomes ECT(0), other ECN values are copied', () => {
    const t2 = build('tun');
    send(t2.host('client1'), CIP, VIP, tcp(40000, 80, F.SYN), { tos: 0xb8 | 3 }); // EF + CE
    send(t2.host('client1'), CIP, VIP, tcp(40002, 80, F.SYN), { tos: 0xb8 | 1 }); // EF + ECT(1)
    t2.lab.advance(50_000);
    const enc = hops(t2.events, (p) => p.l4.kind === 'ipip' && isSynOnly(p)).filter((h) => h.link === 'director:eth0 -> switch:p1');
    expect(enc.map((h) => [innerTcp(h.ip)!.ip.tos, h.ip.tos])).toEqual([
      [0xbb, 0xba],
      [0xb9, 0xb9],
    ]);
  });

  it('the outer source follows the route to the RIP (a route with src)', () => {
    const t2 = build('tun', (s) => {
      const d = node(s, 'director');
      d.ifaces![0]!.addrs!.push('192.168.10.3/24');
      d.routes!.push({ dst: '10.2.0.0/24', via: '192.168.10.1', src: '192.168.10.3' });
    });
    const a = curl(t2, 'client1', VIP); // rs3
    const b = curl(t2, 'client1', VIP); // rs2
    expect([a.body, b.body]).toEqual(['rs3 10.3.0.11\n', 'rs2 10.2.0.11\n']);
    const enc = hops(t2.events, isSynOnly).filter((h) => h.link === 'director:eth0 -> switch:p1');
    expect(enc.map((h) => `${h.ip.src} > ${h.ip.dst}`)).toEqual([`${ip('192.168.10.2')} > ${ip('10.3.0.11')}`, `${ip('192.168.10.3')} > ${ip('10.2.0.11')}`]);
  });
});

describe('TTL and local real servers (§2, §2.1 TTL notes)', () => {
  it('a packet arriving with TTL 1 at IPVS is dropped with ICMP time exceeded to the client', () => {
    const t = build('dr');
    t.lab.advance(SETTLE); // see ICMP_SETTLE in helpers
    send(t.host('client1'), CIP, '192.168.10.100', tcp(40000, 80, F.SYN), { ttl: 2 }); // router makes it 1
    t.lab.advance(50_000);
    const d = drops(t.events, 'director');
    expect(d.map((x) => x.reason)).toEqual(['ttl-exceeded']);
    const icmp = hops(t.events, (p) => p.l4.kind === 'icmp').filter((h) => h.link.endsWith('client1:eth0'));
    expect(icmp.map((h) => pktStr(h.ip))).toEqual([`192.168.10.100 > ${CIP} ttl 63 icmp 11/0`] /* icmp_send: the input route is local, so the source is the VIP */);
    expect(hops(t.events).filter((h) => h.link.startsWith('director:eth0') && h.ip.l4.kind === 'tcp')).toEqual([]);
  });

  for (const fwd of ['route', 'tunnel', 'masq'] as const) {
    it(`${fwd}: a local real server gets the packet without TTL decrement or encapsulation${fwd === 'masq' ? '; its replies get source VIP:vport at LOCAL_OUT' : ''}`, () => {
      const t = build('dr', (s) => {
        service(s).dests = [{ ip: '192.168.10.2', port: fwd === 'masq' ? 8080 : 80, weight: 1, fwd }];
        node(s, 'director').web = { port: fwd === 'masq' ? 8080 : 80 };
        node(s, 'director').modules = ['ipip'];
      });
      const delivered: Ipv4[] = [];
      t.events.length = 0;
      t.lab.world.trace.subscribe((e) => {
        if (e.type === 'ip.deliver' && e.node === 'director' && e.ip.l4.kind === 'tcp') delivered.push(e.ip);
      });
      const r = curl(t, 'client1', '192.168.10.100');
      expect(r.ok).toBe(true);
      expect(r.body).toBe('director 192.168.10.2\n');
      const syn = delivered.find((p) => p.l4.kind === 'tcp' && p.l4.flags === F.SYN)!;
      // Arrived with TTL 63 (after the router): delivered unchanged, or DNATed for masq.
      expect(pktStr(syn)).toBe(fwd === 'masq' ? `${CIP}:${r.sport} > 192.168.10.2:8080 ttl 63 DF tcp [S]` : `${CIP}:${r.sport} > 192.168.10.100:80 ttl 63 DF tcp [S]`);
      // Nothing is sent towards the real-server segment; every reply leaves with VIP:80.
      const out = hops(t.events, (p) => p.l4.kind === 'tcp').filter((h) => h.link.startsWith('director:eth0'));
      expect(out.length).toBeGreaterThan(3);
      for (const h of out) expect([ipStr(h.ip.src), innerTcp(h.ip)!.tcp.sport, h.dmac]).toEqual(['192.168.10.100', 80, '52:54:00:00:0a:01']);
      expect(drops(t.events)).toEqual([]);
    });
  }
});

describe('ICMP errors about a connection (ip_vs_in_icmp / ip_vs_out_icmp, §3)', () => {
  const udpNat = (s: ScenarioInput) => {
    const svc = service(s);
    svc.proto = 'udp';
    svc.port = 53;
    for (const d of svc.dests!) d.port = 5353;
  };

  it('NAT: the real server’s ICMP port unreachable leaves with source VIP and the quoted request rewritten to VIP:vport', () => {
    const t = build('nat', udpNat);
    t.lab.advance(SETTLE);
    const errors: string[] = [];
    t.host('client1').udp.bind({ port: 5000, addr: 0, onDatagram: () => {}, onError: (ic) => errors.push(`${ic.type}/${ic.code}`) });
    send(t.host('client1'), CIP, '172.16.0.100', udp(5000, 53));
    t.lab.advance(50_000);
    const icmp = hops(t.events, (p) => p.l4.kind === 'icmp');
    const line = (h: (typeof icmp)[number]) => `${h.link} | ${pktStr(h.ip)} | quoting ${pktStr(embedded(h.ip)!)}`;
    expect(icmp.map(line)).toEqual([
      `rs3:eth0 -> switch:p3 | 192.168.10.13 > ${CIP} ttl 64 icmp 3/3 | quoting ${CIP}:5000 > 192.168.10.13:5353 ttl 62 DF udp`,
      `switch:p0 -> director:eth1 | 192.168.10.13 > ${CIP} ttl 64 icmp 3/3 | quoting ${CIP}:5000 > 192.168.10.13:5353 ttl 62 DF udp`,
      `director:eth0 -> router:eth1 | 172.16.0.100 > ${CIP} ttl 63 icmp 3/3 | quoting ${CIP}:5000 > 172.16.0.100:53 ttl 62 DF udp`,
      `router:eth0 -> internet:p0 | 172.16.0.100 > ${CIP} ttl 62 icmp 3/3 | quoting ${CIP}:5000 > 172.16.0.100:53 ttl 62 DF udp`,
      `internet:p1 -> client1:eth0 | 172.16.0.100 > ${CIP} ttl 62 icmp 3/3 | quoting ${CIP}:5000 > 172.16.0.100:53 ttl 62 DF udp`,
    ]);
    // The client's socket gets the error, as from the service it talked to.
    expect(errors).toEqual(['3/3']);
    const d = t.ipvs.services[0]!.dests.find((x) => x.addr === ip('192.168.10.13'))!;
    expect([d.stats.inpkts, d.stats.outpkts, d.stats.outbytes]).toEqual([1, 1, icmp[2]!.ip.len]);
  });

  it('NAT: an ICMP error from the client about a reply goes to the real server with RIP:dport restored', () => {
    const t = build('nat', udpNat);
    t.host('rs3').udp.bind({ port: 5353, addr: 0, onDatagram: () => {} });
    send(t.host('client1'), CIP, '172.16.0.100', udp(5000, 53));
    t.lab.advance(50_000);
    const quoted = makeIp({ src: ip('172.16.0.100'), dst: ip(CIP), ttl: 62, l4: udp(53, 5000) });
    send(t.host('client1'), CIP, '172.16.0.100', { kind: 'icmp', type: 3, code: 3, orig: quoted });
    t.lab.advance(50_000);
    const atRs = hops(t.events, (p) => p.l4.kind === 'icmp').filter((h) => h.link === 'switch:p3 -> rs3:eth0');
    expect(atRs.map((h) => `${pktStr(h.ip)} | quoting ${pktStr(embedded(h.ip)!)}`)).toEqual([`${CIP} > 192.168.10.13 ttl 62 DF icmp 3/3 | quoting 192.168.10.13:5353 > ${CIP}:5000 ttl 62 DF udp`]);
    const d = t.ipvs.services[0]!.dests.find((x) => x.addr === ip('192.168.10.13'))!;
    expect(d.stats.inpkts).toBe(2);
  });

  it('DR: an ICMP error from the client about a reply is sent on to the real server’s MAC unchanged (but for the TTL)', () => {
    const t = build('dr');
    send(t.host('client1'), CIP, '192.168.10.100', tcp(40000, 80, F.SYN));
    t.lab.advance(50_000);
    const quoted = makeIp({ src: ip('192.168.10.100'), dst: ip(CIP), ttl: 63, l4: tcp(80, 40000, F.SYN | F.ACK) });
    send(t.host('client1'), CIP, '192.168.10.100', { kind: 'icmp', type: 3, code: 1, orig: quoted });
    t.lab.advance(50_000);
    const atRs = hops(t.events, (p) => p.l4.kind === 'icmp').filter((h) => h.link === 'switch:p4 -> rs3:eth0');
    expect(atRs.map((h) => `${h.dmac} | ${pktStr(h.ip)} | quoting ${pktStr(embedded(h.ip)!)}`)).toEqual([`52:54:00:00:0a:13 | ${CIP} > 192.168.10.100 ttl 62 DF icmp 3/1 | quoting 192.168.10.100:80 > ${CIP}:40000 ttl 63 DF tcp [S.]`]);
  });
});
