/**
 * Reading the daemons' configuration files with their defaults: keepalived.conf
 * (ha.md §1.1, §2.1, §2.3) and ldirectord.cf (ha.md §3).
 */
import { describe, expect, it } from 'vitest';
import { parseKeepalived } from '../../../src/core/ha/keepalived/conf';
import { parseLdirectord } from '../../../src/core/ha/ldirectord/conf';
import { ip } from '../../../src/core/net/addr';

/** ha.md §5, director A. */
const REFERENCE = `
global_defs {
    router_id LVS_A
    lvs_sync_daemon eth0 VI_1 id 51
}

vrrp_instance VI_1 {
    state MASTER            # BACKUP on director B
    interface eth0
    virtual_router_id 51
    priority 150            # 100 on director B
    advert_int 1
    virtual_ipaddress {
        192.168.1.100/24 dev eth0
    }
}

virtual_server 192.168.1.100 80 {
    delay_loop 6
    lvs_sched wlc
    lvs_method DR
    protocol TCP

    real_server 192.168.1.11 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 3
            retry 2
            delay_before_retry 2
        }
    }
}
`;

describe('keepalived.conf', () => {
  it('reads the reference two-director example', () => {
    const r = parseKeepalived(REFERENCE);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const { global, vrrp, virtualServers } = r.conf;
    expect(global.routerId).toBe('LVS_A');
    expect(global.lvsSyncDaemon).toEqual({ iface: 'eth0', instance: 'VI_1', syncid: 51 });
    expect(vrrp).toHaveLength(1);
    expect(vrrp[0]).toMatchObject({ name: 'VI_1', state: 'MASTER', iface: 'eth0', vrid: 51, priority: 150, advertIntUs: 1_000_000, version: 2, preempt: true });
    expect(vrrp[0]!.vips).toEqual([{ addr: ip('192.168.1.100'), len: 24, dev: 'eth0' }]);
    const vs = virtualServers[0]!;
    expect(vs).toMatchObject({ vip: ip('192.168.1.100'), port: 80, proto: 'tcp', sched: 'wlc', method: 'DR', quorum: 1, hysteresis: 0 });
    expect(vs.realServers[0]!.checkers[0]).toMatchObject({ kind: 'TCP_CHECK', delayLoopUs: 6e6, connectTimeoutUs: 3e6, retry: 2, delayBeforeRetryUs: 2e6, warmupUs: 6e6, alpha: false });
  });

  it("applies keepalived's defaults: priority 100, advert 1 s, GARP 5 + 5 after 5 s, delay_loop 60, connect_timeout 5, retry 1, delay_before_retry 1 (HTTP_GET 3), NAT, wlc", () => {
    const r = parseKeepalived(`
vrrp_instance V { interface eth0
  virtual_router_id 7 }
virtual_server 10.0.0.1 80 {
  real_server 10.0.0.11 80 { TCP_CHECK { } }
  real_server 10.0.0.12 80 { HTTP_GET { url { path /health } } }
}`);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const v = r.conf.vrrp[0]!;
    expect(v).toMatchObject({ priority: 100, advertIntUs: 1e6, garpMasterRepeat: 5, garpMasterDelayUs: 5e6, state: 'BACKUP', preemptDelayUs: 0 });
    const vs = r.conf.virtualServers[0]!;
    expect(vs.sched).toBe('wlc');
    expect(vs.method).toBe('NAT');
    expect(r.warnings.some((w) => /no forwarding method set, setting default NAT/.test(w))).toBe(true);
    const [tcp, http] = vs.realServers.map((rs) => rs.checkers[0]!);
    expect(tcp).toMatchObject({ delayLoopUs: 60e6, connectTimeoutUs: 5e6, retry: 1, delayBeforeRetryUs: 1e6 });
    expect(http).toMatchObject({ kind: 'HTTP_GET', delayBeforeRetryUs: 3e6, urls: [{ path: '/health', status: [[200, 299]] }] });
  });

  it('takes the closest setting: checker > real_server > virtual_server', () => {
    const r = parseKeepalived(`
virtual_server 10.0.0.1 80 {
  delay_loop 10
  connect_timeout 4
  inhibit_on_failure
  real_server 10.0.0.11 80 {
    connect_timeout 2
    TCP_CHECK { retry 0 }
  }
}`);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const rs = r.conf.virtualServers[0]!.realServers[0]!;
    expect(rs.inhibit).toBe(true);
    expect(rs.checkers[0]).toMatchObject({ delayLoopUs: 10e6, connectTimeoutUs: 2e6, retry: 0 });
  });

  it('reports errors keepalived refuses to run with, and unknown keywords as warnings', () => {
    const r = parseKeepalived('vrrp_instance X {\n  virtual_router_id 300\n  frobnicate yes\n}\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.join('\n')).toMatch(/VRID '300' not valid/);
    expect(r.errors.join('\n')).toMatch(/Unknown interface/);
    expect(r.warnings.join('\n')).toMatch(/Unknown keyword 'frobnicate'/);
  });

  it('reads virtual servers as keepalived 2.2 does: no protocol is UDP, TUN carries its encapsulation, refused values are reported and skipped', () => {
    // keepalived 2.2 check_data.c validate_check_config: "no protocol set - defaulting to UDP"
    // (the kernel reads protocol 0 as UDP). ha.md §2.1's table says TCP; keepalived's source decides.
    const r = parseKeepalived(`
virtual_server 10.0.0.1 80 {
  lvs_method TUN type gue port 6080 csum
  persistence_engine nosuch
  real_server 10.0.0.11 80 { weight 100000 }
}
virtual_server 10.0.0.2 80 {
  protocol tcp
  lvs_method DR
  real_server 10.0.0.12 80 { }
}`);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const [udp, tcp] = r.conf.virtualServers;
    expect(udp).toMatchObject({ proto: 'udp', pe: '' });
    expect(udp!.realServers[0]).toMatchObject({ weight: 1, method: 'TUN', tunType: 1, tunPort: 6080, tunFlags: 1 });
    // proto_handler compares with strcasecmp.
    expect(tcp).toMatchObject({ proto: 'tcp', method: 'DR' });
    const w = r.warnings.join('\n');
    expect(w).toMatch(/line 2: virtual_server 10\.0\.0\.1 80: no protocol set - defaulting to UDP/);
    expect(w).toMatch(/line 4: persistence_engine: unknown engine "nosuch"/);
    expect(w).toMatch(/line 5: weight: a weight must be an integer from 0 to 65535, not "100000"/);
  });

  it('reads sorry_server, quorum and hysteresis, and the old lvs_sync_daemon_interface', () => {
    const r = parseKeepalived(`
vrrp_instance VI_9 { interface eth1
  virtual_router_id 9
  lvs_sync_daemon_interface eth1 }
virtual_server 10.0.0.1 80 {
  lvs_method DR
  quorum 2
  hysteresis 1
  sorry_server 10.0.0.99 8080
  real_server 10.0.0.11 80 { weight 3 }
}`);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.conf.global.lvsSyncDaemon).toEqual({ iface: 'eth1', instance: 'VI_9' });
    expect(r.conf.virtualServers[0]).toMatchObject({ quorum: 2, hysteresis: 1, sorry: { addr: ip('10.0.0.99'), port: 8080, method: 'DR', inhibit: false } });
  });
});

