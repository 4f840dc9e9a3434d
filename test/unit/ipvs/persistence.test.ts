/**
 * ipvs-datapath.md §6: persistence templates — pinning, the template key and timeout, the
 * 60 s postponement while it controls connections, -M netmask, fwmark services,
 * expire_quiescent_template, PersistConn, ASSURED; and one-packet scheduling.
 */
import { describe, expect, it } from 'vitest';
import { stateName } from '../../../src/core/ipvs/ipvs';
import { makeIp } from '../../../src/core/net/packet';
import type { ScenarioInput } from '../../../src/core/scenario/schema';
import { CIP, F, SEC, build, connLine, conns, curl, inject, ip, ipStr, isolate, node, only, service, udp, type Mode, type TestLab } from './helpers';

const { SYN, ACK, FIN } = F;
const VIP = '192.168.10.100';

function box(mode: Mode, edit?: (s: ScenarioInput) => void): TestLab {
  const t = build(mode, edit);
  isolate(t);
  return t;
}

const persistent = (timeout?: number, netmask?: string) => (s: ScenarioInput) => {
  const svc = service(s);
  svc.persistent = timeout ?? 360;
  if (netmask) svc.netmask = netmask;
};

const template = (t: TestLab) => only(conns(t.ipvs, true));
const rem = (t: TestLab, c = template(t)) => t.ipvs.remaining(c) / SEC;
const dest = (t: TestLab, rip: string) => t.ipvs.services[0]!.dests.find((d) => d.addr === ip(rip))!;

describe('pinning and the template entry', () => {
  it('the same client goes to the same real server across many connections; others are scheduled (rr)', () => {
    const t = build('dr', persistent());
    const bodies: string[] = [];
    for (let i = 0; i < 6; i++) bodies.push(curl(t, 'client1', VIP, 80, 1 * SEC).body!);
    expect(new Set(bodies)).toEqual(new Set(['rs3 192.168.10.13\n']));
    expect(curl(t, 'client2', VIP, 80, 1 * SEC).body).toBe('rs2 192.168.10.12\n');
    expect(curl(t, 'client1', VIP, 80, 1 * SEC).body).toBe('rs3 192.168.10.13\n');
    // Non-persistent: the same client rotates.
    const n = build('dr');
    expect([1, 2, 3].map(() => curl(n, 'client1', VIP, 80, 1 * SEC).body)).toEqual(['rs3 192.168.10.13\n', 'rs2 192.168.10.12\n', 'rs1 192.168.10.11\n']);
  });

  it('templates sit in the conn table: cport 0, <proto, CIP, 0, VIP, vport, RIP, RS port>, NONE until a controlled conn is ESTABLISHED', () => {
    const t = box('nat', (s) => {
      persistent(300)(s);
      for (const d of service(s).dests!) d.port = 8080;
    });
    inject(t, 'in', SYN);
    expect(connLine(t.ipvs, template(t))).toBe(`TCP NONE 300 ${CIP}:0 172.16.0.100:80 192.168.10.13:8080`);
    expect(template(t).cport).toBe(0);
    inject(t, 'out', SYN | ACK, { rport: 8080 });
    expect(stateName(template(t))).toBe('NONE');
    inject(t, 'in', ACK);
    expect(stateName(template(t))).toBe('ASSURED');
    expect(only(conns(t.ipvs)).control).toBe(template(t));
    expect(template(t).nControl).toBe(1);
  });

  it('PersistConn counts templates per real server; they do not count in ActiveConn/InActConn', () => {
    const t = box('dr', persistent());
    for (const c of ['203.0.113.10', '203.0.113.20', '203.0.113.30', '203.0.113.40']) inject(t, 'in', SYN, { caddr: c });
    inject(t, 'in', SYN, { caddr: '203.0.113.10', cport: 40002 }); // same client, second conn
    const per = ['192.168.10.13', '192.168.10.12', '192.168.10.11'].map((r) => {
      const d = dest(t, r);
      return [d.persistConns, d.activeConns, d.inactive];
    });
    expect(per).toEqual([
      [2, 3, 0], // .10 (two conns) and .40
      [1, 1, 0],
      [1, 1, 0],
    ]);
    expect(conns(t.ipvs, true)).toHaveLength(4);
    // The SYN_RECV conns go after 60 s; the templates after 360 s, taking PersistConn down.
    t.lab.advance(60 * SEC);
    expect([conns(t.ipvs).length, conns(t.ipvs, true).length, dest(t, '192.168.10.13').persistConns]).toEqual([0, 4, 2]);
    t.lab.advance(300 * SEC);
    expect([conns(t.ipvs, true).length, dest(t, '192.168.10.13').persistConns]).toEqual([0, 0]);
  });
});

