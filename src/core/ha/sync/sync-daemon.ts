/**
 * The IPVS connection synchronisation daemons of one director (ip_vs_sync.c; ha.md §4,
 * ipvs-datapath.md §9), started by `ipvsadm --start-daemon master|backup` or by keepalived's
 * lvs_sync_daemon — both just set `Ipvs.syncDaemons`, which calls `daemonsChanged`.
 *
 * Master: after each client→RS packet (`connPacket`, in_pkts already counted) the entry,
 * and its template, are checked against sync-rules.ts and queued in a message. A full
 * message goes out after IPVS_SYNC_SEND_DELAY (20 ms); a partial one when the thread, waking
 * every second, finds it older than IPVS_SYNC_FLUSH_TIME (2 s). UDP multicast to
 * 224.0.0.81:8848, TTL 1, from the mcast interface.
 *
 * Backup: joins the group, and for each entry received creates or updates an entry
 * flagged SYNC bound to its own service and dest, with the received timeout
 * (sync-backup.ts).
 *
 * Loading this module gives every Ipvs its daemons (`useIpvsSync`, at the bottom).
 */
import { useIpvsSync, type Ipvs, type SyncDaemonConf } from '../../ipvs/ipvs';
import type { Conn } from '../../ipvs/conn';
import { IP_VS_CONN_F_ONE_PACKET, IP_VS_CONN_F_TEMPLATE } from '../../ipvs/conn';
import { ip, ipStr } from '../../net/addr';
import { makeIp } from '../../net/packet';
import type { Timer } from '../../sim/engine';
import { SYNC_CONN_LEN, SYNC_HEADER_LEN, SYNC_THRESHOLD, syncMsgOf, syncNeeded, type SyncConnMsg } from './sync-rules';
import { SyncBackup } from './sync-backup';

export const SYNC_GROUP = ip('224.0.0.81');
export const SYNC_PORT = 8848;
const CHECK_PERIOD_US = 1_000_000;
const FLUSH_TIME_US = 2_000_000;
const SEND_DELAY_US = 20_000;

interface Buffer {
  conns: SyncConnMsg[];
  firstUse: number;
}

class SyncMaster {
  private buf: Buffer | undefined;
  private tick: Timer | undefined;
  private readonly lastSent = new WeakMap<Conn, number>();
  private readonly sport: number;
  readonly maxlen: number;
  sent = { messages: 0, conns: 0 };

  constructor(
    readonly ipvs: Ipvs,
    readonly conf: SyncDaemonConf,
  ) {
    const dev = ipvs.host.iface(conf.mcastIfn);
    this.maxlen = conf.syncMaxlen || Math.max(SYNC_HEADER_LEN + SYNC_CONN_LEN, (dev?.mtu ?? 1500) - 28);
    this.sport = ipvs.host.udp.ephemeralPort();
    this.arm();
  }

  private arm(): void {
    this.tick = this.ipvs.host.world.engine.after(CHECK_PERIOD_US, () => {
      const b = this.buf;
      if (b && this.ipvs.host.world.now - b.firstUse >= FLUSH_TIME_US) {
        this.buf = undefined;
        this.send(b);
      }
      this.arm();
    });
  }

  stop(): void {
    this.tick?.cancel();
    this.buf = undefined;
  }

  /** ip_vs_sync_conn (v1): the entry if needed, then its controlling template. */
  conn(cp0: Conn): void {
    const persistMode = this.ipvs.sysctl('sync_persist_mode') === 1;
    let cp: Conn | null = cp0;
    let pkts = cp0.flags & IP_VS_CONN_F_ONE_PACKET ? SYNC_THRESHOLD : cp0.inPkts;
    let first = true;
    while (cp) {
      const skip = first && (cp.flags & IP_VS_CONN_F_ONE_PACKET) !== 0;
      if (!skip && syncNeeded(cp, pkts, this.lastSent, persistMode)) this.queue(syncMsgOf(cp));
      first = false;
      const ct: Conn | null = cp.control;
      if (!ct) break;
      if (ct.flags & IP_VS_CONN_F_TEMPLATE) pkts = ++ct.inPkts;
      else pkts = SYNC_THRESHOLD;
      cp = ct;
    }
  }

  private queue(m: SyncConnMsg): void {
    const now = this.ipvs.host.world.now;
    if (this.buf && SYNC_HEADER_LEN + (this.buf.conns.length + 1) * SYNC_CONN_LEN > this.maxlen) {
      const full = this.buf;
      this.buf = undefined;
      this.ipvs.host.world.engine.after(SEND_DELAY_US, () => this.send(full));
    }
    this.buf ??= { conns: [], firstUse: now };
    this.buf.conns.push(m);
  }

  private send(b: Buffer): void {
    const host = this.ipvs.host;
    const dev = host.iface(this.conf.mcastIfn);
    if (!dev || !host.powered) return;
    const src = dev.addrs.find((a) => !a.secondary && a.scope === 'global')?.addr ?? 0;
    const plen = SYNC_HEADER_LEN + b.conns.length * SYNC_CONN_LEN;
    const l4 = { kind: 'udp' as const, sport: this.sport, dport: this.conf.mcastPort || SYNC_PORT, plen, data: { app: 'sync' as const, syncid: this.conf.syncid, conns: b.conns } };
    host.output(makeIp({ src, dst: this.conf.mcastGroup || SYNC_GROUP, ttl: this.conf.mcastTtl || 1, id: host.nextIpId(), df: false, l4 }), { dev });
    this.sent.messages++;
    this.sent.conns += b.conns.length;
    host.ctl('ipvs.sync', `sync master: ${b.conns.length} connection${b.conns.length === 1 ? '' : 's'} sent to ${ipStr(this.conf.mcastGroup || SYNC_GROUP)}:${this.conf.mcastPort || SYNC_PORT}`, { syncid: this.conf.syncid, conns: b.conns.length });
  }
}

/** The sync side of one Ipvs: whichever daemons `syncDaemons` says run. */
export class IpvsSync {
  master: SyncMaster | undefined;
  backup: SyncBackup | undefined;

  constructor(readonly ipvs: Ipvs) {}

  /** Start or stop daemons to match ipvs.syncDaemons (start_sync_thread / stop_sync_thread). */
  daemonsChanged(): void {
    const want = this.ipvs.syncDaemons;
    if (this.master && this.master.conf !== want.master) {
      this.master.stop();
      this.master = undefined;
      this.log('stopping master sync thread');
    }
    if (!this.master && want.master) {
      this.master = new SyncMaster(this.ipvs, want.master);
      this.log(`sync thread started: state = MASTER, mcast_ifn = ${want.master.mcastIfn}, syncid = ${want.master.syncid}, id = 0`);
    }
    if (this.backup && this.backup.conf !== want.backup) {
      this.backup.stop();
      this.backup = undefined;
      this.log('stopping backup sync thread');
    }
    if (!this.backup && want.backup) {
      this.backup = new SyncBackup(this.ipvs, want.backup, SYNC_GROUP, SYNC_PORT);
      this.log(`sync thread started: state = BACKUP, mcast_ifn = ${want.backup.mcastIfn}, syncid = ${want.backup.syncid}, id = 0`);
    }
  }

  /** Called by the data path after each client→RS packet of an entry. */
  connPacket(cp: Conn): void {
    this.master?.conn(cp);
  }

  private log(text: string): void {
    this.ipvs.host.ctl('ipvs.sync', `IPVS: ${text}`);
  }
}

useIpvsSync((ipvs) => new IpvsSync(ipvs));
