/**
 * keepalived.conf for each director: global_defs, a vrrp_instance when the lab has more than
 * one director (the first MASTER at priority 150, the others BACKUP at 100), and one
 * virtual_server per IPVS service with its real servers and a health checker.
 *
 * Keywords follow keepalived 2.2 (ha.md §2; checked with `keepalived -t` in
 * test/unit/export/keepalived-real.test.ts): lb_algo / lb_kind on the virtual server
 * (lvs_sched / lvs_method are the newer names of the same keywords), lvs_method on a real
 * server whose method differs from its virtual server's. The checker is HTTP_GET when the
 * real server runs the lab's web server on that port, TCP_CHECK for other TCP services,
 * none for UDP (keepalived then treats the server as always up).
 *
 * A director that runs the lab's own keepalived exports the configuration it runs with.
 *
 * Left out, with a comment: services without real servers (keepalived ignores them) and the
 * configuration-only IPv6/SCTP services of the ipvsadm emulation.
 */
import type { Lab } from '../lab';
import type { Service } from '../ipvs/service';
import type { Dest } from '../ipvs/dest';
import { IP_VS_SVC_F_ONEPACKET, IP_VS_SVC_F_PERSISTENT, schedFlagNames } from '../ipvs/service';
import { ipStr, type Ip } from '../net/addr';
import { methodOf, TUN_CSUM, TUN_TYPES } from '../ha/keepalived/conf-lvs';
import { addrOn, daemonConfig, directors, fwmarkVips, nodeOwning, subnetAddr, svcLabel, virtualServices, webAt, type Director, type ExportFile } from './lab-facts';

/** Health-check timing written into every virtual server (ha.md §5's example). */
export const CHECK = { delayLoop: 6, connectTimeout: 3, retry: 2, delayBeforeRetry: 2 } as const;
export const VRRP = { instance: 'VI_1', routerId: 51, masterPriority: 150, backupPriority: 100, advertInt: 1 } as const;

export function exportKeepalived(lab: Lab): ExportFile[] {
  const all = directors(lab);
  return all.map((d, i) => {
    const own = daemonConfig(lab, d.name, 'keepalived');
    return { node: d.name, name: 'keepalived.conf', text: own !== undefined ? labConf(lab, d, own) : keepalivedConf(lab, all, i) };
  });
}

/**
 * A director that runs the lab's keepalived already has its keepalived.conf: that file is
 * the real configuration (its VRRP set-up, checkers, sorry server …), and the IPVS table it
 * drives may lack failed real servers at this moment. So it is exported as it is.
 */
function labConf(lab: Lab, d: Director, text: string): string {
  const head = [`! keepalived.conf of ${d.name}, as the lab's keepalived runs it (exported by LVS Lab from the lab "${lab.scenario.name}").`, '! Check it with: keepalived -t -f keepalived.conf', ''];
  return head.join('\n') + '\n' + (text.endsWith('\n') ? text : text + '\n');
}

