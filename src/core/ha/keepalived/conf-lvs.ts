/**
 * The LVS half of keepalived.conf: virtual_server, real_server, sorry_server and the
 * TCP_CHECK / HTTP_GET checkers, with keepalived's defaults and precedence (ha.md §2.1:
 * checker setting > real_server > virtual_server > default).
 */
import type { ConfNode } from '../../export/keepalived-conf';
import { parseIp, type Ip } from '../../net/addr';
import type { FwdMethod } from '../../ipvs/dest';
import { int, seconds, type ConfReport } from './conf-words';

export type LvsMethod = 'NAT' | 'DR' | 'TUN';

export interface CheckerConf {
  kind: 'TCP_CHECK' | 'HTTP_GET';
  line: number;
  connectIp?: Ip;
  connectPort?: number;
  connectTimeoutUs: number;
  retry: number;
  delayBeforeRetryUs: number;
  delayLoopUs: number;
  /** Upper bound of the random start delay; 0 disables. */
  warmupUs: number;
  alpha: boolean;
  /** HTTP_GET: the urls, each with its accepted status codes as [lo, hi] ranges. */
  urls: { path: string; status: [number, number][] }[];
}

export interface RealServerConf {
  addr: Ip;
  port: number;
  weight: number;
  method: LvsMethod;
  inhibit: boolean;
  alpha: boolean;
  uThreshold: number;
  lThreshold: number;
  checkers: CheckerConf[];
}

export interface VirtualServerConf {
  line: number;
  vip: Ip;
  port: number;
  fwmark: number;
  proto: 'tcp' | 'udp';
  sched: string;
  method: LvsMethod;
  /** Seconds; undefined = not persistent. */
  persistence?: number;
  granularity: number;
  flags: string[];
  ops: boolean;
  quorum: number;
  hysteresis: number;
  sorry?: { addr: Ip; port: number; inhibit: boolean; method: LvsMethod };
  realServers: RealServerConf[];
}

export function fwdOf(m: LvsMethod): FwdMethod {
  return m === 'NAT' ? 'masq' : m === 'DR' ? 'route' : 'tunnel';
}

/** Inheritable timer settings of a virtual_server / real_server block. */
interface Timers {
  delayLoopUs?: number;
  connectTimeoutUs?: number;
  retry?: number;
  delayBeforeRetryUs?: number;
  warmupUs?: number;
  alpha?: boolean;
  inhibit?: boolean;
}

/** Read one of the inheritable keywords into `t`; false if `s` is not one. */
function timer(s: ConfNode, t: Timers): boolean {
  const [k, a] = s.words;
  switch (k) {
    case 'delay_loop':
      t.delayLoopUs = seconds(a) ?? t.delayLoopUs;
      return true;
    case 'connect_timeout':
      t.connectTimeoutUs = seconds(a) ?? t.connectTimeoutUs;
      return true;
    case 'retry':
    case 'nb_get_retry':
      t.retry = int(a, 0, 1_000_000) ?? t.retry;
      return true;
    case 'delay_before_retry':
      t.delayBeforeRetryUs = seconds(a) ?? t.delayBeforeRetryUs;
      return true;
    case 'warmup':
      t.warmupUs = seconds(a) ?? t.warmupUs;
      return true;
    case 'alpha':
      t.alpha = true;
      return true;
    case 'inhibit_on_failure':
      t.inhibit = true;
      return true;
    default:
      return false;
  }
}

