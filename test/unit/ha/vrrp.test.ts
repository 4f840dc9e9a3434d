/**
 * VRRP between the two directors of dr-ha, on the wire: adverts as IP protocol 112 to
 * 224.0.0.18 with TTL 255, takeover after 3 × advert_int + Skew_Time, gratuitous ARPs
 * that move the router's ARP entry, priority 0 on a clean stop, preemption, FAULT on a
 * tracked interface, and two masters when the adverts cannot pass.
 */
import { describe, expect, it } from 'vitest';
import { ip } from '../../../src/core/net/addr';
import { IPPROTO_VRRP, type Frame } from '../../../src/core/net/packet';
import { HaLab, SEC } from './helpers';
import { TimelineRecorder } from '../../../src/core/ha/timeline';

const VIP = ip('192.168.10.100');
const D1_MAC = '52:54:00:00:0a:02';
const D2_MAC = '52:54:00:00:0a:03';

function frames(h: HaLab, node: string, dev: string, dir: 'dev.rx' | 'dev.tx', since = 0): { t: number; frame: Frame }[] {
  return h.events.flatMap((e) => (e.type === dir && e.node === node && e.dev === dev && e.t >= since ? [{ t: e.t, frame: e.frame }] : []));
}

const adverts = (h: HaLab, node: string, dir: 'dev.rx' | 'dev.tx', since = 0) => frames(h, node, 'eth1', dir, since).filter((f) => f.frame.ip?.proto === IPPROTO_VRRP);

function masterAt(h: HaLab, node: string, since = 0): number | undefined {
  return h.ctl('vrrp.state', node, since).find((e) => e.data?.state === 'MASTER')?.t;
}

