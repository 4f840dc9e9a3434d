/**
 * `ipvsadm --set` / `-L --timeout` and the sync daemons (`--start-daemon`, `--stop-daemon`,
 * `-L --daemon`): ip_vs_set_timeout and ip_vs_sync.c's start/stop_sync_thread as the
 * generic netlink commands reach them, on the Ipvs's timeouts and syncDaemons.
 */
import type { Ipvs, SyncDaemonConf } from '../../ipvs/ipvs';
import '../../ha/sync/sync-daemon'; // the daemons ipvsadm --start-daemon starts
import { S } from '../../ipvs/tcp-states';
import { IP_VS_STATE_BACKUP, IP_VS_STATE_MASTER, type DaemonEntry, type DaemonUser, type TimeoutUser } from './entry';
import { EEXIST, EINVAL, ENODEV, ESRCH } from './errors';
import type { Ext } from './foreign';
import { AF_INET, AF_INET6, v4, type Af } from './netdb';

/** IPVS_CMD_SET_CONFIG → ip_vs_set_timeout: 0 leaves a value as it is. */
export function setTimeouts(ipvs: Ipvs, t: TimeoutUser): number {
  const tm = ipvs.timeouts;
  if (t.tcp) tm.tcp[S.ESTABLISHED] = t.tcp;
  if (t.tcpFin) tm.tcp[S.FIN_WAIT] = t.tcpFin;
  if (t.udp) tm.udp = t.udp;
  return 0;
}

export function getTimeouts(ipvs: Ipvs): TimeoutUser {
  const tm = ipvs.timeouts;
  return { tcp: tm.tcp[S.ESTABLISHED] ?? 0, tcpFin: tm.tcp[S.FIN_WAIT] ?? 0, udp: tm.udp };
}

export function syncRunning(ipvs: Ipvs): boolean {
  return ipvs.syncDaemons.master !== undefined || ipvs.syncDaemons.backup !== undefined;
}

function mixedDests(ipvs: Ipvs, x: Ext): number {
  let n = 0;
  for (const svc of ipvs.services) n += x.mixed.get(svc)?.length ?? 0;
  for (const f of x.foreign) n += f.dests.filter((d) => d.af !== f.af).length;
  return n;
}

/** IPVS_CMD_NEW_DAEMON → ip_vs_genl_new_daemon / start_sync_thread. */
export function startDaemon(ipvs: Ipvs, x: Ext, d: DaemonUser, ifaceMtu: (name: string) => number | undefined): number {
  if (d.mcastAf === AF_INET && d.mcastGroup.w[0] >>> 28 !== 0xe) return EINVAL;
  if (d.mcastAf === AF_INET6 && d.mcastGroup.w[0] >>> 24 !== 0xff) return EINVAL;
  if (mixedDests(ipvs, x) > 0) return EINVAL;
  if (d.state !== IP_VS_STATE_MASTER && d.state !== IP_VS_STATE_BACKUP) return EINVAL;
  const af: Af = d.mcastAf === 0 ? AF_INET : d.mcastAf;
  const group = d.mcastAf === 0 ? v4(0xe0000051) : d.mcastGroup;
  const mtu = ifaceMtu(d.mcastIfn);
  if (mtu === undefined) return ENODEV;
  const hlen = af === AF_INET6 ? 48 : 28;
  const backup = d.state === IP_VS_STATE_BACKUP;
  const base = backup ? Math.min(Math.max(mtu, 1500), 65535) : 1500;
  const minMtu = backup ? 1024 : 1;
  const maxlen = d.syncMaxlen ? Math.min(Math.max(d.syncMaxlen, minMtu), 65535 - hlen) : base - hlen;
  const key = backup ? 'backup' : 'master';
  if (ipvs.syncDaemons[key]) return EEXIST;
  const conf: SyncDaemonConf = {
    state: key,
    mcastIfn: d.mcastIfn,
    syncid: d.syncid,
    syncMaxlen: maxlen,
    ...(af === AF_INET ? { mcastGroup: group.w[0] } : {}),
    mcastPort: d.mcastPort || 8848,
    mcastTtl: d.mcastTtl || 1,
  };
  if (af === AF_INET6) x.group6.set(conf, group);
  ipvs.syncDaemons[key] = conf;
  return 0;
}

/** IPVS_CMD_DEL_DAEMON → stop_sync_thread. */
export function stopDaemon(ipvs: Ipvs, d: DaemonUser): number {
  const key = d.state === IP_VS_STATE_MASTER ? 'master' : d.state === IP_VS_STATE_BACKUP ? 'backup' : undefined;
  if (!key) return EINVAL;
  if (!ipvs.syncDaemons[key]) return ESRCH;
  delete ipvs.syncDaemons[key];
  return 0;
}

/** IPVS_CMD_GET_DAEMON: master first, then backup. */
export function getDaemons(ipvs: Ipvs, x: Ext): DaemonEntry[] {
  const out: DaemonEntry[] = [];
  for (const key of ['master', 'backup'] as const) {
    const c = ipvs.syncDaemons[key];
    if (!c) continue;
    const g6 = x.group6.get(c);
    out.push({
      state: key === 'master' ? IP_VS_STATE_MASTER : IP_VS_STATE_BACKUP,
      mcastIfn: c.mcastIfn,
      syncid: c.syncid,
      syncMaxlen: c.syncMaxlen ?? 0,
      mcastAf: g6 ? AF_INET6 : AF_INET,
      mcastGroup: g6 ?? v4(c.mcastGroup ?? 0xe0000051),
      mcastPort: c.mcastPort ?? 8848,
      mcastTtl: c.mcastTtl ?? 1,
    });
  }
  return out;
}
