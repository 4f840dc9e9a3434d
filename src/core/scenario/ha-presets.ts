/**
 * The two-director labs (ha.md §5): `director1` (MASTER, priority 150) and `director2`
 * (BACKUP, 100) share the VIP through keepalived — it is not configured statically, VRRP
 * adds it — with TCP_CHECK checkers on three real servers and the IPVS sync daemon.
 *
 * VRRP and the sync daemon run on a cable between the two directors (eth1 in DR, eth2 in
 * NAT), with `dont_track_primary` so that cutting it gives two masters (split brain) and
 * `track_interface` on the LAN side so a cut LAN cable sends a director to FAULT.
 */
import type { ScenarioInput } from './schema';

type NodeIn = ScenarioInput['nodes'][number];

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

const RS_WEB = { port: 80, workers: 8, serviceTime: { dist: 'exp' as const, meanMs: 20 } };

function clients(routerIp: string): NodeIn[] {
  return [1, 2, 3].map((i) => ({
    name: `client${i}`,
    kind: 'client' as const,
    ifaces: [{ name: 'eth0', mac: `52:54:00:00:01:${(0x10 * (i + 1)).toString(16)}`, addrs: [`203.0.113.${10 * i}/24`] }],
    routes: [{ dst: 'default' as const, via: routerIp }],
  }));
}

const internet = [
  ...[1, 2, 3].map((i) => ({ a: `client${i}:eth0`, b: `internet:p${i}`, latency: '2ms' })),
  { a: 'router:eth0', b: 'internet:p0', latency: '100us' },
];

/** Client traffic starts once VRRP has elected a master (3.4 s) and the VIP answers. */
function traffic(target: string): Pick<ScenarioInput, 'traffic' | 'events'> {
  return {
    traffic: { clients: ['client1', 'client2', 'client3'], target, rate: 2, mode: 'session', requestsPerSession: 3, thinkMs: 800, running: false },
    events: [{ at: '5s', cmd: { type: 'traffic', running: true } }],
  };
}

export type HaPresetOptions = Partial<Pick<KeepalivedConfOptions, 'sched' | 'persistence' | 'sync' | 'checker' | 'inhibit' | 'sorry' | 'quorum' | 'hysteresis' | 'flags' | 'delayLoop' | 'connectTimeout' | 'retry' | 'delayBeforeRetry'>>;

const REALS = ['192.168.10.11', '192.168.10.12', '192.168.10.13'];

/** LVS-DR with two directors. */
export function drHaPreset(opts: HaPresetOptions = {}): ScenarioInput {
  const conf = (n: 1 | 2) =>
    keepalivedConf({
      routerId: `LVS_DIRECTOR${n}`,
      state: n === 1 ? 'MASTER' : 'BACKUP',
      priority: n === 1 ? 150 : 100,
      hbIface: 'eth1',
      track: ['eth0'],
      vips: [{ cidr: '192.168.10.100/24', dev: 'eth0' }],
      vip: '192.168.10.100',
      method: 'DR',
      reals: REALS,
      ...opts,
    });
  const director = (n: 1 | 2): NodeIn => ({
    name: `director${n}`,
    kind: 'director',
    ifaces: [
      { name: 'eth0', mac: `52:54:00:00:0a:0${n + 1}`, addrs: [`192.168.10.${n + 1}/24`] },
      { name: 'eth1', mac: `52:54:00:00:0b:0${n + 1}`, addrs: [`10.0.0.${n}/30`] },
    ],
    routes: [{ dst: 'default', via: '192.168.10.1' }],
    keepalived: conf(n),
  });
  const rs = (i: number): NodeIn => ({
    name: `rs${i}`,
    kind: 'rs',
    ifaces: [
      { name: 'eth0', mac: `52:54:00:00:0a:${(0x10 + i).toString(16)}`, addrs: [`192.168.10.${10 + i}/24`] },
      { name: 'lo', addrs: [{ addr: '192.168.10.100/32', label: 'lo:0' }] },
    ],
    routes: [{ dst: 'default', via: '192.168.10.1' }],
    sysctl: {
      'net.ipv4.conf.all.arp_ignore': 1,
      'net.ipv4.conf.all.arp_announce': 2,
      'net.ipv4.conf.lo.arp_ignore': 1,
      'net.ipv4.conf.lo.arp_announce': 2,
    },
    web: RS_WEB,
  });
  return {
    name: 'dr-ha',
    seed: 1,
    nodes: [
      ...clients('203.0.113.1'),
      { name: 'internet', kind: 'switch' },
      {
        name: 'router',
        kind: 'router',
        ifaces: [
          { name: 'eth0', mac: '52:54:00:00:01:01', addrs: ['203.0.113.1/24'] },
          { name: 'eth1', mac: '52:54:00:00:0a:01', addrs: ['192.168.10.1/24'] },
        ],
        sysctl: { 'net.ipv4.ip_forward': 1 },
      },
      { name: 'switch', kind: 'switch' },
      director(1),
      director(2),
      rs(1),
      rs(2),
      rs(3),
    ],
    links: [
      ...internet,
      { a: 'router:eth1', b: 'switch:p0' },
      { a: 'director1:eth0', b: 'switch:p1' },
      { a: 'director2:eth0', b: 'switch:p2' },
      { a: 'rs1:eth0', b: 'switch:p3' },
      { a: 'rs2:eth0', b: 'switch:p4' },
      { a: 'rs3:eth0', b: 'switch:p5' },
      { a: 'director1:eth1', b: 'director2:eth1' },
    ],
    ...traffic('192.168.10.100:80'),
  };
}

