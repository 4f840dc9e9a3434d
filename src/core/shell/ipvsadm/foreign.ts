/**
 * Configuration the simulated data path cannot carry but the kernel accepts: IPv6 and SCTP
 * services, and tunnel real servers of the other address family. ipvsadm lists, saves,
 * edits and deletes them like any other; no packet ever reaches them, so their counters
 * stay 0. Kept per Ipvs, beside the ordering data (creation sequence numbers) that the
 * kernel's list and hash orders need.
 */
import type { Dest } from '../../ipvs/dest';
import type { Ipvs, SyncDaemonConf } from '../../ipvs/ipvs';
import type { Service } from '../../ipvs/service';
import type { Af, InetAddr } from './netdb';
import type { DestUser, SvcUser } from './entry';

/** A dest the data path cannot carry, as ipvsadm gave it (ipvs_dest_t), with its family and creation order. */
export interface ForeignDest extends Omit<DestUser, 'af'> {
  af: Af;
  seq: number;
}

/** A service the data path cannot carry (ipvs_service_t), with its dests and creation order. */
export interface ForeignSvc extends Omit<SvcUser, 'af'> {
  af: Af;
  dests: ForeignDest[];
  seq: number;
}

export interface Ext {
  seq: number;
  svcSeq: WeakMap<Service, number>;
  destSeq: WeakMap<Dest, number>;
  foreign: ForeignSvc[];
  /** Dests of the other address family (tunnels) of lab services. */
  mixed: WeakMap<Service, ForeignDest[]>;
  /** IPv6 multicast groups of running daemons (SyncDaemonConf holds IPv4 only). */
  group6: WeakMap<SyncDaemonConf, InetAddr>;
}

const EXT = new WeakMap<Ipvs, Ext>();

export function ext(ipvs: Ipvs): Ext {
  let e = EXT.get(ipvs);
  if (!e) {
    e = { seq: 0, svcSeq: new WeakMap(), destSeq: new WeakMap(), foreign: [], mixed: new WeakMap(), group6: new WeakMap() };
    EXT.set(ipvs, e);
  }
  return e;
}
