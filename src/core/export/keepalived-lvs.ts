/**
 * What keepalived's checker process makes of `virtual_server` blocks (keepalived 2.2,
 * check_parser.c and validate_check_config): the ipvsadm rule lines it amounts to, with
 * every real server assumed up.
 *
 * lb_algo/lvs_sched → -s, lb_kind/lvs_method → -m (NAT), -g (DR), -i (TUN, with type
 * ipip|gue|gre, port and nocsum|csum|remcsum), persistence_timeout → -p (360 without a
 * value), persistence_granularity → -M, persistence_engine → --pe, ops → -o, the scheduler
 * flags → -b, weight and uthreshold/lthreshold per real server → -w, -x, -y.
 *
 * keepalived's defaults and corrections come out as warnings: no protocol → UDP, no
 * scheduler → wlc, no method → NAT, port 0 without persistence → persistence 360, a DR/TUN
 * real server's port → the virtual port (a fwmark's → 0), a duplicate real server or a
 * virtual server without real servers → ignored. Checkers, sorry servers and quorum are not
 * part of the IPVS table and are skipped; unknown keywords are warned about, as keepalived does.
 * Values keepalived or ipvsadm would refuse are errors naming their line.
 */
import { parseIp } from '../net/addr';
import type { ConfNode } from './keepalived-conf';

const CHECKERS = new Set(['TCP_CHECK', 'HTTP_GET', 'SSL_GET', 'SMTP_CHECK', 'DNS_CHECK', 'MISC_CHECK', 'BFD_CHECK', 'UDP_CHECK', 'PING_CHECK', 'FILE_CHECK']);
/** virtual_server keywords that concern checking, alerts or quorum, not the IPVS table. */
const VS_IGNORED = new Set([
  'delay_loop', 'connect_timeout', 'retry', 'nb_get_retry', 'delay_before_retry', 'warmup', 'alpha', 'omega', 'quorum', 'hysteresis',
  'quorum_up', 'quorum_down', 'ha_suspend', 'virtualhost', 'smtp_alert', 'inhibit_on_failure', 'sorry_server_inhibit',
  'sorry_server_lvs_method', 'ip_family', 'lvs_timeouts', 'snmp_name', 'notify_up', 'notify_down', 'track_file',
]);
const RS_IGNORED = new Set([
  'inhibit_on_failure', 'notify_up', 'notify_down', 'alpha', 'retry', 'nb_get_retry', 'delay_before_retry', 'connect_timeout',
  'delay_loop', 'warmup', 'smtp_alert', 'virtualhost', 'track_file', 'track_bfd', 'snmp_name',
]);
const SCHED_FLAG_BIT: Record<string, number> = { 'flag-1': 1, 'sh-fallback': 1, 'mh-fallback': 1, 'flag-2': 2, 'sh-port': 2, 'mh-port': 2, 'flag-3': 4 };

interface Method {
  kind: 'NAT' | 'DR' | 'TUN';
  /** ipvsadm options after -m/-g/-i (tunnel encapsulation). */
  tun: string[];
}

interface Rs {
  line: number;
  addr: string;
  port: number | undefined;
  weight: number | undefined;
  method: Method | undefined;
  uThreshold: number;
  lThreshold: number;
}

export interface Vs {
  line: number;
  title: string;
  addr: string;
  port: number;
  fwmark: number;
  fwmark6: boolean;
  protocol: 'TCP' | 'UDP' | 'SCTP' | undefined;
  sched: string | undefined;
  method: Method | undefined;
  persistence: number | undefined;
  granularity: string | undefined;
  pe: string | undefined;
  flagBits: number;
  ops: boolean;
  weight: number;
  rs: Rs[];
}

export class ConfError extends Error {}

export const fail = (line: number, msg: string): never => {
  throw new ConfError(`line ${line}: ${msg}`);
};

function int(n: ConfNode, idx: number, min: number, max: number, what: string): number {
  const w = n.words[idx];
  if (w === undefined) fail(n.line, `${n.words[0]} needs ${what}`);
  if (!/^\d+$/.test(w!) || Number(w) < min || Number(w) > max) fail(n.line, `${n.words[0]}: ${what} must be an integer from ${min} to ${max}, not "${w}"`);
  return Number(w);
}

/** An IPv4 or IPv6 address as ipvsadm writes it in host:port ("[v6]"). */
function address(n: ConfNode, w: string | undefined, what: string): string {
  if (w !== undefined && parseIp(w) !== undefined) return w;
  if (w !== undefined && /^[0-9a-fA-F:.]+$/.test(w) && w.includes(':')) return `[${w}]`;
  return fail(n.line, `${what}: "${w ?? ''}" is not an IP address`);
}