/** LVS-NAT with two directors: the real servers' gateway 192.168.10.1 is a second, floating VIP. */
export function natHaPreset(opts: HaPresetOptions = {}): ScenarioInput {
  const conf = (n: 1 | 2) =>
    keepalivedConf({
      routerId: `LVS_DIRECTOR${n}`,
      state: n === 1 ? 'MASTER' : 'BACKUP',
      priority: n === 1 ? 150 : 100,
      hbIface: 'eth2',
      track: ['eth0', 'eth1'],
      vips: [
        { cidr: '172.16.0.100/24', dev: 'eth0' },
        { cidr: '192.168.10.1/24', dev: 'eth1' },
      ],
      vip: '172.16.0.100',
      method: 'NAT',
      reals: REALS,
      ...opts,
    });
  const director = (n: 1 | 2): NodeIn => ({
    name: `director${n}`,
    kind: 'director',
    ifaces: [
      { name: 'eth0', mac: `52:54:00:00:10:0${n + 1}`, addrs: [`172.16.0.${n + 1}/24`] },
      { name: 'eth1', mac: `52:54:00:00:0a:0${n + 1}`, addrs: [`192.168.10.${n + 1}/24`] },
      { name: 'eth2', mac: `52:54:00:00:0b:0${n + 1}`, addrs: [`10.0.0.${n}/30`] },
    ],
    routes: [{ dst: 'default', via: '172.16.0.1' }],
    sysctl: { 'net.ipv4.ip_forward': 1 },
    keepalived: conf(n),
  });
  const rs = (i: number): NodeIn => ({
    name: `rs${i}`,
    kind: 'rs',
    ifaces: [{ name: 'eth0', mac: `52:54:00:00:0a:${(0x10 + i).toString(16)}`, addrs: [`192.168.10.${10 + i}/24`] }],
    routes: [{ dst: 'default', via: '192.168.10.1' }],
    web: RS_WEB,
  });
  return {
    name: 'nat-ha',
    seed: 1,
    nodes: [
      ...clients('203.0.113.1'),
      { name: 'internet', kind: 'switch' },
      {
        name: 'router',
        kind: 'router',
        ifaces: [
          { name: 'eth0', mac: '52:54:00:00:01:01', addrs: ['203.0.113.1/24'] },
          { name: 'eth1', mac: '52:54:00:00:10:01', addrs: ['172.16.0.1/24'] },
        ],
        routes: [{ dst: '192.168.10.0/24', via: '172.16.0.100' }],
        sysctl: { 'net.ipv4.ip_forward': 1 },
      },
      { name: 'outside', kind: 'switch' },
      director(1),
      director(2),
      { name: 'switch', kind: 'switch' },
      rs(1),
      rs(2),
      rs(3),
    ],
    links: [
      ...internet,
      { a: 'router:eth1', b: 'outside:p0' },
      { a: 'director1:eth0', b: 'outside:p1' },
      { a: 'director2:eth0', b: 'outside:p2' },
      { a: 'director1:eth1', b: 'switch:p0' },
      { a: 'director2:eth1', b: 'switch:p1' },
      { a: 'rs1:eth0', b: 'switch:p2' },
      { a: 'rs2:eth0', b: 'switch:p3' },
      { a: 'rs3:eth0', b: 'switch:p4' },
      { a: 'director1:eth2', b: 'director2:eth2' },
    ],
    ...traffic('172.16.0.100:80'),
  };
}