const SCHEDS = new Set(['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'sh', 'mh', 'dh', 'fo', 'ovf', 'sed', 'nq', 'twos']);

export function readVirtualServer(n: ConfNode, r: ConfReport): VirtualServerConf | undefined {
  const [, a1, a2] = n.words;
  const vs: VirtualServerConf = { line: n.line, vip: 0, port: 0, fwmark: 0, proto: 'tcp', sched: '', method: 'NAT', granularity: 0xffffffff, flags: [], ops: false, quorum: 1, hysteresis: 0, realServers: [] };
  if (a1 === 'fwmark') {
    vs.fwmark = int(a2, 1, 0xffffffff) ?? 0;
    if (!vs.fwmark) return void r.error(n, `virtual_server fwmark ${a2 ?? ''}: invalid mark`);
  } else {
    const vip = parseIp(a1 ?? '');
    if (vip === undefined) return void r.error(n, `virtual_server ${a1 ?? ''}: invalid address`);
    vs.vip = vip;
    vs.port = int(a2 ?? '0', 0, 65535) ?? 0;
  }
  const t: Timers = {};
  let method: LvsMethod | undefined;
  const rsNodes: ConfNode[] = [];
  let sorryInhibit = false;
  let sorryMethod: LvsMethod | undefined;
  for (const s of n.block ?? []) {
    if (timer(s, t)) continue;
    const [k, a, b] = s.words;
    switch (k) {
      case 'lvs_sched':
      case 'lb_algo':
        if (a && SCHEDS.has(a)) vs.sched = a;
        else r.warn(s, `unknown scheduler ${a ?? ''}`);
        break;
      case 'lvs_method':
      case 'lb_kind':
        if (a === 'NAT' || a === 'DR' || a === 'TUN') method = a;
        else r.warn(s, `unknown forwarding method ${a ?? ''}`);
        break;
      case 'protocol':
        if (a === 'TCP' || a === 'UDP') vs.proto = a === 'TCP' ? 'tcp' : 'udp';
        else r.warn(s, `protocol ${a ?? ''} not simulated, using TCP`);
        break;
      case 'persistence_timeout':
        vs.persistence = int(a ?? '360', 1, 2678400) ?? 360;
        break;
      case 'persistence_granularity': {
        const g = parseIp(a ?? '');
        if (g !== undefined) vs.granularity = g;
        vs.persistence ??= 360;
        break;
      }
      case 'quorum':
        vs.quorum = int(a, 1, 0xffffffff) ?? 1;
        break;
      case 'hysteresis':
        vs.hysteresis = int(a, 0, 0xffffffff) ?? 0;
        break;
      case 'sorry_server': {
        const addr = parseIp(a ?? '');
        if (addr === undefined) r.warn(s, `sorry_server ${a ?? ''}: invalid address`);
        else vs.sorry = { addr, port: int(b ?? '', 0, 65535) ?? vs.port, inhibit: false, method: 'NAT' };
        break;
      }
      case 'sorry_server_inhibit':
        sorryInhibit = true;
        break;
      case 'sorry_server_lvs_method':
        if (a === 'NAT' || a === 'DR' || a === 'TUN') sorryMethod = a;
        break;
      case 'ops':
        vs.ops = true;
        break;
      case 'sh-port':
      case 'sh-fallback':
      case 'mh-port':
      case 'mh-fallback':
        vs.flags.push(k);
        break;
      case 'real_server':
        rsNodes.push(s);
        break;
      case 'omega':
      case 'ha_suspend':
      case 'virtualhost':
      case 'quorum_up':
      case 'quorum_down':
      case 'smtp_alert':
        break;
      default:
        r.unknown(s);
    }
  }
  if (!vs.sched) {
    r.warn(n, `Virtual server ${a1 ?? ''} ${a2 ?? ''}: no scheduler set, setting default 'wlc'`);
    vs.sched = 'wlc';
  }
  if (!method) r.warn(n, `Virtual server ${a1 ?? ''} ${a2 ?? ''}: no forwarding method set, setting default NAT`);
  vs.method = method ?? 'NAT';
  if (vs.sorry) {
    vs.sorry.inhibit = sorryInhibit;
    vs.sorry.method = sorryMethod ?? vs.method;
  }
  for (const s of rsNodes) {
    const rs = readRealServer(s, vs, t, r);
    if (rs) vs.realServers.push(rs);
  }
  return vs;
}

function readRealServer(n: ConfNode, vs: VirtualServerConf, vsT: Timers, r: ConfReport): RealServerConf | undefined {
  const addr = parseIp(n.words[1] ?? '');
  if (addr === undefined) return void r.error(n, `real_server ${n.words[1] ?? ''}: invalid address`);
  const t: Timers = { ...vsT };
  let method = vs.method;
  const rs: RealServerConf = { addr, port: int(n.words[2] ?? '', 0, 65535) ?? vs.port, weight: 1, method, inhibit: false, alpha: false, uThreshold: 0, lThreshold: 0, checkers: [] };
  const checkerNodes: ConfNode[] = [];
  for (const s of n.block ?? []) {
    if (timer(s, t)) continue;
    const [k, a] = s.words;
    switch (k) {
      case 'weight':
        rs.weight = int(a, 0, 2147483647) ?? 1;
        break;
      case 'lvs_method':
      case 'lb_kind':
        if (a === 'NAT' || a === 'DR' || a === 'TUN') method = a;
        break;
      case 'uthreshold':
        rs.uThreshold = int(a, 0, 0xffffffff) ?? 0;
        break;
      case 'lthreshold':
        rs.lThreshold = int(a, 0, 0xffffffff) ?? 0;
        break;
      case 'TCP_CHECK':
      case 'HTTP_GET':
        checkerNodes.push(s);
        break;
      case 'SSL_GET':
      case 'SMTP_CHECK':
      case 'DNS_CHECK':
      case 'MISC_CHECK':
      case 'BFD_CHECK':
      case 'UDP_CHECK':
      case 'PING_CHECK':
      case 'FILE_CHECK':
        r.warn(s, `${k} is not simulated; the checker is ignored`);
        break;
      case 'notify_up':
      case 'notify_down':
      case 'smtp_alert':
        break;
      default:
        r.unknown(s);
    }
  }
  rs.method = method;
  // ipvs-datapath: a DR/TUN real server answers on the virtual port (keepalived corrects it).
  if (method !== 'NAT' && vs.port !== 0 && rs.port !== vs.port) {
    r.warn(n, `real server ${n.words[1] ?? ''} port ${rs.port}: DR/TUN uses the virtual port ${vs.port}`);
    rs.port = vs.port;
  }
  rs.inhibit = t.inhibit ?? false;
  rs.alpha = t.alpha ?? false;
  for (const s of checkerNodes) rs.checkers.push(readChecker(s, rs, t, r));
  return rs;
}

function readChecker(n: ConfNode, rs: RealServerConf, rsT: Timers, r: ConfReport): CheckerConf {
  const kind = n.words[0] as 'TCP_CHECK' | 'HTTP_GET';
  const t: Timers = {};
  const c: CheckerConf = { kind, line: n.line, connectTimeoutUs: 0, retry: 0, delayBeforeRetryUs: 0, delayLoopUs: 0, warmupUs: 0, alpha: rs.alpha, urls: [] };
  for (const s of n.block ?? []) {
    if (timer(s, t)) continue;
    const [k, a] = s.words;
    switch (k) {
      case 'connect_ip':
        c.connectIp = parseIp(a ?? '');
        break;
      case 'connect_port':
        c.connectPort = int(a, 1, 65535);
        break;
      case 'url':
        if (kind !== 'HTTP_GET') r.unknown(s);
        else c.urls.push(readUrl(s));
        break;
      case 'bindto':
      case 'bind_port':
      case 'log_all_failures':
      case 'http_protocol':
      case 'fast_recovery':
        break;
      default:
        r.unknown(s);
    }
  }
  c.delayLoopUs = t.delayLoopUs ?? rsT.delayLoopUs ?? 60e6;
  c.connectTimeoutUs = t.connectTimeoutUs ?? rsT.connectTimeoutUs ?? 5e6;
  c.retry = t.retry ?? rsT.retry ?? 1;
  c.delayBeforeRetryUs = t.delayBeforeRetryUs ?? rsT.delayBeforeRetryUs ?? (kind === 'HTTP_GET' ? 3e6 : 1e6);
  c.warmupUs = t.warmupUs ?? rsT.warmupUs ?? c.delayLoopUs;
  c.alpha = t.alpha ?? rsT.alpha ?? false;
  if (kind === 'HTTP_GET' && c.urls.length === 0) {
    r.warn(n, 'HTTP_GET without url: checking path /');
    c.urls.push({ path: '/', status: [[200, 299]] });
  }
  return c;
}

/** `url { path /health; status_code 200 }`; status_code takes codes and ranges (200-299). */
function readUrl(n: ConfNode): { path: string; status: [number, number][] } {
  let path = '/';
  const status: [number, number][] = [];
  for (const s of n.block ?? []) {
    if (s.words[0] === 'path' && s.words[1]) path = s.words[1];
    else if (s.words[0] === 'status_code') {
      for (const w of s.words.slice(1)) {
        const m = /^(\d{3})(?:-(\d{3}))?$/.exec(w);
        if (m) status.push([Number(m[1]), Number(m[2] ?? m[1])]);
      }
    }
  }
  return { path, status: status.length ? status : [[200, 299]] };
}