describe('template lifetime', () => {
  it('the template lives `timeout` s after the last new connection (each new conn touches it)', () => {
    const t = box('dr', persistent(360));
    inject(t, 'in', SYN);
    inject(t, 'in', ACK);
    inject(t, 'in', FIN | ACK);
    expect(rem(t)).toBe(360);
    t.lab.advance(100 * SEC);
    expect(rem(t)).toBe(260);
    inject(t, 'in', SYN, { cport: 40002 }); // new conn touches the template
    expect(rem(t)).toBe(360);
    inject(t, 'in', ACK, { cport: 40002 });
    inject(t, 'in', FIN | ACK, { cport: 40002 });
    // Packets of existing conns do not touch it.
    t.lab.advance(50 * SEC);
    inject(t, 'in', ACK, { cport: 40002 });
    expect(rem(t)).toBe(310);
    t.lab.advance(310 * SEC - 1);
    expect(conns(t.ipvs, true)).toHaveLength(1);
    t.lab.advance(1);
    expect(conns(t.ipvs, true)).toHaveLength(0);
    expect(dest(t, '192.168.10.13').persistConns).toBe(0);
    // The next connection is scheduled afresh (rr moves on).
    inject(t, 'in', SYN, { cport: 40004 });
    expect(ipStr(template(t).daddr)).toBe('192.168.10.12');
  });

  it('while it controls a connection its expiry is postponed by 60 s, repeatedly, and 60 s stays its timeout', () => {
    const t = box('dr', persistent(10));
    inject(t, 'in', SYN);
    inject(t, 'in', ACK); // ESTABLISHED, 900 s
    expect(rem(t)).toBe(10);
    t.lab.advance(10 * SEC);
    expect([rem(t), template(t).timeout / SEC]).toEqual([60, 60]);
    t.lab.advance(60 * SEC);
    expect(rem(t)).toBe(60);
    t.lab.advance(5 * SEC);
    // A new connection re-arms it to 60 s, not to the persistence timeout.
    inject(t, 'in', SYN, { cport: 40002 });
    expect(rem(t)).toBe(60);
    expect(ipStr(only(conns(t.ipvs).filter((c) => c.cport === 40002)).daddr)).toBe('192.168.10.13');
    // Close both at t=80 s: the conns expire at 200 s. The template (due at 135 s) is
    // postponed to 195 s, then again to 255 s: it goes at most 60 s after the last conn.
    t.lab.advance(5 * SEC);
    for (const cport of [40000, 40002]) inject(t, 'in', FIN | ACK, { cport });
    t.lab.runUntil(200 * SEC);
    expect(conns(t.ipvs)).toHaveLength(0);
    expect(rem(t)).toBe(55);
    t.lab.runUntil(255 * SEC - 1);
    expect(conns(t.ipvs, true)).toHaveLength(1);
    t.lab.runUntil(255 * SEC);
    expect(conns(t.ipvs, true)).toHaveLength(0);
  });
});

