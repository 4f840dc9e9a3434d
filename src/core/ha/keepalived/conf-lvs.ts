/**
 * The LVS half of keepalived.conf as keepalived 2.2's checker process reads it: virtual_server,
 * real_server and sorry_server (check_parser.c), then keepalived's defaults and corrections
 * (validate_check_config in check_data.c; ha.md §2.1). Checker blocks: conf-checker.ts.
 *
 * The one reader of these blocks, for the lab's keepalived (conf.ts → virtual-server.ts) and
 * for importing a keepalived.conf into a director's table (export/import-keepalived.ts).
 * Corrections are warnings in keepalived's words: no protocol → UDP (the kernel's reading of
 * protocol 0), no scheduler → wlc, no method → NAT, port 0 without persistence → persistence
 * 360, a DR/TUN real server's port → the virtual port (a fwmark's → 0), a duplicate real server
 * or a virtual server without real servers → dropped. Values keepalived refuses are `invalid`
 * (see ConfReport), naming their line.
 *
 * Simplifications: IPv4 only (IPv6 is an error); virtual_server_group is not supported; the
 * quorum and timing keywords take keepalived's default when unreadable, without a report.
 */
import type { ConfNode } from '../../export/keepalived-conf';
import { ipStr, parseIp, type Ip } from '../../net/addr';
import type { FwdMethod } from '../../ipvs/dest';
import { PE_NAMES, SCHED_FLAG_BITS } from '../../ipvs/service';
import { readChecker, readTimer, UNSIMULATED_CHECKERS, type CheckerConf, type Timers } from './conf-checker';
import { int, intArg, type ConfReport } from './conf-words';

export type { CheckerConf } from './conf-checker';

export type LvsMethod = 'NAT' | 'DR' | 'TUN';
export type LvsProto = 'tcp' | 'udp' | 'sctp';

/** lvs_method TUN's words, in the kernel's order (IP_VS_CONN_F_TUNNEL_TYPE_*, IP_VS_TUNNEL_ENCAP_FLAG_*). */
export const TUN_TYPES = ['ipip', 'gue', 'gre'] as const;
export const TUN_CSUM = ['nocsum', 'csum', 'remcsum'] as const;

/** lvs_method: how a server is reached, with a tunnel's encapsulation (the dest's tun_type, tun_port, tun_flags). */
export interface Forwarding {
  method: LvsMethod;
  tunType: number;
  tunPort: number;
  tunFlags: number;
}

export interface RealServerConf extends Forwarding {
  line: number;
  addr: Ip;
  port: number;
  weight: number;
  inhibit: boolean;
  alpha: boolean;
  uThreshold: number;
  lThreshold: number;
  checkers: CheckerConf[];
}

export interface VirtualServerConf<P extends LvsProto = LvsProto> extends Forwarding {
  line: number;
  /** The words after `virtual_server`, as reports name the block. */
  title: string;
  vip: Ip;
  port: number;
  fwmark: number;
  /** A fwmark service has no protocol in keepalived; it is kept as 'tcp', as the ipvsadm emulation keeps it. */
  proto: P;
  sched: string;
  /** Seconds; undefined = not persistent. */
  persistence?: number;
  granularity: number;
  /** persistence_engine, '' for none. */
  pe: string;
  /** IP_VS_SVC_F_SCHED1..3, from flag-N and the sh-/mh- keywords. */
  schedFlags: number;
  ops: boolean;
  quorum: number;
  hysteresis: number;
  /** Weight 1, no checkers: it goes in only while the quorum is lost. */
  sorry?: RealServerConf;
  realServers: RealServerConf[];
}

export function fwdOf(m: LvsMethod): FwdMethod {
  return m === 'NAT' ? 'masq' : m === 'DR' ? 'route' : 'tunnel';
}

/** The method a dest's forwarding is set up as; 'local' dests count as DR to the director itself. */
export function methodOf(fwd: FwdMethod): LvsMethod {
  return fwd === 'masq' ? 'NAT' : fwd === 'tunnel' ? 'TUN' : 'DR';
}

