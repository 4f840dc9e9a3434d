/**
 * A Linux host: interfaces, sysctls, ARP, routing, and the IPv4 paths of the kernel —
 * ip_rcv → PREROUTING → route input (local | forward) → LOCAL_IN | FORWARD →
 * POSTROUTING → neighbour output, and ip_local_out → OUTPUT → POSTROUTING — with the
 * netfilter hook points where IPVS attaches. Routers are hosts with ip_forward=1.
 *
 * Per-packet work is plain code. Every drop is reported with a typed reason.
 */
import type { Ip, Mac } from '../net/addr';
import { BROADCAST_MAC, inPrefix, ipStr, isLoopback, isMulticast, multicastMac } from '../net/addr';
import type { Arp, Frame, Icmp, Ipv4, L4 } from '../net/packet';
import { ETH_P_ARP, ETH_P_IP, IPPROTO_ICMP, IPPROTO_IPIP, IPPROTO_TCP, IPPROTO_UDP, IP_HLEN, arpFrame, ipFrame, makeIp, withIp } from '../net/packet';
import type { World } from '../sim/world';
import type { DropReason } from '../sim/trace';
import type { Timer } from '../sim/engine';
import type { Rng } from '../sim/random';
import { Iface, type IfaceKind } from './iface';
import { Sysctl } from './sysctl';
import { RouteTable, type Route } from './route';
import { NeighTable, type Neigh } from './neigh';
import { Hooks } from './hooks';
import { TcpStack } from './tcp';
import { UdpStack } from './udp';
import { IcmpLimiter } from './icmp-limit';

/** The options of a plain `output` call, shared (no object per packet). */
const NO_OUT_OPTS: { dev?: Iface } = Object.freeze({});

export type ProtoHandler = (pkt: Ipv4, dev: Iface) => void;

export type RouteResult =
  | { kind: 'local'; dev: Iface }
  | { kind: 'unicast'; route: Route; dev: Iface; nextHop: Ip }
  | { kind: 'unreachable' };

export class Host {
  readonly kind: 'host' = 'host';
  readonly ifaces: Iface[] = [];
  readonly sysctl = new Sysctl();
  readonly routes = new RouteTable();
  readonly neigh: NeighTable;
  readonly hooks = new Hooks();
  readonly tcp: TcpStack;
  readonly udp: UdpStack;
  readonly icmpLimit = new IcmpLimiter();
  /** Extra IP protocols (VRRP, raw listeners) by protocol number. */
  readonly protocols = new Map<number, ProtoHandler>();
  /** Multicast groups joined, per interface name. */
  readonly mcast = new Set<string>();
  /** Echo replies are handed to whoever is pinging (ping registers here). */
  readonly icmpListeners = new Set<(pkt: Ipv4, icmp: Icmp) => void>();
  powered = true;
  private nextIfIndex = 1;
  /** Cache of the local table; reset whenever an address changes. */
  /** The local addresses as signed 32-bit values (small integers hash fastest). */
  private localSet: Set<number> | null = null;
  /** Prefixes (< /32) on lo: all of their addresses are local. Rebuilt with localSet. */
  private loPrefixes: { addr: Ip; len: number }[] = [];
  /** Bumped whenever an address is added or removed (lets users cache address lists). */
  addrVersion = 0;
  private ipId = 0;
  private rngMain: Rng;
  /** Packets whose route found no local interface: the host has nowhere to send them. */
  readonly counters = { inReceives: 0, inAddrErrors: 0, reversePathFilter: 0, forwarded: 0, outRequests: 0 };

