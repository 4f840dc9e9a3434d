/**
 * ldirectord on one node (ldirectord.in; ha.md §3): it creates its virtual services, then
 * loops — check every real server of every virtual, one after the other (fork=no), then
 * sleep checkinterval — and sets each real server up or down through the same IPVS
 * operations ipvsadm performs (ldirectord runs ipvsadm). A down server is deleted, or kept
 * at weight 0 with quiescent=yes; the fallback server is in only while no real server is up.
 *
 * Simplifications: checktype ping/external and negotiate for services other than http(s)
 * are connect checks; the loop is global even with fork=yes.
 */
import { createActor, type Actor } from 'xstate';
import type { Host } from '../../host/host';
import type { Ipvs } from '../../ipvs/ipvs';
import type { Service } from '../../ipvs/service';
import { IP_VS_SVC_F_PERSISTENT } from '../../ipvs/service';
import type { FwdMethod } from '../../ipvs/dest';
import { ipStr } from '../../net/addr';
import type { Timer } from '../../sim/engine';
import { simClock } from '../../machines/sim-clock';
import { ldirectordRealMachine } from '../../machines/ldirectord-real.machine';
import { DaemonLog } from '../daemon-log';
import { ipPort } from '../format';
import { probe, type ProbeHandle, type ProbeSpec } from '../probes';
import { parseLdirectord, type LdirConf, type LdirMethod, type LdirReal, type LdirVirtual } from './conf';
import type { DaemonResult } from '../keepalived/keepalived';

export const LDIRECTORD_VERSION = 'Linux Director v1.186-ha';

interface RealRun {
  conf: LdirReal;
  actor: Actor<typeof ldirectordRealMachine>;
  /** checktype N: connect checks done since the last negotiate. */
  connects: number;
  /** Its state as ldirectord's real_status has it (set as the machine's actions run). */
  up: boolean;
}

interface VirtualRun {
  conf: LdirVirtual;
  svc: Service;
  reals: RealRun[];
  fallbackOn: boolean;
}

function fwdOf(m: LdirMethod): FwdMethod {
  return m === 'masq' ? 'masq' : m === 'ipip' ? 'tunnel' : 'route';
}

export class Ldirectord {
  readonly log: DaemonLog;
  running = false;
  since = 0;
  pid = 0;
  conf: LdirConf | undefined;
  configText: string | undefined;
  virtuals: VirtualRun[] = [];
  private timer: Timer | undefined;
  private attempt: ProbeHandle | undefined;
  private gen = 0;
  private starts = 0;

  constructor(
    readonly host: Host,
    private readonly ipvsFor: () => Ipvs,
  ) {
    this.log = new DaemonLog(host);
  }

  private get ident(): string {
    return `ldirectord[${this.pid}]`;
  }

  start(text: string): DaemonResult {
    if (this.running) return { ok: true, warnings: [] };
    const r = parseLdirectord(text);
    this.pid = 1200 + ((this.host.name.length * 53 + this.starts++ * 17) % 300) * 2;
    this.line('ldirectord', `Invoking ldirectord invoked as: /usr/sbin/ldirectord start`);
    for (const w of r.warnings) this.line('ldirectord', w);
    if (!r.ok) {
      for (const e of r.errors) this.line('ldirectord', e);
      return { ok: false, errors: r.errors, warnings: r.warnings };
    }
    this.conf = r.conf;
    this.configText = text;
    this.running = true;
    this.since = this.host.world.now;
    this.line('ldirectord', `Starting ${LDIRECTORD_VERSION} as daemon`);
    const ipvs = this.ipvsFor();
    this.virtuals = r.conf.virtuals.map((v) => this.setupVirtual(ipvs, v));
    this.gen++;
    this.round(this.gen);
    return { ok: true, warnings: r.warnings };
  }

  /** ld_stop with cleanstop=yes: its virtual services are removed. */
  stop(): void {
    if (!this.running) return;
    this.line('ldirectord', 'Exiting with exit_status 0: Exiting from ldirectord stop');
    const ipvs = this.ipvsFor();
    for (const v of this.virtuals) {
      if (ipvs.services.includes(v.svc)) ipvs.delService(v.svc);
      this.line('ipvs', `Purged virtual server (stop): ${this.vstr(v.conf)}`);
    }
    this.halt();
  }

  /** The process dies; with its host (`hostDown`) the kernel's IPVS table goes too. */
  kill(hostDown: boolean): void {
    if (!this.running) return;
    const ipvs = this.ipvsFor();
    if (hostDown) for (const v of this.virtuals) if (ipvs.services.includes(v.svc)) ipvs.delService(v.svc);
    this.halt();
  }

  reload(text: string): DaemonResult {
    if (!this.running) return this.start(text);
    this.line('ldirectord', 'Reloading configuration');
    const ipvs = this.ipvsFor();
    const r = parseLdirectord(text);
    if (!r.ok) return r;
    for (const v of this.virtuals) {
      const still = r.conf.virtuals.some((n) => n.vip === v.conf.vip && n.port === v.conf.port && n.fwmark === v.conf.fwmark);
      if (!still && ipvs.services.includes(v.svc)) ipvs.delService(v.svc);
    }
    this.halt();
    return this.start(text);
  }