/** keepalived's lvs_schedulers (check_parser.c lbalgo_handler): the kernel's schedulers. */
const SCHEDS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos'];
const NO_TUN = { tunType: 0, tunPort: 0, tunFlags: 0 };
/** Keywords keepalived takes that concern neither the IPVS table nor the lab's checkers. */
const VS_SKIPPED = new Set(['omega', 'ha_suspend', 'virtualhost', 'quorum_up', 'quorum_down', 'smtp_alert', 'hashed', 'ip_family', 'lvs_timeouts', 'snmp_name', 'notify_up', 'notify_down', 'track_file']);
const RS_SKIPPED = new Set(['notify_up', 'notify_down', 'smtp_alert', 'virtualhost', 'track_file', 'track_bfd', 'snmp_name']);

/** A real server as written: weight and method unset until the virtual server's are known. */
type RsDraft = Omit<RealServerConf, 'weight' | keyof Forwarding> & { weight?: number; fwd?: Forwarding };

export function readVirtualServer(n: ConfNode, r: ConfReport): VirtualServerConf | undefined {
  const title = n.words.slice(1).join(' ');
  const head = readHead(n, r);
  if (!head) return undefined;
  if (!n.block) return void r.error(n, `virtual_server ${title} has no { block }`);
  const vs: VirtualServerConf = { line: n.line, title, ...head, proto: 'tcp', sched: '', method: 'NAT', ...NO_TUN, granularity: 0xffffffff, pe: '', schedFlags: 0, ops: false, quorum: 1, hysteresis: 0, realServers: [] };
  const t: Timers = {};
  let proto: LvsProto | undefined;
  let fwd: Forwarding | undefined;
  let weight = 1;
  const rsNodes: ConfNode[] = [];
  let sorryNode: ConfNode | undefined;
  let sorryInhibit = false;
  let sorryFwd: Forwarding | undefined;
  for (const s of n.block) {
    if (readTimer(s, t)) continue;
    const [k = '', a] = s.words;
    switch (k) {
      case 'lvs_sched':
      case 'lb_algo':
        if (a && SCHEDS.includes(a)) vs.sched = a;
        else r.invalid(s, `${k}: unknown scheduler "${a ?? ''}" (${SCHEDS.join(', ')})`);
        break;
      case 'lvs_method':
      case 'lb_kind':
        fwd = readForwarding(s, r) ?? fwd;
        break;
      case 'protocol': {
        // proto_handler compares with strcasecmp.
        const p = a?.toLowerCase();
        if (p === 'tcp' || p === 'udp' || p === 'sctp') proto = p;
        else r.invalid(s, `protocol must be TCP, UDP or SCTP, not "${a ?? ''}"`);
        break;
      }
      case 'persistence_timeout':
        // Without a value: IPVS_SVC_PERSISTENT_TIMEOUT.
        vs.persistence = a === undefined ? 360 : (intArg(r, s, 1, 1, 2678400, 'a timeout in seconds') ?? vs.persistence);
        break;
      case 'persistence_granularity': {
        const g = parseIp(a ?? '');
        if (g === undefined) r.invalid(s, `persistence_granularity: "${a ?? ''}" is not a netmask`);
        else {
          vs.granularity = g;
          vs.persistence ??= 360;
        }
        break;
      }
      case 'persistence_engine':
        // The kernel has no other engine module (the table would refuse it).
        if (a && PE_NAMES.includes(a)) vs.pe = a;
        else r.invalid(s, `persistence_engine: unknown engine "${a ?? ''}" (${PE_NAMES.join(', ')})`);
        break;
      case 'ops':
        vs.ops = true;
        break;
      case 'weight':
        weight = intArg(r, s, 1, 1, 65535, 'a weight') ?? weight;
        break;
      case 'quorum':
        vs.quorum = int(a, 1, 0xffffffff) ?? 1;
        break;
      case 'hysteresis':
        vs.hysteresis = int(a, 0, 0xffffffff) ?? 0;
        break;
      case 'sorry_server':
        sorryNode = s;
        break;
      case 'sorry_server_inhibit':
        sorryInhibit = true;
        break;
      case 'sorry_server_lvs_method':
        sorryFwd = readForwarding(s, r) ?? sorryFwd;
        break;
      case 'real_server':
        rsNodes.push(s);
        break;
      default:
        if (k in SCHED_FLAG_BITS) vs.schedFlags |= SCHED_FLAG_BITS[k]!;
        else if (!VS_SKIPPED.has(k)) r.unknown(s);
    }
  }
  const drafts = rsNodes.flatMap((s) => readRealServer(s, t, r) ?? []);

  // validate_check_config, in its order.
  const where = `virtual_server ${title}`;
  if (drafts.length === 0) return void r.warn(n, `${where} has no real servers - ignoring`);
  if (!vs.fwmark) {
    if (!proto) r.warn(n, `${where}: no protocol set - defaulting to UDP`);
    proto ??= 'udp';
    if (vs.ops && proto !== 'udp') {
      r.warn(n, `${where}: one packet scheduling requires UDP - resetting`);
      vs.ops = false;
    }
    if (vs.port === 0 && vs.persistence === undefined) {
      r.warn(n, `${where}: zero port only valid for persistent services - setting persistence 360`);
      vs.persistence = 360;
    }
    vs.proto = proto;
  } else if (proto) r.warn(n, `${where}: protocol specified for fwmark - protocol will be ignored`);
  if (!vs.sched) {
    r.warn(n, `${where}: no scheduler set, setting default 'wlc'`);
    vs.sched = 'wlc';
  }
  const vsFwd = (): Forwarding => {
    if (!fwd) r.warn(n, `${where}: no forwarding method set, setting default NAT`);
    return (fwd ??= { method: 'NAT', ...NO_TUN });
  };
  for (const d of drafts) {
    if (vs.realServers.some((x) => x.addr === d.addr && x.port === d.port)) {
      r.warn(d, `real server ${ipStr(d.addr)}:${d.port} is duplicated - removing second rs`);
      continue;
    }
    const { fwd: own, weight: w, ...rest } = d;
    vs.realServers.push({ ...rest, weight: w ?? weight, ...(own ?? vsFwd()) });
  }
  for (const rs of vs.realServers) {
    if (rs.method === 'NAT') {
      if (!vs.fwmark && rs.port === 0) rs.port = vs.port;
    } else if (vs.fwmark) {
      if (rs.port !== 0) r.warn(rs, `${where}: fwmark service, real server ${ipStr(rs.addr)}:${rs.port} has port specified - clearing`);
      rs.port = 0;
    } else if (rs.port === 0) rs.port = vs.port;
    else if (rs.port !== vs.port) {
      r.warn(rs, `${where} and real server ${ipStr(rs.addr)}:${rs.port} ports don't match - resetting (${rs.method} uses the virtual port)`);
      rs.port = vs.port;
    }
  }
  Object.assign(vs, fwd ?? { method: 'NAT', ...NO_TUN });
  if (sorryNode) vs.sorry = readSorry(sorryNode, vs, sorryInhibit, sorryFwd ?? vsFwd(), r);
  return vs;
}

