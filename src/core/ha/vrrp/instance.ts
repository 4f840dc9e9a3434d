/**
 * A running vrrp_instance: the statechart (machines/vrrp-instance.machine.ts) plus what it
 * does on the wire and in the kernel — adverts as IP protocol 112 to 224.0.0.18 with TTL
 * 255 (vrrp.c: vrrp_send_adv), checks on received adverts (vrrp_check_packet), the VIPs
 * added on MASTER and removed on leaving it, gratuitous ARP bursts (garp_master_repeat now
 * and again after garp_master_delay), and interface tracking.
 *
 * Simplification: interfaces are watched by a 100 ms poll (keepalived hears netlink at once).
 */
import { createActor, type Actor } from 'xstate';
import type { Host } from '../../host/host';
import type { Iface } from '../../host/iface';
import { ip, ipStr, type Ip } from '../../net/addr';
import { makeIp, type Ipv4, type Vrrp } from '../../net/packet';
import type { Timer } from '../../sim/engine';
import { simClock } from '../../machines/sim-clock';
import { vrrpInstanceMachine, type VrrpState } from '../../machines/vrrp-instance.machine';
import type { VrrpInstanceConf } from '../keepalived/conf';
import type { DaemonLog } from '../daemon-log';

export const VRRP_GROUP = ip('224.0.0.18');
const POLL_US = 100_000;
const IPTOS_PREC_INTERNETCONTROL = 0xc0;

export interface InstanceHooks {
  log: DaemonLog;
  ident: string;
  /** Called after every state change (the sync daemon follows MASTER/BACKUP). */
  onState(inst: VrrpInstance, state: VrrpState, prev: VrrpState): void;
}

export class VrrpInstance {
  readonly actor: Actor<typeof vrrpInstanceMachine>;
  private poll: Timer | undefined;
  private garpTimer: Timer | undefined;
  private faulty = false;
  private state: VrrpState = 'INIT';
  /** Left MASTER, VIPs not yet removed: vrrp_state_leave_master logs the new state first. */
  private vipsToRelease = false;
  /** Adverts sent and received, for the UI and tests. */
  readonly counters = { sent: 0, received: 0, dropped: 0, becameMaster: 0 };

  constructor(
    readonly host: Host,
    public conf: VrrpInstanceConf,
    private readonly hooks: InstanceHooks,
  ) {
    const dev = this.dev;
    const self = this;
    const machine = vrrpInstanceMachine.provide({
      actions: {
        'become backup': () => self.becomeBackup(),
        'become master': () => self.becomeMaster(),
        'leave master': () => self.leaveMaster(),
        'become fault': () => {
          self.log('vrrp.state', `(${conf.name}) Entering FAULT STATE`, { state: 'FAULT' });
          self.releaseVips();
        },
        'send advert': () => self.sendAdvert(self.actor.getSnapshot().context.priority),
        'send priority 0 advert': () => {
          self.sendAdvert(0);
          self.log('vrrp', `(${conf.name}) sent 0 priority`);
        },
        'send lower priority garps': () => self.garpBurst(conf.garpLowerPrioRepeat, conf.garpLowerPrioDelayUs),
        'log advert timeout': () => self.log('vrrp', `(${conf.name}) Receive advertisement timeout`),
        'log priority 0 advert': () => self.log('vrrp', `(${conf.name}) Backup received priority 0 advertisement`),
        'log lower priority advert discarded': ({ event }) => {
          if (event.type === 'advert') self.log('vrrp', `(${conf.name}) received lower priority (${event.prio}) advert from ${ipStr(event.src)} - discarding`);
        },
        'log higher priority advert': ({ context, event }) => {
          if (event.type !== 'advert') return;
          const why = event.prio === context.priority ? `same priority ${event.prio} but higher IP address than ours` : `higher priority ${event.prio}, ours ${context.priority}`;
          self.log('vrrp', `(${conf.name}) Master received advert from ${ipStr(event.src)} with ${why}`);
        },
        'log lower priority advert as master': ({ context, event }) => {
          if (event.type === 'advert') self.log('vrrp', `(${conf.name}) Received advert from ${ipStr(event.src)} with lower priority ${event.prio}, ours ${context.priority}, forcing new election`);
        },
      },
    });
    this.actor = createActor(machine, {
      clock: simClock(host.world.engine),
      input: {
        version: conf.version,
        priority: conf.priority,
        wantsOwner: conf.state === 'MASTER',
        advertIntUs: conf.advertIntUs,
        preempt: conf.preempt,
        preemptDelayUs: conf.preemptDelayUs,
        ownIp: this.primaryIp(dev),
      },
    });
    this.actor.subscribe((snap) => {
      const v = (typeof snap.value === 'string' ? snap.value : Object.keys(snap.value)[0]) as VrrpState;
      if (v === this.state) return;
      const prev = this.state;
      this.state = v;
      hooks.onState(this, v, prev);
    });
  }

  get name(): string {
    return this.conf.name;
  }

  get dev(): Iface | undefined {
    return this.host.iface(this.conf.iface);
  }

