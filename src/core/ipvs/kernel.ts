/**
 * The two kernels LVS Lab can imitate, and the few places where their IPVS code differs
 * (ipvs-schedulers.md §0.4, ipvs-datapath.md §5.1/§5.2, oracle/sched/FORMAT.md §1).
 *
 * '6.12' is Debian's 6.12.117 (with "ipvs: add totalconns for dest"); '6.1' is 6.1.176,
 * which predates that patch and so matches nearly all LVS documentation.
 */

export type KernelProfile = '6.12' | '6.1';

export const KERNEL_PROFILES: readonly KernelProfile[] = ['6.12', '6.1'];

/** The exact releases the reference documents and the oracle vectors were checked against. */
export const KERNEL_RELEASE: Readonly<Record<KernelProfile, string>> = {
  '6.12': '6.12.117',
  '6.1': '6.1.176',
};

/** Jiffies per second. Only lblc/lblcr read jiffies; the oracle used HZ=1000 (FORMAT.md §1). */
export const HZ = 1000;

/** Accepts "6.12", "6.12.117", "6.1", "6.1.176" (any 6.12.x / 6.1.x release). */
export function parseKernelProfile(s: string): KernelProfile | undefined {
  if (s === '6.12' || s.startsWith('6.12.')) return '6.12';
  if (s === '6.1' || s.startsWith('6.1.')) return '6.1';
  return undefined;
}

/**
 * include/net/ip_vs.h: ip_vs_dest_conn_overhead. `second` is totalconns on 6.12 and
 * inactconns on 6.1, so in ActiveConn/InActConn terms it is 257·active + inactive on 6.12
 * and 256·active + inactive on 6.1. Kept in C int arithmetic (wraps at 2^31) on purpose.
 */
export function connOverhead(active: number, second: number): number {
  return ((active << 8) + second) | 0;
}

/** ip_vs_dest has `totalconns` (6.12) rather than `inactconns` (6.1). */
export function hasTotalConns(kernel: KernelProfile): boolean {
  return kernel === '6.12';
}

/**
 * The reduction of a random u32 to [0, ceil) the kernel's twos scheduler uses:
 * 6.12 get_random_u32_below (Lemire's multiply with rejection, drawing again when the
 * low half lands in the biased zone), 6.1 prandom_u32_max (multiply-shift, no rejection).
 */
export function randomBelow(kernel: KernelProfile, ceil: number, random32: () => number): number {
  ceil >>>= 0;
  let r = random32() >>> 0;
  if (ceil === 0) return r;
  let hi = mulHi32(ceil, r);
  if (kernel === '6.1') return hi;
  if (mulLo < ceil) {
    // bound = -ceil % ceil in u32 arithmetic, i.e. 2^32 mod ceil.
    const bound = (4294967296 - ceil) % ceil;
    while (mulLo < bound) {
      r = random32() >>> 0;
      hi = mulHi32(ceil, r);
    }
  }
  return hi;
}

/** Low half of the last mulHi32 product (a module scratch slot, so no allocation per call). */
let mulLo = 0;

/** High 32 bits of the exact 64-bit product of two u32; the low half goes to mulLo. */
function mulHi32(a: number, b: number): number {
  const aH = a >>> 16, aL = a & 0xffff, bH = b >>> 16, bL = b & 0xffff;
  const ll = aL * bL;
  const mid = aH * bL + aL * bH;
  const lo = ll + (mid % 65536) * 65536;
  mulLo = lo >>> 0;
  return (aH * bH + Math.floor(mid / 65536) + Math.floor(lo / 4294967296)) >>> 0;
}
