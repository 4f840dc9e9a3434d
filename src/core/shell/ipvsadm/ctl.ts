/**
 * The kernel's side of ipvsadm: the generic-netlink IPVS commands of ip_vs_ctl.c and
 * ip_vs_sync.c (Linux 6.12), with their checks in the kernel's order and errno results,
 * applied to the lab's Ipvs.
 *
 * The simulated data path carries IPv4 TCP/UDP (and IPv4 fwmark) services. The kernel also
 * accepts IPv6 and SCTP services and, for tunnels, real servers of the other address
 * family; those are kept here as configuration only ("foreign": listed, saved, edited,
 * never hit by a packet), per Ipvs, so that ipvsadm answers as it would.
 */
import type { Dest } from '../../ipvs/dest';
import { fwdOfFlags } from '../../ipvs/conn';
import type { Ipvs } from '../../ipvs/ipvs';
import { isSchedulerName } from '../../ipvs/schedulers/index';
import { IpvsError, type Service } from '../../ipvs/service';
import { coreEntry, foreignEntry, stats64, svcHash } from './dump';
import {
  IP_VS_CONN_F_TUNNEL,
  IP_VS_CONN_F_TUNNEL_TYPE_GUE,
  type DaemonEntry,
  type DaemonUser,
  type DestUser,
  type ServiceEntry,
  type Stats64,
  type SvcUser,
  type TimeoutUser,
} from './entry';
import { EAFNOSUPPORT, EEXIST, EINVAL, ENOENT, ERANGE, ESRCH } from './errors';
import { ext, type Ext, type ForeignDest, type ForeignSvc } from './foreign';
import { AF_INET, AF_INET6, IPPROTO_TCP, IPPROTO_UDP, addrEqual, v4, type Af, type InetAddr } from './netdb';
import { getDaemons, getTimeouts, setTimeouts, startDaemon, stopDaemon, syncRunning } from './sync';

/** Conn table buckets (IP_VS_CONN_TAB_SIZE), the "size" ipvsadm prints. */
export const CONN_TAB_SIZE = 4096;
/** IP_VS_VERSION_CODE 1.2.1. */
export const IPVS_VERSION = 0x010201;

type Found = { kind: 'core'; svc: Service } | { kind: 'foreign'; svc: ForeignSvc };

/** The kernel's dest lookup key: address and port. */
const sameDest = (d: DestUser) => (x: ForeignDest) => x.port === d.port && addrEqual(x.addr, d.addr);

/** The kernel's scheduler modules (6.1 predates ip_vs_twos). */
function schedulerExists(ipvs: Ipvs, name: string): boolean {
  if (name === 'none') return true;
  if (name === 'twos' && ipvs.kernel === '6.1') return false;
  return isSchedulerName(name);
}

const PE_NAMES = ['sip'];

/** inet_addr_type / ipv6_addr_type as ip_vs_new_dest tests them: unicast (or local) only. */
function destAddrOk(a: InetAddr): boolean {
  if (a.af === AF_INET) {
    const ip = a.w[0];
    if (ip >>> 24 === 0 || ip === 0xffffffff) return false; // zeronet, limited broadcast
    if (ip >>> 28 === 0xe) return false; // multicast
    return true;
  }
  const [w0, w1, w2, w3] = a.w;
  if (w0 >>> 24 === 0xff) return false; // multicast
  if (w0 >>> 22 === 0x3fa) return false; // fe80::/10 link-local
  if (w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0) return false; // ::
  if (w0 === 0 && w1 === 0 && w2 === 0xffff) return false; // v4-mapped
  return true; // ::1 is local; the rest is unicast
}

/** The IPVS control plane of one Ipvs, as ipvsadm's libipvs reaches it over netlink. */
export class IpvsCtl {
  private readonly x: Ext;

  constructor(readonly ipvs: Ipvs) {
    this.x = ext(ipvs);
  }

  // ---------------------------------------------------------------- lookups

  /** True if the data path can carry this service. */
  private isCore(s: SvcUser): boolean {
    return s.af === AF_INET && (s.fwmark !== 0 || s.protocol === IPPROTO_TCP || s.protocol === IPPROTO_UDP);
  }