/** `virtual_server IP [PORT]` or `virtual_server fwmark N [inet]`. */
function readHead(n: ConfNode, r: ConfReport): Pick<VirtualServerConf, 'vip' | 'port' | 'fwmark'> | undefined {
  const [, a, b, c] = n.words;
  if (a === 'group') return void r.error(n, 'virtual_server group is not supported; list each virtual server');
  if (a === 'fwmark') {
    const fwmark = intArg(r, n, 2, 1, 0xffffffff, 'a firewall mark', 'error');
    if (c === 'inet6') return void r.error(n, 'virtual_server fwmark: IPv6 is not simulated');
    if (c !== undefined && c !== 'inet') return void r.error(n, `virtual_server fwmark: unknown family "${c}"`);
    return fwmark === undefined ? undefined : { vip: 0, port: 0, fwmark };
  }
  const vip = address(n, a, 'virtual_server', r);
  const port = b === undefined ? 0 : intArg(r, n, 2, 0, 65535, 'a port', 'error');
  if (c !== undefined) return void r.error(n, `virtual_server: unexpected "${c}"`);
  return vip === undefined || port === undefined ? undefined : { vip, port, fwmark: 0 };
}

function address(n: ConfNode, w: string | undefined, what: string, r: ConfReport): Ip | undefined {
  const a = parseIp(w ?? '');
  if (a !== undefined) return a;
  const v6 = w !== undefined && w.includes(':') && /^[0-9a-fA-F:.]+$/.test(w);
  r.error(n, v6 ? `${what}: IPv6 ("${w}") is not simulated` : `${what}: "${w ?? ''}" is not an IP address`);
  return undefined;
}

