/**
 * The director's IPVS configuration as the Controls panel shows it, and the real
 * `ipvsadm` line that makes each change. The UI never edits IPVS behind the shell's back:
 * a click becomes `{type:'shell', node:'director', line:'ipvsadm -E …'}`, logged and shown
 * to the learner, exactly as if typed.
 *
 * Note `-E` and `-e` replace the whole entry (ipvsadm.c: the options not given take their
 * defaults), so every line carries the full configuration, not just the changed field.
 */
import { ipStr } from '../core/net/addr';
import type { Lab } from '../core/lab';
import type { Dest, FwdMethod } from '../core/ipvs/dest';
import { IP_VS_SVC_F_PERSISTENT, IP_VS_SVC_F_SCHED1, IP_VS_SVC_F_SCHED2, type Service } from '../core/ipvs/service';

export type SchedFlag = 'sh-fallback' | 'sh-port' | 'mh-fallback' | 'mh-port';

export interface ServiceConfig {
  proto: 'tcp' | 'udp';
  vip: string;
  port: number;
  fwmark: number;
  sched: string;
  flags: SchedFlag[];
  /** Persistence timeout in seconds; undefined when not persistent. */
  persistent: number | undefined;
  /** Persistence netmask, dotted; '255.255.255.255' by default. */
  netmask: string;
}

export interface DestView {
  /** The lab node that owns this address, if any (rs1 …). */
  node: string | undefined;
  ip: string;
  port: number;
  fwd: FwdMethod;
  weight: number;
  upper: number;
  lower: number;
  activeConns: number;
  inactConns: number;
}

/** The director node of the lab (the first node with IPVS), if any. */
export function directorOf(lab: Lab): string | undefined {
  for (const n of lab.nodes.values()) if (n.ipvs) return n.name;
  return undefined;
}

export function serviceConfig(svc: Service): ServiceConfig {
  const flags: SchedFlag[] = [];
  const name = svc.schedName;
  if (name === 'sh' || name === 'mh') {
    if (svc.flags & IP_VS_SVC_F_SCHED1) flags.push(`${name}-fallback`);
    if (svc.flags & IP_VS_SVC_F_SCHED2) flags.push(`${name}-port`);
  }
  const persistent = svc.flags & IP_VS_SVC_F_PERSISTENT ? svc.timeout : undefined;
  return {
    proto: svc.proto,
    vip: ipStr(svc.vip),
    port: svc.port,
    fwmark: svc.fwmark,
    sched: name,
    flags,
    persistent,
    netmask: ipStr(svc.netmask >>> 0),
  };
}

/** `-t VIP:PORT`, `-u VIP:PORT` or `-f MARK`. */
export function serviceArg(c: Pick<ServiceConfig, 'proto' | 'vip' | 'port' | 'fwmark'>): string {
  if (c.fwmark) return `-f ${c.fwmark}`;
  return `${c.proto === 'udp' ? '-u' : '-t'} ${c.vip}:${c.port}`;
}

/** Flags a scheduler accepts (ipvsadm -b): only sh and mh have any. */
export function flagsFor(sched: string): SchedFlag[] {
  if (sched === 'sh') return ['sh-fallback', 'sh-port'];
  if (sched === 'mh') return ['mh-fallback', 'mh-port'];
  return [];
}

/** `ipvsadm -E …` that sets the service to `c`. */
export function editServiceLine(c: ServiceConfig): string {
  const parts = ['ipvsadm -E', serviceArg(c), `-s ${c.sched}`];
  const flags = c.flags.filter((f) => flagsFor(c.sched).includes(f));
  if (flags.length) parts.push(`-b ${flags.join(',')}`);
  if (c.persistent !== undefined) {
    parts.push(`-p ${c.persistent}`);
    if (c.netmask !== '255.255.255.255') parts.push(`-M ${c.netmask}`);
  }
  return parts.join(' ');
}

const FWD_OPT: Record<FwdMethod, string> = { route: '-g', masq: '-m', tunnel: '-i', local: '-g', bypass: '-g' };

export function destView(lab: Lab, d: Dest): DestView {
  return {
    node: nodeOfAddress(lab, d.addr),
    ip: ipStr(d.addr),
    port: d.port,
    fwd: d.fwd,
    weight: d.weight,
    upper: d.uThreshold,
    lower: d.lThreshold,
    activeConns: d.activeConns,
    inactConns: d.inactive,
  };
}

/** `ipvsadm -e …` that sets a real server's weight (keeping its method and thresholds). */
export function editDestLine(svc: Pick<ServiceConfig, 'proto' | 'vip' | 'port' | 'fwmark'>, d: DestView, weight: number): string {
  const parts = ['ipvsadm -e', serviceArg(svc), `-r ${d.ip}:${d.port}`, FWD_OPT[d.fwd], `-w ${weight}`];
  if (d.upper) parts.push(`-x ${d.upper}`);
  if (d.lower) parts.push(`-y ${d.lower}`);
  return parts.join(' ');
}

/** The host that has `addr` on one of its interfaces (lo excluded), e.g. 192.168.10.12 → rs2. */
export function nodeOfAddress(lab: Lab, addr: number): string | undefined {
  for (const n of lab.nodes.values()) {
    const h = n.host;
    if (!h) continue;
    for (const dev of h.ifaces) {
      if (dev.name === 'lo' || dev.name.startsWith('tunl')) continue;
      if (dev.addrs.some((a) => a.addr === addr)) return n.name;
    }
  }
  return undefined;
}
