/**
 * ipvsadm's output: the service table (-L/-l and its column variants, -S rules), the
 * connection table (-c, parsed back from /proc/net/ip_vs_conn as ipvsadm does), timeouts
 * and sync daemons — print_service_entry, print_title, print_largenum, print_conn,
 * list_daemon of ipvsadm.c, printf for printf.
 */
import type { DaemonEntry, DestEntry, ServiceEntry } from './entry';
import {
  IP_VS_CONN_F_DROUTE,
  IP_VS_CONN_F_LOCALNODE,
  IP_VS_CONN_F_MASQ,
  IP_VS_CONN_F_TUNNEL,
  IP_VS_CONN_F_TUNNEL_TYPE_GRE,
  IP_VS_CONN_F_TUNNEL_TYPE_GUE,
  IP_VS_CONN_F_TUNNEL_TYPE_IPIP,
  IP_VS_STATE_BACKUP,
  IP_VS_STATE_MASTER,
  IP_VS_SVC_F_ONEPACKET,
  IP_VS_SVC_F_PERSISTENT,
  IP_VS_SVC_F_SCHED1,
  IP_VS_SVC_F_SCHED2,
  IP_VS_SVC_F_SCHED3,
  SCHED_FLAGS_MASK,
} from './entry';
import {
  AF_INET,
  AF_INET6,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  gethostbyaddr,
  getservbyport,
  inetPton4,
  inetPton6,
  ntoa4,
  ntop,
  protoDbName,
  strtol,
  v4,
  type Af,
  type InetAddr,
} from './netdb';
import { TUN_FLAG_OPTS, TUN_FLAG_SHOW, TUN_NAMES } from './options';

export const FMT_NONE = 0x0000;
export const FMT_NUMERIC = 0x0001;
export const FMT_RULE = 0x0002;
export const FMT_STATS = 0x0004;
export const FMT_RATE = 0x0008;
export const FMT_THRESHOLDS = 0x0010;
export const FMT_PERSISTENTCONN = 0x0020;
export const FMT_NOSORT = 0x0040;
export const FMT_EXACT = 0x0080;
export const FMT_TUN_INFO = 0x0100;

/** printf("%-Ns") and printf("%Ns"). */
export const left = (s: string | number, w: number) => String(s).padEnd(w);
export const right = (s: string | number, w: number) => String(s).padStart(w);

// ---------------------------------------------------------------- names

function protocolName(proto: number): string {
  return proto === IPPROTO_TCP ? 'TCP' : proto === IPPROTO_UDP ? 'UDP' : proto === IPPROTO_SCTP ? 'SCTP' : '?';
}

function optionFromProtocol(proto: number): string {
  return proto === IPPROTO_TCP ? '-t' : proto === IPPROTO_UDP ? '-u' : proto === IPPROTO_SCTP ? '--sctp-service' : '--xxx-service';
}

function portToAnyname(port: number, proto: number): string {
  const db = protoDbName(proto);
  return (db && getservbyport(port, db)) ?? String(port);
}

/** addrport_to_anyname: "[v6]:port", names unless numeric; at most 59 characters. */
export function addrportToAnyname(af: Af, addr: InetAddr, port: number, proto: number, format: number): string {
  const [o, c] = af === AF_INET ? ['', ''] : ['[', ']'];
  const s = format & FMT_NUMERIC ? `${o}${ntop(addr)}${c}:${port}` : `${o}${gethostbyaddr(addr) ?? ntop(addr)}${c}:${portToAnyname(port, proto)}`;
  return s.slice(0, 59);
}

function fwdName(flags: number): string {
  switch (flags & 7) {
    case IP_VS_CONN_F_MASQ:
      return 'Masq';
    case IP_VS_CONN_F_LOCALNODE:
      return 'Local';
    case IP_VS_CONN_F_TUNNEL:
      return 'Tunnel';
    case IP_VS_CONN_F_DROUTE:
      return 'Route';
    default:
      return '(null)';
  }
}

function fwdSwitch(flags: number): string {
  switch (flags & 7) {
    case IP_VS_CONN_F_MASQ:
      return '-m';
    case IP_VS_CONN_F_TUNNEL:
      return '-i';
    case IP_VS_CONN_F_LOCALNODE:
    case IP_VS_CONN_F_DROUTE:
      return '-g';
    default:
      return '(null)';
  }
}

