/**
 * ldirectord.cf for each director (ha.md §3, ldirectord's POD manual): global check
 * timing, then one `virtual=` section per IPVS service with its `real=` lines
 * (`ip:port gate|masq|ipip weight`), scheduler, protocol, persistence and a check.
 *
 * The check is `service=http` with `request="/"` when the real servers run the lab's web
 * server; `receive` is the page they answer with (the lab's page names the server, so each
 * `real=` line carries its own "request", "receive" pair unless all pages are the same).
 * Other TCP services get `checktype=connect`; UDP services `checktype=on` (no check).
 *
 * A director that runs the lab's own ldirectord exports the configuration it runs with.
 *
 * ldirectord cannot express some IPVS settings; they are listed in a comment instead:
 * thresholds (-x/-y), scheduler flags (-b), persistence engines (--pe) and GUE/GRE tunnels.
 */
import type { Lab } from '../lab';
import type { Service } from '../ipvs/service';
import type { Dest } from '../ipvs/dest';
import { IP_VS_SVC_F_ONEPACKET, IP_VS_SVC_F_PERSISTENT, IP_VS_SVC_F_SCHED1, IP_VS_SVC_F_SCHED2, IP_VS_SVC_F_SCHED3 } from '../ipvs/service';
import { ipStr } from '../net/addr';
import { daemonConfig, directors, svcLabel, virtualServices, webAt, type Director, type ExportFile } from './lab-facts';

export const LDIRECTORD = { checkTimeout: 3, checkInterval: 6, quiescent: 'no' } as const;

const FORWARD = { masq: 'masq', tunnel: 'ipip', route: 'gate', local: 'gate', bypass: 'gate' } as const;
const SCHED_FLAGS = IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_SCHED3;

export function exportLdirectord(lab: Lab): ExportFile[] {
  return directors(lab).map((d) => {
    const own = daemonConfig(lab, d.name, 'ldirectord');
    const text = own !== undefined ? `# ldirectord.cf of ${d.name}, as the lab's ldirectord runs it (exported by LVS Lab from the lab "${lab.scenario.name}").\n\n${own.endsWith('\n') ? own : own + '\n'}` : ldirectordCf(lab, d);
    return { node: d.name, name: 'ldirectord.cf', text };
  });
}

function ldirectordCf(lab: Lab, d: Director): string {
  const out = [
    `# ldirectord.cf for ${d.name}, exported by LVS Lab from the lab "${lab.scenario.name}".`,
    '',
    '# Global directives',
    `checktimeout=${LDIRECTORD.checkTimeout}`,
    `checkinterval=${LDIRECTORD.checkInterval}`,
    'autoreload=no',
    `quiescent=${LDIRECTORD.quiescent}`,
  ];
  for (const { svc, dests } of virtualServices(d.ipvs)) out.push('', ...virtual(lab, d, svc, dests));
  return out.join('\n') + '\n';
}

/** A receive regexp matching `text` literally; '#' would start a comment and '"' end the string. */
function literal(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&').replace(/[#"]/g, '.');
}

function virtual(lab: Lab, d: Director, svc: Service, dests: Dest[]): string[] {
  const out: string[] = [];
  const lost: string[] = [];
  if (svc.flags & SCHED_FLAGS) lost.push('scheduler flags (-b)');
  if (svc.peName) lost.push(`persistence engine ${svc.peName}`);
  if (dests.some((x) => x.uThreshold || x.lThreshold)) lost.push('thresholds (-x/-y)');
  if (dests.some((x) => x.fwd === 'tunnel' && x.tunType !== 0)) lost.push('GUE/GRE tunnels (ldirectord uses ipip)');
  if (lost.length) out.push(`# ${svcLabel(svc)}: ldirectord cannot set ${lost.join(', ')}`);

  out.push(svc.fwmark ? `virtual=${svc.fwmark}` : `virtual=${ipStr(svc.vip)}:${svc.port}`);
  const webs = dests.map((x) => (svc.proto === 'tcp' ? webAt(lab, x.addr, x.port, d.name) : undefined));
  const http = dests.length > 0 && webs.every((w) => w !== undefined);
  const bodies = new Set(webs.map((w) => w?.body));
  const perReal = http && bodies.size > 1;
  dests.forEach((x, i) => {
    const port = svc.fwmark && x.fwd !== 'masq' ? '' : `:${x.port}`;
    const check = perReal ? ` "/", "${literal(webs[i]!.body)}"` : '';
    out.push(`\treal=${ipStr(x.addr)}${port} ${FORWARD[x.fwd]} ${x.weight}${check}`);
  });
  if (http) {
    out.push('\tservice=http', '\tchecktype=negotiate', '\trequest="/"');
    if (!perReal) out.push(`\treceive="${literal(webs[0]!.body)}"`);
    const port = webs[0]!.port;
    if (svc.port === 0) out.push(`\tcheckport=${port}`);
  } else if (svc.proto === 'tcp' && svc.port !== 0) {
    out.push('\tchecktype=connect');
  } else {
    out.push('\tchecktype=on');
  }
  out.push(`\tscheduler=${svc.schedName}`);
  out.push(`\tprotocol=${svc.fwmark ? 'fwm' : svc.proto}`);
  if (svc.flags & IP_VS_SVC_F_PERSISTENT) {
    out.push(`\tpersistent=${svc.timeout}`);
    if (svc.netmask >>> 0 !== 0xffffffff) out.push(`\tnetmask=${ipStr(svc.netmask)}`);
  }
  if (svc.flags & IP_VS_SVC_F_ONEPACKET && svc.proto === 'udp') out.push('\tops=yes');
  return out;
}
