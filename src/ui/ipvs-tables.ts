/**
 * The Tables panel's text: `ipvsadm -Ln` and `ipvsadm -Lnc` on the director, produced by
 * the shell's own ipvsadm (src/core/shell/ipvsadm) so the panel shows byte for byte what
 * the terminal prints — but called directly, so nothing is logged or replayed.
 */
import type { Lab } from '../core/lab';
import { parseIp } from '../core/net/addr';
import { ipvsadm } from '../core/shell/ipvsadm/index';
import { nodeOfAddress } from './ipvs-config';

export interface TableText {
  text: string;
  exit: number;
}

/** `ipvsadm ARGS` on `node` without touching the session log; undefined when ip_vs is not loaded there. */
export function ipvsadmText(lab: Lab, node: string, args: string[]): TableText | undefined {
  const n = lab.nodes.get(node);
  const ipvs = n?.ipvs;
  if (!n?.host || !ipvs) return undefined;
  const host = n.host;
  const r = ipvsadm(args, { ipvs, ifaceMtu: (name) => host.iface(name)?.mtu });
  return { text: r.stdout + r.stderr, exit: r.exit };
}

/** The lab nodes whose addresses appear in one line of a listing (for hover highlighting). */
export function nodesInLine(lab: Lab, line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/\b(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?\b/g)) {
    const a = parseIp(m[1]!);
    if (a === undefined) continue;
    const n = nodeOfAddress(lab, a);
    if (n && !out.includes(n)) out.push(n);
  }
  return out;
}

/** Split a listing into lines that keep their newline, so joined they are the exact text. */
export function linesOf(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const j = text.indexOf('\n', i);
    if (j < 0) {
      out.push(text.slice(i));
      break;
    }
    out.push(text.slice(i, j + 1));
    i = j + 1;
  }
  return out;
}

/** The client end of an `ipvsadm -Lnc` line (its "source" column), e.g. `203.0.113.10:51638`. */
export function connOfLine(line: string): string | undefined {
  const m = /^(?:TCP|UDP|SCTP)\s+\S+\s+\S+\s+(\d+\.\d+\.\d+\.\d+:\d+)\s/.exec(line);
  return m?.[1];
}
