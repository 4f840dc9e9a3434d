/**
 * The ARP neighbour cache (net/core/neighbour.c + net/ipv4/arp.c), with Linux's states
 * and timers: INCOMPLETE → REACHABLE → STALE → DELAY → PROBE → REACHABLE | FAILED.
 *
 * Kept from Linux: broadcast solicits (mcast_solicit=3, retrans 1 s) while INCOMPLETE;
 * packets queued until resolution; REACHABLE for a random 0.5–1.5 × base_reachable_time;
 * a STALE entry used for sending goes to DELAY and, unless confirmed within 5 s, is probed
 * by unicast (ucast_solicit=3); the first reply wins for `locktime` (1 s), which is why the
 * router keeps the first of several answers for a VIP.
 * Simplified: reachability is confirmed by ARP replies and by local TCP ACKs that
 * advance (Linux: dst_confirm from TCP); the table is never garbage-collected (Linux
 * keeps entries below gc_thresh1 = 128 anyway).
 */
import type { Ip, Mac } from '../net/addr';
import { ipStr } from '../net/addr';
import type { Ipv4 } from '../net/packet';
import type { Timer } from '../sim/engine';
import type { Iface } from './iface';
import type { Rng } from '../sim/random';

export type NudState = 'INCOMPLETE' | 'REACHABLE' | 'STALE' | 'DELAY' | 'PROBE' | 'FAILED' | 'PERMANENT' | 'NOARP';

export interface Neigh {
  ip: Ip;
  dev: Iface;
  mac: Mac | undefined;
  state: NudState;
  /** Last time the entry was updated (lladdr or state), for locktime. */
  updated: number;
  /** Last confirmation of reachability. */
  confirmed: number;
  probes: number;
  queue: Ipv4[];
  timer: Timer | undefined;
}

export interface NeighOwner {
  readonly name: string;
  now(): number;
  after(us: number, fn: () => void): Timer;
  rng(): Rng;
  param(name: string): number;
  /** Send an ARP request for `target` out of `dev`; `dstMac` undefined = broadcast. */
  solicit(dev: Iface, target: Ip, dstMac: Mac | undefined, cause: Ipv4 | undefined): void;
  /** Transmit a resolved IP packet. */
  xmit(dev: Iface, mac: Mac, pkt: Ipv4): void;
  /** Resolution failed for queued packets. */
  unreachable(n: Neigh, pkts: Ipv4[]): void;
  changed(n: Neigh): void;
}

/** Linux keeps at most unres_qlen_bytes (≈ 212 kB) queued per entry; we cap by count. */
const MAX_QUEUE = 101;

export class NeighTable {
  /** Per device, by address as a signed 32-bit value (a small integer key hashes fastest). */
  private byDev = new Map<Iface, Map<number, Neigh>>();
  private reachableTime = 0;
  private reachableDrawnAt = -Infinity;
  /** The entry `output` found last (a host sends most packets to one next hop: its gateway). */
  private lastDev: Iface | undefined;
  private lastKey = 0;
  private lastN: Neigh | undefined;

  constructor(private readonly host: NeighOwner) {}

  entries(): Neigh[] {
    const out: Neigh[] = [];
    for (const m of this.byDev.values()) for (const n of m.values()) out.push(this.refresh(n));
    return out;
  }

  get(dev: Iface, ip: Ip): Neigh | undefined {
    const n = this.byDev.get(dev)?.get(ip | 0);
    return n ? this.refresh(n) : undefined;
  }

  flush(dev?: Iface): void {
    this.lastN = undefined;
    for (const [d, m] of this.byDev) {
      if (dev && d !== dev) continue;
      for (const n of m.values()) n.timer?.cancel();
      m.clear();
    }
  }

  delete(dev: Iface, ip: Ip): boolean {
    const n = this.byDev.get(dev)?.get(ip | 0);
    if (!n) return false;
    this.lastN = undefined;
    n.timer?.cancel();
    this.byDev.get(dev)!.delete(ip | 0);
    return true;
  }

