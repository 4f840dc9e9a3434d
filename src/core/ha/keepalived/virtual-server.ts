/**
 * keepalived's checker side for one virtual_server (ipwrapper.c, ipvswrapper.c; ha.md
 * §2.2): the IPVS service and its real servers, changed through the same Service
 * operations ipvsadm uses, so `ipvsadm -Ln` shows what keepalived did.
 *
 *   RS down: removed (ipvsadm -d), or weight 0 with inhibit_on_failure — unless the
 *            quorum is down and the sorry server is in (then the pool is already empty)
 *   RS up:   added with its weight (or weight restored)
 *   then the quorum: Σ weight of alive RS ≥ quorum + hysteresis → gained (sorry server out,
 *   alive RS back in); == 0 or < quorum − hysteresis → lost (alive RS out, sorry server in).
 */
import type { Host } from '../../host/host';
import type { Ipvs } from '../../ipvs/ipvs';
import type { Service } from '../../ipvs/service';
import { IP_VS_SVC_F_ONEPACKET, IP_VS_SVC_F_PERSISTENT } from '../../ipvs/service';
import type { DaemonLog } from '../daemon-log';
import { fmtTrio, fmtVs, ipPort, type L4Proto } from '../format';
import { Checker } from './checker';
import { fwdOf, type LvsMethod, type RealServerConf, type VirtualServerConf } from './conf-lvs';
import { fwdArgs, svcArgs } from './ipvsadm-args';

/** A real server as keepalived tracks it (real_server_t: alive, set, failed_checkers). */
export interface RsState {
  conf: RealServerConf;
  alive: boolean;
  /** Present in the IPVS table (possibly at weight 0 when inhibited). */
  set: boolean;
  inhibit: boolean;
  weight: number;
  method: LvsMethod;
  checkers: Checker[];
  failed: Set<Checker>;
}

export class VirtualServer {
  svc: Service | undefined;
  quorumUp = true;
  readonly rs: RsState[];
  readonly sorry: RsState | undefined;
  readonly label: string;

  constructor(
    readonly host: Host,
    readonly ipvs: Ipvs,
    readonly conf: VirtualServerConf<L4Proto>,
    private readonly log: DaemonLog,
    private readonly ident: string,
  ) {
    this.label = fmtVs(conf);
    this.rs = conf.realServers.map((c) => ({ conf: c, alive: false, set: false, inhibit: c.inhibit, weight: c.weight, method: c.method, checkers: [], failed: new Set() }));
    const s = conf.sorry;
    this.sorry = s && { conf: s, alive: false, set: false, inhibit: s.inhibit, weight: s.weight, method: s.method, checkers: [], failed: new Set() };
  }

