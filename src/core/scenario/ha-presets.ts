/**
 * The two-director labs (ha.md §5): `director1` (MASTER, priority 150) and `director2`
 * (BACKUP, 100) share the VIP through keepalived — it is not configured statically, VRRP
 * adds it — with TCP_CHECK checkers on three real servers and the IPVS sync daemon.
 *
 * VRRP and the sync daemon run on a cable between the two directors (eth1 in DR, eth2 in
 * NAT), with `dont_track_primary` so that cutting it gives two masters (split brain) and
 * `track_interface` on the LAN side so a cut LAN cable sends a director to FAULT.
 *
 * Importing this module plugs HA support into the lab (src/core/ha/ha.ts registers
 * itself), so whoever can build these labs can run them. The page's first screen must not
 * import it (nor presets.ts, which does): it uses classic-presets.ts.
 */
import '../ha/ha';
import type { ScenarioInput } from './schema';
import { clients, clientTraffic, drRealServer, eth, internetLinks, natRealServer, router, RS_ADDRS, switchLinks, type NodeIn } from './builders';

export interface KeepalivedConfOptions {
  routerId: string;
  state: 'MASTER' | 'BACKUP';
  priority: number;
  /** The VRRP (and sync) interface. */
  hbIface: string;
  /** Interfaces whose failure means FAULT. */
  track: string[];
  vips: { cidr: string; dev: string }[];
  vip: string;
  port?: number;
  method: 'DR' | 'NAT' | 'TUN';
  sched?: string;
  persistence?: number;
  reals: string[];
  sync?: boolean;
  checker?: 'TCP_CHECK' | 'HTTP_GET' | 'none';
  /** Checker timers (seconds); null leaves the keyword out, so keepalived's default applies. */
  delayLoop?: number | null;
  connectTimeout?: number | null;
  retry?: number | null;
  delayBeforeRetry?: number | null;
  inhibit?: boolean;
  sorry?: string;
  quorum?: number;
  hysteresis?: number;
  flags?: string[];
}

/** keepalived.conf text in the shape of ha.md §5. */
export function keepalivedConf(o: KeepalivedConfOptions): string {
  const port = o.port ?? 80;
  const checker = o.checker ?? 'TCP_CHECK';
  const line = (key: string, v: number | null | undefined, dflt: number, indent: string) => (v === null ? [] : [`${indent}${key} ${v ?? dflt}`]);
  const timers = [
    ...line('connect_timeout', o.connectTimeout, 3, '            '),
    ...line('retry', o.retry, 2, '            '),
    ...line('delay_before_retry', o.delayBeforeRetry, 2, '            '),
  ];
  const check =
    checker === 'none'
      ? []
      : checker === 'HTTP_GET'
        ? ['        HTTP_GET {', '            url {', '                path /', '                status_code 200', '            }', ...timers, '        }']
        : ['        TCP_CHECK {', ...timers, '        }'];
  const lines = [
    'global_defs {',
    `    router_id ${o.routerId}`,
    ...(o.sync === false ? [] : [`    lvs_sync_daemon ${o.hbIface} VI_1 id 51`]),
    '}',
    '',
    'vrrp_instance VI_1 {',
    `    state ${o.state}`,
    `    interface ${o.hbIface}`,
    '    dont_track_primary',
    '    track_interface {',
    ...o.track.map((t) => `        ${t}`),
    '    }',
    '    virtual_router_id 51',
    `    priority ${o.priority}`,
    '    advert_int 1',
    '    virtual_ipaddress {',
    ...o.vips.map((v) => `        ${v.cidr} dev ${v.dev}`),
    '    }',
    '}',
    '',
    `virtual_server ${o.vip} ${port} {`,
    ...line('delay_loop', o.delayLoop, 6, '    '),
    `    lvs_sched ${o.sched ?? 'wlc'}`,
    ...(o.flags ?? []).map((f) => `    ${f}`),
    `    lvs_method ${o.method}`,
    '    protocol TCP',
    ...(o.persistence !== undefined ? [`    persistence_timeout ${o.persistence}`] : []),
    ...(o.quorum !== undefined ? [`    quorum ${o.quorum}`] : []),
    ...(o.hysteresis !== undefined ? [`    hysteresis ${o.hysteresis}`] : []),
    ...(o.sorry ? [`    sorry_server ${o.sorry} ${port}`] : []),
    ...(o.inhibit ? ['    inhibit_on_failure'] : []),
    '',
    ...o.reals.flatMap((r) => [`    real_server ${r} ${port} {`, '        weight 1', ...check, '    }']),
    '}',
    '',
  ];
  return lines.join('\n');
}

