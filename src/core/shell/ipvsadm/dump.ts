/**
 * What the kernel's GET_SERVICE / GET_DEST dumps report for a service and its dests:
 * configuration, connection counters, and the 64-bit statistics with their rates.
 */
import type { Dest, IpvsStats } from '../../ipvs/dest';
import { fwdFlag } from '../../ipvs/conn';
import type { Ipvs } from '../../ipvs/ipvs';
import type { Service } from '../../ipvs/service';
import type { DestEntry, ServiceEntry, Stats64 } from './entry';
import type { Ext, ForeignDest, ForeignSvc } from './foreign';
import { AF_INET, AF_INET6, IPPROTO_TCP, IPPROTO_UDP, v4 } from './netdb';

const ZERO_STATS: Stats64 = { conns: 0, inpkts: 0, outpkts: 0, inbytes: 0, outbytes: 0, cps: 0, inpps: 0, outpps: 0, inbps: 0, outbps: 0 };

export function stats64(ipvs: Ipvs, st: IpvsStats, dest: boolean): Stats64 {
  const r = ipvs.rates(st);
  // libipvs reads a dest's 64-bit counters with its 32-bit parser: all but the byte counts wrap.
  const u32 = (v: number) => (dest ? v % 4294967296 : v);
  return {
    conns: u32(st.conns),
    inpkts: u32(st.inpkts),
    outpkts: u32(st.outpkts),
    inbytes: st.inbytes,
    outbytes: st.outbytes,
    cps: u32(r.cps),
    inpps: u32(r.inpps),
    outpps: u32(r.outpps),
    inbps: u32(r.inbps),
    outbps: u32(r.outbps),
  };
}

/** A lab service as the kernel reports it; dests newest first (lab ones, then other-family ones merged by age). */
export function coreEntry(ipvs: Ipvs, x: Ext, svc: Service): ServiceEntry {
  const born = (d: Dest, i: number) => x.destSeq.get(d) ?? -1 - i;
  const dests: { e: DestEntry; born: number }[] = svc.dests.map((d, i) => ({
    born: born(d, i),
    e: {
      af: AF_INET,
      addr: v4(d.addr),
      port: d.port,
      connFlags: fwdFlag(d.fwd),
      weight: d.weight,
      uThreshold: d.uThreshold,
      lThreshold: d.lThreshold,
      activeConns: d.activeConns,
      inactConns: d.inactive,
      persistConns: d.persistConns,
      tunType: d.tunType,
      tunPort: d.tunPort,
      tunFlags: d.tunFlags,
      stats: stats64(ipvs, d.stats, true),
    },
  }));
  for (const m of x.mixed.get(svc) ?? []) dests.push({ e: foreignDestEntry(m), born: m.seq });
  dests.sort((a, b) => b.born - a.born);
  return {
    af: AF_INET,
    // A fwmark service has no protocol attribute in the dump: libipvs leaves 0, so ports print as numbers.
    protocol: svc.fwmark ? 0 : svc.proto === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP,
    addr: v4(svc.fwmark ? 0 : svc.vip),
    port: svc.fwmark ? 0 : svc.port,
    fwmark: svc.fwmark,
    schedName: svc.schedName,
    flags: svc.flags | 0x2,
    timeout: svc.timeout,
    netmask: svc.netmask >>> 0,
    peName: svc.peName,
    stats: stats64(ipvs, svc.stats, false),
    dests: dests.map((x) => x.e),
  };
}

export function foreignEntry(f: ForeignSvc): ServiceEntry {
  return {
    af: f.af,
    protocol: f.fwmark ? 0 : f.protocol,
    addr: f.addr,
    port: f.port,
    fwmark: f.fwmark,
    schedName: f.schedName,
    flags: f.flags | 0x2,
    timeout: f.timeout,
    netmask: f.netmask,
    peName: f.peName,
    stats: { ...ZERO_STATS },
    dests: f.dests.map(foreignDestEntry),
  };
}


function foreignDestEntry(d: ForeignDest): DestEntry {
  return {
    af: d.af,
    addr: d.addr,
    port: d.port,
    connFlags: d.connFlags,
    weight: d.weight,
    uThreshold: d.uThreshold,
    lThreshold: d.lThreshold,
    activeConns: 0,
    inactConns: 0,
    persistConns: 0,
    tunType: d.tunType,
    tunPort: d.tunPort,
    tunFlags: d.tunFlags,
    stats: { ...ZERO_STATS },
  };
}

/** ip_vs_svc_hashkey (IP_VS_SVC_TAB_BITS 8), without the per-netns pointer term. */
export function svcHash(e: ServiceEntry): number {
  const fold = e.af === AF_INET6 ? (e.addr.w[0] ^ e.addr.w[1] ^ e.addr.w[2] ^ e.addr.w[3]) >>> 0 : e.addr.w[0];
  return (e.protocol ^ fold ^ (e.port >> 8) ^ e.port) & 0xff;
}