describe('ldirectord.cf', () => {
  it("has ldirectord's defaults: checkinterval 10, checktimeout 5, negotiatetimeout 30, failurecount 1, negotiate, wrr, quiescent no", () => {
    const r = parseLdirectord('virtual=192.168.10.100:80\n\treal=192.168.10.11:80 gate\n');
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.conf.checkintervalUs).toBe(10e6);
    expect(r.conf.virtuals[0]).toMatchObject({
      checkintervalUs: 10e6,
      checktimeoutUs: 5e6,
      negotiatetimeoutUs: 30e6,
      failurecount: 1,
      checktype: { kind: 'negotiate' },
      scheduler: 'wrr',
      quiescent: false,
      service: 'http',
      proto: 'tcp',
    });
    expect(r.conf.virtuals[0]!.reals[0]).toEqual({ addr: ip('192.168.10.11'), port: 80, method: 'gate', weight: 1 });
  });

  it('lets checktimeout and negotiatetimeout default to each other, globals apply to every virtual', () => {
    const r = parseLdirectord(`
# global
checktimeout=3
checkinterval=2
quiescent=yes
virtual=10.0.0.1:80
    real=10.0.0.11:8080 masq 5 "/health", "OK"
    real=10.0.0.12:8080 gate
    fallback=127.0.0.1:80 gate
    checktype=connect
virtual=10.0.0.2:53
    real=10.0.0.21:53 gate
    negotiatetimeout=9
`);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const [a, b] = r.conf.virtuals;
    expect(a).toMatchObject({ checktimeoutUs: 3e6, negotiatetimeoutUs: 3e6, checkintervalUs: 2e6, quiescent: true, checktype: { kind: 'connect' }, fallback: { addr: ip('127.0.0.1'), port: 80, method: 'gate' } });
    expect(a!.reals[0]).toEqual({ addr: ip('10.0.0.11'), port: 8080, method: 'masq', weight: 5, request: '/health', receive: 'OK' });
    // gate (DR): the real port is forced to the virtual port.
    expect(a!.reals[1]!.port).toBe(80);
    expect(b).toMatchObject({ proto: 'udp', service: 'dns', checktimeoutUs: 3e6, negotiatetimeoutUs: 9e6 });
  });
});