  constructor(
    readonly world: World,
    readonly name: string,
  ) {
    this.rngMain = world.random.get(`host:${name}`);
    this.ipId = this.rngMain.int(0, 0xffff);
    this.neigh = new NeighTable({
      name,
      now: () => world.now,
      after: (us, fn) => world.engine.after(us, fn),
      rng: () => world.random.get(`host:${name}:neigh`),
      param: (k) => this.sysctl.get(k) ?? 0,
      solicit: (dev, target, dstMac, cause) => this.arpSolicit(dev, target, dstMac, cause),
      xmit: (dev, mac, pkt) => this.xmitFrame(dev, ipFrame(dev.mac, mac, pkt)),
      unreachable: (n, pkts) => this.neighFailed(n, pkts),
      changed: (n) => this.ctl('neigh', `${ipStr(n.ip)} dev ${n.dev.name} ${n.state}`, { ip: ipStr(n.ip), state: n.state, mac: n.mac }),
    });
    this.tcp = new TcpStack(this);
    this.udp = new UdpStack(this);
    this.addIface('lo', 'loopback', '00:00:00:00:00:00', 65536);
    this.addAddr('lo', 0x7f000001, 8, 'lo', 'host');
  }

  rng(): Rng {
    return this.rngMain;
  }

  after(us: number, fn: () => void): Timer {
    return this.world.engine.after(us, fn);
  }

  // ---------------------------------------------------------------- configuration

  iface(name: string): Iface | undefined {
    return this.ifaces.find((i) => i.name === name);
  }

  addIface(name: string, kind: IfaceKind, mac: Mac, mtu = 1500): Iface {
    const dev = new Iface(this.name, name, kind, this.nextIfIndex++, mac, mtu, (d, f) => this.receive(d, f));
    if (kind === 'ipip') dev.adminUp = false;
    this.ifaces.push(dev);
    this.sysctl.addConf(name);
    return dev;
  }

  removeIface(name: string): boolean {
    const dev = this.iface(name);
    if (!dev || dev.kind === 'loopback') return false;
    this.ifaces.splice(this.ifaces.indexOf(dev), 1);
    this.localSet = null;
    this.addrVersion++;
    this.routes.remove((r) => r.dev === dev);
    this.neigh.flush(dev);
    this.sysctl.removeConf(name);
    return true;
  }

  /** `ip addr add`: also installs the connected route of a primary address, as the kernel does. */
  addAddr(devName: string, addr: Ip, len: number, label = devName, scope: 'global' | 'link' | 'host' = 'global'): 'ok' | 'exists' | 'no-dev' {
    const dev = this.iface(devName);
    if (!dev) return 'no-dev';
    if (dev.addrs.some((a) => a.addr === addr && a.len === len)) return 'exists';
    const a = dev.addAddr({ addr, len, label, scope });
    this.localSet = null;
    this.addrVersion++;
    if (!a.secondary && len < 32 && dev.kind !== 'loopback' && dev.adminUp) this.addConnectedRoute(dev, addr, len);
    this.ctl('addr', `${ipStr(addr)}/${len} added on ${devName}`);
    return 'ok';
  }

  delAddr(devName: string, addr: Ip, len: number): 'ok' | 'not-found' | 'no-dev' {
    const dev = this.iface(devName);
    if (!dev) return 'no-dev';
    const gone = dev.delAddr(addr, len);
    if (!gone) return 'not-found';
    this.localSet = null;
    this.addrVersion++;
    if (!gone.secondary) {
      this.routes.remove((r) => r.dev === dev && r.proto === 'kernel' && r.src === addr);
      const promoted = dev.addrs.find((x) => !x.secondary && x.len === len && inPrefix(x.addr, addr, len) && len < 32);
      if (promoted && dev.adminUp) this.addConnectedRoute(dev, promoted.addr, promoted.len);
    }
    this.ctl('addr', `${ipStr(addr)}/${len} removed from ${devName}`);
    return 'ok';
  }

  private addConnectedRoute(dev: Iface, addr: Ip, len: number): void {
    this.routes.add({ dst: addr, len, dev, src: addr, proto: 'kernel', scope: 'link', metric: 0 });
  }

  /** `ip link set DEV up|down`: down flushes routes and neighbours of the device, as Linux does. */
  setLinkUp(devName: string, up: boolean): boolean {
    const dev = this.iface(devName);
    if (!dev) return false;
    if (dev.adminUp === up) return true;
    dev.adminUp = up;
    this.routes.invalidate();
    if (!up) {
      this.routes.remove((r) => r.dev === dev);
      this.neigh.flush(dev);
    } else if (dev.kind !== 'loopback') {
      for (const a of dev.addrs) if (!a.secondary && a.len < 32) this.addConnectedRoute(dev, a.addr, a.len);
    }
    this.ctl('link', `${devName} ${up ? 'up' : 'down'}`);
    return true;
  }

