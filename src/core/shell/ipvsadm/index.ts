/**
 * ipvsadm 1.31, ipvsadm-save, ipvsadm-restore and the IPVS /proc files, as the lab's shell
 * runs them on a director: byte for byte what the real tools print, with their exit
 * statuses, against the director's Ipvs.
 *
 * - options.ts: ipvsadm's tables (commands, options, legality matrices); popt.ts: popt;
 *   parse.ts: parse_options, one handler per option; process.ts: the process (streams, exit);
 * - program.ts: main/process_options/restore_table; config-stream.ts: how -R splits lines;
 * - ctl.ts (+ dump.ts, sync.ts, foreign.ts): the kernel's netlink side — checks in the
 *   kernel's order, errnos, dumps; errors.ts: the messages;
 * - list.ts: listings and -S rules; proc.ts: /proc/net/ip_vs*; netdb.ts: libc lookups;
 * - scripts.ts: ipvsadm-save and ipvsadm-restore.
 */
import type { CmdResult } from '../types';
import { runIpvsadm, type IpvsadmEnv } from './program';
import { procText, type ProcPath } from './proc';

export { ipvsadmRestore, ipvsadmSave } from './scripts';

export type { IpvsadmEnv } from './program';

/** `ipvsadm ARGS...` (argv without the program name); `-R` reads `stdin`. */
export function ipvsadm(argv: string[], env: IpvsadmEnv, stdin?: string): CmdResult {
  return runIpvsadm(argv, env, stdin ?? '');
}

/** The text of /proc/net/ip_vs, /proc/net/ip_vs_conn or /proc/net/ip_vs_stats. */
export function procFile(path: ProcPath, env: IpvsadmEnv): string {
  return procText(path, env.ipvs);
}
