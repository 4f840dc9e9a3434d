/**
 * IPVS in one director: its virtual services, the connection table, the hooks on the
 * host's netfilter points (requests at LOCAL_IN, NAT replies at FORWARD), scheduling with
 * persistence, the TCP/UDP state tables and timeouts, statistics and the rate estimator.
 *
 * The paths mirror ip_vs_core.c (ip_vs_in_hook, ip_vs_out_hook, ip_vs_schedule,
 * ip_vs_sched_persist) as described in ipvs-datapath.md §3–§10.
 */
import type { Host } from '../host/host';
import type { Ipv4, Tcp } from '../net/packet';
import { ACK, RST, SYN } from '../net/packet';
import { ipStr, parseIp } from '../net/addr';
import { HZ, type KernelProfile } from './kernel';
import { Service, IP_VS_SVC_F_PERSISTENT, IP_VS_SVC_F_ONEPACKET, SCHED_FLAG_BITS, type ServiceSpec } from './service';
import { DestTrash, type Dest, type IpvsStats } from './dest';
import { schedContext } from './schedulers/index';
import type { PacketView } from './schedulers/scheduler';
import { Conn, IP_VS_CONN_F_INACTIVE, IP_VS_CONN_F_MASQ, IP_VS_CONN_F_NOOUTPUT, IP_VS_CONN_F_ONE_PACKET, IP_VS_CONN_F_TEMPLATE, fwdFlag, type ConnProto } from './conn';
import { ConnTable } from './conn-table';
import { DEFAULT_TCP_TIMEOUTS, DEFAULT_UDP_TIMEOUT, DIR_INPUT, DIR_INPUT_ONLY, DIR_OUTPUT, S, isActiveState, nextTcpState, tcpPacketClass } from './tcp-states';
import { Estimator, EST_PERIOD_US } from './estimator';
import { transmit } from './xmit';
import { inIcmp, natIcmpSend, outIcmp } from './icmp';
import { PmtuCache } from './pmtu';
import { count } from './stats';
import type { IpvsSync } from '../ha/sync/sync-daemon';
import type { ServiceSpec as ScenarioServiceSpec } from '../scenario/schema';

/** /proc/sys/net/ipv4/vs defaults (ipvs-datapath.md §8). */
const VS_SYSCTLS: Record<string, number> = {
  am_droprate: 10,
  amemthresh: 1024,
  backup_only: 0,
  cache_bypass: 0,
  conn_reuse_mode: 1,
  conntrack: 0,
  drop_entry: 0,
  drop_packet: 0,
  expire_nodest_conn: 0,
  expire_quiescent_template: 0,
  ignore_tunneled: 0,
  lblc_expiration: 86400,
  lblcr_expiration: 86400,
  nat_icmp_send: 0,
  pmtu_disc: 1,
  run_estimation: 1,
  schedule_icmp: 0,
  secure_tcp: 0,
  sloppy_sctp: 0,
  sloppy_tcp: 0,
  snat_reroute: 1,
  sync_persist_mode: 0,
  sync_ports: 1,
  sync_qlen_max: 7664,
  sync_refresh_period: 0,
  sync_retries: 0,
  sync_sock_size: 0,
  sync_version: 1,
};

/** Expiry of an entry that still controls others is postponed by this much (ip_vs_conn_expire). */
const CONTROL_POSTPONE_US = 60_000_000;
/** A brand-new entry's timeout before its first transition. */
const NEW_CONN_TIMEOUT_US = 3_000_000;

/** A sync daemon as `ipvsadm --start-daemon` configures it (ip_vs_sync.c; the traffic itself is the HA issue's). */
export interface SyncDaemonConf {
  state: 'master' | 'backup';
  mcastIfn: string;
  syncid: number;
  syncMaxlen?: number;
  mcastGroup?: number;
  mcastPort?: number;
  mcastTtl?: number;
}

export interface Timeouts {
  /** Seconds, indexed by TcpConnState. */
  tcp: number[];
  udp: number;
}