function tunInfo(e: DestEntry): string {
  if ((e.connFlags & 7) !== IP_VS_CONN_F_TUNNEL) return 'n/a';
  const name = TUN_NAMES[e.tunType];
  switch (e.tunType) {
    case IP_VS_CONN_F_TUNNEL_TYPE_IPIP:
      return `${name}`;
    case IP_VS_CONN_F_TUNNEL_TYPE_GUE:
      return `${name}:${e.tunPort}:${TUN_FLAG_SHOW[e.tunFlags] ?? '(null)'}`.slice(0, 15);
    case IP_VS_CONN_F_TUNNEL_TYPE_GRE:
      return `${name}:${TUN_FLAG_SHOW[e.tunFlags] ?? '(null)'}`.slice(0, 15);
    default:
      return 'n/a';
  }
}

function schedFlags(se: ServiceEntry): string {
  const f: string[] = [];
  if (se.schedName === 'sh') {
    if (se.flags & IP_VS_SVC_F_SCHED1) f.push('sh-fallback');
    if (se.flags & IP_VS_SVC_F_SCHED2) f.push('sh-port');
  } else if (se.schedName === 'mh') {
    if (se.flags & IP_VS_SVC_F_SCHED1) f.push('mh-fallback');
    if (se.flags & IP_VS_SVC_F_SCHED2) f.push('mh-port');
  } else {
    if (se.flags & IP_VS_SVC_F_SCHED1) f.push('flag-1');
    if (se.flags & IP_VS_SVC_F_SCHED2) f.push('flag-2');
    if (se.flags & IP_VS_SVC_F_SCHED3) f.push('flag-3');
  }
  return f.join(',');
}

/** print_largenum: "%9llu", or scaled with a K/M/G/T suffix; --exact widens instead. */
export function largenum(i: number, format: number): string {
  if (format & FMT_EXACT) {
    const s = String(i);
    return right(s, s.length <= 8 ? 9 : s.length + 1);
  }
  if (i < 1e8) return right(i, 9);
  if (i < 1e9) return right(Math.floor(i / 1e3), 8) + 'K';
  if (i < 1e11) return right(Math.floor(i / 1e6), 8) + 'M';
  if (i < 1e14) return right(Math.floor(i / 1e9), 8) + 'G';
  return right(Math.floor(i / 1e12), 8) + 'T';
}

// ---------------------------------------------------------------- sorting

/** (a − b) as C computes it into an int: the unsigned difference, wrapped. */
const wrap = (a: number, b: number) => (a - b) | 0;

export function cmpServices(s1: ServiceEntry, s2: ServiceEntry): number {
  let r = wrap(s1.fwmark, s2.fwmark);
  if (r) return r;
  r = s1.af - s2.af;
  if (r) return r;
  r = s1.protocol - s2.protocol;
  if (r) return r;
  if (s1.af === AF_INET6) {
    for (let i = 0; !r && i < 4; i++) r = wrap(s1.addr.w[i]!, s2.addr.w[i]!);
  } else r = wrap(s1.addr.w[0], s2.addr.w[0]);
  if (r) return r;
  return s1.port - s2.port;
}

export function cmpDests(d1: DestEntry, d2: DestEntry): number {
  let r = 0;
  if (d1.af === AF_INET6) {
    for (let i = 0; !r && i < 4; i++) r = wrap(d1.addr.w[i]!, d2.addr.w[i]!);
  } else r = wrap(d1.addr.w[0], d2.addr.w[0]);
  if (r) return r;
  return d1.port - d2.port;
}

/**
 * glibc 2.36 qsort (its merge sort): the exact sequence of comparisons matters, because
 * the wrapped address differences above are not a consistent order.
 */
export function msort<T>(a: T[], cmp: (x: T, y: T) => number): T[] {
  if (a.length <= 1) return a;
  const n1 = a.length >> 1;
  const b1 = msort(a.slice(0, n1), cmp);
  const b2 = msort(a.slice(n1), cmp);
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < b1.length && j < b2.length) {
    if (cmp(b1[i]!, b2[j]!) <= 0) out.push(b1[i++]!);
    else out.push(b2[j++]!);
  }
  while (i < b1.length) out.push(b1[i++]!);
  while (j < b2.length) out.push(b2[j++]!);
  return out;
}

