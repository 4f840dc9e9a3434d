/**
 * mh — Maglev Hashing (ip_vs_mh.c), identical in 6.1 and 6.12. A prime-sized lookup table
 * (4093 slots by default) filled from per-dest permutations; clients hash to a slot by
 * source address (and source port with mh-port).
 */
import type { Dest } from '../dest';
import { hsipKey, hsiphash32 } from './hash';
import type { PacketView, SchedService, Scheduler } from './scheduler';
import { gcd } from './wrr';

export const IP_VS_SVC_F_SCHED_MH_FALLBACK = 0x0008;
export const IP_VS_SVC_F_SCHED_MH_PORT = 0x0010;

/** CONFIG_IP_VS_MH_TAB_INDEX default 12 → primes[12 − 8]. */
const MH_TAB_INDEX = 12;
const PRIMES = [251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071] as const;
export const MH_TAB_SIZE: number = PRIMES[MH_TAB_INDEX - 8]!;
/** IP_VS_MH_TAB_BITS = CONFIG_IP_VS_MH_TAB_INDEX / 2: the weight bits kept before shifting. */
const MH_TAB_BITS = MH_TAB_INDEX >> 1;

// generate_hash_secret: fixed keys, both 64-bit words equal. Not secret, hence reproducible.
const HASH1 = hsipKey(0, 2654435761, 0, 2654435761);
const HASH2 = hsipKey(0, 2654446892, 0, 2654446892);

export class MaglevHashing implements Scheduler {
  readonly name = 'mh';
  readonly lookup: (Dest | null)[] = new Array<Dest | null>(MH_TAB_SIZE).fill(null);
  gcd = 0;
  rshift = 0;
  // struct ip_vs_mh_dest_setup per dest, reused between rebuilds.
  private offset = new Uint32Array(0);
  private skip = new Uint32Array(0);
  private perm = new Uint32Array(0);
  private turns = new Int32Array(0);
  private readonly taken = new Uint8Array(MH_TAB_SIZE);

  initService(svc: SchedService): void {
    this.destChanged(svc);
  }
  addDest(svc: SchedService): void {
    this.destChanged(svc);
  }
  delDest(svc: SchedService): void {
    this.destChanged(svc);
  }
  updDest(svc: SchedService): void {
    this.destChanged(svc);
  }

  /** ip_vs_mh_dest_changed: gcd and shift of last_weight, then ip_vs_mh_reassign. */
  destChanged(svc: SchedService): void {
    this.gcd = gcdLastWeight(svc.dests);
    this.rshift = this.shiftWeight(svc.dests);
    // ip_vs_mh_reassign: -EINVAL with more dests than slots, table left as it was
    // (__ip_vs_update_dest ignores the error).
    if (svc.dests.length > MH_TAB_SIZE) return;
    this.permutate(svc.dests);
    this.populate(svc.dests);
  }

  /** ip_vs_mh_shift_weight: keep about MH_TAB_BITS bits of max(last_weight)/gcd. */
  private shiftWeight(ds: readonly Dest[]): number {
    if (this.gcd < 1) return 0;
    let w = 0;
    for (const d of ds) if (d.lastWeight > w) w = d.lastWeight;
    const mw = Math.trunc(w / this.gcd);
    const shift = 32 - Math.clz32(mw) - MH_TAB_BITS; // fls(mw) − bits
    return shift >= 0 ? shift : 0;
  }

  /** ip_vs_mh_permutate: offset/skip from the dest's own address and port, in list order. */
  private permutate(ds: readonly Dest[]): void {
    if (this.gcd < 1) return;
    const n = ds.length;
    if (this.offset.length < n) {
      this.offset = new Uint32Array(n);
      this.skip = new Uint32Array(n);
      this.perm = new Uint32Array(n);
      this.turns = new Int32Array(n);
    }
    for (let i = 0; i < n; i++) {
      const d = ds[i]!;
      const v = (d.port + d.addr) >>> 0;
      this.offset[i] = hsiphash32(v, HASH1) % MH_TAB_SIZE;
      this.skip[i] = (hsiphash32(v, HASH2) % (MH_TAB_SIZE - 1)) + 1;
      this.perm[i] = this.offset[i]!;
      const lw = d.lastWeight;
      this.turns[i] = (Math.trunc(lw / this.gcd) >> this.rshift) || (lw !== 0 ? 1 : 0);
    }
  }

  /**
   * ip_vs_mh_populate: rounds over the list; each dest with turns ≥ 1 claims `turns` free
   * slots along its permutation, until all slots are taken.
   */
  private populate(ds: readonly Dest[]): void {
    const M = MH_TAB_SIZE;
    if (this.gcd < 1) {
      this.lookup.fill(null);
      return;
    }
    const taken = this.taken;
    taken.fill(0);
    const n = ds.length;
    const { skip, perm, turns } = this;
    let filled = 0;
    let dtCount = 0;
    let p = 0;
    for (;;) {
      if (p === n) p = 0;
      while (p < n) {
        const t = turns[p]!;
        if (t < 1) {
          p++;
          continue;
        }
        let c = perm[p]!;
        while (taken[c] !== 0) {
          c += skip[p]!;
          if (c >= M) c -= M;
        }
        perm[p] = c;
        taken[c] = 1;
        this.lookup[c] = ds[p]!;
        if (++filled === M) return;
        if (++dtCount >= t) {
          dtCount = 0;
          p++;
        }
      }
    }
  }

  /** ip_vs_mh_schedule with ip_vs_mh_get / ip_vs_mh_get_fallback. */
  schedule(svc: SchedService, pkt: PacketView): Dest | null {
    const M = MH_TAB_SIZE;
    const port = svc.flags & IP_VS_SVC_F_SCHED_MH_PORT ? pkt.sport : 0;
    const key = port + pkt.saddr;
    const ihash = hsiphash32(key, HASH1) % M;
    let d = this.lookup[ihash] as Dest | null;
    if (d !== null && !unavailable(d)) return d;
    if (d !== null && svc.flags & IP_VS_SVC_F_SCHED_MH_FALLBACK) {
      // Rehash with offset (k + ihash) mod M; the probing stops at an empty slot.
      for (let k = 0; k < M; k++) {
        const roffset = (k + ihash) % M;
        d = this.lookup[hsiphash32(roffset + key, HASH1) % M] as Dest | null;
        if (d === null) break;
        if (!unavailable(d)) return d;
      }
    }
    svc.schedulerErr('no destination available');
    return null;
  }
}

/** ip_vs_mh.c: is_unavailable (weight ≤ 0 or OVERLOAD; AVAILABLE is not looked at). */
function unavailable(d: Dest): boolean {
  return d.weight <= 0 || d.overload;
}

/** ip_vs_mh_gcd_weight over last_weight; 0 when no last_weight is positive. */
function gcdLastWeight(ds: readonly Dest[]): number {
  let g = 0;
  for (const d of ds) {
    const w = d.lastWeight;
    if (w > 0) g = g > 0 ? gcd(w, g) : w;
  }
  return g;
}
