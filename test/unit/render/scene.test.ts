import { describe, expect, it } from 'vitest';
import { Scene, formatRate, serverRanks } from '../../../src/render/scene/scene';
import { COLOUR, serverColour } from '../../../src/render/palette';
import { connColour, connKeyOf } from '../../../src/render/scene/classify';
import { ip } from '../../../src/core/net/addr';
import { ipFrame } from '../../../src/core/net/packet';
import { layoutTopology } from '../../../src/render/layout';
import { CLIENT, LINK, RIP1, TOPO, arp, forward, ipip, layout, reply, request, schedule, tcp, tx, vrrp, withIp } from './scene-fixtures';

/** A scene at speed 1 whose visual clock starts at 0 when simulated time is 0. */
function scene(opts: ConstructorParameters<typeof Scene>[1] = {}): Scene {
  const s = new Scene(layout(), opts);
  s.anchor(0, 0, 1);
  return s;
}

const where = (s: Scene, v: number, d = 0) =>
  s.frame(v, d).packets.map((p) => ({ id: p.id, lane: `${p.event.from.split(':')[0]}>${p.event.to.split(':')[0]}`, progress: Math.round(p.progress * 1000) / 1000 }));

describe('scene: where a packet is drawn', () => {
  it('moves along its lane from sender to receiver, each hop drawn for at least 300 ms', () => {
    const s = scene();
    s.ingest(tx(LINK.client, 'ab', request(), 0, 100)); // a 100 µs hop
    expect(where(s, 0)).toEqual([{ id: 1, lane: 'client>sw', progress: 0 }]);
    expect(where(s, 150)[0]?.progress).toBe(0.5);
    expect(where(s, 299)[0]?.progress).toBeCloseTo(0.997, 3);
    expect(where(s, 300)).toEqual([]);
    const f = s.frame(150, 0);
    const p = f.packets[0]!;
    const g = layout();
    const client = g.nodes.find((n) => n.id === 'client')!;
    const sw = g.nodes.find((n) => n.id === 'sw')!;
    // Halfway between the two boxes (give or take the lane's sideways offset).
    expect(Math.abs(p.x - (client.x + sw.x) / 2)).toBeLessThan(8);
  });

  it('draws a slow hop at its true pace: (displayTime − t) / (tArrive − t)', () => {
    const s = scene();
    s.ingest(tx(LINK.client, 'ab', request(), 0, 2_000_000)); // 2 s on the wire at 1×
    expect(where(s, 500)[0]?.progress).toBe(0.25);
    expect(where(s, 1999)[0]?.progress).toBeCloseTo(1, 2);
  });

  it('scales the stretch with speed: at 1/100× a 100 µs hop still takes 300 ms, a 10 ms hop 1 s', () => {
    const s = scene();
    s.anchor(0, 0, 0.01);
    s.ingest(tx(LINK.client, 'ab', request(1), 0, 100));
    s.ingest(tx(LINK.dir, 'ab', request(2), 0, 10_000));
    const f = s.frame(150, 0);
    expect(f.packets.map((p) => Math.round(p.progress * 100) / 100)).toEqual([0.5, 0.15]);
  });

  it('maps simulated time to visual time through the anchor', () => {
    const s = scene();
    s.anchor(1_000_000, 5000, 0.5); // 1 s simulated is visual 5000 ms; half speed
    expect(s.toV(1_000_000)).toBe(5000);
    expect(s.toV(1_001_000)).toBe(5002); // 1 ms simulated = 2 ms at half speed
  });

  it('chains a packet’s hops: the next hop starts when the previous one has been drawn', () => {
    const s = scene();
    const f = request();
    s.ingest(tx(LINK.client, 'ab', f, 0, 100));
    s.ingest(tx(LINK.dir, 'ba', f, 100, 200)); // the switch forwards the same frame at once
    expect(where(s, 100)).toEqual([{ id: 1, lane: 'client>sw', progress: 0.333 }]);
    expect(where(s, 300)).toEqual([{ id: 2, lane: 'sw>dir', progress: 0 }]);
    expect(where(s, 450)).toEqual([{ id: 2, lane: 'sw>dir', progress: 0.5 }]);
  });

  it('follows a packet through a router or IPVS rewrite (ip.forward before → after)', () => {
    const s = scene();
    const inFrame = request();
    const before = inFrame.ip!;
    const after = withIp(before, { dst: RIP1, ttl: before.ttl - 1 });
    s.ingest(tx(LINK.client, 'ab', inFrame, 0, 100));
    s.ingest(forward('dir', before, after, 100, 'IPVS NAT: destination rewritten'));
    s.ingest(tx(LINK.rs1, 'ba', ipFrame('a', 'b', after), 100, 200));
    expect(where(s, 310).map((p) => p.lane)).toEqual(['sw>rs1']);
    expect(where(s, 290).map((p) => p.lane)).toEqual(['client>sw']);
    // The rewrite makes the director flash when the packet reaches it.
    expect(s.frame(300, 0).pulses.map((p) => p.node)).toEqual(['dir']);
  });

  it('does not chain the copies of a switch flood to each other', () => {
    const s = scene();
    const a = arp();
    s.ingest(tx(LINK.dir, 'ab', a, 0, 100));
    s.ingest(tx(LINK.rs1, 'ba', a, 100, 200));
    s.ingest(tx(LINK.rs2, 'ba', a, 100, 200));
    s.ingest(tx(LINK.client, 'ba', a, 100, 200));
    // All three copies leave the switch together, after the hop into it.
    expect(where(s, 301).map((p) => p.lane)).toEqual(['sw>rs1', 'sw>rs2', 'sw>client']);
  });

  it('never holds a packet back more than maxChainLagMs behind its true time', () => {
    const s = scene({ maxChainLagMs: 500 });
    const f = request();
    s.ingest(tx(LINK.client, 'ab', f, 0, 100)); // drawn 0..300
    s.ingest(tx(LINK.dir, 'ba', f, 100, 100)); // chained: 300..600
    s.ingest(tx(LINK.dir, 'ab', f, 200, 100)); // would wait until 600; the bound lets it start at 0.2 + 500
    expect(where(s, 550).map((p) => p.lane)).toEqual(['sw>dir', 'dir>sw']);
    expect(where(s, 499).map((p) => p.lane)).toEqual(['sw>dir']);
  });

  it('keeps packets on one lane apart and in order', () => {
    const s = scene();
    for (let i = 0; i < 3; i++) s.ingest(tx(LINK.client, 'ab', request(40000 + i), 0, 100));
    expect(where(s, 0).map((p) => p.id)).toEqual([1]);
    expect(where(s, 60).map((p) => p.progress)).toEqual([0.2, 0.117, 0.033]);
  });

  it('spaces packets further apart on a short lane, so their glyphs never overlap', () => {
    const s = new Scene(layoutTopology(TOPO, { width: 420, height: 300 }));
    s.anchor(0, 0, 1);
    for (let i = 0; i < 6; i++) s.ingest(tx(LINK.client, 'ab', request(40100 + i), 0));
    const f = s.frame(299, 0);
    const ps = f.packets;
    expect(ps.length).toBeGreaterThan(1);
    for (let i = 1; i < ps.length; i++) {
      expect(Math.hypot(ps[i]!.x - ps[i - 1]!.x, ps[i]!.y - ps[i - 1]!.y)).toBeGreaterThanOrEqual(f.glyph * 0.99);
    }
  });

  it('draws the two directions of a cable on opposite sides', () => {
    const s = scene();
    s.ingest(tx(LINK.client, 'ab', request(), 0, 100));
    s.ingest(tx(LINK.client, 'ba', reply(), 0, 100));
    const [req, rep] = s.frame(150, 0).packets;
    expect(req!.y).not.toBe(rep!.y);
    expect(Math.abs(req!.y - rep!.y)).toBeCloseTo(10, 0);
  });
});

