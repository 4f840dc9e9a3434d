/**
 * The pieces the preset labs are built from (STYLE.md: builders assemble scenarios, never
 * models): clients on the internet switch, the router, real servers set up for DR or NAT with
 * a web server, the director's port-80 service, and the cabling. One address plan for all:
 * client i at 203.0.113.(10·i) behind the router's 203.0.113.1, real server i at
 * 192.168.10.(10+i); every MAC is 52:54:00:00:xx:yy.
 *
 * Imports no HA code: the page's first screen builds the classic labs from this.
 */
import type { ScenarioInput } from './schema';

export type NodeIn = ScenarioInput['nodes'][number];
type IfaceIn = NonNullable<NodeIn['ifaces']>[number];
type AddrIn = NonNullable<IfaceIn['addrs']>[number];
type RouteIn = NonNullable<NodeIn['routes']>[number];
type ServiceIn = NonNullable<NonNullable<NodeIn['ipvs']>['services']>[number];
type LinkIn = NonNullable<ScenarioInput['links']>[number];

/** The web server every real server runs. */
export const RS_WEB = { port: 80, workers: 8, serviceTime: { dist: 'exp' as const, meanMs: 20 } };

/** The real servers' addresses, rs1 … rs3. */
export const RS_ADDRS = [1, 2, 3].map((i) => `192.168.10.${10 + i}`);

/** An interface; `mac` is the part after 52:54:00:00:. */
export function eth(name: string, mac: string, ...addrs: AddrIn[]): IfaceIn {
  return { name, mac: `52:54:00:00:${mac}`, addrs };
}

/** `n` clients with a default route via the router; `firstMac`: client1's last MAC byte (the next ones step by 0x10). */
export function clients(n: number, firstMac = 0x10): NodeIn[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `client${i + 1}`,
    kind: 'client' as const,
    ifaces: [eth('eth0', `01:${(firstMac + i * 0x10).toString(16).padStart(2, '0')}`, `203.0.113.${10 * (i + 1)}/24`)],
    routes: [{ dst: 'default' as const, via: '203.0.113.1' }],
  }));
}

/** The clients' and the router's cables to the `internet` switch. */
export function internetLinks(n: number): LinkIn[] {
  return [...Array.from({ length: n }, (_, i) => ({ a: `client${i + 1}:eth0`, b: `internet:p${i + 1}`, latency: '2ms' })), { a: 'router:eth0', b: 'internet:p0', latency: '100us' }];
}

/** The three clients in sessions of 3 requests to `target` (IP:PORT). */
export function clientTraffic(target: string) {
  return { clients: ['client1', 'client2', 'client3'], target, rate: 2, mode: 'session' as const, requestsPerSession: 3, thinkMs: 800 };
}

/** The forwarding router: eth0 on the internet at 203.0.113.1, then `inside`. */
export function router(inside: IfaceIn[], routes?: RouteIn[]): NodeIn {
  return { name: 'router', kind: 'router', ifaces: [eth('eth0', '01:01', '203.0.113.1/24'), ...inside], ...(routes ? { routes } : {}), sysctl: { 'net.ipv4.ip_forward': 1 } };
}

/** LVS-DR real server `i`: the VIP on lo, hidden from ARP (arp_ignore 1, arp_announce 2). */
export function drRealServer(i: number, vip: string): NodeIn {
  return {
    name: `rs${i}`,
    kind: 'rs',
    ifaces: [eth('eth0', `0a:${(0x10 + i).toString(16)}`, `${RS_ADDRS[i - 1]}/24`), { name: 'lo', addrs: [{ addr: `${vip}/32`, label: 'lo:0' }] }],
    routes: [{ dst: 'default', via: '192.168.10.1' }],
    sysctl: {
      'net.ipv4.conf.all.arp_ignore': 1,
      'net.ipv4.conf.all.arp_announce': 2,
      'net.ipv4.conf.lo.arp_ignore': 1,
      'net.ipv4.conf.lo.arp_announce': 2,
    },
    web: RS_WEB,
  };
}

/** LVS-NAT real server `i`: its default route must lead back through the director (`gw`). */
export function natRealServer(i: number, gw: string): NodeIn {
  return { name: `rs${i}`, kind: 'rs', ifaces: [eth('eth0', `0a:${(0x10 + i).toString(16)}`, `${RS_ADDRS[i - 1]}/24`)], routes: [{ dst: 'default', via: gw }], web: RS_WEB };
}

/** TCP `vip`:80, round robin, to port 80 of each of `dests` at weight 1. */
export function webService(vip: string, fwd: 'masq' | 'route' | 'tunnel', dests: string[]): ServiceIn {
  return { proto: 'tcp', vip, port: 80, sched: 'rr', dests: dests.map((ip) => ({ ip, port: 80, weight: 1, fwd })) };
}

/** Cables from each of `ends` (NODE:IFACE) to the switch `sw`, on ports p0, p1 … in order. */
export function switchLinks(sw: string, ends: string[]): LinkIn[] {
  return ends.map((a, i) => ({ a, b: `${sw}:p${i}` }));
}
