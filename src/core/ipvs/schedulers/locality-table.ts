/**
 * The cache table lblc and lblcr share: 1024 hash buckets keyed by the packet's destination
 * address, an entry counter, and the 60 s garbage-collection timer (ip_vs_lblc.c:
 * ip_vs_lblc_check_expire / ip_vs_lblc_full_check; ip_vs_lblcr.c has the same code).
 */
import { HZ } from '../kernel';
import { hash32 } from './hash';
import { jiffies, type SchedContext, type SchedTimer } from './scheduler';

/** CONFIG_IP_VS_LBLC_TAB_BITS / LBLCR_TAB_BITS (not Kconfig options): 1024 buckets. */
const TAB_BITS = 10;
const TAB_SIZE = 1 << TAB_BITS;
const TAB_MASK = TAB_SIZE - 1;
/** tbl->max_size: beyond it the timer starts evicting entries idle for ENTRY_TIMEOUT. */
export const LOCALITY_MAX_SIZE = TAB_SIZE * 16;
/** 6.12 "ipvs: bound LBLCR and LBLC cache growth": no new entry at 1.5 × max_size. */
export const LOCALITY_HARD_LIMIT = (LOCALITY_MAX_SIZE * 3) / 2;
const CHECK_EXPIRE_INTERVAL_US = 60 * 1_000_000;
const ENTRY_TIMEOUT_J = 6 * 60 * HZ;
/** A full expiry check every 30 timer runs (≈ 30 min) when no partial GC happened. */
const COUNT_FOR_FULL_EXPIRATION = 30;

export interface LocalityEntry {
  readonly addr: number;
  /** Jiffies of the last lookup hit. */
  lastuse: number;
}

export class LocalityTable<E extends LocalityEntry> {
  readonly buckets: E[][] = Array.from({ length: TAB_SIZE }, () => []);
  /** atomic_t entries: may drift above the real count on 6.1 (see lblc.ts). */
  entries = 0;
  rover = 0;
  counter = 1;
  dead = false;
  private timer: SchedTimer | null = null;

  constructor(
    private readonly ctx: SchedContext,
    /** The sysctl expiration in jiffies, read at every full check. */
    private readonly expiration: () => number,
    /** Drops the entry's dest references (the RCU callback, run at once). */
    private readonly release: (e: E) => void,
  ) {}

  /** ip_vs_lblc_get. */
  get(addr: number): E | undefined {
    const b = this.buckets[hash32(addr, TAB_BITS)]!;
    for (let i = 0; i < b.length; i++) if (b[i]!.addr === addr) return b[i];
    return undefined;
  }

  /** ip_vs_lblc_hash: link and count. */
  hash(e: E): void {
    this.buckets[hash32(e.addr, TAB_BITS)]!.push(e);
    this.entries++;
  }

  /** ip_vs_lblc_del: unlink and free; the caller decides whether `entries` drops. */
  unlink(e: E): void {
    const b = this.buckets[hash32(e.addr, TAB_BITS)]!;
    const i = b.indexOf(e);
    if (i >= 0) b.splice(i, 1);
    this.release(e);
  }

  /** init_service: arm the periodic timer, CHECK_EXPIRE_INTERVAL from now. */
  start(): void {
    this.timer = this.ctx.after(CHECK_EXPIRE_INTERVAL_US, () => this.checkExpire());
  }

  /** done_service: stop the timer and flush every entry. */
  stop(): void {
    this.timer?.cancel();
    this.timer = null;
    this.dead = true;
    for (const b of this.buckets) {
      for (const e of b) this.release(e);
      b.length = 0;
    }
    this.entries = 0;
  }

  /** ip_vs_lblc_check_expire, the periodic timer (ideal: no timer-wheel slack, FORMAT.md §8). */
  checkExpire(): void {
    const now = jiffies(this.ctx);
    if (this.counter % COUNT_FOR_FULL_EXPIRATION === 0) {
      this.sweep(now, this.expiration(), TAB_SIZE);
      this.counter = 1;
    } else if (this.entries <= LOCALITY_MAX_SIZE) {
      this.counter++;
    } else {
      let goal = Math.trunc(((this.entries - LOCALITY_MAX_SIZE) * 4) / 3);
      if (goal > LOCALITY_MAX_SIZE / 2) goal = LOCALITY_MAX_SIZE / 2;
      this.sweep(now, ENTRY_TIMEOUT_J, goal);
    }
    this.timer = this.ctx.after(CHECK_EXPIRE_INTERVAL_US, () => this.checkExpire());
  }

  /**
   * Remove entries idle for ≥ `idle` jiffies, bucket by bucket from the rover, until `goal`
   * entries are gone (checked after each bucket, so a run may remove a few more).
   */
  private sweep(now: number, idle: number, goal: number): void {
    let j = this.rover;
    for (let i = 0; i < TAB_SIZE; i++) {
      j = (j + 1) & TAB_MASK;
      const b = this.buckets[j]!;
      let keep = 0;
      for (let k = 0; k < b.length; k++) {
        const e = b[k]!;
        if (now < e.lastuse + idle) {
          b[keep++] = e;
          continue;
        }
        this.release(e);
        this.entries--;
        goal--;
      }
      b.length = keep;
      if (goal <= 0) break;
    }
    this.rover = j;
  }
}