describe('scene: what a packet looks like', () => {
  it('colours a connection by its client end, the same through a NAT rewrite and on the reply', () => {
    const s = scene();
    const req = request(40001);
    const rewritten = ipFrame('x', 'y', withIp(req.ip!, { dst: RIP1 }));
    s.ingest(tx(LINK.client, 'ab', req, 0));
    s.ingest(tx(LINK.rs1, 'ba', rewritten, 1000));
    s.ingest(tx(LINK.rs1, 'ab', reply(40001), 2000));
    const f = s.frame(10, 0);
    const want = connColour(connKeyOf(CLIENT, 40001));
    expect(f.packets.map((p) => [p.shape, p.colour, p.reply])).toEqual([
      ['square', want, false],
      ['square', want, false],
      ['circle', want, true],
    ]);
  });

  it('colours by real server once IPVS has scheduled the connection; grey before', () => {
    const s = scene();
    s.setServers(new Map([[RIP1, 0]]));
    s.mode = 'server';
    s.ingest(tx(LINK.client, 'ab', request(40002), 0));
    s.ingest(schedule(50, '203.0.113.10:40002', '192.168.10.11:80'));
    s.ingest(tx(LINK.rs1, 'ba', request(40002), 100));
    s.ingest(tx(LINK.rs1, 'ab', reply(40002), 200));
    expect(s.frame(10, 0).packets.map((p) => p.colour)).toEqual([COLOUR.neutral, serverColour(0), serverColour(0)]);
    s.mode = 'connection';
    const c = connColour(connKeyOf(CLIENT, 40002));
    expect(s.frame(10, 0).packets.map((p) => p.colour)).toEqual([c, c, c]);
  });

  it('ranks real servers by the scenario’s rs nodes, ignoring the VIP they all hold', () => {
    const ranks = serverRanks([
      { name: 'director', kind: 'director', ifaces: [{ addrs: ['192.168.10.2/24', { addr: '192.168.10.100/32' }] }] },
      { name: 'rs1', kind: 'rs', ifaces: [{ addrs: ['192.168.10.11/24'] }, { addrs: [{ addr: '192.168.10.100/32' }] }] },
      { name: 'rs2', kind: 'rs', ifaces: [{ addrs: ['192.168.10.12/24'] }, { addrs: [{ addr: '192.168.10.100/32' }] }] },
    ]);
    expect([...ranks]).toEqual([
      [ip('192.168.10.11'), 0],
      [ip('192.168.10.12'), 1],
    ]);
  });

  it('draws IP-in-IP as a packet inside a packet: blue outer frame, inner glyph in the connection colour', () => {
    const s = scene();
    s.ingest(tx(LINK.rs1, 'ba', ipip(tcp(CLIENT, 40003, ip('192.168.10.100'), 80)), 0));
    const p = s.frame(10, 0).packets[0]!;
    expect([p.shape, p.colour, p.inner, p.innerColour]).toEqual(['frame', COLOUR.tunnel, 'square', connColour(connKeyOf(CLIENT, 40003))]);
  });

  it('gives ARP and VRRP their own glyphs and colours, in both colour modes', () => {
    const s = scene();
    s.ingest(tx(LINK.dir, 'ab', arp(), 0));
    s.ingest(tx(LINK.client, 'ab', vrrp(), 0));
    for (const mode of ['connection', 'server'] as const) {
      s.mode = mode;
      expect(s.frame(10, 0).packets.map((p) => [p.shape, p.colour])).toEqual([
        ['diamond', COLOUR.arp],
        ['triangle', COLOUR.vrrp],
      ]);
    }
  });
});

