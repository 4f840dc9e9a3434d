/**
 * Load keepalived's `virtual_server` blocks into a director's IPVS table, as keepalived's
 * checker process configures it at start-up: keepalived-lvs.ts turns each block into ipvsadm
 * rule lines (with keepalived's defaults), which run through the ipvsadm emulation's
 * restore, so its checks and error messages are ipvsadm's. global_defs and vrrp_* blocks
 * are skipped (with a warning): VRRP is not part of the IPVS table.
 *
 * A virtual server that already exists is replaced (deleted, then added), other services are
 * kept — unless global_defs says `lvs_flush`, which clears the table first. All or nothing:
 * the rules are tried on a scratch copy of the table before the director is touched.
 */
import type { Ipvs } from '../ipvs/ipvs';
import { ipvsadm, ipvsadmRestore, ipvsadmSave } from '../shell/ipvsadm/index';
import { parseKeepalivedConf } from './keepalived-conf';
import { ConfError, fail, readVirtualServer, vsRules } from './keepalived-lvs';
import { scratchIpvs, type ImportResult } from './import-ipvsadm';
import { ipvsadmEnv } from './lab-facts';

/** Import every virtual_server block of `text` (a whole keepalived.conf or a single block). */
export function importKeepalived(ipvs: Ipvs, text: string): ImportResult {
  const parsed = parseKeepalivedConf(text);
  if (!parsed.ok) return { ok: false, error: `keepalived.conf: ${parsed.error}` };
  const warnings: string[] = [];
  const plan: { line: number; title: string; svc: string[]; lines: string[] }[] = [];
  let flush = false;
  try {
    for (const n of parsed.nodes) {
      const key = n.words[0]!;
      if (key === 'virtual_server') {
        const vs = readVirtualServer(n, warnings);
        const r = vsRules(vs, warnings);
        if (r) plan.push({ line: vs.line, title: vs.title, ...r });
      } else if (key === 'global_defs') flush = (n.block ?? []).some((k) => k.words[0] === 'lvs_flush');
      else if (key === 'virtual_server_group') fail(n.line, 'virtual_server_group is not supported; list each virtual server');
      else warnings.push(`line ${n.line}: ${key} skipped (only virtual_server blocks go into the IPVS table)`);
    }
  } catch (e) {
    if (e instanceof ConfError) return { ok: false, error: `keepalived.conf: ${e.message}` };
    throw e;
  }
  if (plan.length === 0) return { ok: false, error: 'keepalived.conf: no virtual_server block with real servers to import' };

  // Try everything on a scratch copy of the table, one line at a time to name the culprit.
  const current = ipvsadmSave(['-n'], ipvsadmEnv(ipvs)).stdout;
  const scratch = ipvsadmEnv(scratchIpvs(ipvs));
  if (!flush && current) ipvsadmRestore([], scratch, current);
  const applied: string[] = flush ? ['-C'] : [];
  if (flush) ipvsadm(['-C'], scratch);
  for (const p of plan) {
    const exists = ipvsadm(['-L', '-n', ...p.svc], scratch).exit === 0;
    const lines = exists ? [['-D', ...p.svc].join(' '), ...p.lines] : p.lines;
    if (exists) warnings.push(`line ${p.line}: virtual_server ${p.title} replaces the existing service`);
    for (const l of lines) {
      const r = ipvsadm(['-R'], scratch, l + '\n');
      if (r.stderr) return { ok: false, error: `keepalived.conf line ${p.line}: virtual_server ${p.title}: ipvsadm ${l}: ${r.stderr.trim().replace(/\n+/g, '; ')}` };
      applied.push(l);
    }
  }
  const r = ipvsadm(['-R'], ipvsadmEnv(ipvs), applied.join('\n') + '\n');
  if (r.stderr) return { ok: false, error: `keepalived import failed on the director after a clean trial: ${r.stderr.trim()}` };
  return { ok: true, rules: applied, warnings };
}
