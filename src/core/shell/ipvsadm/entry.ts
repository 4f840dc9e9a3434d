/**
 * What one ipvsadm invocation asks of the kernel (struct ipvs_command_entry): the service,
 * the real server, the timeouts and the sync daemon, as libipvs sends them over netlink;
 * and what the kernel's dumps give back (ipvs_service_entry_t, ipvs_dest_entry_t, …).
 */
import { AF_INET, type Af, type InetAddr } from './netdb';
import type { Cmd } from './options';
import { IP_VS_SVC_F_SCHED1, IP_VS_SVC_F_SCHED2, IP_VS_SVC_F_SCHED3 } from '../../ipvs/service';
import { IP_VS_CONN_F_DROUTE } from '../../ipvs/conn';

/** include/uapi/linux/ip_vs.h: ipvsadm includes the header the kernel model mirrors, so it shares its constants. */
export { IP_VS_SVC_F_PERSISTENT, IP_VS_SVC_F_HASHED, IP_VS_SVC_F_ONEPACKET, IP_VS_SVC_F_SCHED1, IP_VS_SVC_F_SCHED2, IP_VS_SVC_F_SCHED3 } from '../../ipvs/service';
export { IP_VS_CONN_F_MASQ, IP_VS_CONN_F_LOCALNODE, IP_VS_CONN_F_TUNNEL, IP_VS_CONN_F_DROUTE, IP_VS_CONN_F_FWD_MASK } from '../../ipvs/conn';
export const IP_VS_SVC_F_SCHED_SH_FALLBACK = IP_VS_SVC_F_SCHED1;
export const IP_VS_SVC_F_SCHED_SH_PORT = IP_VS_SVC_F_SCHED2;
export const IP_VS_SVC_F_SCHED_MH_FALLBACK = IP_VS_SVC_F_SCHED1;
export const IP_VS_SVC_F_SCHED_MH_PORT = IP_VS_SVC_F_SCHED2;
export const SCHED_FLAGS_MASK = IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_SCHED3;

export const IP_VS_CONN_F_TUNNEL_TYPE_IPIP = 0;
export const IP_VS_CONN_F_TUNNEL_TYPE_GUE = 1;
export const IP_VS_CONN_F_TUNNEL_TYPE_GRE = 2;

export const IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM = 0;
export const IP_VS_TUNNEL_ENCAP_FLAG_CSUM = 1;
export const IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM = 2;

export const IP_VS_STATE_MASTER = 1;
export const IP_VS_STATE_BACKUP = 2;

/** IPVS_SVC_PERSISTENT_TIMEOUT: ipvsadm's default for `-p` without a value (6 × 60). */
export const IPVS_SVC_PERSISTENT_TIMEOUT = 360;

/** ipvs_service_t. An unset address family is 0 (only `-L`, `-Z` and `-C` go without one). */
export interface SvcUser {
  af: Af | 0;
  protocol: number;
  addr: InetAddr;
  port: number;
  fwmark: number;
  schedName: string;
  flags: number;
  /** Persistence timeout, seconds. */
  timeout: number;
  /** IPv4: the mask in host order (0xffffff00 = 255.255.255.0); IPv6: the prefix length. */
  netmask: number;
  peName: string;
}

/** ipvs_dest_t. */
export interface DestUser {
  af: Af | 0;
  addr: InetAddr;
  port: number;
  /** IP_VS_CONN_F_MASQ / TUNNEL / DROUTE. */
  connFlags: number;
  weight: number;
  uThreshold: number;
  lThreshold: number;
  tunType: number;
  tunPort: number;
  tunFlags: number;
}

export interface TimeoutUser {
  tcp: number;
  tcpFin: number;
  udp: number;
}

/** ipvs_daemon_t. */
export interface DaemonUser {
  state: number;
  mcastIfn: string;
  syncid: number;
  syncMaxlen: number;
  /** 0 = not given. */
  mcastAf: Af | 0;
  mcastGroup: InetAddr;
  mcastPort: number;
  mcastTtl: number;
}

export interface CommandEntry {
  cmd: Cmd;
  svc: SvcUser;
  dest: DestUser;
  timeout: TimeoutUser;
  daemon: DaemonUser;
}

export const ZERO_ADDR: InetAddr = { af: AF_INET, w: [0, 0, 0, 0] };

/** process_options' starting point: zeroes, then weight 1, DR, and a /32 mask. */
export function newEntry(): CommandEntry {
  return {
    cmd: 0,
    svc: { af: 0, protocol: 0, addr: ZERO_ADDR, port: 0, fwmark: 0, schedName: '', flags: 0, timeout: 0, netmask: 0xffffffff, peName: '' },
    dest: {
      af: 0,
      addr: ZERO_ADDR,
      port: 0,
      connFlags: IP_VS_CONN_F_DROUTE,
      weight: 1,
      uThreshold: 0,
      lThreshold: 0,
      tunType: IP_VS_CONN_F_TUNNEL_TYPE_IPIP,
      tunPort: 0,
      tunFlags: IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM,
    },
    timeout: { tcp: 0, tcpFin: 0, udp: 0 },
    daemon: { state: 0, mcastIfn: '', syncid: 0, syncMaxlen: 0, mcastAf: 0, mcastGroup: ZERO_ADDR, mcastPort: 0, mcastTtl: 0 },
  };
}

// ---------------------------------------------------------------- what the kernel reports

/** struct ip_vs_stats64 as ipvsadm receives it. */
export interface Stats64 {
  conns: number;
  inpkts: number;
  outpkts: number;
  inbytes: number;
  outbytes: number;
  cps: number;
  inpps: number;
  outpps: number;
  inbps: number;
  outbps: number;
}

/** ipvs_dest_entry_t: the dest's settings as ipvs_dest_t has them, its family known, and its counters. */
export interface DestEntry extends Omit<DestUser, 'af'> {
  af: Af;
  activeConns: number;
  inactConns: number;
  persistConns: number;
  stats: Stats64;
}

/** ipvs_service_entry_t: ipvs_service_t with its counters, and its dests in the kernel's list order (newest first). */
export interface ServiceEntry extends Omit<SvcUser, 'af'> {
  af: Af;
  stats: Stats64;
  dests: DestEntry[];
}

export interface DaemonEntry {
  state: number;
  mcastIfn: string;
  syncid: number;
  syncMaxlen: number;
  mcastAf: Af;
  mcastGroup: InetAddr;
  mcastPort: number;
  mcastTtl: number;
}
