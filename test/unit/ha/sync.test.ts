/**
 * IPVS connection synchronisation (ipvs-datapath.md §9, ha.md §4): which entries the
 * master sends and when, what the backup makes of them, and what it means for a client
 * whose connection is open while the directors fail over — it survives with the sync
 * daemon, and is reset by the new director without it.
 */
import { describe, expect, it } from 'vitest';
import { Conn, IP_VS_CONN_F_SYNC, IP_VS_CONN_F_TEMPLATE } from '../../../src/core/ipvs/conn';
import { S } from '../../../src/core/ipvs/tcp-states';
import { syncNeeded } from '../../../src/core/ha/sync/sync-rules';
import { ip } from '../../../src/core/net/addr';
import type { Service } from '../../../src/core/ipvs/service';
import { HaLab, LongClient, SEC } from './helpers';

function conn(proto: 'tcp' | 'udp', flags = 0): Conn {
  return new Conn(proto, 1, 1000, 2, 80, 3, 80, flags, null, {} as Service, 0);
}

describe('when the master sends an entry (ip_vs_sync_conn_needed, sync_threshold 3 50)', () => {
  it('TCP: in ESTABLISHED at in_pkts 3, 53, 103 …; never while SYN_RECV', () => {
    const cp = conn('tcp');
    const sent = new WeakMap<Conn, number>();
    cp.state = S.SYN_RECV;
    expect(syncNeeded(cp, 1, sent, false)).toBe(false);
    cp.state = S.ESTABLISHED;
    const at: number[] = [];
    for (let p = 2; p <= 110; p++) if (syncNeeded(cp, p, sent, false)) at.push(p);
    expect(at).toEqual([3, 53, 103]);
  });

  it('TCP: a change into FIN_WAIT, CLOSE_WAIT, TIME_WAIT or CLOSE is sent at once; into ESTABLISHED only on the modulo rule', () => {
    const cp = conn('tcp');
    const sent = new WeakMap<Conn, number>();
    cp.state = S.ESTABLISHED;
    expect(syncNeeded(cp, 2, sent, false)).toBe(false);
    expect(syncNeeded(cp, 3, sent, false)).toBe(true);
    cp.state = S.FIN_WAIT;
    expect(syncNeeded(cp, 4, sent, false)).toBe(true);
    expect(syncNeeded(cp, 5, sent, false)).toBe(false);
    cp.state = S.TIME_WAIT;
    expect(syncNeeded(cp, 6, sent, false)).toBe(true);
  });

  it('UDP on the modulo rule; a template on every packet of a connection it controls', () => {
    const sent = new WeakMap<Conn, number>();
    const u = conn('udp');
    expect([1, 2, 3, 4, 53].map((p) => syncNeeded(u, p, sent, false))).toEqual([false, false, true, false, true]);
    const t = conn('tcp', IP_VS_CONN_F_TEMPLATE);
    expect([1, 2, 3, 4].map((p) => syncNeeded(t, p, sent, false))).toEqual([true, true, true, true]);
    // sync_persist_mode=1: connections under a template are not sent.
    const c = conn('tcp');
    c.state = S.ESTABLISHED;
    c.control = t;
    expect(syncNeeded(c, 3, sent, true)).toBe(false);
  });
});

function failover(sync: boolean) {
  const h = HaLab.dr({ sync }).advance(6 * SEC);
  const c = new LongClient(h);
  h.advance(10 * SEC);
  const before = c.answers.length;
  const server = c.answers[0]?.body;
  h.lab.apply({ type: 'power', node: 'director1', on: false });
  const off = h.now;
  h.advance(20 * SEC);
  return { h, c, before, server, off };
}

describe('an established connection across a director failover', () => {
  it('survives with the sync daemon: director2 has the entry and forwards to the same real server', () => {
    const { h, c, before, server, off } = failover(true);
    expect(before).toBeGreaterThanOrEqual(9);
    expect(c.error).toBeUndefined();
    const later = c.answers.filter((a) => a.t > off + 4 * SEC);
    expect(later.length).toBeGreaterThanOrEqual(10);
    expect(new Set(c.answers.map((a) => a.body))).toEqual(new Set([server]));
    // The entry director2 used came from a sync message (flagged SYNC).
    const d2 = h.lab.nodes.get('director2')!.ipvs!;
    const entry = [...d2.conns.all].find((e) => e.caddr === ip('203.0.113.10') && e.vport === 80);
    expect(entry).toBeDefined();
    expect(entry!.flags & IP_VS_CONN_F_SYNC).toBe(IP_VS_CONN_F_SYNC);
    expect(h.first('ipvs.sync', 'director2', /sync backup: \d+ connections? received from 10\.0\.0\.1/)).toBeDefined();
  });

  it('breaks without it: director2 has no entry, its own TCP stack answers RST', () => {
    const { h, c, off } = failover(false);
    expect(c.error).toBe('reset');
    expect(c.answers.filter((a) => a.t > off + 4 * SEC)).toEqual([]);
    const rst = h.events.find((e) => e.type === 'dev.tx' && e.node === 'director2' && e.t > off && e.frame.ip?.l4.kind === 'tcp' && (e.frame.ip.l4.flags & 0x04) !== 0);
    expect(rst).toBeDefined();
  });

  it('the backup keeps synced entries with the timeout from the message, bound to its own dest', () => {
    const h = HaLab.dr().advance(6 * SEC);
    new LongClient(h);
    h.advance(6 * SEC);
    const d2 = h.lab.nodes.get('director2')!.ipvs!;
    const e = [...d2.conns.all].find((x) => x.caddr === ip('203.0.113.10'))!;
    expect(e).toBeDefined();
    expect(e.state).toBe(S.ESTABLISHED);
    expect(e.timeout).toBe(900 * SEC);
    expect(e.dest && d2.services[0]!.dests.includes(e.dest)).toBe(true);
    expect(e.dest!.activeConns).toBe(1);
  });

  it('ipvsadm --start-daemon drives the same daemons (Ipvs.syncDaemons)', () => {
    const h = HaLab.dr({ sync: false }).advance(6 * SEC);
    const d1 = h.lab.nodes.get('director1')!.ipvs!;
    const d2 = h.lab.nodes.get('director2')!.ipvs!;
    d1.syncDaemons.master = { state: 'master', mcastIfn: 'eth1', syncid: 7 };
    d2.syncDaemons.backup = { state: 'backup', mcastIfn: 'eth1', syncid: 7 };
    new LongClient(h);
    h.advance(6 * SEC);
    expect([...d2.conns.all].some((x) => x.caddr === ip('203.0.113.10') && (x.flags & IP_VS_CONN_F_SYNC) !== 0)).toBe(true);
    // A backup with another syncid ignores the messages.
    delete d2.syncDaemons.backup;
    d2.syncDaemons.backup = { state: 'backup', mcastIfn: 'eth1', syncid: 8 };
    new LongClient(h);
    h.advance(6 * SEC);
    expect(h.first('ipvs.sync', 'director2', /with syncid 7 ignored \(ours 8\)/)).toBeDefined();
  });
});