export class Ipvs {
  readonly services: Service[] = [];
  readonly conns = new ConnTable();
  readonly trash: DestTrash;
  readonly stats: IpvsStats = { conns: 0, inpkts: 0, outpkts: 0, inbytes: 0, outbytes: 0 };
  readonly timeouts: Timeouts = { tcp: [...DEFAULT_TCP_TIMEOUTS], udp: DEFAULT_UDP_TIMEOUT };
  /** Firewall marks as `iptables -t mangle ... -j MARK` would set them. */
  readonly markRules: { dst?: { addr: number; len: number }; proto?: 'tcp' | 'udp'; ports?: number[]; mark: number }[] = [];
  /** Running sync daemons, by state (at most one master and one backup). */
  readonly syncDaemons: { master?: SyncDaemonConf; backup?: SyncDaemonConf } = watchDaemons(() => this.syncChanged());
  /** The sync daemons themselves (src/core/ha/sync), made when first started: they follow `syncDaemons`. */
  sync: IpvsSync | undefined;
  private estimators = new Map<IpvsStats, Estimator>();
  readonly log: string[] = [];
  private readonly ctx;

  constructor(
    readonly host: Host,
    public kernel: KernelProfile,
  ) {
    for (const [k, v] of Object.entries(VS_SYSCTLS)) host.sysctl.register(`net.ipv4.vs.${k}`, v);
    this.ctx = schedContext({
      engine: host.world.engine,
      kernel,
      random32: () => host.world.random.get(`ipvs:${host.name}:twos`).nextU32(),
      sysctl: {},
    });
    // The schedulers read lblc/lblcr expiration through the context: keep it in step with the sysctls.
    Object.defineProperty(this.ctx.sysctl, 'lblcExpiration', { get: () => this.sysctl('lblc_expiration') });
    Object.defineProperty(this.ctx.sysctl, 'lblcrExpiration', { get: () => this.sysctl('lblcr_expiration') });
    this.trash = new DestTrash(this.ctx);
    host.hooks.add('localIn', -1, (p) => this.inHook(p));
    host.hooks.add('forward', 100, (p) => this.outHook(p));
    // ip_vs_out_hook at LOCAL_OUT (NAT_DST+1): replies of a local real server (§1).
    host.hooks.add('localOut', 1, (p) => this.outHook(p));
    this.estimators.set(this.stats, new Estimator(this.stats));
    const tick = () => {
      if (this.sysctl('run_estimation')) this.estimate();
      host.world.engine.after(EST_PERIOD_US, tick);
    };
    host.world.engine.after(EST_PERIOD_US, tick);
  }

  /** A net.ipv4.vs.* value; cached per sysctl version because the packet path reads several. */
  sysctl(name: string): number {
    const sc = this.host.sysctl;
    if (this.vsVersion !== sc.version) {
      this.vsVersion = sc.version;
      this.vsCache.clear();
    }
    let v = this.vsCache.get(name);
    if (v === undefined) {
      v = sc.get(`net.ipv4.vs.${name}`) ?? 0;
      this.vsCache.set(name, v);
    }
    return v;
  }
  private vsVersion = -1;
  private vsCache = new Map<string, number>();

  // ------------------------------------------------------------------ configuration

  findService(proto: 'tcp' | 'udp', vip: number, port: number): Service | undefined {
    return this.services.find((s) => s.fwmark === 0 && s.proto === proto && s.vip === vip && s.port === port);
  }

  findFwmarkService(mark: number): Service | undefined {
    return this.services.find((s) => s.fwmark === mark);
  }

  addService(spec: ServiceSpec): Service {
    const svc = new Service(spec, {
      kernel: this.kernel,
      ctx: this.ctx,
      trash: this.trash,
      onLog: (line) => this.kernelLog(line),
    });
    this.services.push(svc);
    this.estimators.set(svc.stats, new Estimator(svc.stats));
    this.host.ctl('ipvs', `service added: ${svcName(svc)}`);
    return svc;
  }

  delService(svc: Service): void {
    svc.destroy();
    this.services.splice(this.services.indexOf(svc), 1);
    this.estimators.delete(svc.stats);
    this.host.ctl('ipvs', `service deleted: ${svcName(svc)}`);
    // __ip_vs_del_service → __ip_vs_del_dest for each dest: the same queued flush as -d.
    this.enqueueExpireNodest();
  }