// ---------------------------------------------------------------- the service table

export function versionHeader(version: number, size: number): string {
  return `IP Virtual Server version ${version >> 16}.${(version >> 8) & 0xff}.${version & 0xff} (size=${size})\n`;
}

export function printTitle(format: number): string {
  const t = (cols: string) => `${cols}\n  -> RemoteAddress:Port\n`;
  if (format & FMT_STATS) return t(left('Prot LocalAddress:Port', 33) + ['Conns', 'InPkts', 'OutPkts', 'InBytes', 'OutBytes'].map((c) => ' ' + right(c, 8)).join(''));
  if (format & FMT_RATE) return t(left('Prot LocalAddress:Port', 33) + ['CPS', 'InPPS', 'OutPPS', 'InBPS', 'OutBPS'].map((c) => ' ' + right(c, 8)).join(''));
  if (format & FMT_THRESHOLDS) return t(left('Prot LocalAddress:Port', 33) + ['Uthreshold', 'Lthreshold', 'ActiveConn', 'InActConn'].map((c) => ' ' + left(c, 10)).join(''));
  if (format & FMT_PERSISTENTCONN) return t(`${left('Prot LocalAddress:Port', 33)} ${left('Weight', 9)} ${left('PersistConn', 11)} ${left('ActiveConn', 10)} ${left('InActConn', 10)}`);
  if (format & FMT_TUN_INFO) return 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n';
  if (!(format & FMT_RULE)) return 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';
  return '';
}

function tunnelRule(svcName: string, dname: string, e: DestEntry): string {
  const head = `-a ${svcName} -r ${dname} ${fwdSwitch(e.connFlags)} -w ${e.weight}`;
  const flagOpt = TUN_FLAG_OPTS[e.tunFlags] ?? '(null)';
  switch (e.tunType) {
    case IP_VS_CONN_F_TUNNEL_TYPE_GRE:
      return `${head} --tun-type ${TUN_NAMES[e.tunType]} ${flagOpt}\n`;
    case IP_VS_CONN_F_TUNNEL_TYPE_GUE:
      return `${head} --tun-type ${TUN_NAMES[e.tunType]} --tun-port ${e.tunPort} ${flagOpt}\n`;
    case IP_VS_CONN_F_TUNNEL_TYPE_IPIP:
      return `${head} --tun-type ${TUN_NAMES[e.tunType]}\n`;
    default:
      return `${head}\n`;
  }
}