/** `NAT | DR | TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum]` (check_parser.c svr_forwarding_handler). */
function readForwarding(s: ConfNode, r: ConfReport): Forwarding | undefined {
  const [k, method, ...opts] = s.words;
  if (method !== 'NAT' && method !== 'DR' && method !== 'TUN') return void r.invalid(s, `${k}: unknown forwarding method "${method ?? ''}" (NAT, DR or TUN)`);
  if (method !== 'TUN' && opts.length) return void r.invalid(s, `${k} ${method} takes no options`);
  const f: Forwarding = { method, ...NO_TUN };
  for (let i = 0; i < opts.length; i++) {
    const w = opts[i]!;
    const type = (TUN_TYPES as readonly string[]).indexOf(opts[i + 1] ?? '');
    const port = int(opts[i + 1], 1, 65535);
    const csum = (TUN_CSUM as readonly string[]).indexOf(w);
    if (w === 'type' && type >= 0) {
      f.tunType = type;
      i++;
    } else if (w === 'port' && port !== undefined) {
      f.tunPort = port;
      i++;
    } else if (csum >= 0) f.tunFlags = csum;
    else return void r.invalid(s, `${k} TUN: unexpected "${w}" (type ipip|gue|gre, port N, nocsum|csum|remcsum)`);
  }
  if ((f.tunType === 1) !== (f.tunPort !== 0)) return void r.invalid(s, `${k} TUN: gue tunnels require port, otherwise cannot have port`);
  if (f.tunType === 0 && f.tunFlags !== 0) return void r.invalid(s, `${k} TUN: ipip tunnels do not support checksum option`);
  if (f.tunType === 2 && f.tunFlags === 2) return void r.invalid(s, `${k} TUN: gre tunnels do not support remote checksum option`);
  return f;
}

/** `real_server IP [PORT] { … }`; `vsT`: the virtual server's timers, which its checkers inherit. */
function readRealServer(n: ConfNode, vsT: Timers, r: ConfReport): RsDraft | undefined {
  const addr = address(n, n.words[1], 'real_server', r);
  const port = n.words[2] === undefined ? 0 : intArg(r, n, 2, 0, 65535, 'a port', 'error');
  if (n.words.length > 3) return void r.error(n, `real_server: unexpected "${n.words[3]}"`);
  if (addr === undefined || port === undefined) return undefined;
  const t: Timers = { ...vsT };
  const rs: RsDraft = { line: n.line, addr, port, inhibit: false, alpha: false, uThreshold: 0, lThreshold: 0, checkers: [] };
  const checkerNodes: ConfNode[] = [];
  for (const s of n.block ?? []) {
    if (readTimer(s, t)) continue;
    const k = s.words[0] ?? '';
    if (k === 'weight') rs.weight = intArg(r, s, 1, 0, 65535, 'a weight') ?? rs.weight;
    else if (k === 'lvs_method') rs.fwd = readForwarding(s, r) ?? rs.fwd;
    else if (k === 'uthreshold') rs.uThreshold = intArg(r, s, 1, 0, 2147483647, 'a connection count') ?? 0;
    else if (k === 'lthreshold') rs.lThreshold = intArg(r, s, 1, 0, 2147483647, 'a connection count') ?? 0;
    else if (k === 'TCP_CHECK' || k === 'HTTP_GET') checkerNodes.push(s);
    else if (UNSIMULATED_CHECKERS.includes(k)) r.warn(s, `${k} is not simulated; the checker is ignored`);
    else if (k === 'lb_kind') r.unknown(s, 'keepalived takes lvs_method here');
    else if (!RS_SKIPPED.has(k)) r.unknown(s);
  }
  rs.inhibit = t.inhibit ?? false;
  rs.alpha = t.alpha ?? false;
  rs.checkers = checkerNodes.map((s) => readChecker(s, t, r));
  return rs;
}

/** `sorry_server IP [PORT]`: the virtual port unless given. */
function readSorry(s: ConfNode, vs: VirtualServerConf, inhibit: boolean, fwd: Forwarding, r: ConfReport): RealServerConf | undefined {
  const addr = parseIp(s.words[1] ?? '');
  if (addr === undefined) return void r.invalid(s, `sorry_server: "${s.words[1] ?? ''}" is not an IP address`);
  const port = int(s.words[2], 0, 65535) ?? vs.port;
  return { line: s.line, addr, port, weight: 1, ...fwd, inhibit, alpha: false, uThreshold: 0, lThreshold: 0, checkers: [] };
}