  /**
   * ipvsadm -d (ip_vs_del_dest → __ip_vs_del_dest): the dest goes to the trash, and with
   * expire_nodest_conn=1 the flush of its entries is queued (ip_vs_enqueue_expire_nodest_conns,
   * delayed work of 1 jiffy). Use this rather than Service.delDest so the flush happens.
   */
  delDest(svc: Service, addr: number, port: number): Dest {
    const d = svc.delDest(addr, port);
    this.enqueueExpireNodest();
    return d;
  }

  private nodestFlushQueued = false;

  private enqueueExpireNodest(): void {
    if (this.sysctl('expire_nodest_conn') === 0 || this.nodestFlushQueued) return;
    this.nodestFlushQueued = true;
    this.host.world.engine.after(1_000_000 / HZ, () => {
      this.nodestFlushQueued = false;
      this.expireNodestFlush();
    });
  }

  /**
   * ip_vs_expire_nodest_conn_flush (§7): every entry whose dest is no longer AVAILABLE is
   * deleted, templates included; an entry still controlling others is skipped, but its
   * template goes as soon as its last controlled entry is deleted.
   */
  private expireNodestFlush(): void {
    for (const cp of [...this.conns.all]) {
      const dest = cp.dest;
      if (cp.dead || !dest || dest.available || cp.nControl > 0) continue;
      const ct = cp.control;
      this.expire(cp, true);
      if (ct && ct.nControl === 0) this.expire(ct, true);
    }
  }

  /** ipvsadm -Z: counters keep running; the shown values restart from zero. */
  zero(svc?: Service): void {
    const targets = svc ? [svc] : this.services;
    for (const s of targets) {
      for (const st of [s.stats, ...s.dests.map((d) => d.stats)]) {
        for (const k of Object.keys(st) as (keyof IpvsStats)[]) st[k] = 0;
        this.estimators.get(st)?.zero();
      }
    }
    if (!svc) {
      for (const k of Object.keys(this.stats) as (keyof IpvsStats)[]) this.stats[k] = 0;
      this.estimators.get(this.stats)?.zero();
    }
  }

  rates(stats: IpvsStats): { cps: number; inpps: number; outpps: number; inbps: number; outbps: number } {
    let e = this.estimators.get(stats);
    if (!e) {
      e = new Estimator(stats);
      this.estimators.set(stats, e);
    }
    return e.rates();
  }

  private estimate(): void {
    const live = new Set<IpvsStats>([this.stats]);
    for (const s of this.services) {
      live.add(s.stats);
      for (const d of s.dests) live.add(d.stats);
    }
    for (const st of live) {
      let e = this.estimators.get(st);
      if (!e) {
        e = new Estimator(st);
        this.estimators.set(st, e);
      }
      e.tick();
    }
  }

  private kernelLog(line: string): void {
    this.log.push(line);
    if (this.log.length > 200) this.log.shift();
    this.host.ctl('ipvs.log', line);
  }

  private syncChanged(): void {
    if (!this.sync) {
      if (!makeSync) throw new Error('the IPVS sync daemons are not loaded (src/core/ha/sync/sync-daemon.ts)');
      this.sync = makeSync(this);
    }
    this.sync.daemonsChanged();
  }

  /** Power cut: the connection table lives in kernel memory and is gone. */
  powerLost(): void {
    for (const c of [...this.conns.all]) this.expire(c, true);
    this.conns.clear();
  }

  // ------------------------------------------------------------------ request path