  /**
   * init_service_vs: the service (added, or edited if it exists), then the real servers.
   * `before`: the same virtual server before a reload, whose real servers keep their state.
   */
  start(before?: VirtualServer): void {
    const c = this.conf;
    let flags = c.schedFlags;
    if (c.persistence !== undefined) flags |= IP_VS_SVC_F_PERSISTENT;
    if (c.ops) flags |= IP_VS_SVC_F_ONEPACKET;
    const spec = { sched: c.sched, flags, timeout: c.persistence ?? 0, netmask: c.granularity, pe: c.pe };
    const existing = c.fwmark ? this.ipvs.findFwmarkService(c.fwmark) : this.ipvs.findService(c.proto, c.vip, c.port);
    if (existing) {
      existing.edit(spec);
      this.svc = existing;
    } else {
      this.svc = this.ipvs.addService({ proto: c.proto, ...(c.fwmark ? { fwmark: c.fwmark } : { vip: c.vip, port: c.port }), ...spec });
    }
    if (before) {
      this.quorumUp = before.quorumUp;
      for (const old of before.rs) {
        if (this.rs.some((r) => r.conf.addr === old.conf.addr && r.conf.port === old.conf.port)) continue;
        this.line(`service ${fmtTrio(old.conf.addr, c.proto, old.conf.port)} no longer exist`, 'gone', old);
        this.cmd('del', { ...old, inhibit: false });
      }
    }
    for (const rs of this.rs) {
      const prev = before?.rs.find((r) => r.conf.addr === rs.conf.addr && r.conf.port === rs.conf.port);
      const alpha = prev ? !prev.alive : rs.conf.checkers.some((k) => k.alpha);
      if (prev) {
        rs.alive = prev.alive;
        rs.set = prev.set;
        // A reloaded server keeps its state; only a changed weight is applied (and only if it is in the pool).
        if (prev.alive && prev.set && prev.weight !== rs.weight) this.cmd('add', rs);
      } else if (!alpha || rs.conf.checkers.length === 0) {
        this.cmd('add', rs);
        rs.alive = true;
      } else if (rs.inhibit) {
        // Inhibited and assumed down: kept in the table at weight 0.
        this.cmd('add', rs, 0);
      }
      rs.checkers = rs.conf.checkers.map(
        (k) =>
          new Checker(this.host, rs.conf, { ...k, alpha }, {
            log: this.log,
            ident: this.ident,
            vs: this.label,
            up: (ch) => this.checkerState(rs, ch, true),
            down: (ch) => this.checkerState(rs, ch, false),
          }),
      );
      if (alpha) for (const ch of rs.checkers) rs.failed.add(ch);
    }
    if (before?.sorry?.alive && this.sorry) this.sorry.alive = true;
    for (const rs of this.rs) for (const ch of rs.checkers) ch.start();
  }

  /** keepalived stopping: checkers stop, its service is removed. */
  stop(removeService: boolean): void {
    for (const rs of this.rs) for (const ch of rs.checkers) ch.stop();
    if (removeService && this.svc && this.ipvs.services.includes(this.svc)) {
      this.ipvs.delService(this.svc);
      this.event('del-service', `ipvsadm -D ${this.svcArg()}`, undefined, 0);
    }
  }

  /** update_svr_checker_state: a real server is alive while none of its checkers failed. */
  private checkerState(rs: RsState, ch: Checker, up: boolean): void {
    if (up) {
      rs.failed.delete(ch);
      if (rs.failed.size === 0) this.perform(rs, true);
    } else {
      const wasEmpty = rs.failed.size === 0;
      rs.failed.add(ch);
      if (wasEmpty) this.perform(rs, false);
    }
  }

  /** perform_svr_state. */
  private perform(rs: RsState, alive: boolean): void {
    if (rs.alive === alive) return;
    const who = fmtTrio(rs.conf.addr, this.conf.proto, rs.conf.port);
    const canTouch = this.quorumUp || !this.sorry || !this.sorry.alive;
    if (alive) {
      this.line(`${rs.inhibit ? 'Enabling' : 'Adding'} service ${who} ${rs.inhibit ? 'of' : 'to'} VS ${this.label}`, 'up', rs);
      if (canTouch) this.cmd('add', rs);
    } else {
      this.line(`${rs.inhibit ? 'Disabling' : 'Removing'} service ${who} ${rs.inhibit ? 'of' : 'from'} VS ${this.label}`, 'down', rs);
      if (canTouch) this.cmd('del', rs);
    }
    rs.alive = alive;
    this.updateQuorum();
  }

  /** weigh_live_realservers. */
  weightSum(): number {
    return this.rs.reduce((s, r) => s + (r.alive ? r.weight : 0), 0);
  }