/** print_service_entry: the service line, then its real servers (sorted unless --nosort). */
export function printServiceEntry(se: ServiceEntry, format: number): string {
  let svcName: string;
  if (se.fwmark) {
    // ipvsadm 1.31 prints the mark with %d: marks above 2^31 come out negative.
    const mark = se.fwmark | 0;
    if (format & FMT_RULE) svcName = se.af === AF_INET6 ? `-f ${mark} -6` : `-f ${mark}`;
    else svcName = se.af === AF_INET6 ? `FWM  ${mark} IPv6` : `FWM  ${mark}`;
  } else {
    const vname = addrportToAnyname(se.af, se.addr, se.port, se.protocol, format);
    if (format & FMT_RULE) svcName = `${optionFromProtocol(se.protocol)} ${vname}`;
    else {
      svcName = `${left(protocolName(se.protocol), 4)} ${vname}`;
      if (se.af !== AF_INET6) svcName = svcName.slice(0, 33);
    }
  }

  let out = '';
  const mask = () => {
    if (se.af === AF_INET && se.netmask >>> 0 !== 0xffffffff) return ntoa4(se.netmask);
    if (se.af === AF_INET6 && se.netmask !== 128) return String(se.netmask | 0);
    return undefined;
  };
  const st = se.stats;
  if (format & FMT_RULE) {
    out += `-A ${svcName} -s ${se.schedName}`;
    if (se.flags & IP_VS_SVC_F_PERSISTENT) {
      out += ` -p ${se.timeout}`;
      const m = mask();
      if (m !== undefined) out += ` -M ${m}`;
    }
    if (se.peName) out += ` --pe ${se.peName}`;
    if (se.flags & IP_VS_SVC_F_ONEPACKET) out += ' -o';
    if (se.flags & SCHED_FLAGS_MASK) out += ` -b ${schedFlags(se)}`;
  } else if (format & FMT_STATS) {
    out += left(svcName, 33) + [st.conns, st.inpkts, st.outpkts, st.inbytes, st.outbytes].map((v) => largenum(v, format)).join('');
  } else if (format & FMT_RATE) {
    out += left(svcName, 33) + [st.cps, st.inpps, st.outpps, st.inbps, st.outbps].map((v) => largenum(v, format)).join('');
  } else {
    out += `${svcName} ${se.schedName}`;
    if (se.flags & SCHED_FLAGS_MASK) out += ` (${schedFlags(se)})`;
    if (se.flags & IP_VS_SVC_F_PERSISTENT) {
      out += ` persistent ${se.timeout}`;
      const m = mask();
      if (m !== undefined) out += ` mask ${m}`;
      if (se.peName) out += ` pe ${se.peName}`;
    }
    if (se.flags & IP_VS_SVC_F_ONEPACKET) out += ' ops';
  }
  out += '\n';

  const dests = format & FMT_NOSORT ? se.dests : msort([...se.dests], cmpDests);
  for (const e of dests) {
    let dname = addrportToAnyname(e.af, e.addr, e.port, se.protocol, format);
    if (!(format & FMT_RULE) && e.af !== AF_INET6) dname = dname.slice(0, 28);
    const d = e.stats;
    if (format & FMT_RULE) {
      out += (e.connFlags & 7) === IP_VS_CONN_F_TUNNEL ? tunnelRule(svcName, dname, e) : `-a ${svcName} -r ${dname} ${fwdSwitch(e.connFlags)} -w ${e.weight}\n`;
    } else if (format & FMT_STATS) {
      out += `  -> ${left(dname, 28)}` + [d.conns, d.inpkts, d.outpkts, d.inbytes, d.outbytes].map((v) => largenum(v, format)).join('') + '\n';
    } else if (format & FMT_RATE) {
      out += `  -> ${left(dname, 28)} ${right(d.cps, 8)} ${right(d.inpps, 8)} ${right(d.outpps, 8)}` + largenum(d.inbps, format) + largenum(d.outbps, format) + '\n';
    } else if (format & FMT_THRESHOLDS) {
      out += `  -> ${left(dname, 28)} ${left(e.uThreshold, 10)} ${left(e.lThreshold, 10)} ${left(e.activeConns, 10)} ${left(e.inactConns, 10)}\n`;
    } else if (format & FMT_PERSISTENTCONN) {
      out += `  -> ${left(dname, 28)} ${left(e.weight, 9)} ${left(e.persistConns, 11)} ${left(e.activeConns, 10)} ${left(e.inactConns, 10)}\n`;
    } else if (format & FMT_TUN_INFO) {
      out += `  -> ${left(dname, 28)} ${left(fwdName(e.connFlags), 7)} ${left(tunInfo(e), 13)} ${left(e.weight | 0, 6)} ${left(e.activeConns, 10)} ${left(e.inactConns, 10)}\n`;
    } else {
      out += `  -> ${left(dname, 28)} ${left(fwdName(e.connFlags), 7)} ${left(e.weight | 0, 6)} ${left(e.activeConns, 10)} ${left(e.inactConns, 10)}\n`;
    }
  }
  return out;
}

// ---------------------------------------------------------------- timeouts, daemons

export function listDaemons(ds: readonly DaemonEntry[]): string {
  let out = '';
  for (const u of ds) {
    const type = u.state & IP_VS_STATE_MASTER ? 'master' : u.state & IP_VS_STATE_BACKUP ? 'backup' : undefined;
    if (!type) continue;
    out += `${type} sync daemon (mcast=${u.mcastIfn}, syncid=${u.syncid}`;
    if (u.syncMaxlen) out += `, maxlen=${u.syncMaxlen}`;
    out += `, group=${ntop(u.mcastGroup)}`;
    if (u.mcastPort) out += `, port=${u.mcastPort}`;
    if (u.mcastTtl) out += `, ttl=${u.mcastTtl}`;
    out += ')\n';
  }
  return out;
}

// ---------------------------------------------------------------- connections (-c)