function method(n: ConfNode): Method {
  const [, kind, ...rest] = n.words;
  if (kind !== 'NAT' && kind !== 'DR' && kind !== 'TUN') return fail(n.line, `${n.words[0]}: unknown forwarding method "${kind ?? ''}" (NAT, DR or TUN)`);
  if (kind !== 'TUN') {
    if (rest.length) fail(n.line, `${n.words[0]} ${kind} takes no options`);
    return { kind, tun: [] };
  }
  const tun: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    if (w === 'type' && ['ipip', 'gue', 'gre'].includes(rest[i + 1] ?? '')) tun.push('--tun-type', rest[++i]!);
    else if (w === 'port' && /^\d+$/.test(rest[i + 1] ?? '')) tun.push('--tun-port', rest[++i]!);
    else if (w === 'nocsum' || w === 'csum' || w === 'remcsum') tun.push(`--tun-${w}`);
    else fail(n.line, `${n.words[0]} TUN: unexpected "${w}" (type ipip|gue|gre, port N, nocsum|csum|remcsum)`);
  }
  return { kind, tun };
}

function readRealServer(n: ConfNode, warnings: string[]): Rs {
  const rs: Rs = {
    line: n.line,
    addr: address(n, n.words[1], 'real_server'),
    port: n.words[2] === undefined ? undefined : int(n, 2, 0, 65535, 'a port'),
    weight: undefined,
    method: undefined,
    uThreshold: 0,
    lThreshold: 0,
  };
  if (n.words.length > 3) fail(n.line, `real_server: unexpected "${n.words[3]}"`);
  for (const k of n.block ?? []) {
    const key = k.words[0]!;
    if (key === 'weight') rs.weight = int(k, 1, 0, 65535, 'a weight');
    else if (key === 'lvs_method') rs.method = method(k);
    else if (key === 'uthreshold') rs.uThreshold = int(k, 1, 0, 2147483647, 'a connection count');
    else if (key === 'lthreshold') rs.lThreshold = int(k, 1, 0, 2147483647, 'a connection count');
    else if (CHECKERS.has(key) || RS_IGNORED.has(key)) continue;
    else warnings.push(`line ${k.line}: unknown keyword "${key}" in real_server, ignored${key === 'lb_kind' ? ' (keepalived takes lvs_method here)' : ''}`);
  }
  return rs;
}

export function readVirtualServer(n: ConfNode, warnings: string[]): Vs {
  const [, a, b, c] = n.words;
  const vs: Vs = {
    line: n.line,
    title: n.words.slice(1).join(' '),
    addr: '',
    port: 0,
    fwmark: 0,
    fwmark6: false,
    protocol: undefined,
    sched: undefined,
    method: undefined,
    persistence: undefined,
    granularity: undefined,
    pe: undefined,
    flagBits: 0,
    ops: false,
    weight: 1,
    rs: [],
  };
  if (a === 'group') fail(n.line, 'virtual_server group is not supported; list each virtual server');
  if (a === 'fwmark') {
    vs.fwmark = int(n, 2, 1, 4294967295, 'a firewall mark');
    if (c !== undefined && c !== 'inet' && c !== 'inet6') fail(n.line, `virtual_server fwmark: unknown family "${c}"`);
    vs.fwmark6 = c === 'inet6';
  } else {
    vs.addr = address(n, a, 'virtual_server');
    vs.port = b === undefined ? 0 : int(n, 2, 0, 65535, 'a port');
    if (c !== undefined) fail(n.line, `virtual_server: unexpected "${c}"`);
  }
  if (!n.block) fail(n.line, `virtual_server ${vs.title} has no { block }`);
  for (const k of n.block!) {
    const key = k.words[0]!;
    const arg = k.words[1];
    if (key === 'lb_algo' || key === 'lvs_sched') {
      if (!arg || !/^[a-z]{1,15}$/.test(arg)) fail(k.line, `${key} needs a scheduler name such as rr or wlc`);
      vs.sched = arg;
    } else if (key === 'lb_kind' || key === 'lvs_method') vs.method = method(k);
    else if (key === 'protocol') {
      if (arg !== 'TCP' && arg !== 'UDP' && arg !== 'SCTP') fail(k.line, `protocol must be TCP, UDP or SCTP, not "${arg ?? ''}"`);
      vs.protocol = arg as Vs['protocol'];
    } else if (key === 'persistence_timeout') vs.persistence = arg === undefined ? 360 : int(k, 1, 1, 2678400, 'a timeout in seconds');
    else if (key === 'persistence_granularity') {
      if (!arg) fail(k.line, 'persistence_granularity needs a netmask');
      vs.granularity = arg;
    } else if (key === 'persistence_engine') {
      if (!arg) fail(k.line, 'persistence_engine needs a name');
      vs.pe = arg;
    } else if (key === 'ops') vs.ops = true;
    else if (key in SCHED_FLAG_BIT) vs.flagBits |= SCHED_FLAG_BIT[key]!;
    else if (key === 'weight') vs.weight = int(k, 1, 0, 65535, 'a weight');
    else if (key === 'real_server') vs.rs.push(readRealServer(k, warnings));
    else if (key === 'sorry_server') warnings.push(`line ${k.line}: sorry_server not imported (keepalived adds it only when the quorum is lost)`);
    else if (VS_IGNORED.has(key) || CHECKERS.has(key)) continue;
    else warnings.push(`line ${k.line}: unknown keyword "${key}" in virtual_server, ignored`);
  }
  return vs;
}