describe('-M netmask and fwmark services', () => {
  it('with -M 255.255.255.0 the clients of one /24 share one template (caddr = network)', () => {
    const t = build('dr', persistent(360, '255.255.255.0'));
    const bodies = ['client1', 'client2', 'client3', 'client1'].map((c) => curl(t, c, VIP, 80, 1 * SEC).body);
    expect(bodies).toEqual(Array(4).fill('rs3 192.168.10.13\n'));
    expect(connLine(t.ipvs, template(t))).toMatch(new RegExp(`^TCP ASSURED 3(59|60) 203\\.0\\.113\\.0:0 ${VIP}:80 192\\.168\\.10\\.13:80$`));
    expect(dest(t, '192.168.10.13').persistConns).toBe(1);
    // Default /32: each client gets its own template.
    const u = build('dr', persistent(360));
    expect(['client1', 'client2', 'client3'].map((c) => curl(u, c, VIP, 80, 1 * SEC).body)).toEqual(['rs3 192.168.10.13\n', 'rs2 192.168.10.12\n', 'rs1 192.168.10.11\n']);
  });

  it('a persistent fwmark service pins ports 80 and 443 of a client to one server; template <IP, CIP, 0, mark, 0, RIP, 0>', () => {
    const t = box('dr', (s) => {
      const svc = service(s);
      delete svc.vip;
      delete svc.port;
      svc.fwmark = 1;
      svc.persistent = 360;
      for (const d of svc.dests!) d.port = 0;
      node(s, 'director').fwmarks = [{ dst: `${VIP}/32`, proto: 'tcp', ports: [80, 443], mark: 1 }];
    });
    inject(t, 'in', SYN, { vport: 80 });
    inject(t, 'in', SYN, { vport: 443, cport: 40002 });
    inject(t, 'in', SYN, { vport: 443, caddr: '203.0.113.20' });
    const lines = [...t.ipvs.conns.all].map((c) => connLine(t.ipvs, c));
    expect(lines).toEqual([
      `IP NONE 360 ${CIP}:0 0.0.0.1:0 192.168.10.13:0`,
      `TCP SYN_RECV 60 ${CIP}:40000 ${VIP}:80 192.168.10.13:80`,
      `TCP SYN_RECV 60 ${CIP}:40002 ${VIP}:443 192.168.10.13:443`,
      `IP NONE 360 203.0.113.20:0 0.0.0.1:0 192.168.10.12:0`,
      `TCP SYN_RECV 60 203.0.113.20:40000 ${VIP}:443 192.168.10.12:443`,
    ]);
    // Port 8080 is not marked: no service, the SYN goes to the local stack.
    inject(t, 'in', SYN, { vport: 8080, cport: 40004 });
    expect(conns(t.ipvs)).toHaveLength(3);
  });

  it('a persistent port-zero service: template <proto, CIP, 0, VIP, 0, RIP, 0>, every port to the same server', () => {
    const t = box('dr', (s) => {
      const svc = service(s);
      svc.port = 0;
      svc.persistent = 360;
      for (const d of svc.dests!) d.port = 0;
    });
    inject(t, 'in', SYN, { vport: 22 });
    inject(t, 'in', SYN, { vport: 80, cport: 40002 });
    expect([...t.ipvs.conns.all].map((c) => connLine(t.ipvs, c))).toEqual([
      `TCP NONE 360 ${CIP}:0 ${VIP}:0 192.168.10.13:0`,
      `TCP SYN_RECV 60 ${CIP}:40000 ${VIP}:22 192.168.10.13:22`,
      `TCP SYN_RECV 60 ${CIP}:40002 ${VIP}:80 192.168.10.13:80`,
    ]);
  });
});

describe('FTP (port 21) persistent service', () => {
  it('its template is <proto, CIP, 0, VIP, 0, RIP, 0> like a port-zero one', () => {
    const t = box('dr', (s) => {
      const svc = service(s);
      svc.port = 21;
      svc.persistent = 360;
      for (const d of svc.dests!) d.port = 21;
    });
    inject(t, 'in', SYN, { vport: 21 });
    expect([...t.ipvs.conns.all].map((c) => connLine(t.ipvs, c))).toEqual([`TCP NONE 360 ${CIP}:0 ${VIP}:0 192.168.10.13:0`, `TCP SYN_RECV 60 ${CIP}:40000 ${VIP}:21 192.168.10.13:21`]);
  });
});

