/**
 * The three classic LVS labs (the seed article's NAT, DR and TUN), as scenarios.
 * Addresses follow ../shared/reference/linux-tools.md where it has them (client
 * 203.0.113.10, router 203.0.113.1 / 192.168.10.1, director 192.168.10.2, VIP
 * 192.168.10.100, rs1 192.168.10.11 ...) so captured outputs and the lab read alike.
 */
import type { ScenarioInput } from './schema';
import { drHaPreset, natHaPreset } from './ha-presets';

type NodeIn = ScenarioInput['nodes'][number];

const RS_WEB = { port: 80, workers: 8, serviceTime: { dist: 'exp' as const, meanMs: 20 } };

function clients(n: number, routerIp: string): NodeIn[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `client${i + 1}`,
    kind: 'client' as const,
    ifaces: [{ name: 'eth0', mac: `52:54:00:00:01:${(0x10 + i * 0x10).toString(16).padStart(2, '0')}`, addrs: [`203.0.113.${10 * (i + 1)}/24`] }],
    routes: [{ dst: 'default' as const, via: routerIp }],
  }));
}

const internetLinks = (n: number) => [
  ...Array.from({ length: n }, (_, i) => ({ a: `client${i + 1}:eth0`, b: `internet:p${i + 1}`, latency: '2ms' })),
  { a: 'router:eth0', b: 'internet:p0', latency: '100us' },
];

const traffic = (target: string) => ({
  clients: ['client1', 'client2', 'client3'],
  target,
  rate: 2,
  mode: 'session' as const,
  requestsPerSession: 3,
  thinkMs: 800,
});

/** LVS-DR: director and real servers on one segment behind a router; VIP on every real server's lo. */
export function drPreset(): ScenarioInput {
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
    name: 'dr',
    seed: 1,
    nodes: [
      ...clients(3, '203.0.113.1'),
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
      {
        name: 'director',
        kind: 'director',
        ifaces: [{ name: 'eth0', mac: '52:54:00:00:0a:02', addrs: ['192.168.10.2/24', { addr: '192.168.10.100/32', label: 'eth0:0' }] }],
        routes: [{ dst: 'default', via: '192.168.10.1' }],
        ipvs: {
          services: [
            {
              proto: 'tcp',
              vip: '192.168.10.100',
              port: 80,
              sched: 'rr',
              dests: [1, 2, 3].map((i) => ({ ip: `192.168.10.${10 + i}`, port: 80, weight: 1, fwd: 'route' as const })),
            },
          ],
        },
      },
      rs(1),
      rs(2),
      rs(3),
    ],
    links: [
      ...internetLinks(3),
      { a: 'router:eth1', b: 'switch:p0' },
      { a: 'director:eth0', b: 'switch:p1' },
      { a: 'rs1:eth0', b: 'switch:p2' },
      { a: 'rs2:eth0', b: 'switch:p3' },
      { a: 'rs3:eth0', b: 'switch:p4' },
    ],
    traffic: traffic('192.168.10.100:80'),
  };
}

/** LVS-NAT: the director has an outside and an inside NIC; real servers use it as their gateway. */
export function natPreset(): ScenarioInput {
  const rs = (i: number): NodeIn => ({
    name: `rs${i}`,
    kind: 'rs',
    ifaces: [{ name: 'eth0', mac: `52:54:00:00:0a:${(0x10 + i).toString(16)}`, addrs: [`192.168.10.${10 + i}/24`] }],
    routes: [{ dst: 'default', via: '192.168.10.1' }],
    web: RS_WEB,
  });
  return {
    name: 'nat',
    seed: 1,
    nodes: [
      ...clients(3, '203.0.113.1'),
      { name: 'internet', kind: 'switch' },
      {
        name: 'router',
        kind: 'router',
        ifaces: [
          { name: 'eth0', mac: '52:54:00:00:01:01', addrs: ['203.0.113.1/24'] },
          { name: 'eth1', mac: '52:54:00:00:10:01', addrs: ['172.16.0.1/24'] },
        ],
        routes: [{ dst: '192.168.10.0/24', via: '172.16.0.2' }],
        sysctl: { 'net.ipv4.ip_forward': 1 },
      },
      {
        name: 'director',
        kind: 'director',
        ifaces: [
          { name: 'eth0', mac: '52:54:00:00:10:02', addrs: ['172.16.0.2/24', { addr: '172.16.0.100/32', label: 'eth0:0' }] },
          { name: 'eth1', mac: '52:54:00:00:0a:01', addrs: ['192.168.10.1/24'] },
        ],
        routes: [{ dst: 'default', via: '172.16.0.1' }],
        sysctl: { 'net.ipv4.ip_forward': 1 },
        ipvs: {
          services: [
            {
              proto: 'tcp',
              vip: '172.16.0.100',
              port: 80,
              sched: 'rr',
              dests: [1, 2, 3].map((i) => ({ ip: `192.168.10.${10 + i}`, port: 80, weight: 1, fwd: 'masq' as const })),
            },
          ],
        },
      },
      { name: 'switch', kind: 'switch' },
      rs(1),
      rs(2),
      rs(3),
    ],
    links: [
      ...internetLinks(3),
      { a: 'router:eth1', b: 'director:eth0' },
      { a: 'director:eth1', b: 'switch:p0' },
      { a: 'rs1:eth0', b: 'switch:p1' },
      { a: 'rs2:eth0', b: 'switch:p2' },
      { a: 'rs3:eth0', b: 'switch:p3' },
    ],
    traffic: traffic('172.16.0.100:80'),
  };
}

