/**
 * Labs the export tests run on: every preset, a two-director DR lab (VRRP), and a
 * "kitchen sink" director with every setting the exports carry — persistence with a mask,
 * scheduler flags, one-packet UDP, a firewall-mark service, a port-0 service, thresholds,
 * weight 0, mixed methods in one service and a GUE tunnel.
 */
import { Lab } from '../../../src/core/lab';
import { PRESETS, drPreset, natPreset } from '../../../src/core/scenario/presets';
import type { ScenarioInput } from '../../../src/core/scenario/schema';
import { ipvsadm } from '../../../src/core/shell/ipvsadm/index';
import { ipvsadmEnv } from '../../../src/core/export/lab-facts';

type NodeIn = ScenarioInput['nodes'][number];

/**
 * The DR preset with a second director (director1 MASTER, director2 BACKUP) on the same
 * segment, both with static IPVS tables and no keepalived in the lab: the exporter writes
 * the vrrp_instance itself. (The dr-ha / nat-ha presets run the lab's keepalived instead.)
 */
export function twoDirectorDr(): ScenarioInput {
  const s = drPreset();
  const d1 = s.nodes.find((n) => n.name === 'director')!;
  const d2: NodeIn = {
    ...d1,
    name: 'director2',
    ifaces: [{ name: 'eth0', mac: '52:54:00:00:0a:03', addrs: ['192.168.10.3/24'] }],
  };
  return {
    ...s,
    name: 'dr-2dir',
    nodes: [...s.nodes.map((n) => (n.name === 'director' ? { ...n, name: 'director1' } : n)), d2],
    links: [...(s.links ?? []).map((l) => ({ ...l, a: l.a.replace(/^director:/, 'director1:') })), { a: 'director2:eth0', b: 'switch:p5' }],
  };
}

/**
 * The NAT preset with a second director (unlinked: only its configuration matters here).
 * The real servers' gateway 192.168.10.1 must then float with the VIP.
 */
export function twoDirectorNat(): ScenarioInput {
  const s = natPreset();
  const d1 = s.nodes.find((n) => n.name === 'director')!;
  const d2: NodeIn = {
    ...d1,
    name: 'director2',
    ifaces: [
      { name: 'eth0', mac: '52:54:00:00:10:03', addrs: ['172.16.0.3/24'] },
      { name: 'eth1', mac: '52:54:00:00:0a:03', addrs: ['192.168.10.3/24'] },
    ],
    routes: [],
  };
  return { ...s, name: 'nat-2dir', nodes: [...s.nodes, d2] };
}

/** The DR lab with a director that uses every setting the exports know. */
export function kitchenSinkScenario(): ScenarioInput {
  const s = drPreset();
  const rip = (i: number) => `192.168.10.${10 + i}`;
  const director = s.nodes.find((n) => n.name === 'director')!;
  const d: NodeIn = {
    ...director,
    modules: ['ipip'],
    ipvs: {
      services: [
        {
          proto: 'tcp', vip: '192.168.10.100', port: 80, sched: 'wlc',
          dests: [
            { ip: rip(1), port: 80, weight: 3, fwd: 'route' },
            { ip: rip(2), port: 80, weight: 0, fwd: 'route', upper: 100, lower: 10 },
            { ip: rip(3), port: 80, weight: 2, fwd: 'tunnel' },
          ],
        },
        {
          proto: 'tcp', vip: '192.168.10.100', port: 443, sched: 'sh', flags: ['sh-fallback', 'sh-port'], persistent: 300, netmask: '255.255.255.0',
          dests: [1, 2].map((i) => ({ ip: rip(i), port: 443, weight: 1, fwd: 'route' as const })),
        },
        { proto: 'udp', vip: '192.168.10.100', port: 53, sched: 'rr', ops: true, dests: [{ ip: rip(1), port: 5353, weight: 1, fwd: 'masq' }] },
        { fwmark: 7, sched: 'wrr', persistent: 600, dests: [1, 3].map((i) => ({ ip: rip(i), weight: i, fwd: 'route' as const })) },
        { proto: 'tcp', vip: '192.168.10.100', port: 0, sched: 'rr', persistent: 360, dests: [{ ip: rip(2), port: 0, weight: 1, fwd: 'route' }] },
      ],
    },
    fwmarks: [{ dst: '192.168.10.100/32', proto: 'tcp', ports: [8080, 8443], mark: 7 }],
  };
  return { ...s, name: 'kitchen-sink', nodes: s.nodes.map((n) => (n.name === 'director' ? d : n)) };
}

/** The kitchen sink, with rs3 of TCP :80 switched to a GUE tunnel through ipvsadm -e. */
export function kitchenSinkLab(): Lab {
  const lab = Lab.of(kitchenSinkScenario());
  const r = ipvsadm(['-e', '-t', '192.168.10.100:80', '-r', '192.168.10.13', '-i', '-w', '2', '--tun-type', 'gue', '--tun-port', '6080', '--tun-csum'], ipvsadmEnv(lab.nodes.get('director')!.ipvs!));
  if (r.exit !== 0) throw new Error(r.stderr);
  return lab;
}

/** Every lab the keepalived check runs on, by name. */
export function allLabs(): [string, () => Lab][] {
  return [
    ...Object.entries(PRESETS).map(([name, p]): [string, () => Lab] => [name, () => Lab.of(p())]),
    ['dr, two directors without the lab\'s keepalived', () => Lab.of(twoDirectorDr())],
    ['nat, two directors without the lab\'s keepalived', () => Lab.of(twoDirectorNat())],
    ['kitchen sink', kitchenSinkLab],
  ];
}

/** The same lab with every director's IPVS table empty and no keepalived/ldirectord (fwmark rules kept): where imports land. */
export function freshDirectors(lab: Lab): Lab {
  const s = structuredClone(lab.scenario);
  for (const n of s.nodes) {
    if (!lab.nodes.get(n.name)?.ipvs) continue;
    n.ipvs = { services: [] };
    delete n.keepalived;
    delete n.ldirectord;
  }
  return Lab.of(s);
}

/** `ipvsadm -Sn` on a node. */
export function saveN(lab: Lab, node: string): string {
  const r = ipvsadm(['-S', '-n'], ipvsadmEnv(lab.nodes.get(node)!.ipvs!));
  if (r.exit !== 0) throw new Error(r.stderr);
  return r.stdout;
}
