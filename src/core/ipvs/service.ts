/**
 * A virtual service (struct ip_vs_service) with what scheduling needs: the dest list in
 * kernel order, the bound scheduler and its hooks, and the ipvsadm -a/-e/-d operations of
 * ip_vs_ctl.c (FORMAT.md §3–§4). The conn table and forwarding build on this elsewhere.
 */
import { ipStr } from '../net/addr';
import { Dest, DestTrash, type DestOwner, type DestSpec, type IpvsStats, type Proto } from './dest';
import type { KernelProfile } from './kernel';
import { createScheduler } from './schedulers/index';
import type { PacketView, SchedContext, SchedService, Scheduler } from './schedulers/scheduler';

/** include/uapi/linux/ip_vs.h service flags. */
export const IP_VS_SVC_F_PERSISTENT = 0x0001;
export const IP_VS_SVC_F_HASHED = 0x0002;
export const IP_VS_SVC_F_ONEPACKET = 0x0004;
export const IP_VS_SVC_F_SCHED1 = 0x0008;
export const IP_VS_SVC_F_SCHED2 = 0x0010;
export const IP_VS_SVC_F_SCHED3 = 0x0020;

/** `ipvsadm -b` names → bits (ipvsadm 1.31). sh and mh reuse SCHED1/SCHED2. */
export const SCHED_FLAG_BITS: Readonly<Record<string, number>> = {
  'flag-1': IP_VS_SVC_F_SCHED1,
  'flag-2': IP_VS_SVC_F_SCHED2,
  'flag-3': IP_VS_SVC_F_SCHED3,
  'sh-fallback': IP_VS_SVC_F_SCHED1,
  'sh-port': IP_VS_SVC_F_SCHED2,
  'mh-fallback': IP_VS_SVC_F_SCHED1,
  'mh-port': IP_VS_SVC_F_SCHED2,
};

/** The other way: a service's scheduler flags as `-b` names (sh-/mh- names for those schedulers). */
export function schedFlagNames(sched: string, flags: number): string[] {
  const out: string[] = [];
  if (flags & IP_VS_SVC_F_SCHED1) out.push(sched === 'sh' || sched === 'mh' ? `${sched}-fallback` : 'flag-1');
  if (flags & IP_VS_SVC_F_SCHED2) out.push(sched === 'sh' || sched === 'mh' ? `${sched}-port` : 'flag-2');
  if (flags & IP_VS_SVC_F_SCHED3) out.push('flag-3');
  return out;
}

/** IP_VS_SCHEDNAME_MAXLEN (16, NUL included). */
const SCHEDNAME_MAXLEN = 16;
const INT_MAX = 0x7fffffff;

export type IpvsErrno = 'EEXIST' | 'ENOENT' | 'ERANGE' | 'EINVAL';

/** A refused control operation, with the errno the kernel returns (ipvsadm.md maps it to text). */
export class IpvsError extends Error {
  constructor(
    readonly errno: IpvsErrno,
    message: string,
  ) {
    super(message);
    this.name = 'IpvsError';
  }
}

export interface ServiceSpec {
  proto: Proto;
  vip?: number;
  port?: number;
  /** Non-zero: a fwmark service (`-f`); vip/port are then 0. */
  fwmark?: number;
  /** Default 'wlc', as ipvsadm. 'none' binds no scheduler. */
  sched?: string;
  /** IP_VS_SVC_F_* bits, e.g. IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_SCHED1. */
  flags?: number;
  /** Persistence timeout, seconds. */
  timeout?: number;
  /** Persistence netmask as uint32 (default 255.255.255.255). */
  netmask?: number;
  /** Persistence engine (`--pe sip`); '' = none. */
  pe?: string;
}

/** Persistence engines the kernel has modules for (ip_vs_pe_sip). */
export const PE_NAMES: readonly string[] = ['sip'];