/** LVS-TUN: real servers in other networks, reached through the router; IP-in-IP to each. */
export function tunPreset(): ScenarioInput {
  const rs = (i: number): NodeIn => ({
    name: `rs${i}`,
    kind: 'rs',
    ifaces: [
      { name: 'eth0', mac: `52:54:00:00:${(0x14 + i).toString(16)}:${(0x10 + i).toString(16)}`, addrs: [`10.${i}.0.11/24`] },
      { name: 'tunl0', addrs: [{ addr: '192.168.10.100/32', label: 'tunl0' }] },
    ],
    modules: ['ipip'],
    routes: [{ dst: 'default', via: `10.${i}.0.1` }],
    sysctl: {
      'net.ipv4.conf.all.arp_ignore': 1,
      'net.ipv4.conf.all.arp_announce': 2,
      'net.ipv4.conf.all.rp_filter': 0,
      'net.ipv4.conf.tunl0.rp_filter': 0,
    },
    web: RS_WEB,
  });
  return {
    name: 'tun',
    seed: 1,
    nodes: [
      ...clients(3, '203.0.113.1'),
      { name: 'internet', kind: 'switch' },
      {
        name: 'router',
        kind: 'router',
        ifaces: [
          { name: 'eth0', mac: '52:54:00:00:01:01', addrs: ['203.0.113.1/24'] },
          { name: 'eth1', mac: '52:54:00:00:0a:01', addrs: ['192.168.10.1/24'] },
          { name: 'eth2', mac: '52:54:00:00:15:01', addrs: ['10.1.0.1/24'] },
          { name: 'eth3', mac: '52:54:00:00:16:01', addrs: ['10.2.0.1/24'] },
          { name: 'eth4', mac: '52:54:00:00:17:01', addrs: ['10.3.0.1/24'] },
        ],
        sysctl: { 'net.ipv4.ip_forward': 1 },
      },
      { name: 'switch', kind: 'switch' },
      {
        name: 'director',
        kind: 'director',
        ifaces: [{ name: 'eth0', mac: '52:54:00:00:0a:02', addrs: ['192.168.10.2/24', { addr: '192.168.10.100/32', label: 'eth0:0' }] }],
        routes: [{ dst: 'default', via: '192.168.10.1' }],
        modules: ['ipip'],
        ipvs: {
          services: [
            {
              proto: 'tcp',
              vip: '192.168.10.100',
              port: 80,
              sched: 'rr',
              dests: [1, 2, 3].map((i) => ({ ip: `10.${i}.0.11`, port: 80, weight: 1, fwd: 'tunnel' as const })),
            },
          ],
        },
      },
      rs(1),
      rs(2),
      rs(3),
    ],
    links: [
      ...internetLinks(3),
      { a: 'router:eth1', b: 'switch:p0' },
      { a: 'director:eth0', b: 'switch:p1' },
      { a: 'router:eth2', b: 'rs1:eth0', latency: '5ms' },
      { a: 'router:eth3', b: 'rs2:eth0', latency: '8ms' },
      { a: 'router:eth4', b: 'rs3:eth0', latency: '12ms' },
    ],
    traffic: traffic('192.168.10.100:80'),
  };
}

export const PRESETS: Record<string, () => ScenarioInput> = {
  dr: drPreset,
  nat: natPreset,
  tun: tunPreset,
  'dr-ha': () => drHaPreset(),
  'nat-ha': () => natHaPreset(),
};

export function presetNames(): string[] {
  return Object.keys(PRESETS);
}
