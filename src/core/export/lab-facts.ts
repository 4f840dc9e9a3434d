/**
 * What the exporters read from a lab: its directors (nodes with IPVS), their virtual
 * services in ipvsadm's order, the real servers behind them (the lab nodes that own each
 * dest address), the addresses and web servers of those nodes, and the configuration of the
 * lab's own keepalived/ldirectord where a node runs them. Nothing here changes the lab.
 */
import type { Lab, LabNode } from '../lab';
import type { Host } from '../host/host';
import type { IfAddr, Iface } from '../host/iface';
import type { Ipvs } from '../ipvs/ipvs';
import type { Service } from '../ipvs/service';
import type { Dest } from '../ipvs/dest';
import { methodOf, type LvsMethod } from '../ha/keepalived/conf-lvs';
import { inPrefix, ipStr, type Ip } from '../net/addr';
import type { IpvsadmEnv } from '../shell/ipvsadm/index';
import { haNode } from '../ha/ha';

/** A file an exporter produces: the node it is for, a suggested file name, the text. */
export interface ExportFile {
  node: string;
  name: string;
  text: string;
}

export interface Director {
  name: string;
  host: Host;
  ipvs: Ipvs;
}

/** The nodes that run IPVS, in scenario order (director, or director1 then director2). */
export function directors(lab: Lab): Director[] {
  const out: Director[] = [];
  for (const n of lab.nodes.values()) if (n.ipvs && n.host) out.push({ name: n.name, host: n.host, ipvs: n.ipvs });
  return out;
}

/** What the ipvsadm emulation needs to run against a director. */
export function ipvsadmEnv(ipvs: Ipvs): IpvsadmEnv {
  return { ipvs, ifaceMtu: (name) => ipvs.host.iface(name)?.mtu };
}

/** Services sorted as `ipvsadm -S` lists them (fwmark last, then protocol, address, port), dests by address and port. */
export function virtualServices(ipvs: Ipvs): { svc: Service; dests: Dest[] }[] {
  const key = (s: Service) => [s.fwmark, s.proto === 'tcp' ? 6 : 17, s.vip >>> 0, s.port];
  const cmp = (a: number[], b: number[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return 0;
  };
  return [...ipvs.services]
    .sort((a, b) => cmp(key(a), key(b)))
    .map((svc) => ({ svc, dests: [...svc.dests].sort((a, b) => (a.addr >>> 0) - (b.addr >>> 0) || a.port - b.port) }));
}

/** "TCP 192.168.10.100:80" or "FWM 7", for comments and messages. */
export function svcLabel(svc: Service): string {
  return svc.fwmark ? `FWM ${svc.fwmark}` : `${svc.proto.toUpperCase()} ${ipStr(svc.vip)}:${svc.port}`;
}

/** The interface and address entry holding `addr` on a host (loopback 127/8 aside). */
export function addrOn(host: Host, addr: Ip): { dev: Iface; a: IfAddr } | undefined {
  for (const dev of host.ifaces) {
    const a = dev.addrs.find((x) => x.addr === addr && x.scope !== 'host');
    if (a) return { dev, a };
  }
  return undefined;
}

/** The lab node (other than `except`) that owns `addr` on a non-loopback interface: a dest's real server. */
export function nodeOwning(lab: Lab, addr: Ip, except?: string): LabNode | undefined {
  for (const n of lab.nodes.values()) {
    if (!n.host || n.name === except) continue;
    if (n.host.ifaces.some((d) => d.kind !== 'loopback' && d.addrs.some((a) => a.addr === addr))) return n;
  }
  return undefined;
}

/** The connected interface address of `host` whose subnet contains `addr` (primary first). */
export function subnetAddr(host: Host, addr: Ip): { dev: Iface; a: IfAddr } | undefined {
  for (const secondary of [false, true]) {
    for (const dev of host.ifaces) {
      if (dev.kind === 'loopback') continue;
      const a = dev.addrs.find((x) => x.secondary === secondary && x.len < 32 && x.scope !== 'host' && inPrefix(addr, x.addr, x.len));
      if (a) return { dev, a };
    }
  }
  return undefined;
}

/** The address a firewall-mark service is reached at: the /32 destinations of its mark rules. */
export function fwmarkVips(ipvs: Ipvs, mark: number): Ip[] {
  return ipvs.markRules.filter((r) => r.mark === mark && r.dst && r.dst.len === 32).map((r) => r.dst!.addr);
}

/** One dest seen from its real server: which director sends it what, and how. */
export interface RsRole {
  director: Director;
  svc: Service;
  dest: Dest;
  mode: LvsMethod;
  /** The addresses clients reach the service at (the VIP, or a fwmark service's marked /32s). */
  vips: Ip[];
}

/** Every real server (lab node owning a dest address) with its roles, in scenario order. */
export function realServers(lab: Lab): { node: LabNode; host: Host; roles: RsRole[] }[] {
  const byNode = new Map<string, RsRole[]>();
  for (const director of directors(lab)) {
    for (const { svc, dests } of virtualServices(director.ipvs)) {
      for (const dest of dests) {
        const n = nodeOwning(lab, dest.addr, director.name);
        if (!n) continue;
        const vips = svc.fwmark ? fwmarkVips(director.ipvs, svc.fwmark) : [svc.vip];
        const roles = byNode.get(n.name) ?? [];
        roles.push({ director, svc, dest, mode: methodOf(dest.fwd), vips });
        byNode.set(n.name, roles);
      }
    }
  }
  const out: { node: LabNode; host: Host; roles: RsRole[] }[] = [];
  for (const n of lab.nodes.values()) {
    const roles = byNode.get(n.name);
    if (roles && n.host) out.push({ node: n, host: n.host, roles });
  }
  return out;
}

/** The web server a health check would reach at `addr:port` (port 0: whatever port it listens on). */
export function webAt(lab: Lab, addr: Ip, port: number, except?: string): { port: number; body: string } | undefined {
  const n = nodeOwning(lab, addr, except);
  if (!n?.web) return undefined;
  const p = n.web.config.port;
  if (port !== 0 && port !== p) return undefined;
  return { port: p, body: n.web.body };
}

/**
 * The configuration file a node's lab daemon runs with: the running daemon's text, else the
 * scenario's (NodeSpec.keepalived / .ldirectord, what systemd would start it with).
 */
export function daemonConfig(lab: Lab, node: string, unit: 'keepalived' | 'ldirectord'): string | undefined {
  const d = haNode(lab, node)[unit];
  if (d?.running && d.configText !== undefined) return d.configText;
  return lab.scenario.nodes.find((n) => n.name === node)?.[unit];
}

/** The addresses VRRP moves between directors: every virtual_ipaddress of a running lab keepalived. */
export function vrrpAddrs(lab: Lab): Ip[] {
  const out: Ip[] = [];
  for (const n of lab.nodes.values()) {
    const k = n.host ? haNode(lab, n.name).keepalived : undefined;
    if (k?.running) for (const i of k.conf?.vrrp ?? []) for (const v of i.vips) out.push(v.addr);
  }
  return out;
}