  /** `modprobe ipip`: creates tunl0 (down, no address) once. */
  loadIpip(): Iface {
    return this.iface('tunl0') ?? this.addIface('tunl0', 'ipip', '00:00:00:00', 1480);
  }

  /** Is `a` one of this host's addresses (the local routing table)? 127/8 is local as a whole. */
  isLocal(a: Ip): boolean {
    if (isLoopback(a)) return true;
    if (!this.localSet) {
      this.localSet = new Set();
      this.loPrefixes = [];
      for (const d of this.ifaces) {
        for (const x of d.addrs) {
          this.localSet.add(x.addr | 0);
          // fib_add_ifaddr: a prefix on a loopback device is a *local* route for the whole
          // prefix ("local 192.168.10.0/24 dev lo"), e.g. a VIP given /24 instead of /32.
          if (d.kind === 'loopback' && x.len < 32 && !x.secondary && !isLoopback(x.addr)) this.loPrefixes.push(x);
        }
      }
    }
    if (this.localSet.has(a | 0)) return true;
    for (const p of this.loPrefixes) if (inPrefix(a, p.addr, p.len)) return true;
    return false;
  }

  // ---------------------------------------------------------------- routing

  /** Output route lookup (fib_lookup): the local table first, then the main table. */
  route(dst: Ip): RouteResult {
    // Results are shared (callers never change them): one object per destination until the
    // routes or addresses change, instead of one per packet.
    const rv = this.routes.version;
    if (this.routeResultsAt !== rv || this.routeResultsAddr !== this.addrVersion || this.routeResults.size > 65536) {
      this.routeResults.clear();
      this.routeResultsAt = rv;
      this.routeResultsAddr = this.addrVersion;
    }
    const key = dst | 0;
    let res = this.routeResults.get(key);
    if (res) return res;
    if (this.isLocal(dst)) res = { kind: 'local', dev: this.iface('lo')! };
    else {
      const r = this.routes.lookup(dst);
      res = r ? { kind: 'unicast', route: r, dev: r.dev, nextHop: r.via ?? dst } : { kind: 'unreachable' };
    }
    this.routeResults.set(key, res);
    return res;
  }
  private routeResults = new Map<number, RouteResult>();
  private routeResultsAt = -1;
  private routeResultsAddr = -1;

  /** Source address for a packet to `dst` (the route's src, else inet_select_addr on the out device). */
  sourceFor(dst: Ip): Ip | undefined {
    const rr = this.route(dst);
    if (rr.kind === 'local') return isLoopback(dst) ? 0x7f000001 : dst;
    if (rr.kind === 'unreachable') return undefined;
    if (rr.route.src !== undefined) return rr.route.src;
    return this.selectAddr(rr.dev, rr.nextHop);
  }

  /** inet_select_addr: a primary address of `dev` (preferring the subnet of `target`), else any global address. */
  selectAddr(dev: Iface, target: Ip): Ip | undefined {
    const onlink = dev.primaryFor(target);
    if (onlink) return onlink.addr;
    const any = dev.addrs.find((a) => !a.secondary && a.scope !== 'host');
    if (any) return any.addr;
    for (const d of this.ifaces) {
      const g = d.addrs.find((a) => !a.secondary && a.scope === 'global');
      if (g) return g.addr;
    }
    return undefined;
  }

  nextIpId(): number {
    this.ipId = (this.ipId + 1) & 0xffff;
    return this.ipId;
  }

  // ---------------------------------------------------------------- receive path

