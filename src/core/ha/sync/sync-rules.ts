/**
 * When the master sync daemon sends an entry (ip_vs_sync.c: ip_vs_sync_conn_needed, with
 * the defaults sync_threshold "3 50", sync_refresh_period 0; ipvs-datapath.md §9), and what
 * a v1 message carries for it. Pure functions.
 *
 *   TCP:      only in ES, FW, CL, CW, TW. A change into FW/CL/CW/TW is sent at once;
 *             otherwise (a change into ES included) when in_pkts % 50 == 3.
 *   UDP:      in_pkts % 50 == 3.
 *   template: on every packet of a connection it controls (the modulo rule does not apply).
 */
import { IP_VS_CONN_F_TEMPLATE, type Conn, type ConnProto } from '../../ipvs/conn';
import { S } from '../../ipvs/tcp-states';

export const SYNC_THRESHOLD = 3;
export const SYNC_PERIOD = 50;
/** struct ip_vs_sync_mesg header and one IPv4 ip_vs_sync_v4 entry without options. */
export const SYNC_HEADER_LEN = 8;
export const SYNC_CONN_LEN = 36;

const SYNCED_TCP = new Set<number>([S.ESTABLISHED, S.FIN_WAIT, S.CLOSE, S.CLOSE_WAIT, S.TIME_WAIT]);

/**
 * `lastSent` keeps each entry's state as of its last sync (the kernel's cp->old_state,
 * which ip_vs_sync_conn_needed sets when it decides to send).
 */
export function syncNeeded(cp: Conn, pkts: number, lastSent: WeakMap<Conn, number>, persistMode: boolean): boolean {
  const template = (cp.flags & IP_VS_CONN_F_TEMPLATE) !== 0;
  if (!template) {
    if (persistMode && cp.control) return false;
    if (cp.proto === 'tcp') {
      if (!SYNCED_TCP.has(cp.state)) return false;
      const force = cp.state !== (lastSent.get(cp) ?? S.NONE);
      if (force && cp.state !== S.ESTABLISHED) {
        lastSent.set(cp, cp.state);
        return true;
      }
    }
    if (pkts % SYNC_PERIOD !== SYNC_THRESHOLD) return false;
  }
  lastSent.set(cp, cp.state);
  return true;
}

/** One connection in a v1 sync message (struct ip_vs_sync_v4). */
export interface SyncConnMsg {
  readonly proto: ConnProto;
  readonly flags: number;
  readonly state: number;
  readonly caddr: number;
  readonly cport: number;
  readonly vaddr: number;
  readonly vport: number;
  readonly daddr: number;
  readonly dport: number;
  readonly fwmark: number;
  /** The entry's full timeout in seconds (cp->timeout / HZ), not what is left of it. */
  readonly timeoutS: number;
}

export function syncMsgOf(cp: Conn): SyncConnMsg {
  return {
    proto: cp.proto,
    flags: cp.flags,
    state: cp.state,
    caddr: cp.caddr,
    cport: cp.cport,
    vaddr: cp.vaddr,
    vport: cp.vport,
    daddr: cp.daddr,
    dport: cp.dport,
    fwmark: cp.fwmark,
    timeoutS: Math.floor(cp.timeout / 1_000_000),
  };
}
