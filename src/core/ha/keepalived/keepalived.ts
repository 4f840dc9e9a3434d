/**
 * keepalived on one node: the VRRP instances (vrrp/instance.ts), the virtual servers with
 * their checkers (virtual-server.ts) and the IPVS sync daemon it drives (ha.md §2.3).
 * `start`, `stop`, `reload` and `kill` are what systemctl and a power cut do to it.
 *
 * Reload keeps what keepalived keeps: instances with the same name keep their state, and
 * real servers of a virtual server that still exists keep their up/down state (a failed
 * server is not re-added until its checker succeeds).
 */
import type { Host } from '../../host/host';
import type { Ipvs, SyncDaemonConf } from '../../ipvs/ipvs';
import '../sync/sync-daemon'; // the daemons lvs_sync_daemon starts
import { IPPROTO_VRRP, type Ipv4 } from '../../net/packet';
import type { Iface } from '../../host/iface';
import type { VrrpState } from '../../machines/vrrp-instance.machine';
import { DaemonLog } from '../daemon-log';
import { VrrpInstance } from '../vrrp/instance';
import { parseKeepalived, type KeepalivedConf } from './conf';
import { VirtualServer } from './virtual-server';

export const KEEPALIVED_VERSION = 'Keepalived v2.2.7 (01/16,2022)';

export type DaemonResult = { ok: true; warnings: string[] } | { ok: false; errors: string[]; warnings: string[] };

export class Keepalived {
  readonly log: DaemonLog;
  running = false;
  /** When it last started or stopped (systemd's ActiveEnterTimestamp). */
  since = 0;
  pid = 0;
  conf: KeepalivedConf | undefined;
  configText: string | undefined;
  instances: VrrpInstance[] = [];
  virtualServers: VirtualServer[] = [];
  private starts = 0;

  constructor(
    readonly host: Host,
    private readonly ipvsFor: () => Ipvs,
  ) {
    this.log = new DaemonLog(host);
  }

  private get idents() {
    return { main: `Keepalived[${this.pid}]`, vrrp: `Keepalived_vrrp[${this.pid + 1}]`, check: `Keepalived_healthcheckers[${this.pid + 2}]` };
  }

  start(text: string): DaemonResult {
    if (this.running) return { ok: true, warnings: [] };
    const r = parseKeepalived(text);
    this.pid = 700 + ((this.host.name.length * 37 + this.starts++ * 11) % 200) * 3;
    const id = this.idents;
    this.log.line(id.main, 'keepalived', `Starting ${KEEPALIVED_VERSION}`);
    this.log.line(id.main, 'keepalived', `Opening file '/etc/keepalived/keepalived.conf'.`);
    for (const w of r.warnings) this.log.line(id.main, 'keepalived', w);
    if (!r.ok) {
      for (const e of r.errors) this.log.line(id.main, 'keepalived', e);
      this.log.line(id.main, 'keepalived', 'Stopped - configuration errors');
      return { ok: false, errors: r.errors, warnings: r.warnings };
    }
    const missing = r.conf.vrrp.find((v) => !this.host.iface(v.iface));
    if (missing) {
      const err = `(${missing.name}) Unknown interface ${missing.iface}!`;
      this.log.line(id.main, 'keepalived', err);
      return { ok: false, errors: [err], warnings: r.warnings };
    }
    this.conf = r.conf;
    this.configText = text;
    this.running = true;
    this.since = this.host.world.now;
    this.log.line(id.main, 'keepalived', `Starting VRRP child process, pid=${this.pid + 1}`);
    this.log.line(id.main, 'keepalived', `Starting Healthcheck child process, pid=${this.pid + 2}`);
    this.startLvs(undefined);
    this.startVrrp(new Map());
    this.syncWithoutInstance();
    return { ok: true, warnings: r.warnings };
  }

  /** systemctl stop: priority-0 adverts from a MASTER, VIPs removed, its IPVS services removed. */
  stop(): void {
    if (!this.running) return;
    const id = this.idents;
    this.log.line(id.main, 'keepalived', 'Stopping');
    for (const i of this.instances) i.stop();
    for (const vs of this.virtualServers) vs.stop(true);
    this.teardown();
    this.log.line(id.main, 'keepalived', `Stopped ${KEEPALIVED_VERSION}`);
  }

  /**
   * The process dies without a word. `hostDown`: with its host, whose kernel forgets the
   * VIPs, the IPVS table and the sync threads too. Otherwise (SIGKILL) the kernel keeps
   * them: a killed master's VIP stays configured, next to the new master's.
   */
  kill(hostDown: boolean): void {
    if (!this.running) return;
    for (const i of this.instances) i.kill(hostDown);
    for (const vs of this.virtualServers) vs.stop(hostDown);
    this.teardown(hostDown);
  }

  private teardown(stopSync = true): void {
    this.instances = [];
    this.virtualServers = [];
    this.host.protocols.delete(IPPROTO_VRRP);
    if (stopSync) {
      this.setSync('master', undefined);
      this.setSync('backup', undefined);
    }
    this.running = false;
    this.since = this.host.world.now;
  }