export interface ServiceOptions {
  kernel: KernelProfile;
  ctx: SchedContext;
  /** The network namespace's trash; services of one director should share one. */
  trash?: DestTrash;
  /** Receives ip_vs_scheduler_err lines ("IPVS: wlc: TCP 10.0.0.100:80 - no destination available"). */
  onLog?: (line: string) => void;
}

export class Service implements SchedService, DestOwner {
  readonly proto: Proto;
  readonly vip: number;
  readonly port: number;
  readonly fwmark: number;
  flags: number;
  timeout: number;
  netmask: number;
  /** Persistence engine name, '' for none (svc->pe). */
  peName: string;
  readonly kernel: KernelProfile;
  readonly ctx: SchedContext;
  readonly trash: DestTrash;
  /** svc->destinations: head first, i.e. newest first. */
  readonly dests: Dest[] = [];
  scheduler: Scheduler | null = null;
  readonly stats: IpvsStats = { conns: 0, inpkts: 0, outpkts: 0, inbytes: 0, outbytes: 0 };
  onLog: ((line: string) => void) | null;
  /** The last scheduler error message (without the prefix), for a UI to show. */
  lastSchedErr: string | null = null;

  /** ip_vs_add_service + ip_vs_bind_scheduler: init_service runs on the empty list. */
  constructor(spec: ServiceSpec, opts: ServiceOptions) {
    this.proto = spec.proto;
    this.fwmark = spec.fwmark ?? 0;
    this.vip = this.fwmark ? 0 : (spec.vip ?? 0);
    this.port = this.fwmark ? 0 : (spec.port ?? 0);
    this.flags = spec.flags ?? 0;
    this.timeout = spec.timeout ?? 0;
    this.netmask = spec.netmask ?? 0xffffffff;
    this.peName = spec.pe ?? '';
    if (this.peName && !PE_NAMES.includes(this.peName)) throw new IpvsError('ENOENT', 'Scheduler or persistence engine not found');
    this.kernel = opts.kernel;
    this.ctx = opts.ctx;
    this.trash = opts.trash ?? new DestTrash(opts.ctx);
    this.onLog = opts.onLog ?? null;
    this.bindScheduler(this.lookupScheduler(spec.sched ?? 'wlc'));
  }

  get schedName(): string {
    return this.scheduler?.name ?? 'none';
  }

  findDest(addr: number, port: number): Dest | undefined {
    return this.dests.find((d) => d.addr === addr && d.port === port);
  }

  /** ip_vs_add_dest: a trashed dest of this service comes back with its counters. */
  addDest(spec: DestSpec): Dest {
    this.checkDestSpec(spec);
    if (this.findDest(spec.addr, spec.port)) throw new IpvsError('EEXIST', 'Destination already exists');
    const dest = this.trash.take(this, spec.addr, spec.port) ?? new Dest(this.kernel, spec.addr, spec.port, this);
    dest.update(spec, true);
    this.dests.unshift(dest);
    this.scheduler?.addDest?.(this, dest);
    return dest;
  }

  /** ip_vs_edit_dest: the dest keeps its list position. */
  editDest(spec: DestSpec): Dest {
    this.checkDestSpec(spec);
    const dest = this.findDest(spec.addr, spec.port);
    if (!dest) throw new IpvsError('ENOENT', 'No such destination');
    dest.update(spec, false);
    this.scheduler?.updDest?.(this, dest);
    return dest;
  }

  /** ip_vs_del_dest: __ip_vs_unlink_dest (hook after the unlink), then into the trash. */
  delDest(addr: number, port: number): Dest {
    const pos = this.dests.findIndex((d) => d.addr === addr && d.port === port);
    const dest = this.dests[pos];
    if (!dest) throw new IpvsError('ENOENT', 'No such destination');
    dest.available = false;
    this.dests.splice(pos, 1);
    this.scheduler?.delDest?.(this, dest, pos);
    this.trash.put(dest);
    return dest;
  }