  private receive(dev: Iface, frame: Frame): void {
    if (!this.powered) {
      this.drop('host-off', `${this.name} is powered off`, { frame });
      return;
    }
    if (!dev.adminUp) {
      this.drop('iface-down', `${dev.name} is down on ${this.name}`, { frame });
      return;
    }
    // Only frames for our MAC, broadcast, or a joined multicast group (PACKET_HOST / BROADCAST / MULTICAST).
    if (frame.dst !== dev.mac && frame.dst !== BROADCAST_MAC && !(frame.dst.startsWith('01:00:5e') && frame.ip && this.mcast.has(`${dev.name}:${frame.ip.dst}`))) {
      return; // another host's frame flooded by the switch: the NIC filters it silently
    }
    dev.rxPackets++;
    dev.rxBytes += frame.len;
    const trace = this.world.trace;
    if (trace.active) trace.emit({ type: 'dev.rx', t: this.world.now, node: this.name, dev: dev.name, frame });
    if (frame.ethertype === ETH_P_ARP && frame.arp) this.arpReceive(dev, frame.arp);
    else if (frame.ethertype === ETH_P_IP && frame.ip) this.ipReceive(dev, frame.ip, frame.src);
  }

  /** ip_rcv: from a device, or from tunl0 after decapsulation. */
  ipReceive(dev: Iface, pkt0: Ipv4, srcMac?: Mac): void {
    this.counters.inReceives++;
    const pkt = this.hooks.run('prerouting', pkt0, dev);
    if (!pkt) return;
    const dst = pkt.dst;
    const local = this.isLocal(dst) || (isMulticast(dst) && this.mcast.has(`${dev.name}:${dst}`)) || dst === 0xffffffff;
    if (!local && dev.kind === 'loopback') {
      this.drop('martian', 'packet on lo for a non-local address', { ip: pkt });
      return;
    }
    if (!local && isMulticast(dst)) {
      // No multicast routing (no mrouted / pimd): a group this host has not joined is not
      // forwarded, whatever ip_forward says (ip_route_input_mc is never reached).
      this.drop('not-for-us', `${this.name} has not joined ${ipStr(dst)} and does not route multicast`, { ip: pkt });
      return;
    }
    if (local) {
      if (dev.kind !== 'loopback' && !isMulticast(dst) && !this.sourceOk(dev, pkt)) return;
      const p = this.hooks.run('localIn', pkt, dev);
      if (p) this.localDeliver(p, dev);
      return;
    }
    this.forward(dev, pkt, srcMac);
  }

  /**
   * ip_route_input_slow validates the source only for a local destination and, in
   * __mkroute_input, for a packet it will forward; a packet it cannot route (not
   * forwarding, no route) is dropped before any reverse-path check.
   */
  private sourceOk(dev: Iface, pkt: Ipv4): boolean {
    const bad = this.validateSource(dev, pkt.src);
    if (!bad) return true;
    this.drop(bad, bad === 'rp-filter' ? `reverse-path filter on ${dev.name}: the route back to ${ipStr(pkt.src)} does not leave ${dev.name}` : `martian source ${ipStr(pkt.src)} on ${dev.name}`, { ip: pkt });
    return false;
  }

  /** fib_validate_source: martian source, then rp_filter (1 strict, 2 loose), value = max(all, dev). */
  private validateSource(dev: Iface, src: Ip): DropReason | undefined {
    if (src === 0) return undefined;
    const mode = this.sysctl.confMax(dev.name, 'rp_filter');
    // A local source is martian. Without rp_filter the kernel checks only the host's own
    // addresses (inet_lookup_ifaddr_rcu); with it, the reverse lookup finds any local
    // route, such as a /24 put on lo (RTN_LOCAL → -EINVAL).
    if (this.isLocal(src) && (mode !== 0 || this.localSet!.has(src | 0)) && this.sysctl.conf(dev.name, 'accept_local') === 0 && !isLoopback(src)) return 'martian';
    if (mode === 0) return undefined;
    const back = this.routes.lookup(src);
    if (!back) {
      this.counters.reversePathFilter++;
      return 'rp-filter';
    }
    // __fib_validate_source: the route back leaves another device. Strict mode rejects; so
    // does any mode when the input device has no address at all (no_addr → last_resort),
    // e.g. a tunl0 brought up with the VIP on lo instead.
    if (back.dev !== dev && (mode === 1 || dev.addrs.length === 0)) {
      this.counters.reversePathFilter++;
      return 'rp-filter';
    }
    return undefined;
  }