  get current(): VrrpState {
    return this.state;
  }

  get priority(): number {
    return this.actor.getSnapshot().context.priority;
  }

  start(): void {
    this.actor.start();
    const dev = this.dev;
    if (dev && this.conf.unicastPeers.length === 0) this.host.mcast.add(`${dev.name}:${VRRP_GROUP}`);
    this.faulty = this.trackFaulty();
    this.actor.send({ type: 'start', now: this.host.world.now, faulty: this.faulty });
    this.armPoll();
  }

  /** keepalived stopping: a MASTER sends priority 0 and removes its VIPs. */
  stop(): void {
    this.actor.send({ type: 'stop' });
    // vrrp_restore_interface on shutdown: "sent 0 priority", then "removing VIPs.".
    this.releaseVips();
    this.teardown();
  }

  /** The process died: nothing is sent. With the host down the kernel forgets the VIPs too. */
  kill(hostDown: boolean): void {
    this.garpTimer?.cancel();
    this.poll?.cancel();
    if (hostDown) for (const v of this.conf.vips) this.host.delAddr(v.dev, v.addr, v.len);
    this.actor.stop();
    this.releaseVips();
    this.teardown();
  }

  private teardown(): void {
    this.poll?.cancel();
    this.poll = undefined;
    this.garpTimer?.cancel();
    const dev = this.dev;
    if (dev) this.host.mcast.delete(`${dev.name}:${VRRP_GROUP}`);
  }

  // ------------------------------------------------------------------ packets

  /** vrrp_check_packet, then into the statechart. */
  receive(pkt: Ipv4, v: Vrrp): void {
    const c = this.conf;
    this.counters.received++;
    const drop = (why: string) => {
      this.counters.dropped++;
      this.log('vrrp', `(${c.name}) ${why}`);
    };
    if (pkt.ttl !== 255) return drop(`invalid TTL/HL. Received ${pkt.ttl} and expect 255`);
    if (v.version !== c.version) return drop(`received version ${v.version}, MUST be ${c.version}. Discarding`);
    if (c.version === 2 && Math.round(v.advertInt * 1e6) !== c.advertIntUs) {
      return drop(`advertisement interval mismatch mine=${c.advertIntUs / 1e6} sec rcv'd=${v.advertInt} sec`);
    }
    const wantAuth = c.auth?.type === 'PASS' ? 1 : c.auth?.type === 'AH' ? 2 : 0;
    if ((v.authType ?? 0) !== wantAuth || (wantAuth === 1 && (v.authPass ?? '') !== (c.auth?.pass ?? ''))) return drop('received an invalid passwd!');
    if (v.prio !== 0 && v.addrs.length !== c.vips.length) return drop(`received an invalid ip number count ${v.addrs.length}, expected ${c.vips.length}!`);
    if (this.state === 'INIT' || this.state === 'FAULT' || this.state === 'STOP') return;
    this.actor.send({ type: 'advert', prio: v.prio, src: pkt.src, intervalUs: Math.round(v.advertInt * 1e6), now: this.host.world.now });
  }

  private sendAdvert(prio: number): void {
    const dev = this.dev;
    if (!dev || !this.host.powered) return;
    const c = this.conf;
    const src = c.unicastSrc ?? this.primaryIp(dev);
    const authType = c.auth?.type === 'PASS' ? 1 : c.auth?.type === 'AH' ? 2 : 0;
    const l4: Vrrp = {
      kind: 'vrrp',
      version: c.version,
      vrid: c.vrid,
      prio,
      advertInt: c.advertIntUs / 1e6,
      addrs: c.vips.map((v) => v.addr),
      ...(c.version === 2 ? { authType } : {}),
      ...(authType === 1 ? { authPass: c.auth!.pass } : {}),
    };
    this.counters.sent++;
    if (c.unicastPeers.length > 0) {
      for (const peer of c.unicastPeers) this.host.output(makeIp({ src, dst: peer, ttl: 255, tos: IPTOS_PREC_INTERNETCONTROL, id: this.host.nextIpId(), df: false, l4 }));
      return;
    }
    this.host.output(makeIp({ src, dst: VRRP_GROUP, ttl: 255, tos: IPTOS_PREC_INTERNETCONTROL, id: this.host.nextIpId(), df: false, l4 }), { dev });
  }

  // ------------------------------------------------------------------ states

  private becomeBackup(): void {
    const c = this.conf;
    const init = this.state === 'INIT';
    if (init && c.vips.some((v) => this.host.iface(v.dev)?.addrs.some((a) => a.addr === v.addr && a.len === v.len))) {
      // Left over from a keepalived that was killed: keepalived clears them at start.
      this.log('vrrp', `(${c.name}) removing VIPs.`);
      for (const v of c.vips) this.host.delAddr(v.dev, v.addr, v.len);
    }
    this.log('vrrp.state', `(${c.name}) Entering BACKUP STATE${init ? ' (init)' : ''}`, { state: 'BACKUP' });
    this.releaseVips();
  }

