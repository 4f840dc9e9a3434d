/**
 * keepalived.conf as the lab's keepalived reads it: global_defs, vrrp_instance and
 * virtual_server blocks, with keepalived's defaults (ha.md §1, §2.1, §2.3). The text is
 * split into a tree by the exporters' reader (export/keepalived-conf.ts); this file gives
 * the words their meaning. Unknown keywords are reported as keepalived does
 * ("Unknown keyword 'x'") and skipped; missing essentials are errors.
 */
import { parseKeepalivedConf, type ConfNode } from '../../export/keepalived-conf';
import { parseCidr, parseIp, type Ip } from '../../net/addr';
import type { L4Proto } from '../format';
import { readVirtualServer, type VirtualServerConf } from './conf-lvs';
import { ConfReport, int, seconds } from './conf-words';

export type { VirtualServerConf, RealServerConf, CheckerConf } from './conf-lvs';

export interface SyncDaemonSpec {
  iface: string;
  /** The vrrp_instance whose state decides master/backup; none: both daemons always run. */
  instance?: string;
  syncid?: number;
  maxlen?: number;
  port?: number;
  ttl?: number;
  group?: Ip;
}

export interface GlobalDefs {
  routerId: string;
  vrrpVersion: 2 | 3;
  garpMasterRepeat: number;
  garpMasterDelayUs: number;
  garpLowerPrioRepeat: number;
  garpLowerPrioDelayUs: number;
  lvsSyncDaemon?: SyncDaemonSpec;
  lvsFlush: boolean;
}

export interface VipSpec {
  addr: Ip;
  len: number;
  dev: string;
  label?: string;
}

export interface VrrpInstanceConf {
  name: string;
  line: number;
  state: 'MASTER' | 'BACKUP';
  iface: string;
  vrid: number;
  priority: number;
  /** advert_int in microseconds. */
  advertIntUs: number;
  version: 2 | 3;
  preempt: boolean;
  preemptDelayUs: number;
  vips: VipSpec[];
  auth?: { type: 'PASS' | 'AH'; pass: string };
  /** Tracked interfaces; weight 0 = FAULT when down. The instance's own interface is tracked unless dont_track_primary. */
  track: { iface: string; weight: number }[];
  dontTrackPrimary: boolean;
  unicastPeers: Ip[];
  unicastSrc?: Ip;
  garpMasterRepeat: number;
  garpMasterDelayUs: number;
  garpLowerPrioRepeat: number;
  garpLowerPrioDelayUs: number;
}

export interface KeepalivedConf {
  global: GlobalDefs;
  vrrp: VrrpInstanceConf[];
  virtualServers: VirtualServerConf<L4Proto>[];
}

export type ConfResult = { ok: true; conf: KeepalivedConf; warnings: string[] } | { ok: false; errors: string[]; warnings: string[] };

export function parseKeepalived(text: string): ConfResult {
  const tree = parseKeepalivedConf(text);
  if (!tree.ok) return { ok: false, errors: [tree.error], warnings: [] };
  const r = new ConfReport();
  const global: GlobalDefs = { routerId: '', vrrpVersion: 2, garpMasterRepeat: 5, garpMasterDelayUs: 5e6, garpLowerPrioRepeat: -1, garpLowerPrioDelayUs: -1, lvsFlush: false };
  const rawInstances: ConfNode[] = [];
  const virtualServers: VirtualServerConf<L4Proto>[] = [];
  for (const n of tree.nodes) {
    switch (n.words[0]) {
      case 'global_defs':
        readGlobal(n, global, r);
        break;
      case 'vrrp_instance':
        rawInstances.push(n);
        break;
      case 'virtual_server': {
        const vs = readVirtualServer(n, r);
        if (vs) virtualServers.push(simulated(vs, r));
        break;
      }
      case 'vrrp_sync_group':
      case 'vrrp_script':
      case 'static_ipaddress':
      case 'static_routes':
        r.warn(n, `${n.words[0]} is not simulated; ignored`);
        break;
      default:
        r.unknown(n);
    }
  }
  if (global.garpLowerPrioRepeat < 0) global.garpLowerPrioRepeat = global.garpMasterRepeat;
  if (global.garpLowerPrioDelayUs < 0) global.garpLowerPrioDelayUs = global.garpMasterDelayUs;
  const vrrp = rawInstances.flatMap((n) => readInstance(n, global, r) ?? []);
  const names = new Set<string>();
  for (const v of vrrp) {
    if (names.has(v.name)) r.errors.push(`line ${v.line}: vrrp_instance ${v.name} defined twice`);
    names.add(v.name);
  }
  const sd = global.lvsSyncDaemon;
  if (sd?.instance !== undefined && !names.has(sd.instance)) r.errors.push(`lvs_sync_daemon: no vrrp_instance named ${sd.instance}`);
  if (r.errors.length) return { ok: false, errors: r.errors, warnings: r.warnings };
  return { ok: true, conf: { global, vrrp, virtualServers }, warnings: r.warnings };
}

