/**
 * `ipvsadm-save -n` of a director: the rules file `ipvsadm-restore` (Debian:
 * /etc/ipvsadm.rules) loads on a real machine. Printed by the ipvsadm emulation itself,
 * so it is byte for byte what ipvsadm 1.31 prints for the lab's table (thresholds, as in
 * the real tool, are not saved).
 */
import type { Lab } from '../lab';
import { ipvsadmSave } from '../shell/ipvsadm/index';
import { directors, ipvsadmEnv, type Director, type ExportFile } from './lab-facts';

export function ipvsadmSaveText(director: Director): string {
  const r = ipvsadmSave(['-n'], ipvsadmEnv(director.ipvs));
  if (r.exit !== 0) throw new Error(`ipvsadm-save on ${director.name} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

/** One rules file per director. */
export function exportIpvsadm(lab: Lab): ExportFile[] {
  return directors(lab).map((d) => ({ node: d.name, name: 'ipvsadm.rules', text: ipvsadmSaveText(d) }));
}