describe('scene: drops', () => {
  const dropEv = (t: number, n = 0) => ({ type: 'drop' as const, t, node: 'rs1', reason: 'rp-filter' as const, text: `dropped ${n}`, frame: request(41000 + n) });

  it('lets a dropped packet fall by its node with its reason for 1.5 s', () => {
    const s = scene();
    s.ingest(dropEv(0));
    // Frames reuse their objects: copy what is compared.
    const a = { ...s.frame(0, 0).drops[0]! };
    const b = { ...s.frame(1000, 0).drops[0]! };
    expect(a.label).toBe('rp-filter');
    expect(b.y).toBeGreaterThan(a.y);
    expect(b.alpha).toBeLessThan(a.alpha);
    expect(s.frame(1500, 0).drops).toEqual([]);
  });

  it('starts the fall of a packet lost on a cable when its hop has been drawn', () => {
    const s = scene();
    const f = request();
    s.ingest(tx(LINK.rs1, 'ba', f, 0, 100));
    s.ingest({ type: 'drop', t: 100, node: 'rs1:eth0', reason: 'link-loss', text: 'lost', frame: f });
    expect(s.frame(200, 0).drops).toEqual([]);
    expect(s.frame(310, 0).drops.map((d) => d.label)).toEqual(['link-loss']);
  });

  it('caps labels and drawn drops, and counts the rest', () => {
    const s = scene({ maxDrops: 5, maxDropLabels: 2 });
    for (let i = 0; i < 8; i++) s.ingest(dropEv(i * 10, i));
    const f = s.frame(100, 0);
    expect(f.drops).toHaveLength(5);
    expect(f.drops.filter((d) => d.label).length).toBe(2);
    expect(f.hiddenDrops).toBe(3);
  });
});

