/**
 * A real server as the kernel models it (include/net/ip_vs.h: struct ip_vs_dest).
 *
 * Counters follow ipvs-datapath.md §5.1 for the chosen kernel: 6.12 keeps activeconns and
 * totalconns and derives InActConn; 6.1 keeps activeconns and inactconns. The counter a
 * kernel lacks stays 0. The OVERLOAD flag follows §5.2, whose evaluation points differ
 * between the two kernels. The datapath calls the bind/unbind helpers; schedulers only read.
 */
import { connOverhead, HZ, type KernelProfile } from './kernel';

export type FwdMethod = 'masq' | 'local' | 'tunnel' | 'route' | 'bypass';
export type Proto = 'tcp' | 'udp';

/** struct ip_vs_kstats as plain numbers: per dest, per service. */
export interface IpvsStats {
  conns: number;
  inpkts: number;
  outpkts: number;
  inbytes: number;
  outbytes: number;
}

/** What `ipvsadm -a/-e` sends (struct ip_vs_dest_user_kern). */
export interface DestSpec {
  addr: number;
  port: number;
  /** Default 1, as ipvsadm sends when -w is omitted. */
  weight?: number;
  /** Default 'route' (DR), as ipvsadm sends when -g/-i/-m is omitted. */
  fwd?: FwdMethod;
  uThreshold?: number;
  lThreshold?: number;
  /** `--tun-type` of a tunnel dest: IP_VS_CONN_F_TUNNEL_TYPE_* (0 ipip, 1 gue, 2 gre). Default 0. */
  tunType?: number;
  /** `--tun-port` (gue), 0 if none. */
  tunPort?: number;
  /** IP_VS_TUNNEL_ENCAP_FLAG_* (0 nocsum, 1 csum, 2 remcsum). Default 0. */
  tunFlags?: number;
}

/** The service a dest was created for (dest->vaddr/vport/vfwmark/protocol). */
export interface DestOwner {
  readonly proto: Proto;
  readonly vip: number;
  readonly port: number;
  readonly fwmark: number;
}

export class Dest {
  weight = 0;
  /** Latest non-zero weight (or the weight given at -a); mh builds its table from it. */
  lastWeight = 0;
  fwd: FwdMethod = 'route';
  uThreshold = 0;
  lThreshold = 0;
  /**
   * Tunnel encapsulation as configured (dest->tun_type/tun_port/tun_flags). Shown by
   * `ipvsadm --tun-info` and saved by `-S`; the simulated data path encapsulates ipip only.
   */
  tunType = 0;
  tunPort = 0;
  tunFlags = 0;
  /** IP_VS_DEST_F_AVAILABLE (6.1) / IP_VS_DEST_CF_AVAILABLE (6.12): cleared while in the trash. */
  available = false;
  /** IP_VS_DEST_F_OVERLOAD. */
  overload = false;
  activeConns = 0;
  /** 6.12 only: every bound non-template conn, active or not. */
  totalConns = 0;
  /** 6.1 only. */
  inactConns = 0;
  persistConns = 0;
  /**
   * References beyond the service list and the trash (ip_vs_dest_hold/put): bound conns and
   * lblc/lblcr cache entries. A trashed dest is freed only once this is 0 (DestTrash).
   */
  refcnt = 0;
  /** Jiffies when the trash first saw it unreferenced; 0 = not yet (dest->idle_start). */
  idleStart = 0;
  readonly stats: IpvsStats = { conns: 0, inpkts: 0, outpkts: 0, inbytes: 0, outbytes: 0 };
  private readonly k612: boolean;

  constructor(
    readonly kernel: KernelProfile,
    readonly addr: number,
    readonly port: number,
    readonly owner: DestOwner,
  ) {
    this.k612 = kernel === '6.12';
  }

  /** InActConn as ipvsadm, /proc and netlink show it (same on both kernels). */
  get inactive(): number {
    return this.k612 ? Math.max(this.totalConns - this.activeConns, 0) : this.inactConns;
  }

  /** Non-template conns, the number u_threshold/l_threshold are compared with. */
  get conns(): number {
    return this.k612 ? this.totalConns : this.activeConns + this.inactConns;
  }

  /** ip_vs_dest_conn_overhead: what lc, wlc, lblc, lblcr and twos compare. */
  overhead(): number {
    return connOverhead(this.activeConns, this.k612 ? this.totalConns : this.inactConns);
  }

  /** l_eff: l_threshold, or 75 % of u rounded up (6.12 writes it u − ⌊u/4⌋). */
  private lowMark(): number {
    return this.lThreshold || this.uThreshold - (this.uThreshold >>> 2);
  }

  /**
   * ip_vs_conn.c: ip_vs_bind_dest for a normal conn. A scheduled conn is always created
   * INACTIVE (`active` false); only a synced conn on a backup may arrive active.
   */
  bindConn(active = false): void {
    if (this.k612) {
      this.totalConns++;
      if (active) this.activeConns++;
      // 6.12 sets OVERLOAD on the edge: the bind that makes the total reach u.
      if (this.uThreshold !== 0 && this.totalConns === this.uThreshold) this.overload = true;
    } else {
      if (active) this.activeConns++;
      else this.inactConns++;
      this.overloadOnBind61();
    }
  }

  /** ip_vs_bind_dest for a persistence template: only PersistConn moves. */
  bindTemplate(): void {
    this.persistConns++;
    if (!this.k612) this.overloadOnBind61();
  }