describe('VRRP in dr-ha', () => {
  it('director1 (priority 150) becomes MASTER after its own Master_Down_Interval, 3.414 s, and adds the VIP', () => {
    const h = HaLab.dr().advance(5 * SEC);
    expect(masterAt(h, 'director1')).toBe(3_414_062);
    expect(masterAt(h, 'director2')).toBeUndefined();
    expect(h.lab.host('director1').isLocal(VIP)).toBe(true);
    expect(h.lab.host('director2').isLocal(VIP)).toBe(false);
  });

  it('adverts are VRRPv2 packets, protocol 112 to 224.0.0.18 with TTL 255, once per advert_int', () => {
    const h = HaLab.dr().advance(10 * SEC);
    const sent = adverts(h, 'director1', 'dev.tx');
    expect(sent.length).toBeGreaterThanOrEqual(6);
    for (const { frame } of sent) {
      expect(frame.dst).toBe('01:00:5e:00:00:12');
      expect(frame.ip).toMatchObject({ dst: ip('224.0.0.18'), ttl: 255, proto: 112, src: ip('10.0.0.1') });
      expect(frame.ip!.l4).toMatchObject({ kind: 'vrrp', version: 2, vrid: 51, prio: 150, advertInt: 1, addrs: [VIP] });
    }
    const gaps = sent.slice(1).map((f, i) => f.t - sent[i]!.t);
    expect(new Set(gaps)).toEqual(new Set([SEC]));
    // The backup is silent.
    expect(adverts(h, 'director2', 'dev.tx', 4 * SEC)).toEqual([]);
  });

  it('director2 takes over exactly 3 × 1 s + (256 − 100)/256 s = 3.609 s after the last advert it heard, and sends 5 + 5 GARPs', () => {
    const h = HaLab.dr().advance(20 * SEC);
    h.lab.apply({ type: 'power', node: 'director1', on: false });
    const off = h.now;
    h.advance(15 * SEC);
    const last = adverts(h, 'director2', 'dev.rx').filter((f) => f.t <= off).pop()!;
    const t = masterAt(h, 'director2')!;
    expect(t - last.t).toBe(3_609_375);
    expect(t - off).toBeLessThanOrEqual(3_609_375);
    expect(h.lab.host('director2').isLocal(VIP)).toBe(true);
    const garps = frames(h, 'director2', 'eth0', 'dev.tx', t).filter((f) => f.frame.arp && f.frame.arp.spa === VIP && f.frame.arp.tpa === VIP);
    expect(garps.map((g) => g.t - t)).toEqual([0, 0, 0, 0, 0, 5 * SEC, 5 * SEC, 5 * SEC, 5 * SEC, 5 * SEC]);
    expect(garps[0]!.frame).toMatchObject({ src: D2_MAC, dst: 'ff:ff:ff:ff:ff:ff' });
  });

  it("the router's ARP entry for the VIP moves to director2's MAC with the gratuitous ARP", () => {
    const h = HaLab.dr().advance(6 * SEC);
    const pending = h.curl();
    h.advance(2 * SEC);
    expect(pending[0]?.ok).toBe(true);
    const router = h.lab.host('router');
    const entry = () => router.neigh.entries().find((n) => n.ip === VIP);
    expect(entry()?.mac).toBe(D1_MAC);
    h.lab.apply({ type: 'power', node: 'director1', on: false });
    h.advance(5 * SEC);
    expect(entry()?.mac).toBe(D2_MAC);
    const moved = h.ctl('neigh', 'router').find((e) => e.data?.ip === '192.168.10.100' && e.data?.mac === D2_MAC);
    // The GARP's transit on the LAN: a fraction of a millisecond after the takeover.
    expect(moved!.t - masterAt(h, 'director2')!).toBeGreaterThan(0);
    expect(moved!.t - masterAt(h, 'director2')!).toBeLessThan(1_000);
  });

  it('a clean stop sends priority 0: the backup takes over after Skew_Time only, 0.609 s', () => {
    const h = HaLab.dr().advance(10 * SEC);
    h.lab.apply({ type: 'daemon', node: 'director1', daemon: 'keepalived', action: 'stop' });
    h.advance(5 * SEC);
    const zero = adverts(h, 'director2', 'dev.rx').find((f) => (f.frame.ip!.l4 as { prio: number }).prio === 0)!;
    expect(zero).toBeDefined();
    expect(masterAt(h, 'director2')! - zero.t).toBe(609_375);
    expect(h.first('vrrp', 'director2', /Backup received priority 0 advertisement/)).toBeDefined();
    expect(h.lab.host('director1').isLocal(VIP)).toBe(false);
  });

  it('director1 preempts when it comes back: director2 sees the higher priority and returns to BACKUP', () => {
    const h = HaLab.dr().advance(10 * SEC);
    h.lab.apply({ type: 'power', node: 'director1', on: false });
    h.advance(10 * SEC);
    h.lab.apply({ type: 'power', node: 'director1', on: true });
    const on = h.now;
    h.advance(20 * SEC);
    const back = masterAt(h, 'director1', on)!;
    expect(back).toBeDefined();
    const yielded = h.first('vrrp', 'director2', /Master received advert from 10\.0\.0\.1 with higher priority 150, ours 100/, on)!;
    expect(yielded.t - back).toBeLessThan(1_000); // the advert's trip over the heartbeat cable
    expect(h.lab.host('director2').isLocal(VIP)).toBe(false);
    expect(h.lab.host('director1').isLocal(VIP)).toBe(true);
  });

  it('a master yielding logs as vrrp_state_leave_master does: the advert, Entering BACKUP STATE, then removing VIPs.', () => {
    const h = HaLab.dr().advance(10 * SEC);
    h.lab.apply({ type: 'power', node: 'director1', on: false });
    h.advance(10 * SEC);
    h.lab.apply({ type: 'power', node: 'director1', on: true });
    const on = h.now;
    h.advance(20 * SEC);
    const lines = h.ctl(/^vrrp/, 'director2', on).map((e) => e.text);
    const i = lines.findIndex((l) => l.startsWith('(VI_1) Master received advert'));
    expect(lines.slice(i, i + 3)).toEqual([
      '(VI_1) Master received advert from 10.0.0.1 with higher priority 150, ours 100',
      '(VI_1) Entering BACKUP STATE',
      '(VI_1) removing VIPs.',
    ]);
    expect(h.lab.host('director2').isLocal(VIP)).toBe(false);
  });

  it('a stopped master: "sent 0 priority", then "removing VIPs." (linux-tools.md §1)', () => {
    const h = HaLab.dr().advance(10 * SEC);
    const t = h.now;
    h.lab.apply({ type: 'daemon', node: 'director1', daemon: 'keepalived', action: 'stop' });
    const lines = h.ctl(/^vrrp/, 'director1', t).map((e) => e.text);
    expect(lines).toEqual(['(VI_1) sent 0 priority', '(VI_1) removing VIPs.']);
    expect(h.lab.host('director1').isLocal(VIP)).toBe(false);
  });

  it('a cut LAN cable (track_interface eth0) sends director1 to FAULT; its priority-0 advert hands over at once', () => {
    const h = HaLab.dr().advance(10 * SEC);
    h.lab.apply({ type: 'link', node: 'director1', iface: 'eth0', up: false });
    const cut = h.now;
    h.advance(3 * SEC);
    const fault = h.ctl('vrrp.state', 'director1', cut).find((e) => e.data?.state === 'FAULT')!;
    expect(fault.t - cut).toBeLessThanOrEqual(100_000);
    expect(masterAt(h, 'director2', cut)! - fault.t).toBeLessThan(700_000);
  });

  it('split brain: with the heartbeat cable cut, both directors are MASTER and both hold the VIP', () => {
    const h = HaLab.dr();
    const timeline = new TimelineRecorder(h.lab);
    h.advance(10 * SEC);
    h.lab.apply({ type: 'link', node: 'director1', iface: 'eth1', up: false });
    const cut = h.now;
    h.advance(10 * SEC);
    expect(masterAt(h, 'director2', cut)).toBeDefined();
    // dont_track_primary: losing the VRRP interface is no FAULT, director1 stays MASTER.
    expect(h.ctl('vrrp.state', 'director1', cut)).toEqual([]);
    expect(h.lab.host('director1').isLocal(VIP)).toBe(true);
    expect(h.lab.host('director2').isLocal(VIP)).toBe(true);
    const split = timeline.incidents()[0]!.steps.find((s) => s.kind === 'split brain')!;
    expect(split).toMatchObject({ node: 'director2', text: 'two masters: director1 and director2 both hold the VIPs' });
    expect(split.t).toBe(masterAt(h, 'director2', cut));
    // Healing the cable: the lower priority master yields.
    h.lab.apply({ type: 'link', node: 'director1', iface: 'eth1', up: true });
    h.advance(3 * SEC);
    expect(h.lab.host('director2').isLocal(VIP)).toBe(false);
  });
});