  private forward(inDev: Iface, pkt: Ipv4, _srcMac?: Mac): void {
    if (this.sysctl.conf(inDev.name, 'forwarding') === 0) {
      // ip_route_input_slow: not forwarding → RTN_UNREACHABLE, dropped silently (InAddrErrors).
      this.counters.inAddrErrors++;
      this.drop('not-forwarding', `${this.name} does not forward (ip_forward=0) and ${ipStr(pkt.dst)} is not its address`, { ip: pkt });
      return;
    }
    const rr = this.route(pkt.dst);
    if (rr.kind !== 'unicast') {
      this.drop('no-route', `no route to ${ipStr(pkt.dst)}`, { ip: pkt });
      this.icmpError(pkt, 3, 0); // net unreachable
      return;
    }
    if (!this.sourceOk(inDev, pkt)) return;
    if (pkt.ttl <= 1) {
      this.drop('ttl-exceeded', `TTL exceeded at ${this.name}`, { ip: pkt });
      this.icmpError(pkt, 11, 0);
      return;
    }
    // ip_forward: the MTU check and the TTL decrement come before the FORWARD hook.
    if (pkt.len > rr.dev.mtu && pkt.df) {
      this.drop('frag-needed', `${ipStr(pkt.dst)}: packet of ${pkt.len} bytes with DF set exceeds MTU ${rr.dev.mtu} of ${rr.dev.name}`, { ip: pkt });
      this.icmpError(pkt, 3, 4, rr.dev.mtu);
      return;
    }
    // (Without DF the kernel would fragment; fragments are not modelled: the packet travels whole.)
    const dec = withIp(pkt, { ttl: pkt.ttl - 1 });
    const out = this.hooks.run('forward', dec, inDev, rr.dev);
    if (!out) return;
    // The FORWARD hook may have rewritten the packet (IPVS NAT replies): route it again.
    const rr2 = out === dec ? rr : this.route(out.dst);
    if (rr2.kind !== 'unicast') {
      this.drop('no-route', `no route to ${ipStr(out.dst)}`, { ip: out });
      return;
    }
    this.counters.forwarded++;
    const trace = this.world.trace;
    if (trace.active) trace.emit({ type: 'ip.forward', t: this.world.now, node: this.name, before: pkt, after: out, why: `routed out ${rr2.dev.name}` });
    this.postRouting(out, rr2.dev, rr2.nextHop);
  }

  private localDeliver(pkt: Ipv4, dev: Iface): void {
    const trace = this.world.trace;
    switch (pkt.proto) {
      case IPPROTO_TCP:
        if (trace.active) trace.emit({ type: 'ip.deliver', t: this.world.now, node: this.name, ip: pkt });
        this.tcp.receive(pkt, dev);
        return;
      case IPPROTO_UDP:
        if (trace.active) trace.emit({ type: 'ip.deliver', t: this.world.now, node: this.name, ip: pkt });
        this.udp.receive(pkt, dev);
        return;
      case IPPROTO_ICMP:
        if (trace.active) trace.emit({ type: 'ip.deliver', t: this.world.now, node: this.name, ip: pkt });
        this.icmpReceive(pkt, dev);
        return;
      case IPPROTO_IPIP:
        this.ipipReceive(pkt, dev);
        return;
    }
    const h = this.protocols.get(pkt.proto);
    if (h) {
      if (trace.active) trace.emit({ type: 'ip.deliver', t: this.world.now, node: this.name, ip: pkt });
      h(pkt, dev);
      return;
    }
    this.drop('proto-unreachable', `${this.name} has no handler for IP protocol ${pkt.proto}`, { ip: pkt });
    if (!isMulticast(pkt.dst)) this.icmpError(pkt, 3, 2);
  }

