/**
 * Load keepalived's `virtual_server` blocks into a director's IPVS table, as keepalived's
 * checker process configures it at start-up. Each block is read by the lab keepalived's own
 * reader (ha/keepalived/conf-lvs.ts: keepalived's defaults and corrections come back as
 * warnings, values keepalived refuses fail the import as they fail `keepalived -t`), then
 * turned into ipvsadm rule lines — every real server assumed up — which run through the
 * ipvsadm emulation's restore, so its checks and error messages are ipvsadm's. Checkers,
 * quorum and sorry servers are not part of the IPVS table; global_defs and vrrp_* blocks are
 * skipped (with a warning): VRRP is not part of it either.
 *
 * A virtual server that already exists is replaced (deleted, then added), other services are
 * kept — unless global_defs says `lvs_flush`, which clears the table first. All or nothing:
 * the rules are tried on a scratch copy of the table before the director is touched.
 */
import type { Ipvs } from '../ipvs/ipvs';
import { schedFlagNames } from '../ipvs/service';
import { ipStr } from '../net/addr';
import { ipvsadm, ipvsadmRestore, ipvsadmSave } from '../shell/ipvsadm/index';
import { readVirtualServer, type VirtualServerConf } from '../ha/keepalived/conf-lvs';
import { ConfReport } from '../ha/keepalived/conf-words';
import { fwdArgs, svcArgs } from '../ha/keepalived/ipvsadm-args';
import { parseKeepalivedConf } from './keepalived-conf';
import { scratchIpvs, type ImportResult } from './import-ipvsadm';
import { ipvsadmEnv } from './lab-facts';

/** Import every virtual_server block of `text` (a whole keepalived.conf or a single block). */
export function importKeepalived(ipvs: Ipvs, text: string): ImportResult {
  const parsed = parseKeepalivedConf(text);
  if (!parsed.ok) return { ok: false, error: `keepalived.conf: ${parsed.error}` };
  const r = new ConfReport();
  const plan: { vs: VirtualServerConf; svc: string[]; lines: string[] }[] = [];
  let flush = false;
  for (const n of parsed.nodes) {
    const key = n.words[0]!;
    if (key === 'virtual_server') {
      const vs = readVirtualServer(n, r);
      if (vs?.sorry) r.warn(vs.sorry, 'sorry_server not imported (keepalived adds it only when the quorum is lost)');
      if (vs) plan.push({ vs, ...vsRules(vs) });
    } else if (key === 'global_defs') flush = (n.block ?? []).some((k) => k.words[0] === 'lvs_flush');
    else if (key === 'virtual_server_group') r.error(n, 'virtual_server_group is not supported; list each virtual server');
    else r.warn(n, `${key} skipped (only virtual_server blocks go into the IPVS table)`);
  }
  if (r.refused.length) return { ok: false, error: `keepalived.conf: ${r.refused[0]!}` };
  if (plan.length === 0) return { ok: false, error: 'keepalived.conf: no virtual_server block with real servers to import' };
  const warnings = r.warnings;

  // Try everything on a scratch copy of the table, one line at a time to name the culprit.
  const current = ipvsadmSave(['-n'], ipvsadmEnv(ipvs)).stdout;
  const scratch = ipvsadmEnv(scratchIpvs(ipvs));
  if (!flush && current) ipvsadmRestore([], scratch, current);
  const applied: string[] = flush ? ['-C'] : [];
  if (flush) ipvsadm(['-C'], scratch);
  for (const { vs, svc, lines: rules } of plan) {
    const exists = ipvsadm(['-L', '-n', ...svc], scratch).exit === 0;
    const lines = exists ? [['-D', ...svc].join(' '), ...rules] : rules;
    if (exists) warnings.push(`line ${vs.line}: virtual_server ${vs.title} replaces the existing service`);
    for (const l of lines) {
      const res = ipvsadm(['-R'], scratch, l + '\n');
      if (res.stderr) return { ok: false, error: `keepalived.conf line ${vs.line}: virtual_server ${vs.title}: ipvsadm ${l}: ${res.stderr.trim().replace(/\n+/g, '; ')}` };
      applied.push(l);
    }
  }
  const res = ipvsadm(['-R'], ipvsadmEnv(ipvs), applied.join('\n') + '\n');
  if (res.stderr) return { ok: false, error: `keepalived import failed on the director after a clean trial: ${res.stderr.trim()}` };
  return { ok: true, rules: applied, warnings };
}

/** The ipvsadm rules for one virtual server: its service (`svc`), then `-A` and an `-a` per real server. */
function vsRules(vs: VirtualServerConf): { svc: string[]; lines: string[] } {
  const svc = svcArgs(vs);
  const add = ['-A', ...svc, '-s', vs.sched];
  if (vs.persistence !== undefined) add.push('-p', String(vs.persistence), ...(vs.granularity >>> 0 !== 0xffffffff ? ['-M', ipStr(vs.granularity)] : []));
  if (vs.pe) add.push('--pe', vs.pe);
  if (vs.ops) add.push('-o');
  const flags = schedFlagNames(vs.sched, vs.schedFlags);
  if (flags.length) add.push('-b', flags.join(','));
  const lines = [add.join(' ')];
  for (const rs of vs.realServers) {
    const a = ['-a', ...svc, '-r', `${ipStr(rs.addr)}:${rs.port}`, ...fwdArgs(rs), '-w', String(rs.weight)];
    if (rs.uThreshold) a.push('-x', String(rs.uThreshold));
    if (rs.lThreshold) a.push('-y', String(rs.lThreshold));
    lines.push(a.join(' '));
  }
  return { svc, lines };
}