/** The lab's data path carries TCP and UDP: an SCTP virtual server runs as TCP, with a warning. */
function simulated(vs: VirtualServerConf, r: ConfReport): VirtualServerConf<L4Proto> {
  const { proto } = vs;
  if (proto !== 'sctp') return { ...vs, proto };
  r.warn(vs, 'protocol SCTP not simulated, using TCP');
  return { ...vs, proto: 'tcp' };
}

function readGlobal(n: ConfNode, g: GlobalDefs, r: ConfReport): void {
  for (const s of n.block ?? []) {
    const [k, a, ...rest] = s.words;
    switch (k) {
      case 'router_id':
        g.routerId = a ?? '';
        break;
      case 'vrrp_version':
        if (a === '2' || a === '3') g.vrrpVersion = Number(a) as 2 | 3;
        else r.warn(s, `vrrp_version ${a ?? ''} invalid, using 2`);
        break;
      case 'vrrp_garp_master_repeat':
        g.garpMasterRepeat = int(a, 0, 1000) ?? g.garpMasterRepeat;
        break;
      case 'vrrp_garp_master_delay':
        g.garpMasterDelayUs = seconds(a) ?? g.garpMasterDelayUs;
        break;
      case 'vrrp_garp_lower_prio_repeat':
        g.garpLowerPrioRepeat = int(a, 0, 1000) ?? g.garpLowerPrioRepeat;
        break;
      case 'vrrp_garp_lower_prio_delay':
        g.garpLowerPrioDelayUs = seconds(a) ?? g.garpLowerPrioDelayUs;
        break;
      case 'lvs_flush':
        g.lvsFlush = true;
        break;
      case 'lvs_sync_daemon':
        if (!a) r.error(s, 'lvs_sync_daemon needs an interface');
        else g.lvsSyncDaemon = syncDaemon(a, rest, s, r);
        break;
      case 'lvs_sync_daemon_interface':
        if (a) g.lvsSyncDaemon = { iface: a };
        break;
      case 'notification_email':
      case 'notification_email_from':
      case 'smtp_server':
      case 'smtp_connect_timeout':
      case 'enable_script_security':
      case 'script_user':
      case 'vrrp_skip_check_adv_addr':
      case 'vrrp_strict':
      case 'vrrp_garp_interval':
      case 'vrrp_gna_interval':
      case 'checker_log_all_failures':
      case 'lvs_flush_on_stop':
        break;
      default:
        r.unknown(s);
    }
  }
}

/** `lvs_sync_daemon IFACE [INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group ADDR]` (ha.md §2.3). */
function syncDaemon(iface: string, rest: string[], s: ConfNode, r: ConfReport): SyncDaemonSpec {
  const out: SyncDaemonSpec = { iface };
  let i = 0;
  if (rest[0] !== undefined && !['id', 'maxlen', 'port', 'ttl', 'group'].includes(rest[0])) out.instance = rest[i++];
  while (i < rest.length) {
    const key = rest[i++]!;
    const val = rest[i++];
    if (key === 'group') {
      const g = parseIp(val ?? '');
      if (g === undefined) r.error(s, `lvs_sync_daemon: invalid group ${val ?? ''}`);
      else out.group = g;
      continue;
    }
    const limits: Record<string, [number, number]> = { id: [0, 255], maxlen: [1, 65507], port: [1, 65535], ttl: [1, 255] };
    const lim = limits[key];
    const v = lim ? int(val, lim[0], lim[1]) : undefined;
    if (!lim || v === undefined) {
      r.error(s, `lvs_sync_daemon: invalid option ${key} ${val ?? ''}`);
      continue;
    }
    if (key === 'id') out.syncid = v;
    else if (key === 'maxlen') out.maxlen = v;
    else if (key === 'port') out.port = v;
    else out.ttl = v;
  }
  return out;
}