  /** vrrp_state_become_master: VIPs, an advert at once, GARP bursts. */
  private becomeMaster(): void {
    const c = this.conf;
    this.counters.becameMaster++;
    this.log('vrrp.state', `(${c.name}) Entering MASTER STATE`, { state: 'MASTER' });
    this.log('vrrp', `(${c.name}) setting VIPs.`);
    for (const v of c.vips) this.host.addAddr(v.dev, v.addr, v.len, v.label ?? v.dev);
    this.sendAdvert(this.actor.getSnapshot().context.priority);
    this.garpBurst(c.garpMasterRepeat, c.garpMasterDelayUs);
  }

  /**
   * Leaving MASTER (the statechart's exit action, which runs before the transition's own
   * actions and the next state's entry). keepalived's vrrp_state_leave_master logs
   * "Entering BACKUP STATE" (after "Master received advert ... with higher priority") or
   * "Entering FAULT STATE" first and only then removes the VIPs (vrrp_restore_interface);
   * on shutdown "sent 0 priority" comes first. So the removal waits for that: releaseVips.
   */
  private leaveMaster(): void {
    this.garpTimer?.cancel();
    this.garpTimer = undefined;
    this.vipsToRelease = true;
  }

  /** vrrp_restore_interface: "(VI_1) removing VIPs." and the addresses go. */
  private releaseVips(): void {
    if (!this.vipsToRelease) return;
    this.vipsToRelease = false;
    this.log('vrrp', `(${this.conf.name}) removing VIPs.`);
    for (const v of this.conf.vips) this.host.delAddr(v.dev, v.addr, v.len);
  }

  /** `repeat` GARPs per VIP now, and again after `delayUs` (0 = no second burst). */
  private garpBurst(repeat: number, delayUs: number, second = false): void {
    const c = this.conf;
    const byDev = new Map<string, Ip[]>();
    for (const v of c.vips) byDev.set(v.dev, [...(byDev.get(v.dev) ?? []), v.addr]);
    for (const [devName, addrs] of byDev) {
      const dev = this.host.iface(devName);
      if (!dev) continue;
      for (const a of addrs) {
        this.log('vrrp.garp', `(${c.name}) Sending/queueing ${second ? 'repeat ' : ''}gratuitous ARPs on ${devName} for ${ipStr(a)}`, { vip: ipStr(a), dev: devName, repeat });
        for (let i = 0; i < repeat; i++) {
          this.hooks.log.line(this.hooks.ident, 'vrrp.garp.tx', `Sending gratuitous ARP on ${devName} for ${ipStr(a)}`);
          this.host.gratuitousArp(dev, a);
        }
      }
    }
    if (!second && delayUs > 0) {
      this.garpTimer?.cancel();
      this.garpTimer = this.host.world.engine.after(delayUs, () => {
        this.garpTimer = undefined;
        if (this.state === 'MASTER') this.garpBurst(repeat, 0, true);
      });
    }
  }

  // ------------------------------------------------------------------ tracking

  private tracked(): { iface: string; weight: number }[] {
    const t = [...this.conf.track];
    if (!this.conf.dontTrackPrimary && !t.some((x) => x.iface === this.conf.iface)) t.unshift({ iface: this.conf.iface, weight: 0 });
    return t;
  }

  private up(name: string): boolean {
    return this.host.iface(name)?.running ?? false;
  }

  private trackFaulty(): boolean {
    return this.tracked().some((t) => t.weight === 0 && !this.up(t.iface));
  }

  private effectivePriority(): number {
    const base = this.conf.priority;
    if (base === 255) return 255;
    let p = base;
    for (const t of this.tracked()) {
      if (t.weight > 0 && this.up(t.iface)) p += t.weight;
      if (t.weight < 0 && !this.up(t.iface)) p += t.weight;
    }
    return Math.min(254, Math.max(1, p));
  }

  private armPoll(): void {
    this.poll = this.host.world.engine.after(POLL_US, () => {
      this.poll = undefined;
      if (this.state === 'STOP') return;
      const faulty = this.trackFaulty();
      if (faulty !== this.faulty) {
        this.faulty = faulty;
        this.log('vrrp', faulty ? `(${this.conf.name}) Interface ${this.downIface()} is down` : `(${this.conf.name}) Interfaces are up again`);
        this.actor.send(faulty ? { type: 'fault' } : { type: 'fault cleared', now: this.host.world.now });
      }
      const p = this.effectivePriority();
      if (p !== this.priority) {
        this.log('vrrp', `(${this.conf.name}) Changing effective priority from ${this.priority} to ${p}`);
        this.actor.send({ type: 'priority', prio: p });
      }
      this.armPoll();
    });
  }

  private downIface(): string {
    return this.tracked().find((t) => t.weight === 0 && !this.up(t.iface))?.iface ?? this.conf.iface;
  }

  private primaryIp(dev: Iface | undefined): Ip {
    return dev?.addrs.find((a) => !a.secondary && a.scope === 'global')?.addr ?? 0;
  }

  private log(what: string, text: string, data?: Record<string, unknown>): void {
    this.hooks.log.line(this.hooks.ident, what, text, { instance: this.conf.name, ...data });
  }
}