  addPermanent(dev: Iface, ip: Ip, mac: Mac): void {
    const n = this.create(dev, ip);
    n.mac = mac;
    n.state = 'PERMANENT';
    n.timer?.cancel();
  }

  /** Send `pkt` to next hop `ip` on `dev`, resolving it first if needed (neigh_resolve_output). */
  output(dev: Iface, ip: Ip, pkt: Ipv4): void {
    const key = ip | 0;
    let n = this.lastN !== undefined && this.lastDev === dev && this.lastKey === key ? this.lastN : this.byDev.get(dev)?.get(key);
    if (n) this.refresh(n);
    if (!n) n = this.create(dev, ip);
    this.lastDev = dev;
    this.lastKey = key;
    this.lastN = n;
    switch (n.state) {
      case 'REACHABLE':
      case 'PERMANENT':
      case 'NOARP':
      case 'DELAY':
      case 'PROBE':
        this.host.xmit(dev, n.mac!, pkt);
        return;
      case 'STALE':
        this.setState(n, 'DELAY');
        n.timer?.cancel();
        n.timer = this.host.after(this.host.param('net.ipv4.neigh.default.delay_first_probe_time') * 1_000_000, () => this.delayExpired(n!));
        this.host.xmit(dev, n.mac!, pkt);
        return;
      case 'INCOMPLETE':
        if (n.queue.length < MAX_QUEUE) n.queue.push(pkt);
        else this.host.unreachable(n, [pkt]);
        return;
      case 'FAILED':
        // A new packet restarts resolution (neigh_event_send from NUD_FAILED).
        n.queue = [pkt];
        n.probes = 0;
        this.setState(n, 'INCOMPLETE');
        this.solicit(n, pkt);
        return;
    }
  }

  /**
   * An ARP packet told us `ip` is at `mac` (arp_process → neigh_update).
   * `create`: a request addressed to us, which creates the entry and always overrides
   * (neigh_event_ns passes NEIGH_UPDATE_F_OVERRIDE).
   */
  learn(dev: Iface, ip: Ip, mac: Mac, kind: 'reply' | 'request' | 'garp', create: boolean): void {
    let n = this.byDev.get(dev)?.get(ip | 0);
    if (n) this.refresh(n);
    else {
      if (!create) return;
      n = this.create(dev, ip);
    }
    if (n.state === 'PERMANENT' || n.state === 'NOARP') return;
    const now = this.host.now();
    const lockUs = this.host.param('net.ipv4.neigh.default.locktime') * 10_000;
    // arp_process: "use the FIRST reply" — other news overrides only once locktime has
    // passed since the entry last changed, or when it is a gratuitous ARP.
    const override = create || kind === 'garp' || now > n.updated + lockUs;
    const old = n.state;
    let next: NudState = kind === 'reply' ? 'REACHABLE' : 'STALE';
    // neigh_update: a reply confirms reachability even when it changes nothing.
    if (next === 'REACHABLE') n.confirmed = now;
    const valid = old === 'REACHABLE' || old === 'STALE' || old === 'DELAY' || old === 'PROBE';
    if (valid) {
      // Any valid entry (not only REACHABLE) keeps its address against a non-override update.
      if (n.mac !== mac && !override) return;
      // Same address seen in a request: no news, the state stays.
      if (n.mac === mac && next === 'STALE') next = old;
    }
    const macChanged = n.mac !== mac;
    if (next === old && !macChanged) return;
    // Only a real change moves `updated`, so no-op updates do not extend the locktime
    // window (neigh_update: "Update timestamp only once we know we will make a change").
    n.updated = now;
    n.mac = mac;
    if (macChanged && next !== 'REACHABLE') n.confirmed = now - 2 * this.host.param('net.ipv4.neigh.default.base_reachable_time_ms') * 1000;
    if (next !== old) {
      n.timer?.cancel();
      n.timer = undefined;
      n.probes = 0;
      this.setState(n, next);
      if (next === 'REACHABLE') this.armReachable(n);
    } else {
      this.host.changed(n);
    }
    if (valid) return;
    const queued = n.queue;
    n.queue = [];
    for (const p of queued) this.host.xmit(dev, mac, p);
  }