  /** ip_vs_in_hook at LOCAL_IN. Returns the packet to continue with, or null when IPVS took it. */
  private inHook(pkt: Ipv4): Ipv4 | null {
    if (this.services.length === 0) return pkt;
    const l4 = pkt.l4;
    if (l4.kind === 'icmp') return inIcmp(this, pkt);
    if (l4.kind !== 'tcp' && l4.kind !== 'udp') return pkt;
    const proto = l4.kind;
    const isSyn = proto === 'tcp' && ((l4 as Tcp).flags & (SYN | RST)) === SYN;
    let cp = this.conns.lookupIn(proto, pkt.src, l4.sport, pkt.dst, l4.dport);

    // is_new_conn() looks at the SYN bit only (an RST+SYN counts); scheduling then needs SYN without RST.
    if (cp && proto === 'tcp' && (l4 as Tcp).flags & SYN && this.shouldReschedule(cp)) {
      this.host.ctl('ipvs', `new SYN from ${ipStr(pkt.src)}:${l4.sport} reuses an old entry in ${stateName(cp)}: rescheduled`);
      this.expireSoon(cp);
      cp = undefined;
    }
    if (cp && cp.dest && !cp.dest.available) {
      if (this.sysctl('expire_nodest_conn') === 0) {
        this.host.drop('ipvs-dest-deleted', `IPVS: the real server ${ipStr(cp.daddr)}:${cp.dport} of this connection was deleted (expire_nodest_conn=0): dropped`, { ip: pkt });
        return null;
      }
      this.expire(cp, true);
      cp = undefined;
    }
    if (!cp) {
      const sloppy = proto === 'tcp' && this.sysctl('sloppy_tcp') === 1 && ((l4 as Tcp).flags & RST) === 0;
      if (proto === 'tcp' && !isSyn && !sloppy) return pkt;
      const svc = this.lookupService(pkt, proto, l4.dport);
      if (!svc) return pkt;
      const r = this.schedule(svc, pkt, proto, l4.sport, l4.dport);
      if (r === 'leave') {
        this.host.drop('ipvs-no-dest', `IPVS: no destination available for ${svcName(svc)}: ICMP port unreachable to ${ipStr(pkt.src)}`, { ip: pkt });
        this.host.icmpError(pkt, 3, 3);
        return null;
      }
      cp = r;
    }

    const dest = cp.dest;
    if (dest && dest.available) {
      count(dest.stats, pkt.len, true);
      count(cp.svc.stats, pkt.len, true);
      count(this.stats, pkt.len, true);
    }
    this.transition(cp, pkt, DIR_INPUT);
    cp.inPkts++;
    // ip_vs_in_hook → ip_vs_sync_conn: the master sync daemon looks at every client→RS packet.
    if (this.sync?.master) this.sync.connPacket(cp);
    const local = transmit(this, cp, pkt);
    if (cp.flags & IP_VS_CONN_F_ONE_PACKET) this.expire(cp, true);
    else this.touch(cp);
    return local;
  }

  /** Path MTUs learned towards real servers (see icmp.ts). */
  readonly pmtu = new PmtuCache();

  /** dst_mtu of the route to `addr`: the device MTU, lowered by a learned PMTU. */
  routeMtu(addr: number, devMtu: number): number {
    return this.pmtu.mtu(addr, devMtu, this.host.world.now);
  }

  private lookupService(pkt: Ipv4, proto: 'tcp' | 'udp', dport: number): Service | undefined {
    const mark = this.fwmarkOf(pkt, proto, dport);
    if (mark) {
      const s = this.findFwmarkService(mark);
      if (s) return s;
    }
    return this.findService(proto, pkt.dst, dport) ?? this.findService(proto, pkt.dst, 0);
  }

  private fwmarkOf(pkt: Ipv4, proto: 'tcp' | 'udp', dport: number): number {
    for (const r of this.markRules) {
      if (r.proto && r.proto !== proto) continue;
      if (r.dst && (pkt.dst & maskOf(r.dst.len)) >>> 0 !== (r.dst.addr & maskOf(r.dst.len)) >>> 0) continue;
      if (r.ports && !r.ports.includes(dport)) continue;
      return r.mark;
    }
    return 0;
  }

  /** §3: a new SYN on an existing entry. */
  private shouldReschedule(cp: Conn): boolean {
    if (this.sysctl('expire_nodest_conn') === 1 && cp.dest && cp.dest.weight === 0) return true;
    const mode = this.sysctl('conn_reuse_mode');
    if (mode === 0 || cp.control) return false;
    if (cp.proto !== 'tcp') return false;
    if (cp.state === S.TIME_WAIT || cp.state === S.CLOSE) return true;
    return (mode & 2) !== 0 && cp.state === S.FIN_WAIT && (cp.flags & IP_VS_CONN_F_NOOUTPUT) !== 0;
  }