  private halt(): void {
    this.gen++;
    this.timer?.cancel();
    this.timer = undefined;
    this.attempt?.cancel();
    this.attempt = undefined;
    for (const v of this.virtuals) for (const r of v.reals) r.actor.stop();
    this.virtuals = [];
    this.running = false;
    this.since = this.host.world.now;
  }

  private setupVirtual(ipvs: Ipvs, v: LdirVirtual): VirtualRun {
    const spec = { sched: v.scheduler, flags: v.persistent !== undefined ? IP_VS_SVC_F_PERSISTENT : 0, timeout: v.persistent ?? 0, netmask: v.netmask ?? 0xffffffff };
    const existing = v.fwmark ? ipvs.findFwmarkService(v.fwmark) : ipvs.findService(v.proto, v.vip, v.port);
    let svc: Service;
    if (existing) {
      existing.edit(spec);
      svc = existing;
    } else svc = ipvs.addService({ proto: v.proto, ...(v.fwmark ? { fwmark: v.fwmark } : { vip: v.vip, port: v.port }), ...spec });
    const run: VirtualRun = { conf: v, svc, reals: [], fallbackOn: false };
    for (const real of v.reals) {
      const d = svc.findDest(real.addr, real.port);
      const up = d !== undefined && d.weight > 0;
      const actor = createActor(
        ldirectordRealMachine.provide({
          actions: {
            'log soft failure': ({ context }) => this.line('check', `Soft failure real server: ${ipPort(real.addr, real.port)} (${this.vid(v)}) failure ${context.failcount}/${context.failurecount}`, { result: 'fail', rs: ipPort(real.addr, real.port) }),
            'log reset': () => this.line('check', `Resetting soft failure count: ${ipPort(real.addr, real.port)} (${this.vid(v)})`, { result: 'ok', rs: ipPort(real.addr, real.port) }),
            'take down': () => this.takeDown(run, real),
            'bring up': () => this.bringUp(run, real),
          },
        }),
        { input: { failurecount: v.failurecount, up }, clock: simClock(this.host.world.engine) },
      );
      actor.start();
      run.reals.push({ conf: real, actor, connects: 0, up });
      if (!up && v.quiescent && !d) {
        svc.addDest({ addr: real.addr, port: real.port, weight: 0, fwd: fwdOf(real.method) });
        this.line('ipvs', `Quiescent real server: ${ipPort(real.addr, real.port)} (${this.vstr(v)}) (Weight set to 0)`, { result: 'down', rs: ipPort(real.addr, real.port), op: 'edit', weight: 0 });
      }
    }
    if (!run.reals.some((r) => r.up)) this.fallbackOn(run);
    return run;
  }

  // ------------------------------------------------------------------ the check loop

  private round(gen: number): void {
    const queue: [VirtualRun, RealRun][] = this.virtuals.flatMap((v) => v.reals.map((r) => [v, r] as [VirtualRun, RealRun]));
    const next = () => {
      if (gen !== this.gen) return;
      const item = queue.shift();
      if (!item) {
        this.timer = this.host.world.engine.after(this.conf!.checkintervalUs, () => this.round(gen));
        return;
      }
      this.check(item[0], item[1], (ok) => {
        if (gen !== this.gen) return;
        item[1].actor.send({ type: ok ? 'check ok' : 'check failed' });
        next();
      });
    };
    next();
  }

  private check(v: VirtualRun, r: RealRun, done: (ok: boolean) => void): void {
    const c = v.conf;
    const rs = ipPort(r.conf.addr, r.conf.port);
    const finish = (ok: boolean, why?: string) => {
      this.log.event('check', `${c.checktype.kind} check of ${rs} (${this.vid(c)}): ${ok ? 'ok' : `failed${why ? ` (${why})` : ''}`}`, { daemon: 'ldirectord', rs, vs: this.vid(c), result: ok ? 'ok' : 'fail', ...(why ? { why } : {}) });
      done(ok);
    };
    const kind = c.checktype.kind;
    if (kind === 'on' || kind === 'off') {
      this.host.world.engine.after(0, () => finish(kind === 'on'));
      return;
    }
    let negotiate = kind === 'negotiate';
    if (c.checktype.kind === 'combined') {
      negotiate = r.connects >= c.checktype.connects;
      r.connects = negotiate ? 0 : r.connects + 1;
    }
    const http = negotiate && (c.service === 'http' || c.service === 'https');
    if (negotiate && c.service === 'none') {
      this.host.world.engine.after(0, () => finish(true));
      return;
    }
    const receive = r.conf.receive ?? c.receive;
    const spec: ProbeSpec = {
      dst: r.conf.addr,
      port: c.checkport ?? r.conf.port,
      timeoutUs: negotiate ? c.negotiatetimeoutUs : c.checktimeoutUs,
      ...(http
        ? {
            http: {
              path: (r.conf.request ?? c.request).replace(/^(?!\/)/, '/'),
              accept: (status: number, body: string) => status >= 200 && status < 300 && (receive === undefined || new RegExp(receive).test(body)),
            },
          }
        : {}),
    };
    this.attempt = probe(this.host, spec, (res) => {
      this.attempt = undefined;
      finish(res.ok, res.why);
    });
  }