/** keepalived's corrections (validate_check_config), then the ipvsadm lines for one virtual server. */
export function vsRules(vs: Vs, warnings: string[]): { svc: string[]; lines: string[] } | undefined {
  const where = `line ${vs.line}: virtual_server ${vs.title}`;
  if (vs.rs.length === 0) {
    warnings.push(`${where} has no real servers - ignored, as keepalived does`);
    return undefined;
  }
  if (vs.persistence === undefined && vs.granularity !== undefined) vs.persistence = 360;
  if (!vs.fwmark) {
    if (!vs.protocol) {
      warnings.push(`${where}: no protocol set - defaulting to UDP, as keepalived does`);
      vs.protocol = 'UDP';
    }
    if (vs.ops && vs.protocol !== 'UDP') {
      warnings.push(`${where}: one packet scheduling requires UDP - ignored`);
      vs.ops = false;
    }
    if (vs.port === 0 && vs.persistence === undefined) {
      warnings.push(`${where}: zero port only valid for persistent services - persistence 360 set, as keepalived does`);
      vs.persistence = 360;
    }
  } else if (vs.protocol) warnings.push(`${where}: protocol ignored for a fwmark service`);
  if (!vs.sched) warnings.push(`${where}: no scheduler set - using wlc`);
  const sched = vs.sched ?? 'wlc';

  const svc = vs.fwmark ? ['-f', String(vs.fwmark), ...(vs.fwmark6 ? ['-6'] : [])] : [vs.protocol === 'TCP' ? '-t' : vs.protocol === 'UDP' ? '-u' : '--sctp-service', `${vs.addr}:${vs.port}`];
  const add = ['-A', ...svc, '-s', sched];
  if (vs.persistence !== undefined) add.push('-p', String(vs.persistence), ...(vs.granularity ? ['-M', vs.granularity] : []));
  if (vs.pe) add.push('--pe', vs.pe);
  if (vs.ops) add.push('-o');
  if (vs.flagBits) {
    const names = [1, 2, 4].filter((b) => vs.flagBits & b).map((b) => (b === 4 ? 'flag-3' : sched === 'sh' || sched === 'mh' ? `${sched}-${b === 1 ? 'fallback' : 'port'}` : `flag-${b}`));
    add.push('-b', names.join(','));
  }
  const lines = [add.join(' ')];

  const seen = new Set<string>();
  for (const rs of vs.rs) {
    let m = rs.method ?? vs.method;
    if (!m) {
      warnings.push(`${where}: no forwarding method set - NAT, as keepalived does`);
      vs.method = m = { kind: 'NAT', tun: [] };
    }
    let port = rs.port ?? 0;
    if (m.kind === 'NAT') {
      if (!vs.fwmark && port === 0) port = vs.port;
    } else if (vs.fwmark) {
      if (port !== 0) warnings.push(`line ${rs.line}: fwmark virtual server, real server ${rs.addr}:${port} - port cleared, as keepalived does`);
      port = 0;
    } else if (port === 0) port = vs.port;
    else if (port !== vs.port) {
      warnings.push(`line ${rs.line}: real server port ${port} differs from the virtual port ${vs.port} (${m.kind}) - reset, as keepalived does`);
      port = vs.port;
    }
    const id = `${rs.addr}:${port}`;
    if (seen.has(id)) {
      warnings.push(`line ${rs.line}: real server ${id} is duplicated - second one ignored`);
      continue;
    }
    seen.add(id);
    const a = ['-a', ...svc, '-r', id, m.kind === 'NAT' ? '-m' : m.kind === 'DR' ? '-g' : '-i', ...m.tun, '-w', String(rs.weight ?? vs.weight)];
    if (rs.uThreshold) a.push('-x', String(rs.uThreshold));
    if (rs.lThreshold) a.push('-y', String(rs.lThreshold));
    lines.push(a.join(' '));
  }
  return { svc, lines };
}