function keepalivedConf(lab: Lab, all: Director[], index: number): string {
  const d = all[index]!;
  const out: string[] = [
    `! keepalived.conf for ${d.name}, exported by LVS Lab from the lab "${lab.scenario.name}".`,
    '! Check it with: keepalived -t -f keepalived.conf',
    '',
    'global_defs {',
    `    router_id ${d.name}`,
  ];
  const sync = d.ipvs.syncDaemons.master ?? d.ipvs.syncDaemons.backup;
  if (all.length > 1 && sync) out.push(`    lvs_sync_daemon ${sync.mcastIfn} ${VRRP.instance} id ${sync.syncid}`);
  out.push('}');
  if (all.length > 1) out.push('', ...vrrpInstance(lab, all, index));
  for (const { svc, dests } of virtualServices(d.ipvs)) {
    out.push('');
    if (dests.length === 0) out.push(`! ${svcLabel(svc)} has no real servers: keepalived would ignore it, so it is left out.`);
    else out.push(...virtualServer(lab, d, svc, dests));
  }
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------- VRRP

/**
 * The addresses that must move with the MASTER: every VIP of every director, and for NAT
 * the real servers' gateway when it is a director's address (replies must reach the
 * director that is MASTER).
 */
function floatingAddrs(lab: Lab, all: Director[]): Ip[] {
  const out: Ip[] = [];
  const add = (a: Ip) => {
    if (!out.includes(a)) out.push(a);
  };
  for (const d of all) {
    for (const { svc, dests } of virtualServices(d.ipvs)) {
      if (svc.fwmark) fwmarkVips(d.ipvs, svc.fwmark).forEach(add);
      else add(svc.vip);
      for (const dest of dests) {
        if (dest.fwd !== 'masq') continue;
        const gw = nodeOwning(lab, dest.addr, d.name)?.host?.routes.routes.find((r) => r.len === 0 && r.via !== undefined)?.via;
        if (gw !== undefined && all.some((x) => addrOn(x.host, gw))) add(gw);
      }
    }
  }
  return out;
}

function vrrpInstance(lab: Lab, all: Director[], index: number): string[] {
  const d = all[index]!;
  const vips = floatingAddrs(lab, all).map((a) => {
    const held = all.map((x) => addrOn(x.host, a)).find((x) => x !== undefined);
    const devName = held?.dev.name ?? subnetAddr(d.host, a)?.dev.name;
    const len = held && held.dev.kind !== 'loopback' ? held.a.len : 32;
    const label = held && held.a.label !== held.dev.name && held.dev.kind !== 'loopback' ? ` label ${held.a.label}` : '';
    return { devName, line: `${ipStr(a)}/${len}${devName ? ` dev ${devName}` : ''}${label}` };
  });
  const iface = vips.find((v) => v.devName)?.devName ?? d.host.ifaces.find((f) => f.kind === 'ether')?.name ?? 'eth0';
  const master = index === 0;
  return [
    `vrrp_instance ${VRRP.instance} {`,
    `    state ${master ? 'MASTER' : 'BACKUP'}`,
    `    interface ${iface}`,
    `    virtual_router_id ${VRRP.routerId}`,
    `    priority ${master ? VRRP.masterPriority : VRRP.backupPriority}`,
    `    advert_int ${VRRP.advertInt}`,
    '    virtual_ipaddress {',
    ...vips.map((v) => `        ${v.line}`),
    '    }',
    '}',
  ];
}

// ---------------------------------------------------------------- LVS

/** lb_kind's argument for a dest: NAT, DR, TUN (with its encapsulation unless ipip). */
function method(dest: Dest): string {
  const mode = methodOf(dest.fwd);
  if (mode !== 'TUN' || dest.tunType === 0) return mode;
  const type = TUN_TYPES[dest.tunType] ?? 'ipip';
  const port = dest.tunType === 1 ? ` port ${dest.tunPort}` : '';
  return `TUN type ${type}${port} ${TUN_CSUM[dest.tunFlags] ?? 'nocsum'}`;
}

function virtualServer(lab: Lab, d: Director, svc: Service, dests: Dest[]): string[] {
  const head = svc.fwmark ? `virtual_server fwmark ${svc.fwmark} {` : `virtual_server ${ipStr(svc.vip)} ${svc.port} {`;
  const kind = method(dests[0]!);
  const out = [head, `    delay_loop ${CHECK.delayLoop}`, `    lb_algo ${svc.schedName}`, `    lb_kind ${kind}`];
  // keepalived takes ipvsadm's -b names as keywords.
  for (const f of schedFlagNames(svc.schedName, svc.flags)) out.push(`    ${f}`);
  if (svc.flags & IP_VS_SVC_F_ONEPACKET) out.push('    ops');
  if (svc.flags & IP_VS_SVC_F_PERSISTENT) {
    out.push(`    persistence_timeout ${svc.timeout}`);
    if (svc.netmask >>> 0 !== 0xffffffff) out.push(`    persistence_granularity ${ipStr(svc.netmask)}`);
  }
  if (svc.peName) out.push(`    persistence_engine ${svc.peName}`);
  // keepalived ignores (and warns about) a protocol on a fwmark service.
  if (!svc.fwmark) out.push(`    protocol ${svc.proto.toUpperCase()}`);
  for (const dest of dests) out.push('', ...realServer(lab, d, svc, dest, kind));
  out.push('}');
  return out;
}

function realServer(lab: Lab, d: Director, svc: Service, dest: Dest, vsKind: string): string[] {
  const out = [`    real_server ${ipStr(dest.addr)} ${dest.port} {`, `        weight ${dest.weight}`];
  const kind = method(dest);
  if (kind !== vsKind) out.push(`        lvs_method ${kind}`);
  if (dest.uThreshold) out.push(`        uthreshold ${dest.uThreshold}`);
  if (dest.lThreshold) out.push(`        lthreshold ${dest.lThreshold}`);
  out.push(...checker(lab, d, svc, dest).map((l) => `        ${l}`), '    }');
  return out;
}

function checker(lab: Lab, d: Director, svc: Service, dest: Dest): string[] {
  if (svc.proto !== 'tcp') return ['! no health check: keepalived has no check for this UDP service'];
  const web = webAt(lab, dest.addr, dest.port, d.name);
  const port = web?.port ?? dest.port;
  if (port === 0) return ['! no health check: the port to check is unknown'];
  const connectPort = port !== dest.port ? [`    connect_port ${port}`] : [];
  const timing = [`    connect_timeout ${CHECK.connectTimeout}`, `    retry ${CHECK.retry}`, `    delay_before_retry ${CHECK.delayBeforeRetry}`];
  if (web) return ['HTTP_GET {', '    url {', '        path /', '        status_code 200', '    }', ...connectPort, ...timing, '}'];
  return ['TCP_CHECK {', ...connectPort, ...timing, '}'];
}
