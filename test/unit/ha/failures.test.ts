/**
 * Failure injection around HA: a powered-on node boots, then its services start (nginx,
 * keepalived); keepalived killed (no goodbye) versus stopped (priority 0); a reload that
 * changes a priority; VRRPv3; mismatched authentication splitting the pair.
 */
import { describe, expect, it } from 'vitest';
import { Lab } from '../../../src/core/lab';
import { Shell } from '../../../src/core/shell/shell';
import { drHaPreset, keepalivedConf } from '../../../src/core/scenario/ha-presets';
import { BOOT_MS } from '../../../src/core/machines/host-power.machine';
import { SERVICE_START_MS } from '../../../src/core/machines/web-service.machine';
import { daemonStatus } from '../../../src/core/ha/ha';
import { ip } from '../../../src/core/net/addr';
import { HaLab, SEC } from './helpers';

const masterAt = (h: HaLab, node: string, since = 0) => h.ctl('vrrp.state', node, since).find((e) => e.data?.state === 'MASTER')?.t;

describe('power on = boot, then services', () => {
  it('a real server answers again only after boot and nginx start-up', () => {
    const h = HaLab.dr().advance(6 * SEC);
    h.lab.apply({ type: 'power', node: 'rs1', on: false });
    h.advance(5 * SEC);
    h.lab.apply({ type: 'power', node: 'rs1', on: true });
    const on = h.now;
    h.advance(30 * SEC);
    const running = h.ctl('service', 'rs1', on).find((e) => e.text === 'nginx running')!;
    expect(running.t - on).toBe((BOOT_MS + SERVICE_START_MS) * 1000);
    const readded = h.ctl('ipvs', 'director1', on).find((e) => e.data?.rs === '192.168.10.11:80' && e.data?.result === 'up')!;
    expect(readded.t).toBeGreaterThan(running.t);
  });

  it('a director boots, then keepalived starts (enabled) and reclaims MASTER by preemption', () => {
    const h = HaLab.dr().advance(6 * SEC);
    h.lab.apply({ type: 'power', node: 'director1', on: false });
    h.advance(5 * SEC);
    expect(daemonStatus(h.lab, 'director1', 'keepalived').active).toBe(false);
    h.lab.apply({ type: 'power', node: 'director1', on: true });
    const on = h.now;
    h.advance(20 * SEC);
    const started = h.ctl('keepalived', 'director1', on).find((e) => /^Starting Keepalived/.test(e.text))!;
    expect(started.t - on).toBe(BOOT_MS * 1000);
    expect(masterAt(h, 'director1', on)).toBeGreaterThan(started.t);
  });
});

describe('keepalived stopped or killed', () => {
  it('killed (SIGKILL): no priority-0 advert, so the backup waits the full Master_Down_Interval', () => {
    const h = HaLab.dr().advance(10 * SEC);
    h.lab.apply({ type: 'daemon', node: 'director1', daemon: 'keepalived', action: 'kill' });
    const k = h.now;
    h.advance(10 * SEC);
    expect(h.first('vrrp', 'director2', /priority 0/, k)).toBeUndefined();
    const t = masterAt(h, 'director2', k)!;
    expect(t - k).toBeGreaterThan(2_600_000);
    expect(t - k).toBeLessThanOrEqual(3_609_375);
    // The kernel still holds the killed master's VIP: two hosts answer for it.
    expect(h.lab.host('director1').isLocal(ip('192.168.10.100'))).toBe(true);
    expect(h.lab.host('director2').isLocal(ip('192.168.10.100'))).toBe(true);
    // Started again, keepalived clears the stale VIP and comes up as BACKUP (then preempts).
    h.lab.apply({ type: 'daemon', node: 'director1', daemon: 'keepalived', action: 'start' });
    expect(h.first('vrrp', 'director1', /^\(VI_1\) removing VIPs\.$/, h.now)).toBeDefined();
  });
});

describe('systemctl reload keepalived', () => {
  it('a higher priority on director2, reloaded, makes it preempt director1', () => {
    const lab = Lab.of({ ...drHaPreset(), events: [] });
    const h = new HaLab(lab);
    const sh = new Shell(lab, { node: 'director2' });
    sh.run('lab advance 10s');
    expect(sh.run('grep priority /etc/keepalived/keepalived.conf').output).toBe('    priority 100\n');
    const conf = keepalivedConf({ routerId: 'LVS_DIRECTOR2', state: 'BACKUP', priority: 200, hbIface: 'eth1', track: ['eth0'], vips: [{ cidr: '192.168.10.100/24', dev: 'eth0' }], vip: '192.168.10.100', method: 'DR', reals: ['192.168.10.11', '192.168.10.12', '192.168.10.13'] });
    sh.run(`cat > /etc/keepalived/keepalived.conf <<EOF\n${conf}EOF`);
    expect(sh.run('systemctl reload keepalived').exit).toBe(0);
    const reload = lab.now;
    sh.run('lab advance 10s');
    const t = masterAt(h, 'director2', reload)!;
    // The backup now discards director1's adverts (150 < 200) and takes over when its timer,
    // 3 s + (256 − 200)/256 s = 3.219 s, runs out after the last advert it accepted.
    expect(t - reload).toBeLessThanOrEqual(3_218_750);
    expect(h.first('vrrp', 'director2', /received lower priority \(150\) advert from 10\.0\.0\.1 - discarding/, reload)).toBeDefined();
    expect(lab.host('director1').isLocal(ip('192.168.10.100'))).toBe(false);
  });
});

describe('protocol variants', () => {
  const withConf = (edit: (text: string, node: string) => string) => {
    const s = drHaPreset();
    return HaLab.of({ ...s, nodes: s.nodes.map((n) => (n.keepalived ? { ...n, keepalived: edit(n.keepalived, n.name) } : n)) });
  };

  it('vrrp_version 3: VRRPv3 adverts (advert interval in centiseconds), same election', () => {
    const h = withConf((t) => t.replace('global_defs {', 'global_defs {\n    vrrp_version 3')).advance(6 * SEC);
    expect(masterAt(h, 'director1')).toBe(3_414_062);
    const adv = h.events.find((e) => e.type === 'dev.tx' && e.node === 'director1' && e.frame.ip?.proto === 112);
    expect(adv && adv.type === 'dev.tx' && adv.frame.ip!.l4).toMatchObject({ kind: 'vrrp', version: 3, advertInt: 1 });
  });

  it('mismatched auth_pass: each director drops the other’s adverts and both become MASTER', () => {
    const h = withConf((t, node) => t.replace('    advert_int 1\n', `    advert_int 1\n    authentication {\n        auth_type PASS\n        auth_pass ${node === 'director1' ? 'secret1' : 'secret2'}\n    }\n`)).advance(8 * SEC);
    expect(masterAt(h, 'director1')).toBeDefined();
    expect(masterAt(h, 'director2')).toBeDefined();
    expect(h.first('vrrp', 'director2', /received an invalid passwd!/)).toBeDefined();
  });
});
