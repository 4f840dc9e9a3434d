/**
 * /proc/net/ip_vs, /proc/net/ip_vs_conn and /proc/net/ip_vs_stats as ip_vs_ctl.c and
 * ip_vs_conn.c print them (seq_printf formats), from the lab's Ipvs.
 */
import type { Ipvs } from '../../ipvs/ipvs';
import { stateName } from '../../ipvs/ipvs';
import { IP_VS_CONN_F_ONE_PACKET } from '../../ipvs/conn';
/**
 * /proc/net/ip_vs prints the persistence timeout in jiffies (svc->timeout). Debian's amd64
 * kernels (6.1 and 6.12 alike) are built with CONFIG_HZ=250, so 360 s reads 90000. (The
 * scheduler vectors used HZ=1000, but there HZ changes no result: see kernel.ts.)
 */
const CONFIG_HZ = 250;
import { CONN_TAB_SIZE, IPVS_VERSION, IpvsCtl } from './ctl';
import type { ServiceEntry } from './entry';
import { IP_VS_CONN_F_LOCALNODE, IP_VS_CONN_F_MASQ, IP_VS_CONN_F_TUNNEL, IP_VS_SVC_F_ONEPACKET, IP_VS_SVC_F_PERSISTENT } from './entry';
import { left, right, versionHeader } from './list';
import { AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, pI6 } from './netdb';

export type ProcPath = '/proc/net/ip_vs' | '/proc/net/ip_vs_conn' | '/proc/net/ip_vs_stats';

const hex = (v: number, w: number) => (v >>> 0).toString(16).toUpperCase().padStart(w, '0');
const hex64 = (v: number, w: number) => Math.max(0, Math.floor(v)).toString(16).toUpperCase().padStart(w, '0');

/** ip_vs_proto_name. */
function protoName(p: number): string {
  return p === IPPROTO_TCP ? 'TCP' : p === IPPROTO_UDP ? 'UDP' : p === IPPROTO_SCTP ? 'SCTP' : p === 0 ? 'IP' : `IP_${p}`;
}

/** ip_vs_fwd_name. */
function fwdName(flags: number): string {
  switch (flags & 7) {
    case IP_VS_CONN_F_LOCALNODE:
      return 'Local';
    case IP_VS_CONN_F_TUNNEL:
      return 'Tunnel';
    case IP_VS_CONN_F_MASQ:
      return 'Masq';
    default:
      return 'Route';
  }
}

/** The kernel keeps an IPv6 prefix length in the __be32 netmask field as the host's integer. */
const bswap32 = (v: number) => (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;

/** ip_vs_info_seq_show: services in hash-table order, dests in list order, numbers in hex. */
function ipVs(entries: readonly ServiceEntry[]): string {
  let out = versionHeader(IPVS_VERSION, CONN_TAB_SIZE);
  out += 'Prot LocalAddress:Port Scheduler Flags\n';
  out += '  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n';
  for (const s of entries) {
    const ops = s.flags & IP_VS_SVC_F_ONEPACKET ? 'ops ' : '';
    if (s.fwmark) out += `FWM  ${hex(s.fwmark, 8)} ${s.schedName} ${ops}`;
    else if (s.af === AF_INET6) out += `${protoName(s.protocol)}  [${pI6(s.addr)}]:${hex(s.port, 4)} ${s.schedName} `;
    else out += `${protoName(s.protocol)}  ${hex(s.addr.w[0], 8)}:${hex(s.port, 4)} ${s.schedName} ${ops} `;
    if (s.flags & IP_VS_SVC_F_PERSISTENT) {
      const mask = s.af === AF_INET6 ? bswap32(s.netmask) : s.netmask;
      out += `persistent ${s.timeout * CONFIG_HZ} ${hex(mask, 8)}\n`;
    } else out += '\n';
    for (const d of s.dests) {
      const a = d.af === AF_INET6 ? `[${pI6(d.addr)}]` : hex(d.addr.w[0], 8);
      out += `  -> ${a}:${hex(d.port, 4)}      ${left(fwdName(d.connFlags), 7)} ${left(d.weight | 0, 6)} ${left(d.activeConns | 0, 10)} ${left(d.inactConns | 0, 10)}\n`;
    }
  }
  return out;
}

/** ip_vs_conn_seq_show: every hashed entry, templates included; Expires in whole seconds. */
function ipVsConn(ipvs: Ipvs): string {
  let out = 'Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n';
  for (const cp of ipvs.conns.all) {
    if (cp.dead || cp.flags & IP_VS_CONN_F_ONE_PACKET) continue;
    const proto = cp.proto === 'tcp' ? 'TCP' : cp.proto === 'udp' ? 'UDP' : 'IP';
    const secs = Math.floor(ipvs.remaining(cp) / 1_000_000);
    out += `${left(proto, 3)} ${hex(cp.caddr, 8)} ${hex(cp.cport, 4)} ${hex(cp.vaddr, 8)} ${hex(cp.vport, 4)} ${hex(cp.daddr, 8)} ${hex(cp.dport, 4)} ${left(stateName(cp), 11)} ${right(secs, 7)}\n`;
  }
  return out;
}

/** ip_vs_stats_show: the totals and their rates, in hex. */
function ipVsStats(ctl: IpvsCtl): string {
  const t = ctl.totals();
  return (
    '   Total Incoming Outgoing         Incoming         Outgoing\n' +
    '   Conns  Packets  Packets            Bytes            Bytes\n' +
    `${right(hex64(t.conns, 1), 8)} ${right(hex64(t.inpkts, 1), 8)} ${right(hex64(t.outpkts, 1), 8)} ${right(hex64(t.inbytes, 1), 16)} ${right(hex64(t.outbytes, 1), 16)}\n\n` +
    ' Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n' +
    `${right(hex64(t.cps, 1), 8)} ${right(hex64(t.inpps, 1), 8)} ${right(hex64(t.outpps, 1), 8)} ${right(hex64(t.inbps, 1), 16)} ${right(hex64(t.outbps, 1), 16)}\n`
  );
}

export function procText(path: ProcPath, ipvs: Ipvs): string {
  const ctl = new IpvsCtl(ipvs);
  switch (path) {
    case '/proc/net/ip_vs':
      return ipVs(ctl.getServices());
    case '/proc/net/ip_vs_conn':
      return ipVsConn(ipvs);
    case '/proc/net/ip_vs_stats':
      return ipVsStats(ctl);
  }
}