  /** ip_vs_schedule / ip_vs_sched_persist. */
  private schedule(svc: Service, pkt: Ipv4, proto: 'tcp' | 'udp', sport: number, dport: number): Conn | 'leave' {
    const view: PacketView = { saddr: pkt.src, sport, daddr: pkt.dst, dport, proto };
    const onePacket = proto === 'udp' && (svc.flags & IP_VS_SVC_F_ONEPACKET) !== 0;
    let template: Conn | null = null;
    let dest;
    if (svc.flags & IP_VS_SVC_F_PERSISTENT) {
      const caddr = (pkt.src & svc.netmask) >>> 0;
      const tproto: ConnProto = svc.fwmark ? 'ip' : proto;
      const tvaddr = svc.fwmark ? svc.fwmark : pkt.dst;
      // ip_vs_sched_persist: vport only when the packet came to the service port and that
      // port is not FTP's (21): FTP, port-zero and fwmark templates have vport 0 and dport 0.
      const tvport = dport === svc.port && svc.port !== 21 && !svc.fwmark ? dport : 0;
      let ct = this.conns.lookupTemplate(tproto, caddr, tvaddr, tvport);
      if (ct && (!ct.dest || !ct.dest.available || (this.sysctl('expire_quiescent_template') === 1 && ct.dest.weight === 0))) {
        // An unusable template is invalidated: never found again, left to its own timer.
        this.conns.unhash(ct);
        ct.vport = 0xffff;
        ct.dport = 0xffff;
        ct = undefined;
      }
      if (!ct) {
        const d = svc.schedule(view);
        if (!d) return 'leave';
        ct = new Conn(tproto, caddr, 0, tvaddr, tvport, d.addr, tvport === 0 ? 0 : d.port, IP_VS_CONN_F_TEMPLATE | fwdFlag(d.fwd) | IP_VS_CONN_F_INACTIVE, d, svc, svc.fwmark);
        d.bindTemplate();
        d.refcnt++;
        ct.timeout = svc.timeout * 1_000_000;
        this.conns.insert(ct, false);
        this.touch(ct);
      }
      template = ct;
      dest = ct.dest!;
    } else {
      if (svc.port === 0 && svc.fwmark === 0) {
        this.kernelLog('IPVS: Schedule: port zero only supported in persistent services, check your ipvs configuration');
        return 'leave';
      }
      dest = svc.schedule(view);
      if (!dest) return 'leave';
    }
    // Persistent: the RS port only if the packet came to the service port (§6); otherwise the
    // RS port if set, else the packet's own port (fwmark and port-zero services).
    const realPort = template ? (dport === svc.port && dest.port !== 0 ? dest.port : dport) : dest.port !== 0 ? dest.port : dport;
    const flags = fwdFlag(dest.fwd) | IP_VS_CONN_F_INACTIVE | (dest.fwd !== 'masq' ? IP_VS_CONN_F_NOOUTPUT : 0) | (onePacket ? IP_VS_CONN_F_ONE_PACKET : 0);
    const cp = new Conn(proto, pkt.src, sport, pkt.dst, dport, dest.addr, realPort, flags, dest, svc, svc.fwmark);
    cp.timeout = NEW_CONN_TIMEOUT_US;
    dest.bindConn(false);
    dest.refcnt++;
    if (template) {
      cp.control = template;
      template.nControl++;
      // Each new connection "touches" the template: its timer restarts to its timeout.
      this.touch(template);
    }
    dest.stats.conns++;
    svc.stats.conns++;
    this.stats.conns++;
    if (!onePacket) this.conns.insert(cp, dest.fwd === 'masq');
    else this.conns.all.add(cp);
    const tr = this.host.world.trace;
    if (tr.active) {
      this.host.ctl('ipvs.schedule', `${svc.schedName}: ${ipStr(pkt.src)}:${sport} → ${ipStr(dest.addr)}:${dest.port}${template ? ' (persistence template)' : ''}`, {
        svc: svcName(svc),
        client: `${ipStr(pkt.src)}:${sport}`,
        dest: `${ipStr(dest.addr)}:${dest.port}`,
        persistent: template !== null,
      });
    }
    return cp;
  }

  // ------------------------------------------------------------------ reply path

