/**
 * The two wrapper scripts ipvsadm ships, /sbin/ipvsadm-save and /sbin/ipvsadm-restore
 * (bash), as they behave around the ipvsadm they run.
 */
import type { CmdResult } from '../types';
import { runIpvsadm, type IpvsadmEnv } from './program';

/**
 * The ipvsadm-save script: `-n` → `ipvsadm -S -n`, no argument → `ipvsadm -S`; any other
 * word starting with `-` prints the script's help on stderr and exits 1 (others are ignored).
 */
export function ipvsadmSave(argv: string[], env: IpvsadmEnv): CmdResult {
  let numeric = false;
  for (const arg of argv) {
    if (arg === '-n') numeric = true;
    else if (arg.startsWith('-')) {
      return {
        stdout: '',
        stderr: 'ipvsadm-save: Script to save the IPVS table to stdout.\n   With the -n option, prints out the table in numeric format.\n',
        exit: 1,
      };
    }
  }
  return runIpvsadm(numeric ? ['-S', '-n'] : ['-S'], env);
}

/**
 * The ipvsadm-restore script: drop lines starting with `#`, clear the table (`ipvsadm -C`),
 * then `echo "$INPUT" | ipvsadm -R`. Arguments are ignored.
 */
export function ipvsadmRestore(_argv: string[], env: IpvsadmEnv, stdin: string): CmdResult {
  const kept = stdin.split('\n');
  if (kept[kept.length - 1] === '') kept.pop();
  const input = kept
    .filter((l) => !l.startsWith('#'))
    .join('\n')
    .replace(/\n+$/, '');
  const clear = runIpvsadm(['-C'], env);
  const r = runIpvsadm(['-R'], env, input + '\n');
  return { stdout: clear.stdout + r.stdout, stderr: clear.stderr + r.stderr, exit: r.exit };
}