describe('quiesced and overloaded servers under persistence (§6, §7)', () => {
  function pinnedThenQuiesced(expireQuiescent: number): TestLab {
    const t = box('dr', persistent());
    t.host('director').sysctl.set('net.ipv4.vs.expire_quiescent_template', expireQuiescent);
    inject(t, 'in', SYN);
    t.ipvs.services[0]!.editDest({ addr: ip('192.168.10.13'), port: 80, weight: 0, fwd: 'route' });
    inject(t, 'in', SYN, { cport: 40002 });
    return t;
  }

  it('weight 0 (quiesced): the template still sends its client to the server (expire_quiescent_template=0)', () => {
    const t = pinnedThenQuiesced(0);
    expect(conns(t.ipvs).map((c) => ipStr(c.daddr))).toEqual(['192.168.10.13', '192.168.10.13']);
    expect(template(t).nControl).toBe(2);
  });

  it('expire_quiescent_template=1: the template is invalidated (ports 65535, never found again) and the client rescheduled', () => {
    const t = pinnedThenQuiesced(1);
    expect(conns(t.ipvs).map((c) => ipStr(c.daddr))).toEqual(['192.168.10.13', '192.168.10.12']);
    const tpls = [...conns(t.ipvs, true)];
    expect(tpls.map((c) => connLine(t.ipvs, c))).toEqual([`TCP NONE 360 ${CIP}:0 ${VIP}:65535 192.168.10.13:65535`, `TCP NONE 360 ${CIP}:0 ${VIP}:80 192.168.10.12:80`]);
    // The invalidated one is left to its own timer (it still controls the first conn).
    expect(dest(t, '192.168.10.13').persistConns).toBe(1);
  });

  it('an OVERLOADed server still receives its persistent clients (OVERLOAD is not checked for templates)', () => {
    const t = box('dr', (s) => {
      persistent()(s);
      for (const d of service(s).dests!) d.upper = 1;
    });
    inject(t, 'in', SYN);
    const rs3 = dest(t, '192.168.10.13');
    expect(rs3.overload).toBe(true);
    inject(t, 'in', SYN, { cport: 40002 });
    inject(t, 'in', SYN, { cport: 40004 });
    expect(conns(t.ipvs).map((c) => ipStr(c.daddr))).toEqual(['192.168.10.13', '192.168.10.13', '192.168.10.13']);
    expect(rs3.activeConns).toBe(3);
    // A new client skips it.
    inject(t, 'in', SYN, { caddr: '203.0.113.20' });
    expect(ipStr(conns(t.ipvs).at(-1)!.daddr)).toBe('192.168.10.12');
  });

  it('expire_nodest_conn=1 and weight 0: a new SYN on the old entry is rescheduled — through the template, so to the same server', () => {
    for (const eqt of [0, 1]) {
      const t = box('dr', persistent());
      t.host('director').sysctl.set('net.ipv4.vs.expire_nodest_conn', 1);
      t.host('director').sysctl.set('net.ipv4.vs.expire_quiescent_template', eqt);
      inject(t, 'in', SYN);
      inject(t, 'in', ACK);
      const old = only(conns(t.ipvs));
      t.ipvs.services[0]!.editDest({ addr: ip('192.168.10.13'), port: 80, weight: 0, fwd: 'route' });
      inject(t, 'in', SYN);
      t.lab.advance(1);
      const now = only(conns(t.ipvs));
      expect([eqt, now !== old, stateName(now), ipStr(now.daddr)]).toEqual([eqt, true, 'SYN_RECV', eqt ? '192.168.10.12' : '192.168.10.13']);
    }
  });

  it('a deleted server: its template is unusable, the client is rescheduled', () => {
    const t = box('dr', persistent());
    inject(t, 'in', SYN);
    inject(t, 'in', FIN, { cport: 40000 });
    t.ipvs.delDest(t.ipvs.services[0]!, ip('192.168.10.13'), 80);
    inject(t, 'in', SYN, { cport: 40002 });
    expect(ipStr(conns(t.ipvs).at(-1)!.daddr)).toBe('192.168.10.12');
  });
});

describe('one-packet scheduling (-o, UDP)', () => {
  it('each datagram is scheduled on its own, leaves no entry, and still counts a connection', () => {
    const t = box('dr', (s) => {
      const svc = service(s);
      svc.proto = 'udp';
      svc.port = 53;
      svc.ops = true;
      for (const d of svc.dests!) d.port = 53;
    });
    const d = t.host('director');
    const sent: string[] = [];
    t.lab.world.trace.subscribe((e) => {
      if (e.type === 'ctl' && e.what === 'ipvs.schedule') sent.push(String(e.data?.dest));
    });
    for (let i = 0; i < 4; i++) d.ipReceive(d.iface('eth0')!, makeIp({ src: ip(CIP), dst: ip(VIP), l4: udp(5000, 53) }));
    expect(sent).toEqual(['192.168.10.13:53', '192.168.10.12:53', '192.168.10.11:53', '192.168.10.13:53']);
    expect(t.ipvs.conns.all.size).toBe(0);
    const svc = t.ipvs.services[0]!;
    expect([svc.stats.conns, svc.stats.inpkts]).toEqual([4, 4]);
    expect(svc.dests.map((x) => [x.activeConns, x.inactive])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });
});