  /** systemctl reload (SIGHUP): re-read the file, keep states where keepalived keeps them. */
  reload(text: string): DaemonResult {
    if (!this.running) return this.start(text);
    const r = parseKeepalived(text);
    const id = this.idents;
    this.log.line(id.main, 'keepalived', 'Reloading');
    for (const w of r.warnings) this.log.line(id.main, 'keepalived', w);
    if (!r.ok) {
      for (const e of r.errors) this.log.line(id.main, 'keepalived', e);
      return { ok: false, errors: r.errors, warnings: r.warnings };
    }
    this.conf = r.conf;
    this.configText = text;
    const old = new Map(this.instances.map((i) => [i.name, i]));
    this.startLvs(this.virtualServers);
    this.startVrrp(old);
    this.syncWithoutInstance();
    return { ok: true, warnings: r.warnings };
  }

  private startLvs(previous: VirtualServer[] | undefined): void {
    const conf = this.conf!;
    const ipvs = conf.virtualServers.length > 0 || previous?.length ? this.ipvsFor() : undefined;
    if (!ipvs) return;
    const key = (v: { fwmark: number; proto: string; vip: number; port: number }) => (v.fwmark ? `fwm:${v.fwmark}` : `${v.proto}:${v.vip}:${v.port}`);
    const prev = new Map((previous ?? []).map((vs) => [key(vs.conf), vs]));
    if (conf.global.lvsFlush && !previous) for (const s of [...ipvs.services]) ipvs.delService(s);
    this.virtualServers = [];
    for (const c of conf.virtualServers) {
      const vs = new VirtualServer(this.host, ipvs, c, this.log, this.idents.check);
      const before = prev.get(key(c));
      prev.delete(key(c));
      before?.stop(false);
      vs.start(before);
      this.virtualServers.push(vs);
    }
    for (const gone of prev.values()) gone.stop(true);
  }

  private startVrrp(old: Map<string, VrrpInstance>): void {
    const conf = this.conf!;
    const next: VrrpInstance[] = [];
    for (const c of conf.vrrp) {
      const o = old.get(c.name);
      old.delete(c.name);
      if (o && o.conf.iface === c.iface && o.conf.vrid === c.vrid) {
        o.conf = c;
        o.actor.send({ type: 'priority', prio: c.priority });
        next.push(o);
        continue;
      }
      o?.stop();
      const inst = new VrrpInstance(this.host, c, { log: this.log, ident: this.idents.vrrp, onState: (i, s, p) => this.instanceState(i, s, p) });
      next.push(inst);
    }
    for (const o of old.values()) o.stop();
    const fresh = next.filter((i) => !this.instances.includes(i));
    this.instances = next;
    this.host.protocols.set(IPPROTO_VRRP, (pkt, dev) => this.vrrpReceive(pkt, dev));
    for (const i of fresh) i.start();
  }

  /** The VRRP socket: an advert goes to the instance with its VRID on that interface. */
  private vrrpReceive(pkt: Ipv4, dev: Iface): void {
    const v = pkt.l4;
    if (v.kind !== 'vrrp') return;
    const inst = this.instances.find((i) => i.conf.vrid === v.vrid && (i.conf.iface === dev.name || i.conf.unicastPeers.includes(pkt.src)));
    inst?.receive(pkt, v);
  }

  private instanceState(inst: VrrpInstance, state: VrrpState, _prev: VrrpState): void {
    const sd = this.conf?.global.lvsSyncDaemon;
    if (!sd || sd.instance !== inst.name || !this.running) return;
    if (state === 'MASTER') {
      this.setSync('backup', undefined);
      this.setSync('master', this.syncConf('master'));
    } else if (state === 'BACKUP' || state === 'FAULT') {
      this.setSync('master', undefined);
      this.setSync('backup', this.syncConf('backup'));
    }
  }

  /** lvs_sync_daemon without an instance: both daemons run all the time. */
  private syncWithoutInstance(): void {
    const sd = this.conf?.global.lvsSyncDaemon;
    if (!sd || sd.instance !== undefined) return;
    this.setSync('master', this.syncConf('master'));
    this.setSync('backup', this.syncConf('backup'));
  }

  private syncConf(state: 'master' | 'backup'): SyncDaemonConf {
    const sd = this.conf!.global.lvsSyncDaemon!;
    const vrid = this.conf!.vrrp.find((v) => v.name === sd.instance)?.vrid ?? 0;
    return {
      state,
      mcastIfn: sd.iface,
      syncid: sd.syncid ?? vrid,
      ...(sd.maxlen !== undefined ? { syncMaxlen: sd.maxlen } : {}),
      ...(sd.group !== undefined ? { mcastGroup: sd.group } : {}),
      ...(sd.port !== undefined ? { mcastPort: sd.port } : {}),
      ...(sd.ttl !== undefined ? { mcastTtl: sd.ttl } : {}),
    };
  }

  private setSync(state: 'master' | 'backup', conf: SyncDaemonConf | undefined): void {
    const ipvs = conf ? this.ipvsFor() : this.ipvsIfAny();
    if (!ipvs) return;
    const cur = ipvs.syncDaemons[state];
    if (conf === undefined) {
      if (cur) delete ipvs.syncDaemons[state];
      return;
    }
    if (cur && cur.mcastIfn === conf.mcastIfn && cur.syncid === conf.syncid) return;
    ipvs.syncDaemons[state] = conf;
  }

  private ipvsIfAny(): Ipvs | undefined {
    try {
      return this.virtualServers[0]?.ipvs ?? this.ipvsFor();
    } catch {
      return undefined;
    }
  }

  /** The VRRP state of each instance, for `systemctl status` and the UI. */
  states(): { name: string; state: VrrpState; priority: number }[] {
    return this.instances.map((i) => ({ name: i.name, state: i.current, priority: i.priority }));
  }
}
