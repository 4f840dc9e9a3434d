/**
 * The three classic LVS labs (the seed article's NAT, DR and TUN), as scenarios.
 * Addresses follow ../shared/reference/linux-tools.md where it has them (client
 * 203.0.113.10, router 203.0.113.1 / 192.168.10.1, director 192.168.10.2, VIP
 * 192.168.10.100, rs1 192.168.10.11 ...) so captured outputs and the lab read alike.
 *
 * The page imports these (and not presets.ts, which brings the HA labs and HA itself).
 */
import type { ScenarioInput } from './schema';
import { clients, clientTraffic, drRealServer, eth, internetLinks, natRealServer, router, RS_ADDRS, RS_WEB, switchLinks, webService, type NodeIn } from './builders';

/** LVS-DR: director and real servers on one segment behind a router; VIP on every real server's lo. */
export function drPreset(): ScenarioInput {
  return {
    name: 'dr',
    seed: 1,
    nodes: [
      ...clients(3),
      { name: 'internet', kind: 'switch' },
      router([eth('eth1', '0a:01', '192.168.10.1/24')]),
      { name: 'switch', kind: 'switch' },
      {
        name: 'director',
        kind: 'director',
        ifaces: [eth('eth0', '0a:02', '192.168.10.2/24', { addr: '192.168.10.100/32', label: 'eth0:0' })],
        routes: [{ dst: 'default', via: '192.168.10.1' }],
        ipvs: { services: [webService('192.168.10.100', 'route', RS_ADDRS)] },
      },
      ...[1, 2, 3].map((i) => drRealServer(i, '192.168.10.100')),
    ],
    links: [...internetLinks(3), ...switchLinks('switch', ['router:eth1', 'director:eth0', 'rs1:eth0', 'rs2:eth0', 'rs3:eth0'])],
    traffic: clientTraffic('192.168.10.100:80'),
  };
}

/** LVS-NAT: the director has an outside and an inside NIC; real servers use it as their gateway. */
export function natPreset(): ScenarioInput {
  return {
    name: 'nat',
    seed: 1,
    nodes: [
      ...clients(3),
      { name: 'internet', kind: 'switch' },
      router([eth('eth1', '10:01', '172.16.0.1/24')], [{ dst: '192.168.10.0/24', via: '172.16.0.2' }]),
      {
        name: 'director',
        kind: 'director',
        ifaces: [eth('eth0', '10:02', '172.16.0.2/24', { addr: '172.16.0.100/32', label: 'eth0:0' }), eth('eth1', '0a:01', '192.168.10.1/24')],
        routes: [{ dst: 'default', via: '172.16.0.1' }],
        sysctl: { 'net.ipv4.ip_forward': 1 },
        ipvs: { services: [webService('172.16.0.100', 'masq', RS_ADDRS)] },
      },
      { name: 'switch', kind: 'switch' },
      ...[1, 2, 3].map((i) => natRealServer(i, '192.168.10.1')),
    ],
    links: [...internetLinks(3), { a: 'router:eth1', b: 'director:eth0' }, ...switchLinks('switch', ['director:eth1', 'rs1:eth0', 'rs2:eth0', 'rs3:eth0'])],
    traffic: clientTraffic('172.16.0.100:80'),
  };
}

/** LVS-TUN: real servers in other networks, reached through the router; IP-in-IP to each. */
export function tunPreset(): ScenarioInput {
  const rs = (i: number): NodeIn => ({
    name: `rs${i}`,
    kind: 'rs',
    ifaces: [eth('eth0', `${(0x14 + i).toString(16)}:${(0x10 + i).toString(16)}`, `10.${i}.0.11/24`), { name: 'tunl0', addrs: [{ addr: '192.168.10.100/32', label: 'tunl0' }] }],
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
      ...clients(3),
      { name: 'internet', kind: 'switch' },
      router([eth('eth1', '0a:01', '192.168.10.1/24'), eth('eth2', '15:01', '10.1.0.1/24'), eth('eth3', '16:01', '10.2.0.1/24'), eth('eth4', '17:01', '10.3.0.1/24')]),
      { name: 'switch', kind: 'switch' },
      {
        name: 'director',
        kind: 'director',
        ifaces: [eth('eth0', '0a:02', '192.168.10.2/24', { addr: '192.168.10.100/32', label: 'eth0:0' })],
        routes: [{ dst: 'default', via: '192.168.10.1' }],
        modules: ['ipip'],
        ipvs: { services: [webService('192.168.10.100', 'tunnel', [1, 2, 3].map((i) => `10.${i}.0.11`))] },
      },
      rs(1),
      rs(2),
      rs(3),
    ],
    links: [
      ...internetLinks(3),
      ...switchLinks('switch', ['router:eth1', 'director:eth0']),
      { a: 'router:eth2', b: 'rs1:eth0', latency: '5ms' },
      { a: 'router:eth3', b: 'rs2:eth0', latency: '8ms' },
      { a: 'router:eth4', b: 'rs3:eth0', latency: '12ms' },
    ],
    traffic: clientTraffic('192.168.10.100:80'),
  };
}