  /** __ip_vs_service_find / __ip_vs_svc_fwm_find. */
  private find(s: SvcUser): Found | undefined {
    if (this.isCore(s)) {
      const svc = s.fwmark ? this.ipvs.findFwmarkService(s.fwmark) : this.ipvs.findService(s.protocol === IPPROTO_TCP ? 'tcp' : 'udp', s.addr.w[0], s.port);
      return svc ? { kind: 'core', svc } : undefined;
    }
    const f = this.x.foreign.find((v) =>
      s.fwmark ? v.fwmark === s.fwmark && v.af === s.af : v.fwmark === 0 && v.af === s.af && v.protocol === s.protocol && v.port === s.port && addrEqual(v.addr, s.addr),
    );
    return f ? { kind: 'foreign', svc: f } : undefined;
  }

  /** ip_vs_genl_parse_service's checks on the identifying attributes. */
  private checkSvcAttrs(s: SvcUser): number {
    if (s.af !== AF_INET && s.af !== AF_INET6) return EAFNOSUPPORT;
    return 0;
  }

  private nextSeq(): number {
    return ++this.x.seq;
  }

  // ---------------------------------------------------------------- services

  /** IPVS_CMD_NEW_SERVICE → ip_vs_add_service. */
  addService(s: SvcUser): number {
    const e = this.checkSvcAttrs(s);
    if (e) return e;
    if (this.find(s)) return EEXIST;
    if (!schedulerExists(this.ipvs, s.schedName)) return ENOENT;
    if (s.peName && !PE_NAMES.includes(s.peName)) return ENOENT;
    if (s.af === AF_INET6 && (s.netmask < 1 || s.netmask > 128)) return EINVAL;
    const flags = s.flags & ~0x2;
    if (this.isCore(s)) {
      const svc = this.apply(() =>
        this.ipvs.addService({
          proto: s.fwmark ? 'tcp' : s.protocol === IPPROTO_TCP ? 'tcp' : 'udp',
          ...(s.fwmark ? { fwmark: s.fwmark } : { vip: s.addr.w[0], port: s.port }),
          sched: s.schedName,
          flags,
          timeout: s.timeout,
          netmask: s.netmask >>> 0,
          pe: s.peName,
        }),
      );
      if (typeof svc === 'number') return svc;
      this.x.svcSeq.set(svc, this.nextSeq());
      return 0;
    }
    this.x.foreign.push({
      af: s.af as Af,
      protocol: s.fwmark ? IPPROTO_TCP : s.protocol,
      addr: s.fwmark ? v4(0) : s.af === AF_INET ? v4(s.addr.w[0]) : s.addr,
      port: s.fwmark ? 0 : s.port,
      fwmark: s.fwmark,
      schedName: s.schedName,
      flags,
      timeout: s.timeout,
      netmask: s.netmask,
      peName: s.peName,
      dests: [],
      seq: this.nextSeq(),
    });
    return 0;
  }

  /** IPVS_CMD_SET_SERVICE → ip_vs_edit_service. */
  editService(s: SvcUser): number {
    const e = this.checkSvcAttrs(s);
    if (e) return e;
    const f = this.find(s);
    if (!f) return ESRCH;
    if (!schedulerExists(this.ipvs, s.schedName)) return ENOENT;
    if (s.peName && !PE_NAMES.includes(s.peName)) return ENOENT;
    if (s.af === AF_INET6 && (s.netmask < 1 || s.netmask > 128)) return EINVAL;
    const flags = s.flags & ~0x2;
    if (f.kind === 'core') {
      const r = this.apply(() => f.svc.edit({ sched: s.schedName, flags, timeout: s.timeout, netmask: s.netmask >>> 0, pe: s.peName }));
      return typeof r === 'number' ? r : 0;
    }
    Object.assign(f.svc, { schedName: s.schedName, flags, timeout: s.timeout, netmask: s.netmask, peName: s.peName });
    return 0;
  }

  /** IPVS_CMD_DEL_SERVICE. */
  delService(s: SvcUser): number {
    const e = this.checkSvcAttrs(s);
    if (e) return e;
    const f = this.find(s);
    if (!f) return ESRCH;
    if (f.kind === 'core') this.ipvs.delService(f.svc);
    else this.x.foreign.splice(this.x.foreign.indexOf(f.svc), 1);
    return 0;
  }