  /** update_quorum_state. */
  private updateQuorum(): void {
    const sum = this.weightSum();
    const { quorum, hysteresis } = this.conf;
    const up = quorum + hysteresis;
    const down = quorum - hysteresis;
    const s = this.sorry;
    if (!this.quorumUp && sum >= up) {
      this.quorumUp = true;
      this.line(`Gained quorum ${quorum}+${hysteresis}=${up} <= ${sum} for VS ${this.label}`, 'quorum-up');
      if (s && s.alive) {
        this.line(`${s.inhibit ? 'Disabling' : 'Removing'} sorry server ${this.rsLabel(s)} from VS ${this.label}`, 'sorry-out', s);
        this.cmd('del', s);
        s.alive = false;
        this.quorumPool(true);
      }
      return;
    }
    if (this.quorumUp && (sum === 0 || sum < down)) {
      this.quorumUp = false;
      this.line(`Lost quorum ${quorum}-${hysteresis}=${down} > ${sum} for VS ${this.label}`, 'quorum-down');
      if (s) {
        this.line(`${s.inhibit ? 'Enabling' : 'Adding'} sorry server ${this.rsLabel(s)} to VS ${this.label}`, 'sorry-in', s);
        this.cmd('add', s);
        s.alive = true;
        this.quorumPool(false);
      }
    }
  }

  /** perform_quorum_state: add or remove the alive real servers. */
  private quorumPool(add: boolean): void {
    if (!this.rs.some((r) => r.alive)) return;
    this.line(`${add ? 'Adding alive servers to' : 'Removing alive servers from'} the pool for VS ${this.label}`, add ? 'pool-in' : 'pool-out');
    for (const r of this.rs) if (r.alive) this.cmd(add ? 'add' : 'del', r);
  }

  /**
   * ipvs_cmd: ADD_DEST/DEL_DEST, turned into an edit of the weight when the server is
   * inhibited and already in the table. Errors the kernel would return for a dest already
   * there (keepalived restarted) or already gone are absorbed, as keepalived logs and goes on.
   */
  private cmd(op: 'add' | 'del', rs: RsState, weightOverride?: number): void {
    const svc = this.svc;
    if (!svc) return;
    const { addr } = rs.conf;
    const port = rs.conf.port;
    const { uThreshold, lThreshold, tunType, tunPort, tunFlags } = rs.conf;
    const spec = { addr, port, weight: weightOverride ?? rs.weight, fwd: fwdOf(rs.method), uThreshold, lThreshold, tunType, tunPort, tunFlags };
    const exists = svc.findDest(addr, port) !== undefined;
    const flag = fwdArgs({ ...rs.conf, method: rs.method }).join(' ');
    if (op === 'add') {
      if (exists) svc.editDest(spec);
      else svc.addDest(spec);
      rs.set = true;
      this.event(exists ? 'edit' : 'add', `ipvsadm ${exists ? '-e' : '-a'} ${this.svcArg()} -r ${ipPort(addr, port)} ${flag} -w ${spec.weight}`, rs, spec.weight);
      return;
    }
    if (!exists) {
      rs.set = false;
      return;
    }
    if (rs.inhibit) {
      svc.editDest({ ...spec, weight: 0 });
      this.event('edit', `ipvsadm -e ${this.svcArg()} -r ${ipPort(addr, port)} ${flag} -w 0`, rs, 0);
      return;
    }
    this.ipvs.delDest(svc, addr, port);
    rs.set = false;
    this.event('del', `ipvsadm -d ${this.svcArg()} -r ${ipPort(addr, port)}`, rs, 0);
  }

  private svcArg(): string {
    return svcArgs(this.conf).join(' ');
  }

  private rsLabel(rs: RsState): string {
    return fmtTrio(rs.conf.addr, this.conf.proto, rs.conf.port);
  }

  private line(text: string, result: string, rs?: RsState): void {
    this.log.line(this.ident, 'ipvs', text, { daemon: 'keepalived', vs: this.label, result, ...(rs ? { rs: ipPort(rs.conf.addr, rs.conf.port) } : {}) });
  }

  /** The IPVS change itself, as the equivalent ipvsadm command (for timelines). */
  private event(op: string, text: string, rs: RsState | undefined, weight: number): void {
    this.log.event('ipvs.cmd', text, { daemon: 'keepalived', op, vs: this.label, ...(rs ? { rs: ipPort(rs.conf.addr, rs.conf.port), weight } : {}) });
  }
}
