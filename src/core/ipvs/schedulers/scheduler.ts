/**
 * What every scheduler shares: the kernel's struct ip_vs_scheduler as a TypeScript
 * interface, the service view it reads, and the context that gives it time, timers and
 * randomness (the core has no clock of its own: src/core/sim owns it).
 *
 * One Scheduler instance per service: its fields are the kernel's svc->sched_data.
 */
import type { Dest, Proto } from '../dest';
import { HZ, randomBelow, type KernelProfile } from '../kernel';

/** The part of the first packet a scheduler may look at. Addresses are IPv4 as uint32. */
export interface PacketView {
  saddr: number;
  sport: number;
  daddr: number;
  dport: number;
  proto: Proto;
}

/** The service as schedulers see it (struct ip_vs_service, read-only). */
export interface SchedService {
  /** Kernel list order: head first, i.e. the newest dest first (ipvs-schedulers.md §0.2). */
  readonly dests: readonly Dest[];
  /** IP_VS_SVC_F_* bits; SCHED1 0x08 = sh/mh-fallback, SCHED2 0x10 = sh/mh-port. */
  readonly flags: number;
  readonly kernel: KernelProfile;
  /** ip_vs_sched.c: ip_vs_scheduler_err — the rate-limited "no destination available" log. */
  schedulerErr(msg: string): void;
}

/**
 * struct ip_vs_scheduler. Hooks run exactly where ip_vs_ctl.c calls them (FORMAT.md §4):
 * del_dest after the dest is unlinked, add_dest after it is linked at the head.
 */
export interface Scheduler {
  readonly name: string;
  initService?(svc: SchedService): void;
  doneService?(svc: SchedService): void;
  addDest?(svc: SchedService, dest: Dest): void;
  /**
   * `pos` is the index the dest had before it was unlinked: list_del_rcu leaves
   * dest->n_list.next intact, and rr uses it to step back to the previous entry.
   */
  delDest?(svc: SchedService, dest: Dest, pos: number): void;
  updDest?(svc: SchedService, dest: Dest): void;
  /** Returns the chosen dest, or null for "no destination available". Must not allocate. */
  schedule(svc: SchedService, pkt: PacketView): Dest | null;
}

export interface SchedTimer {
  cancel(): void;
}

/** /proc/sys/net/ipv4/vs values the schedulers read, in seconds as written there. */
export interface SchedSysctl {
  lblcExpiration: number;
  lblcrExpiration: number;
}

export interface SchedContext {
  /** Simulation time, integer microseconds (Engine.now). */
  now(): number;
  /** Run `fn` once after `delayUs` microseconds (Engine.after). */
  after(delayUs: number, fn: () => void): SchedTimer;
  /** A uniform integer in [0, ceil): the kernel's get_random_u32_below (twos). */
  randomBelow(ceil: number): number;
  readonly sysctl: SchedSysctl;
}

/** DEFAULT_EXPIRATION of ip_vs_lblc.c / ip_vs_lblcr.c: 24 h. */
export function defaultSysctl(): SchedSysctl {
  return { lblcExpiration: 24 * 60 * 60, lblcrExpiration: 24 * 60 * 60 };
}

/** The slice of src/core/sim/engine.ts Engine a context needs. */
export interface ClockLike {
  readonly now: number;
  after(delay: number, fn: () => void): SchedTimer;
}

/**
 * A context over the simulation engine: `schedContext({ engine, random32: () => rng.nextU32() })`.
 * random32 feeds the kernel's own reduction for the chosen kernel (kernel.ts randomBelow).
 */
export function schedContext(opts: {
  engine: ClockLike;
  random32?: () => number;
  kernel?: KernelProfile;
  sysctl?: Partial<SchedSysctl>;
}): SchedContext {
  const { engine } = opts;
  const kernel = opts.kernel ?? '6.12';
  const random32 =
    opts.random32 ??
    (() => {
      throw new Error('this scheduler context has no random source');
    });
  return {
    now: () => engine.now,
    after: (delayUs, fn) => engine.after(delayUs, fn),
    randomBelow: (ceil) => randomBelow(kernel, ceil, random32),
    sysctl: { ...defaultSysctl(), ...opts.sysctl },
  };
}

/** The kernel's jiffies for the context's time (relative: service creation is what matters). */
export function jiffies(ctx: SchedContext): number {
  return Math.floor(ctx.now() / (1_000_000 / HZ));
}

/** 2^53: products of C ints below this are exact as doubles. */
export const EXACT_PRODUCTS = 9007199254740992;

/**
 * The slow half of the kernel's division-free load comparison
 * `(__s64)loh * w_d > (__s64)doh * w_least` (wlc, sed, nq, lblc, lblcr). Schedulers test
 * `p > q` on doubles inline — exact below 2^53, and rounding is monotonic, so a different
 * rounded result is always right — and only equal products that large come here.
 * Kept out of the hot loops: a shared helper there defeats V8's inlining.
 */
export function exactGreater(loh: number, dw: number, doh: number, lw: number): boolean {
  return BigInt(loh) * BigInt(dw) > BigInt(doh) * BigInt(lw);
}