  /** IPVS_CMD_FLUSH → ip_vs_flush. */
  flush(): number {
    for (const svc of [...this.ipvs.services]) this.ipvs.delService(svc);
    this.x.foreign.length = 0;
    return 0;
  }

  /** IPVS_CMD_ZERO: one service, or (no service given) everything. */
  zero(s: SvcUser | null): number {
    if (s === null) {
      this.ipvs.zero();
      return 0;
    }
    const e = this.checkSvcAttrs(s);
    if (e) return e;
    const f = this.find(s);
    if (!f) return ESRCH;
    if (f.kind === 'core') this.ipvs.zero(f.svc);
    return 0;
  }

  // ---------------------------------------------------------------- dests

  /** The checks ip_vs_genl_set_cmd and ip_vs_add/edit_dest make before the lookup. */
  private destPrecheck(f: Found, d: DestUser, full: boolean): number {
    const svcAf: Af = f.kind === 'core' ? AF_INET : f.svc.af;
    const af = d.af || svcAf;
    if (af !== AF_INET && af !== AF_INET6) return EAFNOSUPPORT;
    if (af !== svcAf && full) {
      if (syncRunning(this.ipvs)) return EINVAL;
      if ((d.connFlags & 7) !== IP_VS_CONN_F_TUNNEL) return EINVAL;
    }
    if (!full) return 0;
    if (d.weight < 0) return ERANGE;
    if (d.lThreshold > d.uThreshold) return ERANGE;
    if (d.tunType === IP_VS_CONN_F_TUNNEL_TYPE_GUE && d.tunPort === 0) return EINVAL;
    return 0;
  }

  private coreDest(svc: Service, d: DestUser): Dest | undefined {
    return d.af === AF_INET ? svc.findDest(d.addr.w[0], d.port) : undefined;
  }

  private foreignDests(f: Found): ForeignDest[] {
    if (f.kind === 'foreign') return f.svc.dests;
    let l = this.x.mixed.get(f.svc);
    if (!l) {
      l = [];
      this.x.mixed.set(f.svc, l);
    }
    return l;
  }

  /** Whether the dest lives in the lab's Service (same family, IPv4) or beside it. */
  private destIsCore(f: Found, d: DestUser): f is { kind: 'core'; svc: Service } {
    return f.kind === 'core' && d.af === AF_INET;
  }

  /** The checks before every dest command: the service's attributes, that it exists, the dest's (destPrecheck). */
  private destService(s: SvcUser, d: DestUser, full: boolean): Found | number {
    const e = this.checkSvcAttrs(s);
    if (e) return e;
    const f = this.find(s);
    if (!f) return ESRCH;
    return this.destPrecheck(f, d, full) || f;
  }

  /** IPVS_CMD_NEW_DEST → ip_vs_add_dest / ip_vs_new_dest. */
  addDest(s: SvcUser, d: DestUser): number {
    const f = this.destService(s, d, true);
    if (typeof f === 'number') return f;
    if (this.destIsCore(f, d)) {
      if (this.coreDest(f.svc, d)) return EEXIST;
      if (!destAddrOk(d.addr)) return EINVAL;
      const r = this.apply(() => f.svc.addDest(this.destSpec(d)));
      if (typeof r === 'number') return r;
      this.x.destSeq.set(r, this.nextSeq());
      return 0;
    }
    const list = this.foreignDests(f);
    if (list.some(sameDest(d))) return EEXIST;
    if (!destAddrOk(d.addr)) return EINVAL;
    list.unshift({ ...this.foreignFields(d), seq: this.nextSeq() });
    return 0;
  }

  /** IPVS_CMD_SET_DEST → ip_vs_edit_dest. */
  editDest(s: SvcUser, d: DestUser): number {
    const f = this.destService(s, d, true);
    if (typeof f === 'number') return f;
    if (this.destIsCore(f, d)) {
      if (!this.coreDest(f.svc, d)) return ENOENT;
      const r = this.apply(() => f.svc.editDest(this.destSpec(d)));
      return typeof r === 'number' ? r : 0;
    }
    const x = this.foreignDests(f).find(sameDest(d));
    if (!x) return ENOENT;
    Object.assign(x, this.foreignFields(d));
    return 0;
  }

