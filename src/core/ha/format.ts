/**
 * How keepalived and ldirectord print addresses in their logs: keepalived's FMT_RS /
 * FMT_VS / FMT_CHK (`[192.168.10.11]:tcp:80`, `FWM 1`), ldirectord's `ip:port`.
 */
import { ipStr, type Ip } from '../net/addr';

export type L4Proto = 'tcp' | 'udp';

/** keepalived's inet_sockaddrtotrio: `[ip]:proto:port`. */
export function fmtTrio(addr: Ip, proto: L4Proto, port: number): string {
  return `[${ipStr(addr)}]:${proto}:${port}`;
}

/** FMT_VS: a fwmark service prints as `FWM n`. */
export function fmtVs(vs: { fwmark: number; vip: Ip; port: number; proto: L4Proto }): string {
  return vs.fwmark ? `FWM ${vs.fwmark}` : fmtTrio(vs.vip, vs.proto, vs.port);
}

/** ldirectord's `ip:port`. */
export function ipPort(addr: Ip, port: number): string {
  return `${ipStr(addr)}:${port}`;
}

/** Seconds with millisecond precision, for timelines: 3.609 s. */
export function secs(us: number): string {
  return `${(us / 1e6).toFixed(3)} s`;
}
