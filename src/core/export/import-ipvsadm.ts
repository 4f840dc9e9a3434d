/**
 * Load an `ipvsadm-save` file into a director, as `ipvsadm-restore < FILE` does on a real
 * machine: the table is cleared, then every rule line runs as one ipvsadm invocation. The
 * parsing and checking are the ipvsadm emulation's own (ipvsadmRestore).
 *
 * All or nothing: the file is first restored onto a scratch IPVS of the same kernel. If any
 * line fails there, the director is left untouched and the error names the first failing
 * line with ipvsadm's message; otherwise the same restore runs on the director.
 */
import { World } from '../sim/world';
import { Host } from '../host/host';
import { Ipvs } from '../ipvs/ipvs';
import { ipvsadm, ipvsadmRestore } from '../shell/ipvsadm/index';
import { ipvsadmEnv } from './lab-facts';

export type ImportResult =
  | {
      ok: true;
      /** The ipvsadm argument lines that were applied, in order (for a command log). */
      rules: string[];
      /** What the importer changed or ignored on the way (keepalived defaults, skipped blocks). */
      warnings: string[];
    }
  | { ok: false; error: string };

/** An empty IPVS on a throwaway host: where imports are tried before they touch the lab. */
export function scratchIpvs(like: Ipvs): Ipvs {
  return new Ipvs(new Host(new World(0), `${like.host.name}-scratch`), like.kernel);
}

/** The rule lines of a file as ipvsadm-restore keeps them: no comments, no blank lines. */
export function ruleLines(text: string): { line: number; text: string }[] {
  return text
    .split('\n')
    .map((t, i) => ({ line: i + 1, text: t.replace(/\r$/, '') }))
    .filter((l) => l.text.trim() !== '' && !l.text.startsWith('#'));
}

/** Replay `lines` one restore at a time on a scratch table until one fails; its message, or undefined. */
export function firstFailure(like: Ipvs, lines: { line: number; text: string }[], setup = ''): string | undefined {
  const env = ipvsadmEnv(scratchIpvs(like));
  if (setup) ipvsadm(['-R'], env, setup);
  for (const l of lines) {
    const r = ipvsadm(['-R'], env, l.text + '\n');
    if (r.stderr) return `line ${l.line}: ${l.text.trim()}: ${r.stderr.trim().replace(/\n+/g, '; ')}`;
  }
  return undefined;
}

export function importIpvsadmSave(ipvs: Ipvs, text: string): ImportResult {
  const lines = ruleLines(text);
  if (lines.length === 0) return { ok: false, error: 'ipvsadm-restore: no rules in the input (expected lines such as "-A -t 192.168.10.100:80 -s rr")' };
  const trial = ipvsadmRestore([], ipvsadmEnv(scratchIpvs(ipvs)), text);
  if (trial.stderr || trial.exit !== 0) {
    const where = firstFailure(ipvs, lines) ?? trial.stderr.trim();
    return { ok: false, error: `ipvsadm-restore: ${where}` };
  }
  const r = ipvsadmRestore([], ipvsadmEnv(ipvs), text);
  if (r.stderr || r.exit !== 0) return { ok: false, error: `ipvsadm-restore failed on the director after a clean trial: ${r.stderr.trim()}` };
  return { ok: true, rules: ['-C', ...lines.map((l) => l.text.trim())], warnings: [] };
}
