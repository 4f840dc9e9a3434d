/**
 * The dr-ha and nat-ha presets: the VIP is not configured anywhere until VRRP elects
 * director1, clients are served through it, and through director2 after a failover —
 * including, in NAT, the real servers' floating gateway and a synced open connection.
 */
import { describe, expect, it } from 'vitest';
import { Lab } from '../../../src/core/lab';
import { PRESETS } from '../../../src/core/scenario/presets';
import { ip } from '../../../src/core/net/addr';
import { HaLab, LongClient, SEC } from './helpers';

describe('dr-ha and nat-ha presets', () => {
  it('are presets next to the classic ones, which keep their names', () => {
    expect(Object.keys(PRESETS)).toEqual(expect.arrayContaining(['dr', 'nat', 'tun', 'dr-ha', 'nat-ha']));
  });

  it.each(['dr-ha', 'nat-ha'])('%s: no static VIP; director1 (150) MASTER, director2 (100) BACKUP, with checkers and the sync daemon', (name) => {
    const s = PRESETS[name]!();
    const vip = name === 'dr-ha' ? '192.168.10.100' : '172.16.0.100';
    for (const n of s.nodes.filter((x) => x.kind === 'director')) {
      const addrs = (n.ifaces ?? []).flatMap((f) => (f.addrs ?? []).map((a) => (typeof a === 'string' ? a : a.addr)));
      expect(addrs.some((a) => a.startsWith(`${vip}/`))).toBe(false);
      expect(n.keepalived).toMatch(/TCP_CHECK/);
      expect(n.keepalived).toMatch(/lvs_sync_daemon eth\d VI_1 id 51/);
    }
    expect(s.nodes.find((n) => n.name === 'director1')!.keepalived).toMatch(/state MASTER\n[\s\S]*priority 150/);
    expect(s.nodes.find((n) => n.name === 'director2')!.keepalived).toMatch(/state BACKUP\n[\s\S]*priority 100/);
    const lab = Lab.of(s);
    lab.advance(30 * SEC);
    const st = lab.traffic!.stats;
    expect(st.failed).toBe(0);
    expect(st.ok).toBeGreaterThan(50);
    expect([...st.byServer.keys()].sort()).toEqual(['rs1', 'rs2', 'rs3']);
    expect(lab.host('director1').isLocal(ip(vip))).toBe(true);
    expect(lab.host('director2').isLocal(ip(vip))).toBe(false);
    // Both directors run the same IPVS table (ha.md §5).
    for (const d of ['director1', 'director2']) expect(lab.nodes.get(d)!.ipvs!.services[0]!.dests).toHaveLength(3);
  });

  it('nat-ha: after director1 dies, director2 owns both VIPs and the real servers reach clients through it', () => {
    const h = HaLab.nat().advance(6 * SEC);
    h.lab.apply({ type: 'power', node: 'director1', on: false });
    h.advance(6 * SEC);
    const r = h.curl('client1', '172.16.0.100');
    h.advance(3 * SEC);
    expect(r[0]).toMatchObject({ ok: true });
    expect(r[0]!.body).toMatch(/^rs\d 192\.168\.10\.1\d\n$/);
    const d2 = h.lab.host('director2');
    expect(d2.isLocal(ip('172.16.0.100')) && d2.isLocal(ip('192.168.10.1'))).toBe(true);
    // The real server that answered sent its reply to its gateway, the floating 192.168.10.1: director2's MAC.
    const server = r[0]!.body!.split(' ')[0]!;
    expect(h.lab.host(server).neigh.entries().find((n) => n.ip === ip('192.168.10.1'))?.mac).toBe('52:54:00:00:0a:03');
  });

  it('nat-ha: an open connection survives the failover (sync daemon, NAT entries on the backup)', () => {
    const h = HaLab.nat().advance(6 * SEC);
    const c = new LongClient(h, '172.16.0.100');
    h.advance(10 * SEC);
    h.lab.apply({ type: 'power', node: 'director1', on: false });
    const off = h.now;
    h.advance(20 * SEC);
    expect(c.error).toBeUndefined();
    expect(c.answers.filter((a) => a.t > off + 4 * SEC).length).toBeGreaterThanOrEqual(10);
    expect(new Set(c.answers.map((a) => a.body)).size).toBe(1);
  });
});
