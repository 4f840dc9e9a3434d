/**
 * Heavy-load scenarios for the benchmarks: many client addresses, 16 (or more) real
 * servers, open-loop traffic (one request per connection, no per-session state).
 */
import type { ScenarioInput } from '../../src/core/scenario/schema';

export function heavyScenario(opts: { mode: 'route' | 'masq' | 'tunnel'; servers: number; rate: number; serviceMs: number; workers: number; sched?: string }): ScenarioInput {
  const clientCount = 4;
  const addrsPerClient = 250;
  const nodes: ScenarioInput['nodes'] = [];
  const links: NonNullable<ScenarioInput['links']> = [];
  for (let c = 0; c < clientCount; c++) {
    nodes.push({
      name: `client${c + 1}`,
      kind: 'client',
      ifaces: [{ name: 'eth0', addrs: Array.from({ length: addrsPerClient }, (_, i) => `100.${64 + c}.${i >> 8}.${(i & 255) + 1}/16`).slice(0, addrsPerClient) }],
      routes: [{ dst: 'default', via: `100.${64 + c}.255.254` }],
    });
    links.push({ a: `client${c + 1}:eth0`, b: `router:c${c}` });
  }
  nodes.push({
    name: 'router',
    kind: 'router',
    ifaces: [
      ...Array.from({ length: clientCount }, (_, c) => ({ name: `c${c}`, addrs: [`100.${64 + c}.255.254/16`] })),
      { name: 'eth1', addrs: ['192.168.0.1/24'] },
    ],
    routes: opts.mode === 'masq' ? [{ dst: '10.0.0.0/16', via: '192.168.0.2' }] : opts.mode === 'tunnel' ? [] : [],
    sysctl: { 'net.ipv4.ip_forward': 1 },
  });
  nodes.push({ name: 'switch', kind: 'switch' });
  links.push({ a: 'router:eth1', b: 'switch:up' });
  const vip = '192.168.0.100';
  const dests = Array.from({ length: opts.servers }, (_, i) => ({
    ip: opts.mode === 'masq' ? `10.0.${i >> 8}.${(i & 255) + 10}` : opts.mode === 'tunnel' ? `172.16.${i >> 8}.${(i & 255) + 10}` : `192.168.0.${i + 10}`,
    port: 80,
    weight: 1 + (i % 3),
    fwd: opts.mode,
  }));
  const director: ScenarioInput['nodes'][number] = {
    name: 'director',
    kind: 'director',
    ifaces: [{ name: 'eth0', addrs: ['192.168.0.2/24', { addr: `${vip}/32`, label: 'eth0:0' }] }],
    routes: [{ dst: 'default', via: '192.168.0.1' }],
    ipvs: { services: [{ proto: 'tcp', vip, port: 80, sched: opts.sched ?? 'wlc', dests }] },
    modules: opts.mode === 'tunnel' ? ['ipip'] : [],
  };
  if (opts.mode === 'masq') {
    director.ifaces!.push({ name: 'eth1', addrs: ['10.0.255.254/16'] });
    director.sysctl = { 'net.ipv4.ip_forward': 1 };
    nodes.push({ name: 'lan', kind: 'switch' });
    links.push({ a: 'director:eth1', b: 'lan:up' });
  }
  if (opts.mode === 'tunnel') {
    director.ifaces![0]!.addrs!.push('172.16.255.254/16');
  }
  nodes.push(director);
  links.push({ a: 'director:eth0', b: 'switch:dir' });
  dests.forEach((d, i) => {
    const gw = opts.mode === 'masq' ? '10.0.255.254' : opts.mode === 'tunnel' ? '172.16.255.253' : '192.168.0.1';
    nodes.push({
      name: `rs${i + 1}`,
      kind: 'rs',
      ifaces: [
        { name: 'eth0', addrs: [`${d.ip}/${opts.mode === 'route' ? 24 : 16}`] },
        ...(opts.mode === 'route' ? [{ name: 'lo', addrs: [{ addr: `${vip}/32`, label: 'lo:0' }] }] : []),
        ...(opts.mode === 'tunnel' ? [{ name: 'tunl0', addrs: [`${vip}/32`] }] : []),
      ],
      modules: opts.mode === 'tunnel' ? ['ipip'] : [],
      routes: [{ dst: 'default', via: gw }],
      sysctl: opts.mode === 'masq' ? {} : { 'net.ipv4.conf.all.arp_ignore': 1, 'net.ipv4.conf.all.arp_announce': 2 },
      web: { port: 80, workers: opts.workers, serviceTime: { dist: 'const', meanMs: opts.serviceMs } },
    });
    links.push({ a: `rs${i + 1}:eth0`, b: opts.mode === 'masq' ? `lan:p${i}` : `switch:p${i}` });
  });
  if (opts.mode === 'tunnel') {
    // The real servers' side of 172.16/16 is on the same switch; the router routes replies.
    nodes.find((n) => n.name === 'router')!.ifaces!.push({ name: 'eth2', addrs: ['172.16.255.253/16'] });
    links.push({ a: 'router:eth2', b: 'switch:tun' });
  }
  return {
    name: `heavy-${opts.mode}`,
    seed: 7,
    nodes,
    links,
    traffic: { clients: Array.from({ length: clientCount }, (_, c) => `client${c + 1}`), target: `${vip}:80`, rate: opts.rate, mode: 'open', timeoutMs: 60_000 },
  };
}