  // ------------------------------------------------------------------ service_set

  /** _service_down → _remove_service, then fallback_on. */
  private takeDown(v: VirtualRun, real: LdirReal): void {
    const rs = ipPort(real.addr, real.port);
    const run = v.reals.find((r) => r.conf === real);
    if (run) run.up = false;
    this.log.event('check', `Disabled real server=${rs} (virtual=${this.vid(v.conf)})`, { daemon: 'ldirectord', rs, vs: this.vid(v.conf), result: 'down' });
    const d = v.svc.findDest(real.addr, real.port);
    if (v.conf.quiescent) {
      if (d && d.weight !== 0) {
        v.svc.editDest({ addr: real.addr, port: real.port, weight: 0, fwd: fwdOf(real.method) });
        this.line('ipvs', `Quiescent real server: ${rs} (${this.vstr(v.conf)}) (Weight set to 0)`, { result: 'down', rs, op: 'edit', weight: 0 });
      }
    } else if (d) {
      this.ipvsFor().delDest(v.svc, real.addr, real.port);
      this.line('ipvs', `Deleted real server: ${rs} (${this.vstr(v.conf)})`, { result: 'down', rs, op: 'del', weight: 0 });
    }
    this.fallbackOn(v);
  }

  /** _service_up → _restore_service, then fallback_off. */
  private bringUp(v: VirtualRun, real: LdirReal): void {
    const rs = ipPort(real.addr, real.port);
    const run = v.reals.find((r) => r.conf === real);
    if (run) run.up = true;
    this.log.event('check', `Enabled real server=${rs} (virtual=${this.vid(v.conf)})`, { daemon: 'ldirectord', rs, vs: this.vid(v.conf), result: 'up' });
    this.restore(v, real.addr, real.port, fwdOf(real.method), real.weight, 'real');
    this.fallbackOff(v);
  }

  private restore(v: VirtualRun, addr: number, port: number, fwd: FwdMethod, weight: number, tag: 'real' | 'fallback'): void {
    const rs = ipPort(addr, port);
    const d = v.svc.findDest(addr, port);
    const spec = { addr, port, weight, fwd };
    if (d) {
      if (d.weight === weight && d.fwd === fwd) return;
      v.svc.editDest(spec);
      this.line('ipvs', `Restored ${tag} server: ${rs} (${this.vstr(v.conf)}) (Weight set to ${weight})`, { result: 'up', rs, op: 'edit', weight, tag });
    } else {
      v.svc.addDest(spec);
      this.line('ipvs', `Added ${tag} server: ${rs} (${this.vstr(v.conf)}) (Weight set to ${weight})`, { result: 'up', rs, op: 'add', weight, tag });
    }
  }

  private fallbackOn(v: VirtualRun): void {
    const fb = v.conf.fallback;
    if (!fb || v.fallbackOn || v.reals.some((r) => r.up)) return;
    v.fallbackOn = true;
    this.restore(v, fb.addr, fb.port, fwdOf(fb.method), 1, 'fallback');
  }

  private fallbackOff(v: VirtualRun): void {
    const fb = v.conf.fallback;
    if (!fb || !v.fallbackOn) return;
    v.fallbackOn = false;
    if (v.svc.findDest(fb.addr, fb.port)) {
      this.ipvsFor().delDest(v.svc, fb.addr, fb.port);
      this.line('ipvs', `Deleted fallback server: ${ipPort(fb.addr, fb.port)} (${this.vstr(v.conf)})`, { result: 'down', rs: ipPort(fb.addr, fb.port), op: 'del', tag: 'fallback' });
    }
  }

  /** get_virtual: `ip:port`, or the fwmark. */
  private vstr(v: LdirVirtual): string {
    return v.fwmark ? String(v.fwmark) : `${ipStr(v.vip)}:${v.port}`;
  }

  /** get_virtual_id_str: `proto:ip:port` (fwm:N for fwmark services). */
  private vid(v: LdirVirtual): string {
    return v.fwmark ? `fwm:${v.fwmark}` : `${v.proto}:${ipStr(v.vip)}:${v.port}`;
  }

  private line(what: string, text: string, data?: Record<string, unknown>): void {
    this.log.line(this.ident, what, text, { daemon: 'ldirectord', ...data });
  }

  /** Real servers and whether each is up, for `systemctl status` and the UI. */
  states(): { virtual: string; real: string; up: boolean }[] {
    return this.virtuals.flatMap((v) => v.reals.map((r) => ({ virtual: this.vstr(v.conf), real: ipPort(r.conf.addr, r.conf.port), up: r.up })));
  }
}