  /** ipip_rcv: decapsulate onto tunl0 if the module is loaded and the device is up. */
  private ipipReceive(pkt: Ipv4, dev: Iface): void {
    const tun = this.iface('tunl0');
    if (!tun) {
      this.drop('proto-unreachable', `${this.name} cannot decapsulate IP-in-IP: the ipip module is not loaded (no tunl0)`, { ip: pkt });
      this.icmpError(pkt, 3, 2);
      return;
    }
    if (!tun.adminUp || pkt.l4.kind !== 'ipip') {
      // ip_tunnel_lookup finds no tunnel (the fallback tunl0 must be up), ipip_rcv declines
      // and tunnel4_rcv answers ICMP port unreachable.
      this.drop('tunnel-down', `${this.name}: tunl0 is down, the IP-in-IP packet is dropped`, { ip: pkt });
      this.icmpError(pkt, 3, 3);
      return;
    }
    void dev;
    const inner = pkt.l4.inner;
    tun.rxPackets++;
    tun.rxBytes += inner.len;
    const trace = this.world.trace;
    if (trace.active) {
      trace.emit({ type: 'ip.forward', t: this.world.now, node: this.name, before: pkt, after: inner, why: 'decapsulated on tunl0' });
      trace.emit({ type: 'dev.rx', t: this.world.now, node: this.name, dev: 'tunl0', frame: { src: '', dst: '', ethertype: ETH_P_IP, ip: inner, len: inner.len } });
    }
    this.ipReceive(tun, inner);
  }

  // ---------------------------------------------------------------- output path

  /** ip_local_out for a packet built by this host (TCP, UDP, ICMP, VRRP...). */
  output(pkt0: Ipv4, opts: { dev?: Iface } = NO_OUT_OPTS): boolean {
    if (!this.powered) return false;
    this.counters.outRequests++;
    if (opts.dev && isMulticast(pkt0.dst)) {
      const p = this.hooks.run('localOut', pkt0, undefined, opts.dev);
      if (p) this.postRouting(p, opts.dev, p.dst);
      return true;
    }
    const rr = this.route(pkt0.dst);
    if (rr.kind === 'unreachable') return false;
    const p = this.hooks.run('localOut', pkt0, undefined, rr.dev);
    if (!p) return true;
    if (rr.kind === 'local') {
      this.loopback(p);
      return true;
    }
    this.postRouting(p, rr.dev, rr.nextHop);
    return true;
  }

  /** Transmit a packet out of `dev` towards `nextHop` (used by IPVS after its own routing). */
  postRouting(pkt0: Ipv4, dev: Iface, nextHop: Ip): void {
    const pkt = this.hooks.run('postrouting', pkt0, undefined, dev);
    if (!pkt) return;
    if (dev.kind === 'loopback') {
      this.loopback(pkt);
      return;
    }
    if (dev.kind === 'ipip') {
      // Sending through tunl0 is not used by the lab (IPVS encapsulates itself).
      this.drop('no-route', 'output through tunl0 is not modelled', { ip: pkt });
      return;
    }
    if (!dev.running) {
      dev.txDropped++;
      this.drop('iface-down', `${dev.name} on ${this.name} has no carrier`, { ip: pkt });
      return;
    }
    if (isMulticast(pkt.dst)) {
      this.xmitFrame(dev, ipFrame(dev.mac, multicastMac(pkt.dst), pkt));
      return;
    }
    this.neigh.output(dev, nextHop, pkt);
  }

  private loopback(pkt: Ipv4): void {
    const lo = this.iface('lo')!;
    lo.txPackets++;
    lo.txBytes += pkt.len;
    const frame = ipFrame('00:00:00:00:00:00', '00:00:00:00:00:00', pkt);
    const trace = this.world.trace;
    if (trace.active) trace.emit({ type: 'dev.tx', t: this.world.now, node: this.name, dev: 'lo', frame });
    this.world.engine.after(0, () => {
      if (!this.powered) return;
      lo.rxPackets++;
      lo.rxBytes += pkt.len;
      if (trace.active) trace.emit({ type: 'dev.rx', t: this.world.now, node: this.name, dev: 'lo', frame });
      this.ipReceive(lo, pkt);
    });
  }

