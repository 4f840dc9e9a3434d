/**
 * The backup sync daemon (ip_vs_sync.c: ip_vs_process_message → ip_vs_proc_conn;
 * ipvs-datapath.md §9): entries arrive by UDP multicast and become entries flagged SYNC,
 * bound to the backup's own identically configured service and dest, with in_pkts set to
 * the threshold, the state from the message and the timer at the received timeout.
 *
 * Simplification: an entry whose service does not exist on the backup is not kept
 * (the kernel keeps it unbound until a later message can bind it).
 */
import type { Ipvs, SyncDaemonConf } from '../../ipvs/ipvs';
import type { Dest } from '../../ipvs/dest';
import { Conn, IP_VS_CONN_F_FWD_MASK, IP_VS_CONN_F_INACTIVE, IP_VS_CONN_F_NOOUTPUT, IP_VS_CONN_F_SYNC, IP_VS_CONN_F_TEMPLATE, fwdFlag } from '../../ipvs/conn';
import { isActiveState } from '../../ipvs/tcp-states';
import type { AppData } from '../../net/packet';
import { ipStr, type Ip } from '../../net/addr';
import type { UdpSocket } from '../../host/udp';
import { SYNC_THRESHOLD, type SyncConnMsg } from './sync-rules';

export class SyncBackup {
  private readonly sock: UdpSocket;
  private readonly group: Ip;
  received = { messages: 0, conns: 0, dropped: 0 };

  constructor(
    readonly ipvs: Ipvs,
    readonly conf: SyncDaemonConf,
    defaultGroup: Ip,
    defaultPort: number,
  ) {
    const host = ipvs.host;
    this.group = conf.mcastGroup || defaultGroup;
    host.mcast.add(`${conf.mcastIfn}:${this.group}`);
    this.sock = { port: conf.mcastPort || defaultPort, addr: 0, onDatagram: (from, data) => this.message(from.addr, data) };
    host.udp.bind(this.sock);
  }

  stop(): void {
    this.ipvs.host.mcast.delete(`${this.conf.mcastIfn}:${this.group}`);
    this.ipvs.host.udp.unbind(this.sock);
  }

  private message(from: Ip, data: AppData | undefined): void {
    if (data?.app !== 'sync') return;
    if (this.conf.syncid !== 0 && data.syncid !== this.conf.syncid) {
      this.received.dropped++;
      this.ipvs.host.ctl('ipvs.sync', `sync backup: message from ${ipStr(from)} with syncid ${data.syncid} ignored (ours ${this.conf.syncid})`);
      return;
    }
    this.received.messages++;
    let bound = 0;
    for (const m of data.conns as readonly SyncConnMsg[]) if (this.proc(m)) bound++;
    this.received.conns += bound;
    this.ipvs.host.ctl('ipvs.sync', `sync backup: ${data.conns.length} connection${data.conns.length === 1 ? '' : 's'} received from ${ipStr(from)}`, { syncid: data.syncid, conns: data.conns.length, bound });
  }

  /** ip_vs_proc_conn. Returns whether the entry is now in the table. */
  private proc(m: SyncConnMsg): boolean {
    const ipvs = this.ipvs;
    const template = (m.flags & IP_VS_CONN_F_TEMPLATE) !== 0;
    const proto = m.proto === 'ip' ? 'tcp' : m.proto;
    const svc = m.fwmark ? ipvs.findFwmarkService(m.fwmark) : (ipvs.findService(proto, m.vaddr, m.vport) ?? ipvs.findService(proto, m.vaddr, 0));
    if (!svc) return false;
    const dest: Dest | undefined = svc.dests.find((d) => d.addr === m.daddr && (d.port === m.dport || m.dport === 0));
    const existing = template ? ipvs.conns.lookupTemplate(m.proto, m.caddr, m.vaddr, m.vport) : ipvs.conns.lookupIn(m.proto, m.caddr, m.cport, m.vaddr, m.vport);
    if (existing && !existing.dead) {
      if (existing.dest === (dest ?? null)) {
        this.update(existing, m);
        return true;
      }
      // Another dest: an active message replaces the entry, an inactive one is ignored.
      if (m.flags & IP_VS_CONN_F_INACTIVE) return true;
      ipvs.expire(existing, true);
    }
    let flags = (m.flags & ~(IP_VS_CONN_F_FWD_MASK | IP_VS_CONN_F_NOOUTPUT)) | IP_VS_CONN_F_SYNC;
    if (dest) flags |= fwdFlag(dest.fwd) | (dest.fwd !== 'masq' && !template ? IP_VS_CONN_F_NOOUTPUT : 0);
    else flags |= m.flags & IP_VS_CONN_F_FWD_MASK;
    const cp = new Conn(m.proto, m.caddr, m.cport, m.vaddr, m.vport, m.daddr, m.dport, flags, dest ?? null, svc, m.fwmark);
    cp.state = m.state;
    cp.oldState = m.state;
    cp.inPkts = SYNC_THRESHOLD;
    cp.timeout = m.timeoutS * 1_000_000;
    if (dest) {
      if (template) dest.bindTemplate();
      else dest.bindConn((flags & IP_VS_CONN_F_INACTIVE) === 0);
      dest.refcnt++;
    }
    ipvs.conns.insert(cp, !template && dest?.fwd === 'masq');
    ipvs.touch(cp);
    return true;
  }

  /** An entry we have: new state (ActiveConn/InActConn follow the INACTIVE bit), new timer. */
  private update(cp: Conn, m: SyncConnMsg): void {
    if (!cp.isTemplate && cp.dest && m.state !== cp.state) {
      const wasActive = (cp.flags & IP_VS_CONN_F_INACTIVE) === 0;
      const nowActive = cp.proto === 'tcp' ? isActiveState(m.state) : (m.flags & IP_VS_CONN_F_INACTIVE) === 0;
      if (!wasActive && nowActive) {
        cp.dest.connActivated();
        cp.flags &= ~IP_VS_CONN_F_INACTIVE;
      } else if (wasActive && !nowActive) {
        cp.dest.connDeactivated();
        cp.flags |= IP_VS_CONN_F_INACTIVE;
      }
    }
    cp.oldState = cp.state;
    cp.state = m.state;
    cp.timeout = m.timeoutS * 1_000_000;
    this.ipvs.touch(cp);
  }
}
