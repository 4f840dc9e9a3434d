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

/** A service or dest the data path cannot carry: configuration only, counters stay 0. */
export interface ForeignDest {
  af: Af;
  addr: InetAddr;
  port: number;
  connFlags: number;
  weight: number;
  uThreshold: number;
  lThreshold: number;
  tunType: number;
  tunPort: number;
  tunFlags: number;
  seq: number;
}

export interface ForeignSvc {
  af: Af;
  protocol: number;
  addr: InetAddr;
  port: number;
  fwmark: number;
  schedName: string;
  flags: number;
  timeout: number;
  netmask: number;
  peName: string;
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
