/** Statistics counting (ip_vs_in_stats / ip_vs_out_stats): packets and bytes, one direction. */
import type { IpvsStats } from './dest';

export function count(s: IpvsStats, bytes: number, inbound: boolean): void {
  if (inbound) {
    s.inpkts++;
    s.inbytes += bytes;
  } else {
    s.outpkts++;
    s.outbytes += bytes;
  }
}