/** Client traffic starts once VRRP has elected a master (3.4 s) and the VIP answers. */
function traffic(target: string): Pick<ScenarioInput, 'traffic' | 'events'> {
  return { traffic: { ...clientTraffic(target), running: false }, events: [{ at: '5s', cmd: { type: 'traffic', running: true } }] };
}

export type HaPresetOptions = Partial<Pick<KeepalivedConfOptions, 'sched' | 'persistence' | 'sync' | 'checker' | 'inhibit' | 'sorry' | 'quorum' | 'hysteresis' | 'flags' | 'delayLoop' | 'connectTimeout' | 'retry' | 'delayBeforeRetry'>>;

/** director1 is MASTER at priority 150, director2 BACKUP at 100 (ha.md §5). */
function role(n: 1 | 2): Pick<KeepalivedConfOptions, 'routerId' | 'state' | 'priority'> {
  return { routerId: `LVS_DIRECTOR${n}`, state: n === 1 ? 'MASTER' : 'BACKUP', priority: n === 1 ? 150 : 100 };
}

/** LVS-DR with two directors. */
export function drHaPreset(opts: HaPresetOptions = {}): ScenarioInput {
  const conf = (n: 1 | 2) =>
    keepalivedConf({ ...role(n), hbIface: 'eth1', track: ['eth0'], vips: [{ cidr: '192.168.10.100/24', dev: 'eth0' }], vip: '192.168.10.100', method: 'DR', reals: RS_ADDRS, ...opts });
  const director = (n: 1 | 2): NodeIn => ({
    name: `director${n}`,
    kind: 'director',
    ifaces: [eth('eth0', `0a:0${n + 1}`, `192.168.10.${n + 1}/24`), eth('eth1', `0b:0${n + 1}`, `10.0.0.${n}/30`)],
    routes: [{ dst: 'default', via: '192.168.10.1' }],
    keepalived: conf(n),
  });
  return {
    name: 'dr-ha',
    seed: 1,
    nodes: [
      ...clients(3, 0x20),
      { name: 'internet', kind: 'switch' },
      router([eth('eth1', '0a:01', '192.168.10.1/24')]),
      { name: 'switch', kind: 'switch' },
      director(1),
      director(2),
      ...[1, 2, 3].map((i) => drRealServer(i, '192.168.10.100')),
    ],
    links: [
      ...internetLinks(3),
      ...switchLinks('switch', ['router:eth1', 'director1:eth0', 'director2:eth0', 'rs1:eth0', 'rs2:eth0', 'rs3:eth0']),
      { a: 'director1:eth1', b: 'director2:eth1' },
    ],
    ...traffic('192.168.10.100:80'),
  };
}

/** LVS-NAT with two directors: the real servers' gateway 192.168.10.1 is a second, floating VIP. */
export function natHaPreset(opts: HaPresetOptions = {}): ScenarioInput {
  const conf = (n: 1 | 2) =>
    keepalivedConf({
      ...role(n),
      hbIface: 'eth2',
      track: ['eth0', 'eth1'],
      vips: [
        { cidr: '172.16.0.100/24', dev: 'eth0' },
        { cidr: '192.168.10.1/24', dev: 'eth1' },
      ],
      vip: '172.16.0.100',
      method: 'NAT',
      reals: RS_ADDRS,
      ...opts,
    });
  const director = (n: 1 | 2): NodeIn => ({
    name: `director${n}`,
    kind: 'director',
    ifaces: [eth('eth0', `10:0${n + 1}`, `172.16.0.${n + 1}/24`), eth('eth1', `0a:0${n + 1}`, `192.168.10.${n + 1}/24`), eth('eth2', `0b:0${n + 1}`, `10.0.0.${n}/30`)],
    routes: [{ dst: 'default', via: '172.16.0.1' }],
    sysctl: { 'net.ipv4.ip_forward': 1 },
    keepalived: conf(n),
  });
  return {
    name: 'nat-ha',
    seed: 1,
    nodes: [
      ...clients(3, 0x20),
      { name: 'internet', kind: 'switch' },
      router([eth('eth1', '10:01', '172.16.0.1/24')], [{ dst: '192.168.10.0/24', via: '172.16.0.100' }]),
      { name: 'outside', kind: 'switch' },
      director(1),
      director(2),
      { name: 'switch', kind: 'switch' },
      ...[1, 2, 3].map((i) => natRealServer(i, '192.168.10.1')),
    ],
    links: [
      ...internetLinks(3),
      ...switchLinks('outside', ['router:eth1', 'director1:eth0', 'director2:eth0']),
      ...switchLinks('switch', ['director1:eth1', 'director2:eth1', 'rs1:eth0', 'rs2:eth0', 'rs3:eth0']),
      { a: 'director1:eth2', b: 'director2:eth2' },
    ],
    ...traffic('172.16.0.100:80'),
  };
}
