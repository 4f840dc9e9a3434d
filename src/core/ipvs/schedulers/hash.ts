/**
 * The kernel hash functions the table schedulers use, bit-exact in 32-bit arithmetic.
 *
 * - include/linux/hash.h: hash_32 (generic; x86 has no override) for dh, sh, lblc, lblcr.
 * - lib/siphash.c: hsiphash as built on 64-bit kernels, which is SipHash-1-3 with 64-bit
 *   key words and a 32-bit result, for mh. Each 64-bit word is carried as a hi/lo pair of
 *   32-bit halves, so no BigInt and no allocation per hash.
 */

const GOLDEN_RATIO_32 = 0x61c88647;

/** hash_32(v, bits): the top `bits` bits of v × 0x61C88647 mod 2^32. */
export function hash32(v: number, bits: number): number {
  return Math.imul(v, GOLDEN_RATIO_32) >>> (32 - bits);
}

/** The SipHash state after PREAMBLE, with the key folded in (v0..v3 as hi/lo halves). */
export interface HsipKey {
  readonly v0h: number;
  readonly v0l: number;
  readonly v1h: number;
  readonly v1l: number;
  readonly v2h: number;
  readonly v2l: number;
  readonly v3h: number;
  readonly v3l: number;
}

/** hsiphash_key_t {key[0], key[1]}, each a 64-bit word given as hi/lo 32-bit halves. */
export function hsipKey(k0h: number, k0l: number, k1h: number, k1l: number): HsipKey {
  // "somepseudorandomlygeneratedbytes": SIPHASH_CONST_0..3.
  return {
    v0h: (0x736f6d65 ^ k0h) >>> 0,
    v0l: (0x70736575 ^ k0l) >>> 0,
    v1h: (0x646f7261 ^ k1h) >>> 0,
    v1l: (0x6e646f6d ^ k1l) >>> 0,
    v2h: (0x6c796765 ^ k0h) >>> 0,
    v2l: (0x6e657261 ^ k0l) >>> 0,
    v3h: (0x74656462 ^ k1h) >>> 0,
    v3l: (0x79746573 ^ k1l) >>> 0,
  };
}

/**
 * hsiphash(&v, 4, key) on a little-endian 64-bit kernel: the only input is the 4 bytes of a
 * u32, so the message is just the final block b = (4 << 56) | v. One compression round
 * (v3 ^= b; SIPROUND; v0 ^= b), then v2 ^= 0xff and three finalisation rounds; the u32
 * result is the low half of v0 ^ v1 ^ v2 ^ v3.
 */
export function hsiphash32(x: number, k: HsipKey): number {
  let v0h = k.v0h, v0l = k.v0l, v1h = k.v1h, v1l = k.v1l;
  let v2h = k.v2h, v2l = k.v2l, v3h = k.v3h, v3l = k.v3l;
  const bh = 0x04000000;
  const bl = x >>> 0;
  v3h ^= bh;
  v3l ^= bl;
  let s: number, t: number;
  for (let round = 0; round < 4; round++) {
    if (round === 1) {
      v0h ^= bh;
      v0l ^= bl;
      v2l ^= 0xff;
    }
    // SIPROUND, each 64-bit add done as lo add + carry into hi.
    s = (v0l >>> 0) + (v1l >>> 0); v0h = (v0h + v1h + (s > 0xffffffff ? 1 : 0)) | 0; v0l = s | 0;
    t = (v1h << 13) | (v1l >>> 19); v1l = (v1l << 13) | (v1h >>> 19); v1h = t;
    v1h ^= v0h; v1l ^= v0l;
    t = v0h; v0h = v0l; v0l = t;
    s = (v2l >>> 0) + (v3l >>> 0); v2h = (v2h + v3h + (s > 0xffffffff ? 1 : 0)) | 0; v2l = s | 0;
    t = (v3h << 16) | (v3l >>> 16); v3l = (v3l << 16) | (v3h >>> 16); v3h = t;
    v3h ^= v2h; v3l ^= v2l;
    s = (v0l >>> 0) + (v3l >>> 0); v0h = (v0h + v3h + (s > 0xffffffff ? 1 : 0)) | 0; v0l = s | 0;
    t = (v3h << 21) | (v3l >>> 11); v3l = (v3l << 21) | (v3h >>> 11); v3h = t;
    v3h ^= v0h; v3l ^= v0l;
    s = (v2l >>> 0) + (v1l >>> 0); v2h = (v2h + v1h + (s > 0xffffffff ? 1 : 0)) | 0; v2l = s | 0;
    t = (v1h << 17) | (v1l >>> 15); v1l = (v1l << 17) | (v1h >>> 15); v1h = t;
    v1h ^= v2h; v1l ^= v2l;
    t = v2h; v2h = v2l; v2l = t;
  }
  return (v0l ^ v1l ^ v2l ^ v3l) >>> 0;
}