  /** ip_vs_conn.c: ip_vs_unbind_dest for a normal conn. */
  unbindConn(wasActive: boolean): void {
    if (this.k612) {
      const before = this.totalConns;
      this.totalConns--;
      if (wasActive) this.activeConns--;
      // 6.12 clears on the edge: the unbind that takes the total below l_eff.
      if (this.uThreshold !== 0 && before === this.lowMark()) this.overload = false;
    } else {
      if (wasActive) this.activeConns--;
      else this.inactConns--;
      this.overloadOnUnbind61();
    }
  }

  unbindTemplate(): void {
    this.persistConns--;
    if (!this.k612) this.overloadOnUnbind61();
  }

  /** TCP/SCTP state change from an inactive to an active state (set_tcp_state). */
  connActivated(): void {
    this.activeConns++;
    if (!this.k612) this.inactConns--;
  }

  /** TCP/SCTP state change from an active to an inactive state. */
  connDeactivated(): void {
    this.activeConns--;
    if (!this.k612) this.inactConns++;
  }

  /** Set ActiveConn/InActConn outright (the vectors' `counts` op). OVERLOAD is left alone. */
  setCounts(active: number, inactive: number): void {
    this.activeConns = active;
    if (this.k612) this.totalConns = active + inactive;
    else this.inactConns = inactive;
  }

  /**
   * The dest half of ip_vs_ctl.c: __ip_vs_update_dest (list insertion and scheduler hooks
   * are the service's). Validation (weight ≥ 0, l ≤ u) is the caller's.
   */
  update(spec: DestSpec, add: boolean): void {
    const weight = spec.weight ?? 1;
    if (add || weight !== 0) this.lastWeight = weight;
    this.weight = weight;
    this.fwd = spec.fwd ?? 'route';
    this.tunType = spec.tunType ?? 0;
    this.tunPort = spec.tunPort ?? 0;
    this.tunFlags = spec.tunFlags ?? 0;
    this.available = true;
    const u = spec.uThreshold ?? 0;
    const l = spec.lThreshold ?? 0;
    if (this.k612) {
      // Re-evaluated at once, but only when a threshold actually changes.
      if (u !== this.uThreshold || l !== this.lThreshold) {
        this.uThreshold = u;
        this.lThreshold = l;
        if (u === 0) this.overload = false;
        else if (this.conns >= u) this.overload = true;
        else if (this.conns < this.lowMark()) this.overload = false;
      }
    } else {
      // 6.1 only ever clears here; setting waits for the next bind.
      if (u === 0 || u > this.uThreshold) this.overload = false;
      this.uThreshold = u;
      this.lThreshold = l;
    }
  }

  private overloadOnBind61(): void {
    if (this.uThreshold !== 0 && this.conns >= this.uThreshold) this.overload = true;
  }

  private overloadOnUnbind61(): void {
    const total = this.conns;
    if (this.lThreshold !== 0) {
      if (total < this.lThreshold) this.overload = false;
    } else if (this.uThreshold !== 0) {
      if (total * 4 < this.uThreshold * 3) this.overload = false;
    } else {
      this.overload = false;
    }
  }
}

export interface TrashClock {
  now(): number;
  after(delayUs: number, fn: () => void): { cancel(): void };
}

/** IP_VS_DEST_TRASH_PERIOD: a dest is freed after 120 s unreferenced; checked every 60 s. */
const TRASH_PERIOD_J = 120 * HZ;

/**
 * ipvs->dest_trash: deleted dests, kept with their counters so that `ipvsadm -a` of the same
 * ip:port on the same service brings the very same object back (ip_vs_trash_get_dest).
 * One per network namespace; services of one director should share it.
 */
export class DestTrash {
  /** Newest first, like list_add onto dest_trash. */
  readonly dests: Dest[] = [];
  private timer: { cancel(): void } | null = null;

  constructor(private readonly clock: TrashClock | null = null) {}

  /** ip_vs_ctl.c: __ip_vs_del_dest (the trash half). */
  put(dest: Dest): void {
    dest.idleStart = 0;
    if (this.dests.length === 0) this.arm();
    this.dests.unshift(dest);
  }

  /** ip_vs_trash_get_dest: same dest address/port and same service identity. */
  take(owner: DestOwner, addr: number, port: number): Dest | undefined {
    const i = this.dests.findIndex(
      (d) =>
        d.addr === addr &&
        d.port === port &&
        d.owner.fwmark === owner.fwmark &&
        d.owner.proto === owner.proto &&
        (owner.fwmark !== 0 || (d.owner.vip === owner.vip && d.owner.port === owner.port)),
    );
    if (i < 0) return undefined;
    const [d] = this.dests.splice(i, 1);
    return d;
  }

  /** ip_vs_ctl.c: ip_vs_dest_trash_expire, the 60 s timer. Returns the dests freed. */
  expire(): Dest[] {
    const now = this.clock ? Math.floor(this.clock.now() / (1_000_000 / HZ)) : 0;
    const freed: Dest[] = [];
    for (let i = this.dests.length - 1; i >= 0; i--) {
      const d = this.dests[i]!;
      if (d.refcnt > 0) continue;
      if (d.idleStart === 0) {
        d.idleStart = Math.max(1, now);
        continue;
      }
      if (now < d.idleStart + TRASH_PERIOD_J) continue;
      this.dests.splice(i, 1);
      freed.push(d);
    }
    return freed;
  }

  /** Stop the timer (network namespace teardown). */
  dispose(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private arm(): void {
    if (!this.clock || this.timer) return;
    this.timer = this.clock.after(((TRASH_PERIOD_J >> 1) * 1_000_000) / HZ, () => {
      this.timer = null;
      this.expire();
      if (this.dests.length > 0) this.arm();
    });
  }
}