/** sscanf "%hX": hex digits up to the first other character, kept to 16 bits. */
function scanHex(s: string | undefined): number | undefined {
  const m = s === undefined ? null : /^[+-]?(?:0[xX])?[0-9a-fA-F]+/.exec(s);
  if (!m) return undefined;
  const neg = m[0].startsWith('-');
  const v = parseInt(m[0].replace(/^[+-]/, ''), 16);
  return (neg ? -v : v) & 0xffff;
}

/** strtoul(s, NULL, 16) into a 32-bit address. */
function hexAddr(s: string): InetAddr {
  const r = strtol(s, 16);
  return v4(((r.value % 4294967296) + 4294967296) % 4294967296);
}

/** print_conn: one /proc/net/ip_vs_conn line as `ipvsadm -Lc` shows it. */
export function printConn(line: string, format: number): string {
  // sscanf("%s %s %hX %s %hX %s %hX %s %d %s %s"): n counts the fields converted.
  const tok = line.split(/[ \t\n\r\f\v]+/).filter((x) => x !== '');
  const fields: (string | number | undefined)[] = [];
  const spec = ['s', 's', 'X', 's', 'X', 's', 'X', 's', 'd', 's', 's'];
  for (let i = 0; i < spec.length; i++) {
    const t = tok[i];
    if (t === undefined) break;
    let v: string | number | undefined = t;
    if (spec[i] === 'X') v = scanHex(t);
    else if (spec[i] === 'd') v = /^[+-]?\d+/.test(t) ? parseInt(t, 10) : undefined;
    if (v === undefined) break;
    fields.push(v);
  }
  const n = fields.length;
  const [protocol = '', temp1 = '', cport = 0, temp2 = '', vport = 0, temp3 = '', dport = 0, state = '', expires = 0, peName = '', peData = ''] = fields as [
    string?, string?, number?, string?, number?, string?, number?, string?, number?, string?, string?,
  ];
  const proto = protocol === 'TCP' ? IPPROTO_TCP : protocol === 'UDP' ? IPPROTO_UDP : protocol === 'SCTP' ? IPPROTO_SCTP : 0;
  let af: Af = AF_INET;
  let caddr: InetAddr;
  let vaddr: InetAddr;
  const c6 = inetPton6(temp1);
  const c4 = inetPton4(temp1);
  if (c6) {
    af = AF_INET6;
    caddr = c6;
    vaddr = inetPton6(temp2) ?? { af: AF_INET6, w: [0, 0, 0, 0] };
  } else if (c4 !== undefined) {
    caddr = v4(c4);
    vaddr = v4(inetPton4(temp2) ?? 0);
  } else {
    caddr = hexAddr(temp1);
    vaddr = hexAddr(temp2);
  }
  const d6 = inetPton6(temp3);
  const d4 = inetPton4(temp3);
  const daf: Af = d6 ? AF_INET6 : AF_INET;
  const daddr = d6 ?? (d4 !== undefined ? v4(d4) : hexAddr(temp3));
  const cname = addrportToAnyname(af, caddr, cport, proto, format);
  const vname = addrportToAnyname(af, vaddr, vport, proto, format);
  const dname = addrportToAnyname(daf, daddr, dport, proto, format);
  const exp = expires >>> 0;
  const expire = `${String(Math.floor(exp / 60)).padStart(2, '0')}:${String(exp % 60).padStart(2, '0')}`;
  if (format & FMT_PERSISTENTCONN && n === 11) {
    return `${left(protocol, 3)} ${left(expire, 6)} ${left(state, 11)} ${left(cname, 18)} ${left(vname, 18)} ${left(dname, 16)} ${left(peName, 18)} ${peData}\n`;
  }
  return `${left(protocol, 3)} ${left(expire, 6)} ${left(state, 11)} ${left(cname, 18)} ${left(vname, 18)} ${dname}\n`;
}

export function connTitle(format: number): string {
  if (format & FMT_PERSISTENTCONN) {
    return `IPVS connection entries\npro expire ${left('state', 11)} ${left('source', 18)} ${left('virtual', 18)} ${left('destination', 18)} ${left('pe name', 16)} pe_data\n`;
  }
  return `IPVS connection entries\npro expire ${left('state', 11)} ${left('source', 18)} ${left('virtual', 18)} destination\n`;
}