  /** ip_vs_out_hook at FORWARD: replies of real servers. NAT entries get their source rewritten. */
  private outHook(pkt: Ipv4): Ipv4 | null {
    if (this.services.length === 0) return pkt;
    const l4 = pkt.l4;
    if (l4.kind === 'icmp') return outIcmp(this, pkt);
    if (l4.kind !== 'tcp' && l4.kind !== 'udp') return pkt;
    const cp = this.conns.lookupOut(l4.kind, pkt.dst, l4.dport, pkt.src, l4.sport);
    if (!cp) return natIcmpSend(this, pkt, l4);
    const dest = cp.dest;
    if (dest && dest.available) {
      count(dest.stats, pkt.len, false);
      count(cp.svc.stats, pkt.len, false);
      count(this.stats, pkt.len, false);
    }
    this.transition(cp, pkt, DIR_OUTPUT);
    this.touch(cp);
    if (cp.fwd !== IP_VS_CONN_F_MASQ) return pkt;
    const out: Ipv4 = { ...pkt, src: cp.vaddr, l4: { ...l4, sport: cp.vport } };
    const tr = this.host.world.trace;
    if (tr.active) {
      tr.emit({ type: 'ip.forward', t: this.host.world.now, node: this.host.name, before: pkt, after: out, why: `IPVS NAT reply: source ${ipStr(pkt.src)}:${l4.sport} rewritten to the VIP ${ipStr(cp.vaddr)}:${cp.vport}` });
    }
    return out;
  }

  // ------------------------------------------------------------------ states and timers

  /** set_tcp_state / udp_state_transition, with the ActiveConn/InActConn bookkeeping of §5.1. */
  private transition(cp: Conn, pkt: Ipv4, dir0: number): void {
    const l4 = pkt.l4;
    if (l4.kind === 'udp') {
      cp.state = 0;
      cp.timeout = this.timeouts.udp * 1_000_000;
      if (dir0 === DIR_OUTPUT && cp.control) cp.control.assured = true;
      return;
    }
    if (l4.kind !== 'tcp') return;
    let dir = dir0;
    if (cp.flags & IP_VS_CONN_F_NOOUTPUT) {
      if (dir === DIR_OUTPUT) cp.flags &= ~IP_VS_CONN_F_NOOUTPUT;
      else dir = DIR_INPUT_ONLY;
    }
    const cls = tcpPacketClass(l4.flags);
    const secure = this.sysctl('secure_tcp') === 3;
    const next = cls < 0 ? S.CLOSE : nextTcpState(secure, dir, cls, cp.state);
    if (next !== cp.state) {
      const dest = cp.dest;
      if (dest && !cp.isTemplate) {
        const wasActive = (cp.flags & IP_VS_CONN_F_INACTIVE) === 0;
        const nowActive = isActiveState(next);
        if (!wasActive && nowActive) {
          dest.connActivated();
          cp.flags &= ~IP_VS_CONN_F_INACTIVE;
        } else if (wasActive && !nowActive) {
          dest.connDeactivated();
          cp.flags |= IP_VS_CONN_F_INACTIVE;
        }
      }
      cp.oldState = cp.state;
      cp.state = next;
      if (next === S.ESTABLISHED && cp.control) cp.control.assured = true;
    }
    // The timeout is re-read on every packet, so `ipvsadm --set` reaches live entries.
    cp.timeout = (this.timeouts.tcp[next] ?? 60) * 1_000_000;
    void ACK;
  }

  /** Restart the entry's idle timer (lazily: see ConnTable). */
  touch(cp: Conn): void {
    const now = this.host.world.now;
    cp.expires = now + cp.timeout;
    if (!cp.timer || cp.timer.at > cp.expires) {
      cp.timer?.cancel();
      cp.timer = this.host.world.engine.atWith(cp.expires, this.onTimerFn, cp);
    }
  }

  /** One function for every entry's timer (no closure per connection). */
  private readonly onTimerFn = (cp: Conn) => this.onTimer(cp);

  private onTimer(cp: Conn): void {
    cp.timer = undefined;
    if (cp.dead) return;
    const now = this.host.world.now;
    if (now < cp.expires) {
      cp.timer = this.host.world.engine.atWith(cp.expires, this.onTimerFn, cp);
      return;
    }
    if (cp.nControl > 0) {
      // ip_vs_conn_expire: still controlling connections — postpone by 60 s, and keep 60 s.
      cp.timeout = CONTROL_POSTPONE_US;
      this.touch(cp);
      return;
    }
    this.expire(cp, false);
  }