  xmitFrame(dev: Iface, frame: Frame): void {
    if (!this.powered) return;
    const link = dev.link;
    if (!dev.running || !link) {
      dev.txDropped++;
      this.drop('iface-down', `${dev.name} on ${this.name} has no carrier`, { frame });
      return;
    }
    dev.txPackets++;
    dev.txBytes += frame.len;
    const trace = this.world.trace;
    if (trace.active) trace.emit({ type: 'dev.tx', t: this.world.now, node: this.name, dev: dev.name, frame });
    const r = link.transmit(dev, frame);
    if (r !== 'sent') {
      dev.txDropped++;
      this.drop(r, r === 'link-down' ? `the link of ${dev.name} is down` : `transmit queue of ${dev.name} is full`, { frame });
    }
  }

  // ---------------------------------------------------------------- ARP

  /** arp_process. */
  private arpReceive(dev: Iface, arp: Arp): void {
    if (dev.addrs.length === 0 && !this.ifaces.some((d) => d.addrs.length > 0)) return;
    const garp = arp.spa === arp.tpa;
    // Only a target whose input route is RTN_LOCAL is answered: 127/8 arriving on an
    // Ethernet device is a martian destination (ip_route_input_noref fails), so no reply.
    if (arp.op === 'request' && !garp && this.isLocal(arp.tpa) && !isLoopback(arp.tpa)) {
      if (this.arpIgnore(dev, arp.spa, arp.tpa)) {
        this.ctl('arp', `ignored who-has ${ipStr(arp.tpa)} on ${dev.name} (arp_ignore=${this.sysctl.confMax(dev.name, 'arp_ignore')})`);
        this.neigh.learn(dev, arp.spa, arp.sha, 'request', false);
        return;
      }
      this.neigh.learn(dev, arp.spa, arp.sha, 'request', true);
      this.xmitFrame(dev, arpFrame(dev.mac, arp.sha, { op: 'reply', sha: dev.mac, spa: arp.tpa, tha: arp.sha, tpa: arp.spa }));
      return;
    }
    this.neigh.learn(dev, arp.spa, arp.sha, garp ? 'garp' : arp.op, false);
  }

  /** arp_ignore (net/ipv4/arp.c): should we stay silent for a request for local `tip`? */
  private arpIgnore(dev: Iface, sip: Ip, tip: Ip): boolean {
    const mode = this.sysctl.confMax(dev.name, 'arp_ignore');
    switch (mode) {
      case 0:
        return false;
      case 1:
        return !dev.hasAddr(tip);
      case 2:
        // inet_confirm_addr(in_dev, sip, tip, RT_SCOPE_HOST): tip is on the device, and some
        // address of the device (not necessarily tip's own) has a subnet holding both.
        return !(dev.hasAddr(tip) && dev.addrs.some((a) => inPrefix(tip, a.addr, a.len) && inPrefix(sip, a.addr, a.len)));
      case 3:
        return !dev.addrs.some((a) => a.addr === tip && a.scope !== 'host') && !this.ifaces.some((d) => d.addrs.some((a) => a.addr === tip && a.scope === 'global'));
      case 8:
        return true;
      default:
        return false;
    }
  }

  /** arp_solicit: the sender address follows arp_announce. */
  private arpSolicit(dev: Iface, target: Ip, dstMac: Mac | undefined, cause: Ipv4 | undefined): void {
    let saddr: Ip | undefined;
    const mode = this.sysctl.confMax(dev.name, 'arp_announce');
    if (mode === 0) {
      if (cause && this.isLocal(cause.src)) saddr = cause.src;
    } else if (mode === 1) {
      if (cause && this.isLocal(cause.src) && dev.addrs.some((a) => !a.secondary && inPrefix(target, a.addr, a.len) && inPrefix(cause.src, a.addr, a.len))) saddr = cause.src;
    }
    saddr ??= this.selectAddr(dev, target) ?? 0;
    this.xmitFrame(dev, arpFrame(dev.mac, dstMac ?? BROADCAST_MAC, { op: 'request', sha: dev.mac, spa: saddr, tha: dstMac ?? '00:00:00:00:00:00', tpa: target }));
  }