  /** IPVS_CMD_DEL_DEST → ip_vs_del_dest. */
  delDest(s: SvcUser, d: DestUser): number {
    const f = this.destService(s, d, false);
    if (typeof f === 'number') return f;
    if (this.destIsCore(f, d)) {
      if (!this.coreDest(f.svc, d)) return ENOENT;
      f.svc.delDest(d.addr.w[0], d.port);
      return 0;
    }
    const list = this.foreignDests(f);
    const i = list.findIndex(sameDest(d));
    if (i < 0) return ENOENT;
    list.splice(i, 1);
    return 0;
  }

  private destSpec(d: DestUser) {
    return {
      addr: d.addr.w[0],
      port: d.port,
      weight: d.weight,
      fwd: fwdOfFlags(d.connFlags),
      uThreshold: d.uThreshold,
      lThreshold: d.lThreshold,
      tunType: d.tunType,
      tunPort: d.tunPort,
      tunFlags: d.tunFlags,
    };
  }

  private foreignFields(d: DestUser): Omit<ForeignDest, 'seq'> {
    return {
      af: d.af as Af,
      addr: d.af === AF_INET ? v4(d.addr.w[0]) : d.addr,
      port: d.port,
      connFlags: d.connFlags & 7,
      weight: d.weight,
      uThreshold: d.uThreshold,
      lThreshold: d.lThreshold,
      tunType: d.tunType,
      tunPort: d.tunPort,
      tunFlags: d.tunFlags,
    };
  }

  /** Run a core operation, turning its IpvsError into the errno. */
  private apply<T>(fn: () => T): T | number {
    try {
      return fn();
    } catch (err) {
      if (err instanceof IpvsError) return { EEXIST, ENOENT, ERANGE, EINVAL }[err.errno];
      throw err;
    }
  }

  // ---------------------------------------------------------------- timeouts and daemons

  setConfig(t: TimeoutUser): number {
    return setTimeouts(this.ipvs, t);
  }

  getConfig(): TimeoutUser {
    return getTimeouts(this.ipvs);
  }

  startDaemon(d: DaemonUser, ifaceMtu: (name: string) => number | undefined): number {
    return startDaemon(this.ipvs, this.x, d, ifaceMtu);
  }

  stopDaemon(d: DaemonUser): number {
    return stopDaemon(this.ipvs, d);
  }

  getDaemons(): DaemonEntry[] {
    return getDaemons(this.ipvs, this.x);
  }

  // ---------------------------------------------------------------- dumps

  /** IPVS_CMD_GET_SERVICE for one service. */
  getService(s: SvcUser): ServiceEntry | number {
    const e = this.checkSvcAttrs(s);
    if (e) return e;
    const f = this.find(s);
    if (!f) return ESRCH;
    return f.kind === 'core' ? coreEntry(this.ipvs, this.x, f.svc) : foreignEntry(f.svc);
  }

  /**
   * IPVS_CMD_GET_SERVICE dump: the order of the kernel's two hash tables (services by
   * protocol/address/port, then fwmark services), newest first within a bucket.
   */
  getServices(): ServiceEntry[] {
    const all: { e: ServiceEntry; born: number }[] = [];
    const n = this.ipvs.services.length;
    this.ipvs.services.forEach((svc, i) => all.push({ e: coreEntry(this.ipvs, this.x, svc), born: this.x.svcSeq.get(svc) ?? i - n }));
    for (const f of this.x.foreign) all.push({ e: foreignEntry(f), born: f.seq });
    const key = (e: ServiceEntry) => (e.fwmark ? 256 + (e.fwmark & 0xff) : svcHash(e));
    all.sort((a, b) => key(a.e) - key(b.e) || b.born - a.born);
    return all.map((x) => x.e);
  }

  /** The totals of /proc/net/ip_vs_stats. */
  totals(): Stats64 {
    return stats64(this.ipvs, this.ipvs.stats, false);
  }
}
