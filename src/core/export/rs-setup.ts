/**
 * The set-up script for each real server: exactly what its forwarding method needs on a
 * real Linux machine, derived from the directors' IPVS tables (which dests use which
 * method) and the real server's own addresses.
 *
 * - DR:  arp_ignore=1 / arp_announce=2 on all and lo, then the VIP as /32 on lo (lo:0, lo:1 …):
 *        the server accepts packets for the VIP but never answers ARP for it.
 * - TUN: modprobe ipip, tunl0 up, arp_ignore/arp_announce on all, rp_filter=0 on all and
 *        tunl0 (the decapsulated packet's source is the client, "arriving" on tunl0), then
 *        the VIP as /32 on tunl0.
 * - NAT: the default route via the director's address on the server's network (the DIP),
 *        so replies go back through the director that rewrites them. If the server's gateway
 *        already is a director's address or a VRRP address (two directors), that one.
 *
 * Sysctls come before the VIP so the server never answers ARP for it, not even once.
 * `ip … replace` keeps each script safe to run twice under `set -e`.
 */
import type { Lab } from '../lab';
import type { Host } from '../host/host';
import { ipStr, type Ip } from '../net/addr';
import { addrOn, directors, realServers, subnetAddr, svcLabel, vrrpAddrs, type ExportFile, type RsRole } from './lab-facts';
import type { LvsMethod } from '../ha/keepalived/conf-lvs';

const ARP = ['sysctl -w net.ipv4.conf.all.arp_ignore=1', 'sysctl -w net.ipv4.conf.all.arp_announce=2'];
const MODE_ORDER: readonly LvsMethod[] = ['DR', 'TUN', 'NAT'];

/** One script per real server, in scenario order. */
export function exportRsSetup(lab: Lab): ExportFile[] {
  return realServers(lab).map(({ node, host, roles }) => ({ node: node.name, name: `${node.name}-setup.sh`, text: script(lab, node.name, host, roles) }));
}

function script(lab: Lab, name: string, host: Host, roles: RsRole[]): string {
  const out: string[] = ['#!/bin/sh'];
  const rips = [...new Set(roles.map((r) => ipStr(r.dest.addr)))];
  out.push(`# ${name} (${rips.join(', ')}): real server of`);
  for (const r of roles) out.push(`#   ${r.director.name} ${svcLabel(r.svc)} -> ${ipStr(r.dest.addr)}:${r.dest.port} (LVS-${r.mode})`);
  out.push('# Exported by LVS Lab. Run as root on the real server.', 'set -e');
  const done = new Set<string>();
  const emit = (lines: string[], cmds: string[]) => {
    for (const c of cmds) {
      if (c.startsWith('#') || !done.has(c)) lines.push(c);
      if (!c.startsWith('#')) done.add(c);
    }
  };
  for (const mode of MODE_ORDER) {
    const mine = roles.filter((r) => r.mode === mode);
    if (!mine.length) continue;
    const lines: string[] = [];
    if (mode === 'DR') emit(lines, drCommands(mine));
    else if (mode === 'TUN') emit(lines, tunCommands(mine));
    else emit(lines, natCommands(lab, host, mine, roles.some((r) => r.mode !== 'NAT')));
    out.push('', ...lines);
  }
  return out.join('\n') + '\n';
}

/** The distinct VIPs of some roles, in order; a fwmark service without a /32 mark rule adds a note. */
function vipsOf(roles: RsRole[]): { vips: Ip[]; notes: string[] } {
  const vips: Ip[] = [];
  const notes: string[] = [];
  for (const r of roles) {
    if (r.vips.length === 0) notes.push(`# ${svcLabel(r.svc)}: no /32 mark rule names its VIP; add the marked addresses by hand`);
    for (const v of r.vips) if (!vips.includes(v)) vips.push(v);
  }
  return { vips, notes };
}

function drCommands(roles: RsRole[]): string[] {
  const { vips, notes } = vipsOf(roles);
  return [
    '# LVS-DR: the VIP on lo, never announced or answered for in ARP',
    ...ARP,
    'sysctl -w net.ipv4.conf.lo.arp_ignore=1',
    'sysctl -w net.ipv4.conf.lo.arp_announce=2',
    ...vips.map((v, i) => `ip addr replace ${ipStr(v)}/32 dev lo label lo:${i}`),
    ...notes,
  ];
}

function tunCommands(roles: RsRole[]): string[] {
  const { vips, notes } = vipsOf(roles);
  return [
    '# LVS-TUN: IP-in-IP arrives on tunl0, which holds the VIP; no reverse-path filter on it',
    'modprobe ipip',
    'ip link set tunl0 up',
    ...ARP,
    'sysctl -w net.ipv4.conf.all.rp_filter=0',
    'sysctl -w net.ipv4.conf.tunl0.rp_filter=0',
    ...vips.map((v) => `ip addr replace ${ipStr(v)}/32 dev tunl0`),
    ...notes,
  ];
}

/**
 * The DIP: the server's present default gateway if that is a director's address (it may be
 * a floating VRRP address), else the director's address on the server's subnet.
 */
function natCommands(lab: Lab, host: Host, roles: RsRole[], others: boolean): string[] {
  const gw = host.routes.routes.find((r) => r.len === 0 && r.via !== undefined)?.via;
  let dip: Ip | undefined;
  if (gw !== undefined && (directors(lab).some((d) => addrOn(d.host, gw)) || vrrpAddrs(lab).includes(gw))) dip = gw;
  for (const r of roles) if (dip === undefined) dip = subnetAddr(r.director.host, r.dest.addr)?.a.addr;
  if (dip === undefined) {
    return ['# LVS-NAT: replies must return through the director, but no director address is on this', '# server\'s network: set the default route via the director by hand'];
  }
  const out = [`# LVS-NAT: replies return through the director (DIP ${ipStr(dip)})`];
  if (others) out.push('# (so do the replies of this server\'s DR/TUN services, which the director then routes)');
  out.push(`ip route replace default via ${ipStr(dip)}`);
  return out;
}