  /** Gratuitous ARP for `addr` on `dev` (keepalived after takeover, `arping -U`). */
  gratuitousArp(dev: Iface, addr: Ip): void {
    this.xmitFrame(dev, arpFrame(dev.mac, BROADCAST_MAC, { op: 'request', sha: dev.mac, spa: addr, tha: BROADCAST_MAC, tpa: addr }));
  }

  private neighFailed(n: Neigh, pkts: Ipv4[]): void {
    for (const p of pkts) {
      this.drop('arp-failed', `no ARP reply for ${ipStr(n.ip)} on ${n.dev.name}`, { ip: p });
      // ipv4_link_failure: ICMP host unreachable to the sender, which may be this host
      // (then the connecting socket fails with EHOSTUNREACH: "No route to host").
      this.icmpError(p, 3, 1);
    }
  }

  // ---------------------------------------------------------------- ICMP

  private icmpReceive(pkt: Ipv4, _dev: Iface): void {
    const icmp = pkt.l4;
    if (icmp.kind !== 'icmp') return;
    if (icmp.type === 8) {
      const src = isMulticast(pkt.dst) ? this.sourceFor(pkt.src) : pkt.dst;
      if (src === undefined) return;
      this.output(makeIp({ src, dst: pkt.src, id: this.nextIpId(), df: false, l4: { kind: 'icmp', type: 0, code: 0, echoId: icmp.echoId, echoSeq: icmp.echoSeq, plen: icmp.plen } }));
      return;
    }
    if (icmp.type === 3 || icmp.type === 11) {
      const orig = icmp.orig;
      if (orig.proto === IPPROTO_TCP) this.tcp.icmpError(orig, icmp);
      else if (orig.proto === IPPROTO_UDP) this.udp.icmpError(orig, icmp);
    }
    for (const l of this.icmpListeners) l(pkt, icmp);
  }

  /**
   * icmp_send: answer a packet with an ICMP error. Never for ICMP errors, and rate
   * limited per destination (icmp_ratelimit, burst 6) except "fragmentation needed".
   */
  icmpError(orig: Ipv4, type: 3 | 11, code: number, mtu?: number): void {
    if (orig.l4.kind === 'icmp' && orig.l4.type !== 0 && orig.l4.type !== 8) return;
    if (isMulticast(orig.dst) || orig.dst === 0xffffffff) return;
    const src = this.isLocal(orig.dst) ? orig.dst : this.sourceFor(orig.src);
    if (src === undefined) return;
    const limited = !(type === 3 && code === 4) && !this.isLocal(orig.src);
    if (limited && !this.icmpLimit.allow(orig.src, this.world.now, (this.sysctl.get('net.ipv4.icmp_ratelimit') ?? 1000) * 1000)) return;
    const l4: L4 = { kind: 'icmp', type, code, orig, ...(mtu !== undefined ? { mtu } : {}) };
    this.output(makeIp({ src, dst: orig.src, id: this.nextIpId(), df: false, tos: 0xc0, l4 }));
  }

  // ---------------------------------------------------------------- power & events

  /** Power off: the host answers nothing, not even ARP; its volatile state is lost. */
  powerOff(): void {
    if (!this.powered) return;
    this.powered = false;
    this.neigh.flush();
    this.tcp.reset();
    this.udp.reset();
    this.ctl('power', `${this.name} powered off`);
  }

  powerOn(): void {
    if (this.powered) return;
    this.powered = true;
    this.ctl('power', `${this.name} powered on`);
  }

  drop(reason: DropReason, text: string, what: { frame?: Frame; ip?: Ipv4 }): void {
    const trace = this.world.trace;
    if (trace.active) trace.emit({ type: 'drop', t: this.world.now, node: this.name, reason, text, ...what });
  }

  ctl(what: string, text: string, data?: Record<string, unknown>): void {
    const trace = this.world.trace;
    if (trace.active) trace.emit({ type: 'ctl', t: this.world.now, node: this.name, what, text, ...(data ? { data } : {}) });
  }
}

export { IP_HLEN };
