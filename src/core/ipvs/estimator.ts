/**
 * The rate estimator (ip_vs_est.c): every 2 s, for each stats object, an exponentially
 * weighted average with W = 1/4 in fixed point — cps/pps scaled by 2^10, bytes/s by 2^5 —
 * and the kernel's rounding when shown. The math is identical in 6.1 and 6.12.
 * Simplified: every estimator runs at the same phase (6.1's single timer); 6.12 spreads
 * them over 50 tick slots of the 2 s cycle.
 */
import type { IpvsStats } from './dest';

export const EST_PERIOD_US = 2_000_000;

export interface Rates {
  cps: number;
  inpps: number;
  outpps: number;
  inbps: number;
  outbps: number;
}

/** Signed arithmetic shift right by 2, for values beyond 32 bits. */
const sar2 = (x: number) => Math.floor(x / 4);

export class Estimator {
  private last: IpvsStats;
  private cps = 0;
  private inpps = 0;
  private outpps = 0;
  private inbps = 0;
  private outbps = 0;

  /**
   * The kernel's estimator is zero-initialised with its stats object (kzalloc) and started
   * when the service or dest is added, so the first period counts everything since then —
   * also when this object is only created at the first tick after the dest was added.
   */
  constructor(private readonly stats: IpvsStats) {
    this.last = { conns: 0, inpkts: 0, outpkts: 0, inbytes: 0, outbytes: 0 };
  }

  /** estimation_timer / ip_vs_chain_estimation for one object. */
  tick(): void {
    const s = this.stats;
    const l = this.last;
    this.cps += sar2((s.conns - l.conns) * 512 - this.cps);
    this.inpps += sar2((s.inpkts - l.inpkts) * 512 - this.inpps);
    this.outpps += sar2((s.outpkts - l.outpkts) * 512 - this.outpps);
    this.inbps += sar2((s.inbytes - l.inbytes) * 16 - this.inbps);
    this.outbps += sar2((s.outbytes - l.outbytes) * 16 - this.outbps);
    this.last = { ...s };
  }

  /** ip_vs_zero_estimator: rates to zero, the current counters become "last". */
  zero(): void {
    this.last = { ...this.stats };
    this.cps = this.inpps = this.outpps = this.inbps = this.outbps = 0;
  }

  /** ip_vs_read_estimator: round to nearest. */
  rates(): Rates {
    return {
      cps: Math.floor((this.cps + 511) / 1024),
      inpps: Math.floor((this.inpps + 511) / 1024),
      outpps: Math.floor((this.outpps + 511) / 1024),
      inbps: Math.floor((this.inbps + 15) / 32),
      outbps: Math.floor((this.outbps + 15) / 32),
    };
  }
}
