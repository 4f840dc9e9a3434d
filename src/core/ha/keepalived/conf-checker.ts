/**
 * keepalived's checker blocks (TCP_CHECK, HTTP_GET) and the timing keywords a checker
 * inherits from its real_server and virtual_server, with keepalived's defaults and
 * precedence (ha.md §2.1: checker setting > real_server > virtual_server > default).
 */
import type { ConfNode } from '../../export/keepalived-conf';
import { parseIp, type Ip } from '../../net/addr';
import { int, seconds, type ConfReport } from './conf-words';

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

/** Checkers keepalived has and the lab does not run: reported, then skipped. */
export const UNSIMULATED_CHECKERS = ['SSL_GET', 'SMTP_CHECK', 'DNS_CHECK', 'MISC_CHECK', 'BFD_CHECK', 'UDP_CHECK', 'PING_CHECK', 'FILE_CHECK'];

/** Inheritable timer settings of a virtual_server / real_server / checker block. */
export interface Timers {
  delayLoopUs?: number;
  connectTimeoutUs?: number;
  retry?: number;
  delayBeforeRetryUs?: number;
  warmupUs?: number;
  alpha?: boolean;
  inhibit?: boolean;
}

/** Read one of the inheritable keywords into `t`; false if `s` is not one. */
export function readTimer(s: ConfNode, t: Timers): boolean {
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

/** A TCP_CHECK / HTTP_GET block; `rsT`: its real server's timers (already merged with the virtual server's). */
export function readChecker(n: ConfNode, rsT: Timers, r: ConfReport): CheckerConf {
  const kind = n.words[0] as 'TCP_CHECK' | 'HTTP_GET';
  const t: Timers = {};
  const c: CheckerConf = { kind, line: n.line, connectTimeoutUs: 0, retry: 0, delayBeforeRetryUs: 0, delayLoopUs: 0, warmupUs: 0, alpha: false, urls: [] };
  for (const s of n.block ?? []) {
    if (readTimer(s, t)) continue;
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
