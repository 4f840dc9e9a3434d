import { describe, expect, it } from 'vitest';
import { Lab } from '../../../src/core/lab';
import { drPreset, natPreset, tunPreset } from '../../../src/core/scenario/presets';
import type { ScenarioInput } from '../../../src/core/scenario/schema';
import { ip, ipStr } from '../../../src/core/net/addr';
import { isListed, type ListedEvent } from '../../../src/ui/event-format';
import { diffLayers, flatten, inspect, previousHop, type Names } from '../../../src/ui/inspector';
import { nodeOfAddress } from '../../../src/ui/ipvs-config';

function run(preset: ScenarioInput, us = 1_500_000): { lab: Lab; events: ListedEvent[]; names: Names } {
  const lab = Lab.of(preset);
  const events: ListedEvent[] = [];
  lab.world.trace.subscribe((e) => {
    if (isListed(e)) events.push(e);
  });
  lab.advance(us);
  const names: Names = {
    macOwner: (mac) => [...lab.nodes.values()].find((n) => n.host?.ifaces.some((d) => d.mac === mac))?.name,
    addrOwner: (a) => nodeOfAddress(lab, ip(a)),
  };
  return { lab, events, names };
}

/** The first SYN the director sends towards a real server. */
function firstSynFromDirector(events: ListedEvent[], from: string): number {
  return events.findIndex((e) => e.type === 'link.tx' && e.from === from && e.frame.ip !== undefined && e.frame.ip.l4.kind !== 'icmp' && (e.frame.ip.l4.kind === 'ipip' || (e.frame.ip.l4.kind === 'tcp' && (e.frame.ip.l4.flags & 2) !== 0)));
}

const field = (layers: ReturnType<typeof diffLayers>, id: string, name: string) => layers.find((l) => l.id === id)?.fields.find((f) => f.name === name);

describe('inspector: the field diff at the last hop', () => {
  it('DR: the director changes only the MACs (and TTL); the IP still says the VIP', () => {
    const { events, names } = run(drPreset());
    const i = firstSynFromDirector(events, 'director:eth0');
    expect(i).toBeGreaterThan(0);
    const ins = inspect(events, i, names)!;
    const dst = field(ins.layers, 'eth', 'dst')!;
    expect(dst.changed).toBe(true);
    expect(dst.before).toBe('52:54:00:00:0a:02'); // the director's MAC, as the router addressed it
    expect(field(ins.layers, 'ip', 'dst')).toMatchObject({ value: '192.168.10.100', changed: false });
    expect(field(ins.layers, 'ip', 'ttl')!.changed).toBe(true);
    expect(field(ins.layers, 'tcp', 'dport')!.changed).toBe(false);
    expect(ins.why.key).toBe('why.dr');
    expect(ins.why.params['rs']).toMatch(/^rs[123]$/);
    expect(ins.note).toMatch(/^IPVS DR/);
  });

  it('NAT: the destination address becomes the real server', () => {
    const { events, names } = run(natPreset());
    const i = firstSynFromDirector(events, 'director:eth1');
    const ins = inspect(events, i, names)!;
    const dst = field(ins.layers, 'ip', 'dst')!;
    expect(dst.before).toBe('172.16.0.100');
    expect(dst.value).toMatch(/^192\.168\.10\.1[123]$/);
    expect(ins.why).toMatchObject({ key: 'why.natIn', params: { addr: dst.value } });
  });

  it('NAT reply: the source address goes back to the VIP', () => {
    const { events, names } = run(natPreset());
    const i = events.findIndex((e) => e.type === 'link.tx' && e.from === 'director:eth0' && e.frame.ip?.l4.kind === 'tcp' && (e.frame.ip.l4.flags & 0x12) === 0x12);
    const ins = inspect(events, i, names)!;
    expect(field(ins.layers, 'ip', 'src')).toMatchObject({ value: '172.16.0.100', changed: true });
    expect(ins.why.key).toBe('why.natOut');
  });

  it('TUN: an outer IP header is added around the unchanged inner packet', () => {
    const { events, names } = run(tunPreset());
    const i = firstSynFromDirector(events, 'director:eth0');
    const ins = inspect(events, i, names)!;
    const outer = ins.layers.find((l) => l.id === 'ip-outer')!;
    expect(outer.status).toBe('added');
    expect(ins.layers.find((l) => l.id === 'ip')!.fields.find((f) => f.name === 'dst')!.value).toBe('192.168.10.100');
    expect(ins.why.key).toBe('why.tun');
  });

  it('a switch relays the very same frame: nothing changed', () => {
    const { events, names } = run(drPreset());
    const i = events.findIndex((e, k) => e.type === 'link.tx' && e.from.startsWith('switch:') && previousHop(events, k)?.relayed === true);
    expect(i).toBeGreaterThan(0);
    const ins = inspect(events, i, names)!;
    expect(ins.why.key).toBe('why.switch');
    expect(ins.layers.every((l) => l.status === 'same')).toBe(true);
  });

  it('the router decrements TTL and rewrites both MACs', () => {
    const { events, names } = run(drPreset());
    const i = events.findIndex((e) => e.type === 'link.tx' && e.from === 'router:eth1' && e.frame.ip?.l4.kind === 'tcp');
    const ins = inspect(events, i, names)!;
    expect(ins.why.key).toBe('why.route');
    expect(field(ins.layers, 'eth', 'src')!.changed).toBe(true);
    expect(field(ins.layers, 'ip', 'ttl')).toMatchObject({ before: '64', value: '63' });
  });

  it('flatten/diff of layers added and removed (decapsulation)', () => {
    const inner = { src: ip('203.0.113.10'), dst: ip('192.168.10.100'), ttl: 63, proto: 6, id: 1, df: true, tos: 0, len: 60, l4: { kind: 'tcp' as const, sport: 1000, dport: 80, seq: 1, ack: 0, flags: 2, win: 64240, plen: 0 } };
    const outer = { src: ip('192.168.10.2'), dst: ip('10.1.0.11'), ttl: 63, proto: 4, id: 7, df: true, tos: 0, len: 80, l4: { kind: 'ipip' as const, inner } };
    const d = diffLayers(flatten(undefined, inner), flatten(undefined, outer));
    expect(d.map((l) => [l.id, l.status])).toEqual([
      ['ip-outer', 'removed'],
      ['ip', 'same'],
      ['tcp', 'same'],
    ]);
    expect(ipStr(inner.dst)).toBe('192.168.10.100');
  });

  it('events other than hops explain themselves', () => {
    const { events, names } = run(drPreset());
    const ctl = events.findIndex((e) => e.type === 'ctl' && e.what === 'ipvs.schedule');
    expect(inspect(events, ctl, names)!.why.key).toBe('why.control');
    const fwd = events.findIndex((e) => e.type === 'ip.forward' && e.node === 'director');
    expect(inspect(events, fwd, names)!.why.key).toBe('why.dr');
    expect(inspect(events, events.length + 5, names)).toBeUndefined();
  });
});