describe('scene: level of detail', () => {
  it('turns a lane whose queue would lag too far into a stream with a rate, and back when it calms down', () => {
    const s = scene({ laneSpacingMs: 25, maxLaneLagMs: 100, streamHoldMs: 500 });
    // 20 packets in 1 ms of simulated time: 20 × 25 ms of spacing > 100 ms.
    for (let i = 0; i < 20; i++) s.ingest(tx(LINK.client, 'ab', request(42000 + i), i * 50));
    expect(s.counters.recorded).toBe(5);
    expect(s.counters.streamed).toBe(15);
    const f = s.frame(1, 1000);
    expect(f.packets).toEqual([]);
    expect(f.streams).toHaveLength(1);
    const st = f.streams[0]!;
    expect([st.from, st.to, st.why, st.count]).toEqual(['client', 'sw', 'busy', 20]);
    expect(st.rate).toBeGreaterThan(0);
    expect(st.label).toMatch(/\/s$/);
    expect(st.dots.length).toBeGreaterThanOrEqual(3);
    // Still busy a second later: 21 packets/s is over half of what the lane shows one by one (40/s).
    s.ingest(tx(LINK.client, 'ab', request(43000), 1_000_000));
    expect(s.frame(1001, 1_000_000).streams.map((x) => x.why)).toEqual(['busy']);
    // Calm again: the hold ends and the lane shows packets one by one; the stale queue is gone.
    s.ingest(tx(LINK.client, 'ab', request(43001), 2_500_000));
    const calm = s.frame(2501, 2_500_000);
    expect(calm.streams).toEqual([]);
    expect(calm.packets.map((p) => p.event.t)).toEqual([2_500_000]);
  });

  it('streams the busiest lanes when more than maxPackets would be on screen', () => {
    const s = scene({ maxPackets: 10, laneSpacingMs: 1 });
    for (let i = 0; i < 12; i++) s.ingest(tx(LINK.client, 'ab', request(44000 + i), 0));
    for (let i = 0; i < 4; i++) s.ingest(tx(LINK.rs1, 'ab', reply(44000 + i), 0));
    const f = s.frame(200, 0);
    expect(f.streams.map((x) => [x.from, x.to, x.why])).toEqual([['client', 'sw', 'lod']]);
    expect(f.packets).toHaveLength(4);
    expect(f.packets.length).toBeLessThanOrEqual(10);
  });

  it('keeps a bounded ring of recent hops', () => {
    const s = scene({ capacity: 16, laneSpacingMs: 0 });
    for (let i = 0; i < 100; i++) s.ingest(tx(LINK.client, 'ab', request(45000 + i), i));
    expect(s.size).toBe(16);
    expect(s.counters.ingested).toBe(100);
  });

  it('formats rates compactly', () => {
    expect([0.5, 7, 42, 830, 1234, 56_789, 2_500_000].map(formatRate)).toEqual(['0.5', '7', '42', '830', '1.2k', '57k', '2.5M']);
  });
});

describe('scene: reduced motion, highlight, picking', () => {
  it('shows packets at their destination when motion is reduced; drops do not fall', () => {
    const s = scene();
    s.reducedMotion = true;
    s.ingest(tx(LINK.client, 'ab', request(), 0));
    s.ingest({ type: 'drop', t: 0, node: 'rs1', reason: 'no-route', text: '' });
    expect(where(s, 10)[0]?.progress).toBe(1);
    expect(where(s, 200)[0]?.progress).toBe(1);
    expect(s.frame(10, 0).drops[0]!.y).toBe(s.frame(1000, 0).drops[0]!.y);
  });

  it('dims everything but the highlighted connection or node', () => {
    const s = scene();
    s.ingest(tx(LINK.client, 'ab', request(46001), 0));
    s.ingest(tx(LINK.rs1, 'ab', reply(46002), 0));
    s.highlight({ conn: '203.0.113.10:46002' });
    expect(s.frame(10, 0).packets.map((p) => p.alpha)).toEqual([0.2, 1]);
    s.highlight({ node: 'client' });
    expect(s.frame(10, 0).packets.map((p) => p.alpha)).toEqual([1, 0.2]);
    s.highlight({});
    expect(s.frame(10, 0).packets.map((p) => p.alpha)).toEqual([1, 1]);
  });

  it('finds the packet or node under a point', () => {
    const s = scene();
    const ev = tx(LINK.client, 'ab', request(), 0);
    s.ingest(ev);
    const p = s.frame(150, 0).packets[0]!;
    const hit = s.hitTest(p.x + 2, p.y - 2);
    expect(hit).toEqual({ kind: 'packet', id: p.id, event: ev });
    const rs1 = layout().nodes.find((n) => n.id === 'rs1')!;
    expect(s.hitTest(rs1.x, rs1.y)).toEqual({ kind: 'node', name: 'rs1' });
    expect(s.hitTest(-100, -100)).toBeNull();
    s.select(p.id);
    expect(s.frame(151, 0).packets[0]!.selected).toBe(true);
  });

  it('forgets everything on reset', () => {
    const s = scene();
    s.ingest(tx(LINK.client, 'ab', request(), 0));
    s.reset();
    expect(s.size).toBe(0);
    expect(s.frame(10, 0).packets).toEqual([]);
  });

  it('ignores hops on cables it cannot place', () => {
    const s = scene();
    s.ingest({ type: 'link.tx', t: 0, tArrive: 100, link: 'x:eth0-y:eth0', from: 'x:eth0', to: 'y:eth0', frame: request() });
    expect(s.frame(10, 0).packets).toEqual([]);
    expect(s.counters.ingested).toBe(1);
  });
});