  /** Upper-layer proof that the neighbour is alive (TCP forward progress). */
  confirm(dev: Iface, ip: Ip): void {
    const n = this.byDev.get(dev)?.get(ip | 0);
    if (n && n.mac !== undefined) n.confirmed = this.host.now();
  }

  private create(dev: Iface, ip: Ip): Neigh {
    let m = this.byDev.get(dev);
    if (!m) {
      m = new Map();
      this.byDev.set(dev, m);
    }
    this.lastN = undefined;
    const n: Neigh = { ip, dev, mac: undefined, state: 'FAILED', updated: -Infinity, confirmed: -Infinity, probes: 0, queue: [], timer: undefined };
    m.set(ip | 0, n);
    return n;
  }

  /** REACHABLE silently decays to STALE once reachable_time has passed (neigh_periodic_work). */
  private refresh(n: Neigh): Neigh {
    if (n.state === 'REACHABLE' && this.host.now() >= n.confirmed + this.reachable()) this.setState(n, 'STALE');
    return n;
  }

  private armReachable(n: Neigh): void {
    // Nothing to schedule: `refresh` makes REACHABLE → STALE lazily, which is what
    // anyone looking at the table (ip neigh, the next packet) would observe.
    void n;
  }

  /** reachable_time: random in [base/2, 3·base/2), redrawn every 300 s (neigh_periodic_work). */
  private reachable(): number {
    const now = this.host.now();
    if (now - this.reachableDrawnAt >= 300_000_000) {
      const base = this.host.param('net.ipv4.neigh.default.base_reachable_time_ms') * 1000;
      this.reachableTime = Math.floor(base / 2 + this.host.rng().next() * base);
      this.reachableDrawnAt = now;
    }
    return this.reachableTime;
  }

  private delayExpired(n: Neigh): void {
    n.timer = undefined;
    if (n.state !== 'DELAY') return;
    if (this.host.now() - n.confirmed < this.host.param('net.ipv4.neigh.default.delay_first_probe_time') * 1_000_000) {
      this.setState(n, 'REACHABLE');
      return;
    }
    this.setState(n, 'PROBE');
    n.probes = 0;
    this.solicit(n, undefined);
  }

  private solicit(n: Neigh, cause: Ipv4 | undefined): void {
    const unicast = n.state === 'PROBE';
    const max = this.host.param(unicast ? 'net.ipv4.neigh.default.ucast_solicit' : 'net.ipv4.neigh.default.mcast_solicit');
    if (n.probes >= max) {
      this.setState(n, 'FAILED');
      n.timer = undefined;
      const queued = n.queue;
      n.queue = [];
      if (queued.length > 0) this.host.unreachable(n, queued);
      return;
    }
    n.probes++;
    this.host.solicit(n.dev, n.ip, unicast ? n.mac : undefined, cause ?? n.queue[0]);
    n.timer = this.host.after(this.host.param('net.ipv4.neigh.default.retrans_time_ms') * 1000, () => {
      n.timer = undefined;
      if (n.state === 'INCOMPLETE' || n.state === 'PROBE') this.solicit(n, undefined);
    });
  }

  private setState(n: Neigh, s: NudState): void {
    if (n.state === s) return;
    n.state = s;
    this.host.changed(n);
  }
}

export function neighText(n: Neigh): string {
  return `${ipStr(n.ip)} dev ${n.dev.name}${n.mac ? ` lladdr ${n.mac}` : ''} ${n.state}`;
}
