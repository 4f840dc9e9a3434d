/**
 * HA as a learner drives it from the lab's terminal: `systemctl` starts keepalived from
 * the file they wrote, `ipvsadm -Ln` on the master shows a dead real server leave when
 * keepalived's checker gives up, curls keep working through a director failover, and
 * tcpdump shows the VRRP adverts.
 */
import { describe, expect, it } from 'vitest';
import { Lab } from '../../../src/core/lab';
import { Shell } from '../../../src/core/shell/shell';
import { drPreset } from '../../../src/core/scenario/presets';
import { drHaPreset } from '../../../src/core/scenario/ha-presets';
import type { TraceEvent } from '../../../src/core/sim/trace';

const CONF = `global_defs {
    router_id LVS_A
}
virtual_server 192.168.10.100 80 {
    delay_loop 6
    lvs_sched rr
    lvs_method DR
    protocol TCP
    real_server 192.168.10.11 80 {
        TCP_CHECK {
            connect_timeout 3
            retry 2
            delay_before_retry 2
        }
    }
    real_server 192.168.10.12 80 {
        TCP_CHECK {
            connect_timeout 3
            retry 2
            delay_before_retry 2
        }
    }
}`;

const rs = (out: string) => [...out.matchAll(/-> (192\.168\.10\.\d+):80/g)].map((m) => m[1]);

describe('keepalived from the shell', () => {
  it('systemctl start keepalived reads /etc/keepalived/keepalived.conf and configures IPVS; stop removes it', () => {
    const s = drPreset();
    const lab = Lab.of({ ...s, nodes: s.nodes.map((n) => (n.name === 'director' ? { ...n, ipvs: { services: [] } } : n)), traffic: { ...s.traffic!, running: false } });
    const sh = new Shell(lab);
    expect(sh.run('systemctl is-active keepalived')).toEqual({ output: 'inactive\n', exit: 3 });
    expect(sh.run(`cat > /etc/keepalived/keepalived.conf <<EOF\n${CONF}\nEOF`).exit).toBe(0);
    expect(sh.run('systemctl start keepalived').exit).toBe(0);
    const status = sh.run('systemctl status keepalived');
    expect(status.exit).toBe(0);
    expect(status.output).toMatch(/^● keepalived\.service - Keepalive Daemon \(LVS and VRRP\)\n/);
    expect(status.output).toMatch(/Active: active \(running\) since /);
    expect(status.output).toMatch(/Keepalived_healthcheckers\[\d+\]: Activating healthchecker for service \[192\.168\.10\.11\]:tcp:80 for VS \[192\.168\.10\.100\]:tcp:80/);
    expect(rs(sh.run('ipvsadm -Ln').output).sort()).toEqual(['192.168.10.11', '192.168.10.12']);
    sh.run('lab service stop rs1');
    sh.run('lab advance 20s');
    expect(rs(sh.run('ipvsadm -Ln').output)).toEqual(['192.168.10.12']);
    expect(sh.run('systemctl status keepalived').output).toMatch(/Removing service \[192\.168\.10\.11\]:tcp:80 from VS \[192\.168\.10\.100\]:tcp:80/);
    expect(sh.run('systemctl stop keepalived').exit).toBe(0);
    expect(sh.run('ipvsadm -Ln').output).not.toMatch(/192\.168\.10\.100/);
  });

  it('a broken file: the start fails and says where to look', () => {
    const lab = Lab.of(drPreset());
    const sh = new Shell(lab);
    sh.run(`cat > /etc/keepalived/keepalived.conf <<EOF\nvrrp_instance VI_1 {\n    interface eth9\n    virtual_router_id 51\n}\nEOF`);
    const r = sh.run('systemctl start keepalived');
    expect(r.exit).toBe(1);
    expect(r.output).toMatch(/Job for keepalived\.service failed/);
    expect(sh.run('systemctl status keepalived').output).toMatch(/\(VI_1\) Unknown interface eth9!/);
  });
});

describe('dr-ha from the shell', () => {
  it('rs2 powered off: `ipvsadm -Ln` on the master lists it until keepalived removes it, within 19 s', () => {
    const lab = Lab.of({ ...drHaPreset(), events: [] });
    const events: TraceEvent[] = [];
    lab.world.trace.subscribe((e) => events.push(e));
    const sh = new Shell(lab, { node: 'director1' });
    sh.run('lab advance 10s');
    expect(sh.run('lab power off rs2').exit).toBe(0);
    const off = lab.now;
    // Find out when keepalived acts, then replay the same run and look just before and at that moment.
    lab.advance(30_000_000);
    const removal = events.find((e) => e.type === 'ctl' && e.node === 'director1' && e.what === 'ipvs' && /^Removing service \[192\.168\.10\.12\]/.test(e.text))!;
    expect(removal.t - off).toBeLessThanOrEqual(19_000_000);

    const lab2 = Lab.of({ ...drHaPreset(), events: [] });
    const sh2 = new Shell(lab2, { node: 'director1' });
    sh2.run('lab advance 10s');
    sh2.run('lab power off rs2');
    lab2.runUntil(removal.t - 1);
    expect(rs(sh2.run('ipvsadm -Ln').output)).toContain('192.168.10.12');
    lab2.runUntil(removal.t);
    expect(rs(sh2.run('ipvsadm -Ln').output)).not.toContain('192.168.10.12');
    void sh;
  });

  it('director1 powered off: curls from client1 keep succeeding after director2 takes over', () => {
    const lab = Lab.of({ ...drHaPreset(), events: [] });
    const client = new Shell(lab, { node: 'client1' });
    const d2 = new Shell(lab, { node: 'director2' });
    client.run('lab advance 6s');
    expect(client.run('curl -s -m 5 http://192.168.10.100/').output).toMatch(/^rs\d 192\.168\.10\.1\d\n$/);
    client.run('lab power off director1');
    const answers: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = client.run('curl -s -m 10 http://192.168.10.100/');
      answers.push(r.exit === 0 ? r.output.split(' ')[0]! : `exit ${r.exit}`);
      client.run('lab advance 1s');
    }
    expect(answers.every((a) => /^rs\d$/.test(a))).toBe(true);
    expect(d2.run('ip -br addr show eth0').output).toMatch(/192\.168\.10\.100\/24/);
    // systemctl shows the journal's last lines: the gratuitous ARPs of the takeover.
    expect(d2.run('systemctl status keepalived').output).toMatch(/Keepalived_vrrp\[\d+\]: Sending gratuitous ARP on eth0 for 192\.168\.10\.100/);
  });

  it('tcpdump on the heartbeat cable shows the master’s VRRP adverts', () => {
    const lab = Lab.of({ ...drHaPreset(), events: [] });
    const sh = new Shell(lab, { node: 'director2' });
    sh.run('lab advance 5s');
    const out = sh.run('tcpdump -n -i eth1 -c 2 vrrp').output;
    expect(out).toMatch(/IP 10\.0\.0\.1 > 224\.0\.0\.18: VRRPv2, Advertisement, vrid 51, prio 150, authtype none, intvl 1s, length 20\n.*IP 10\.0\.0\.1 > 224\.0\.0\.18: VRRPv2/s);
  });
});