function readInstance(n: ConfNode, g: GlobalDefs, r: ConfReport): VrrpInstanceConf | undefined {
  const name = n.words[1];
  if (!name) {
    r.error(n, 'vrrp_instance needs a name');
    return undefined;
  }
  const v: VrrpInstanceConf = {
    name,
    line: n.line,
    state: 'BACKUP',
    iface: '',
    vrid: 0,
    priority: 100,
    advertIntUs: 1_000_000,
    version: g.vrrpVersion,
    preempt: true,
    preemptDelayUs: 0,
    vips: [],
    track: [],
    dontTrackPrimary: false,
    unicastPeers: [],
    garpMasterRepeat: g.garpMasterRepeat,
    garpMasterDelayUs: g.garpMasterDelayUs,
    garpLowerPrioRepeat: g.garpLowerPrioRepeat,
    garpLowerPrioDelayUs: g.garpLowerPrioDelayUs,
  };
  for (const s of n.block ?? []) {
    const [k, a] = s.words;
    switch (k) {
      case 'state':
        if (a === 'MASTER' || a === 'BACKUP') v.state = a;
        else r.warn(s, `(${name}) unknown state '${a ?? ''}', using BACKUP`);
        break;
      case 'interface':
        v.iface = a ?? '';
        break;
      case 'virtual_router_id':
        v.vrid = int(a, 1, 255) ?? 0;
        if (!v.vrid) r.error(s, `(${name}) VRID '${a ?? ''}' not valid - must be between 1 & 255`);
        break;
      case 'priority':
        v.priority = int(a, 1, 255) ?? (r.warn(s, `(${name}) Priority not valid, using 100`), 100);
        break;
      case 'advert_int': {
        const us = seconds(a);
        if (us === undefined || us <= 0) r.warn(s, `(${name}) Advert interval (${a ?? ''}) not valid, using 1`);
        else v.advertIntUs = us;
        break;
      }
      case 'version':
        if (a === '2' || a === '3') v.version = Number(a) as 2 | 3;
        break;
      case 'nopreempt':
        v.preempt = false;
        break;
      case 'preempt':
        v.preempt = true;
        break;
      case 'preempt_delay':
        v.preemptDelayUs = Math.min(seconds(a) ?? 0, 1000e6);
        break;
      case 'dont_track_primary':
        v.dontTrackPrimary = true;
        break;
      case 'virtual_ipaddress':
        for (const x of s.block ?? []) {
          const vip = readVip(x.words, v.iface);
          if (vip) v.vips.push(vip);
          else r.warn(x, `(${name}) cannot parse virtual_ipaddress '${x.words.join(' ')}'`);
        }
        break;
      case 'track_interface':
        for (const x of s.block ?? []) {
          const w = x.words[1] === 'weight' ? (int(x.words[2], -253, 253) ?? 0) : 0;
          if (x.words[0]) v.track.push({ iface: x.words[0], weight: w });
        }
        break;
      case 'authentication':
        for (const x of s.block ?? []) {
          if (x.words[0] === 'auth_type' && (x.words[1] === 'PASS' || x.words[1] === 'AH')) v.auth = { type: x.words[1], pass: v.auth?.pass ?? '' };
          else if (x.words[0] === 'auth_pass') v.auth = { type: v.auth?.type ?? 'PASS', pass: (x.words[1] ?? '').slice(0, 8) };
        }
        break;
      case 'unicast_peer':
        for (const x of s.block ?? []) {
          const p = parseIp(x.words[0] ?? '');
          if (p !== undefined) v.unicastPeers.push(p);
        }
        break;
      case 'unicast_src_ip':
        v.unicastSrc = parseIp(a ?? '');
        break;
      case 'garp_master_repeat':
        v.garpMasterRepeat = int(a, 0, 1000) ?? v.garpMasterRepeat;
        break;
      case 'garp_master_delay':
        v.garpMasterDelayUs = seconds(a) ?? v.garpMasterDelayUs;
        break;
      case 'garp_lower_prio_repeat':
        v.garpLowerPrioRepeat = int(a, 0, 1000) ?? v.garpLowerPrioRepeat;
        break;
      case 'garp_lower_prio_delay':
        v.garpLowerPrioDelayUs = seconds(a) ?? v.garpLowerPrioDelayUs;
        break;
      case 'lvs_sync_daemon_interface':
        // keepalived 1.2: the sync daemon follows this instance, syncid = its VRID.
        if (a && !g.lvsSyncDaemon) g.lvsSyncDaemon = { iface: a, instance: name };
        break;
      case 'notify_master':
      case 'notify_backup':
      case 'notify_fault':
      case 'notify_stop':
      case 'notify':
      case 'smtp_alert':
      case 'track_script':
      case 'native_ipv6':
        break;
      default:
        r.unknown(s);
    }
  }
  if (!v.iface) r.error(n, `(${name}) Unknown interface !`);
  if (!v.vrid) r.error(n, `(${name}) the virtual router id must be set`);
  if (v.version === 2 && v.advertIntUs % 1_000_000 !== 0) {
    // VRRPv2 carries whole seconds: keepalived rounds the interval.
    v.advertIntUs = Math.max(1, Math.round(v.advertIntUs / 1e6)) * 1e6;
  }
  for (const vip of v.vips) if (!vip.dev) vip.dev = v.iface;
  return v;
}

/** `192.168.10.100/24 dev eth0 label eth0:1` (mask default /32, device default the instance's). */
function readVip(words: string[], iface: string): VipSpec | undefined {
  const c = parseCidr(words[0] ?? '');
  if (!c) return undefined;
  const vip: VipSpec = { addr: c.addr, len: c.len, dev: iface };
  for (let i = 1; i < words.length; i += 2) {
    if (words[i] === 'dev' && words[i + 1]) vip.dev = words[i + 1]!;
    else if (words[i] === 'label' && words[i + 1]) vip.label = words[i + 1]!;
  }
  return vip;
}