  /** The entry's timer fires now (ip_vs_conn_expire_now): it is still counted until then. */
  private expireSoon(cp: Conn): void {
    this.conns.unhash(cp);
    cp.expires = this.host.world.now;
    cp.timer?.cancel();
    cp.timer = this.host.world.engine.afterWith(0, this.onTimerFn, cp);
  }

  /** Unlink and unbind (ip_vs_conn_expire → ip_vs_unbind_dest / ip_vs_control_del). */
  expire(cp: Conn, force: boolean): void {
    if (cp.dead) return;
    if (cp.nControl > 0 && !force) return;
    cp.dead = true;
    cp.timer?.cancel();
    cp.timer = undefined;
    this.conns.remove(cp);
    const dest = cp.dest;
    if (dest) {
      if (cp.isTemplate) dest.unbindTemplate();
      else dest.unbindConn((cp.flags & IP_VS_CONN_F_INACTIVE) === 0);
      dest.refcnt--;
    }
    if (cp.control) {
      cp.control.nControl--;
      cp.control = null;
    }
  }

  /** Remaining time as `ipvsadm -Lc` shows it (Expires), in microseconds. */
  remaining(cp: Conn): number {
    return Math.max(0, cp.expires - this.host.world.now);
  }
}

/**
 * Makes a director's sync daemons. src/core/ha/sync/sync-daemon.ts registers it when
 * loaded, and whatever starts daemons (ipvsadm --start-daemon, keepalived) imports it: a
 * lab that never syncs (the page's first screen) does not load that code.
 */
let makeSync: ((ipvs: Ipvs) => IpvsSync) | undefined;

export function useIpvsSync(make: (ipvs: Ipvs) => IpvsSync): void {
  makeSync = make;
}

/** `syncDaemons` as an object whose changes (ipvsadm --start-daemon/--stop-daemon, keepalived) start or stop the daemons. */
function watchDaemons(changed: () => void): { master?: SyncDaemonConf; backup?: SyncDaemonConf } {
  return new Proxy({} as { master?: SyncDaemonConf; backup?: SyncDaemonConf }, {
    set(target, key, value) {
      Reflect.set(target, key, value);
      changed();
      return true;
    },
    deleteProperty(target, key) {
      Reflect.deleteProperty(target, key);
      changed();
      return true;
    },
  });
}


function maskOf(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

export function svcName(s: Service): string {
  return s.fwmark ? `FWM ${s.fwmark}` : `${s.proto.toUpperCase()} ${ipStr(s.vip)}:${s.port}`;
}

export function stateName(cp: Conn): string {
  if (cp.isTemplate) return cp.assured ? 'ASSURED' : 'NONE';
  if (cp.proto === 'udp') return 'UDP';
  return ['NONE', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'SYNACK'][cp.state] ?? 'NONE';
}

/** Build a director's IPVS from the scenario's service list. */
export function attachIpvs(host: Host, spec: { services: ScenarioServiceSpec[] }, kernel: KernelProfile): Ipvs {
  const ipvs = new Ipvs(host, kernel);
  for (const s of spec.services) {
    let flags = 0;
    for (const f of s.flags) flags |= SCHED_FLAG_BITS[f] ?? 0;
    if (s.persistent !== undefined) flags |= IP_VS_SVC_F_PERSISTENT;
    if (s.ops) flags |= IP_VS_SVC_F_ONEPACKET;
    const svc = ipvs.addService({
      proto: s.proto,
      ...(s.fwmark !== undefined ? { fwmark: s.fwmark } : { vip: parseIp(s.vip!)!, port: s.port! }),
      sched: s.sched,
      flags,
      timeout: s.persistent ?? 0,
      netmask: s.netmask !== undefined ? parseIp(s.netmask)! : 0xffffffff,
    });
    for (const d of s.dests) {
      svc.addDest({
        addr: parseIp(d.ip)!,
        port: d.port ?? (svc.port || 0),
        weight: d.weight,
        fwd: d.fwd,
        uThreshold: d.upper ?? 0,
        lThreshold: d.lower ?? 0,
      });
    }
  }
  return ipvs;
}

export { IP_VS_CONN_F_TEMPLATE };
