/**
 * Labs for the shell tests: the presets, and the reference capture's own topology
 * (linux-tools.md: client, router, a bridge namespace `tc-sw`, director .2, director2 .3,
 * rs1 .11, rs2 .12, VIP .100) so reference outputs can be compared byte for byte.
 */
import { Lab } from '../../../src/core/lab';
import { PRESETS } from '../../../src/core/scenario/presets';
import type { ScenarioInput } from '../../../src/core/scenario/schema';
import { Shell } from '../../../src/core/shell/shell';

type NodeIn = ScenarioInput['nodes'][number];

const rs = (i: number): NodeIn => ({
  name: `rs${i}`,
  kind: 'rs',
  ifaces: [
    { name: 'eth0', mac: `52:54:00:00:0a:1${i}`, addrs: [`192.168.10.1${i}/24`] },
    { name: 'lo', addrs: [{ addr: '192.168.10.100/32', label: 'lo:0' }] },
  ],
  routes: [
    { dst: 'default', via: '192.168.10.1' },
    { dst: '198.51.100.7/32', via: '192.168.10.1' },
  ],
  sysctl: { 'net.ipv4.conf.all.arp_ignore': 1, 'net.ipv4.conf.all.arp_announce': 2 },
  web: { port: 80, workers: 4, serviceTime: { dist: 'const', meanMs: 0 } },
});

export function referenceScenario(): ScenarioInput {
  return {
    name: 'reference',
    seed: 7,
    nodes: [
      { name: 'client', kind: 'client', ifaces: [{ name: 'eth0', mac: '52:54:00:00:01:10', addrs: ['203.0.113.10/24'] }], routes: [{ dst: 'default', via: '203.0.113.1' }] },
      {
        name: 'router',
        kind: 'router',
        ifaces: [
          { name: 'eth0', mac: '52:54:00:00:01:01', addrs: ['203.0.113.1/24'] },
          { name: 'eth1', mac: '52:54:00:00:0a:01', addrs: ['192.168.10.1/24'] },
        ],
        sysctl: { 'net.ipv4.ip_forward': 1 },
      },
      { name: 'tc-sw', kind: 'switch' },
      {
        name: 'director',
        kind: 'director',
        ifaces: [{ name: 'eth0', mac: '52:54:00:00:0a:02', addrs: ['192.168.10.2/24', { addr: '192.168.10.100/32', label: 'eth0:0' }] }],
        routes: [{ dst: 'default', via: '192.168.10.1' }],
      },
      { name: 'director2', kind: 'director', ifaces: [{ name: 'eth0', mac: '52:54:00:00:0a:03', addrs: ['192.168.10.3/24'] }], routes: [{ dst: 'default', via: '192.168.10.1' }] },
      rs(1),
      rs(2),
    ],
    links: [
      { a: 'client:eth0', b: 'router:eth0', latency: '10us' },
      { a: 'router:eth1', b: 'tc-sw:p0', latency: '10us' },
      { a: 'director:eth0', b: 'tc-sw:p1', latency: '10us' },
      { a: 'director2:eth0', b: 'tc-sw:p2', latency: '10us' },
      { a: 'rs1:eth0', b: 'tc-sw:p3', latency: '10us' },
      { a: 'rs2:eth0', b: 'tc-sw:p4', latency: '10us' },
    ],
  };
}

export function referenceShell(node: string): Shell {
  return new Shell(Lab.of(referenceScenario()), { node });
}

/** A preset lab with its client traffic stopped, so what the test does is all that happens. */
export function presetShell(preset: 'dr' | 'nat' | 'tun', node?: string): Shell {
  const s = PRESETS[preset]!();
  const lab = Lab.of({ ...s, traffic: s.traffic ? { ...s.traffic, running: false } : undefined });
  return new Shell(lab, node !== undefined ? { node } : {});
}

/** Run a line and return its output, checking the exit status when given. */
export function out(sh: Shell, line: string): string {
  return sh.run(line).output;
}