  /**
   * ipvsadm -E -s: a different scheduler discards the old state (done_service, then
   * init_service of the new one); the same name keeps it.
   */
  setScheduler(name: string): void {
    if (name === this.schedName) return;
    const next = this.lookupScheduler(name);
    if (this.scheduler) {
      this.scheduler.doneService?.(this);
      this.scheduler = null;
    }
    this.bindScheduler(next);
  }

  /**
   * ip_vs_edit_service (`ipvsadm -E`): the whole service spec is replaced, so an option the
   * user left out reverts to its default. The scheduler and engine are looked up first;
   * nothing changes if either is unknown (ENOENT).
   */
  edit(spec: Pick<ServiceSpec, 'sched' | 'flags' | 'timeout' | 'netmask' | 'pe'>): void {
    const name = spec.sched ?? 'wlc';
    const next = name === this.schedName ? undefined : this.lookupScheduler(name);
    const pe = spec.pe ?? '';
    if (pe && !PE_NAMES.includes(pe)) throw new IpvsError('ENOENT', 'Scheduler or persistence engine not found');
    if (next !== undefined) {
      if (this.scheduler) {
        this.scheduler.doneService?.(this);
        this.scheduler = null;
      }
      this.bindScheduler(next);
    }
    this.flags = spec.flags ?? 0;
    this.timeout = spec.timeout ?? 0;
    this.netmask = spec.netmask ?? 0xffffffff;
    this.peName = pe;
  }

  /** ip_vs_schedule's call into the scheduler. No conn is created, no counter moves. */
  schedule(pkt: PacketView): Dest | null {
    const s = this.scheduler;
    return s === null ? null : s.schedule(this, pkt);
  }

  /** ipvsadm -D: done_service, then every dest to the trash without del_dest hooks. */
  destroy(): void {
    if (this.scheduler) {
      this.scheduler.doneService?.(this);
      this.scheduler = null;
    }
    for (const d of this.dests) {
      d.available = false;
      this.trash.put(d);
    }
    this.dests.length = 0;
  }

  /**
   * ip_vs_sched.c: ip_vs_scheduler_err. Simplified: not rate-limited; the line goes to onLog.
   * The kernel prints IPv4 services as "TCP 10.0.0.100:80" and fwmark ones as "FWM 1 0x00000001".
   */
  schedulerErr(msg: string): void {
    this.lastSchedErr = msg;
    if (!this.onLog) return;
    const what = this.fwmark
      ? `FWM ${this.fwmark} 0x${this.fwmark.toString(16).padStart(8, '0')}`
      : `${this.proto.toUpperCase()} ${ipStr(this.vip)}:${this.port}`;
    this.onLog(`IPVS: ${this.schedName}: ${what} - ${msg}`);
  }

  private lookupScheduler(name: string): Scheduler | null {
    if (name.length >= SCHEDNAME_MAXLEN) throw new IpvsError('EINVAL', `scheduler name too long: ${name}`);
    if (name === 'none') return null;
    const s = createScheduler(name, this.ctx);
    if (!s) throw new IpvsError('ENOENT', 'Scheduler or persistence engine not found');
    return s;
  }

  /** ip_vs_bind_scheduler: init_service runs before the scheduler is attached. */
  private bindScheduler(s: Scheduler | null): void {
    s?.initService?.(this);
    this.scheduler = s;
  }

  /** The checks ip_vs_add_dest / ip_vs_edit_dest make before touching anything. */
  private checkDestSpec(spec: DestSpec): void {
    const w = spec.weight ?? 1;
    const u = spec.uThreshold ?? 0;
    const l = spec.lThreshold ?? 0;
    if (w < 0) throw new IpvsError('ERANGE', 'Numerical result out of range');
    if (l > u) throw new IpvsError('ERANGE', 'Numerical result out of range');
    if (this.kernel === '6.12' && u > INT_MAX) throw new IpvsError('EINVAL', 'u_threshold > INT_MAX');
  }
}
