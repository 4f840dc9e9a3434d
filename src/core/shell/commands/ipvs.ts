/**
 * ipvsadm, ipvsadm-save and ipvsadm-restore through the ipvsadm module (../ipvsadm),
 * and the node's /proc/net/ip_vs* files. Running ipvsadm on a node without IPVS loads
 * ip_vs first, as libipvs does with `modprobe ip_vs`.
 */
import type { CmdCtx, NodeSys } from '../context';
import type { CmdResult } from '../types';
import { ipvsadm as runIpvsadm, ipvsadmRestore, ipvsadmSave, procFile, type IpvsadmEnv } from '../ipvsadm/index';

const PROC_FILES = new Set(['/proc/net/ip_vs', '/proc/net/ip_vs_conn', '/proc/net/ip_vs_stats']);

function env(sys: NodeSys): IpvsadmEnv {
  return { ipvs: sys.ipvs(true)!, ifaceMtu: (name) => sys.host.iface(name)?.mtu };
}

/** Let NodeSys render /proc/net/ip_vs* (only once ip_vs is loaded). */
export function installProc(sys: NodeSys): void {
  sys.ipvsProc = (path) => {
    const ipvs = sys.ipvs(false);
    if (!ipvs || !PROC_FILES.has(path)) return undefined;
    return procFile(path as Parameters<typeof procFile>[0], { ipvs, ifaceMtu: (n) => sys.host.iface(n)?.mtu });
  };
}

function emit(ctx: CmdCtx, r: CmdResult): number {
  ctx.out(r.stdout);
  ctx.err(r.stderr);
  return r.exit;
}

export function ipvsadm(ctx: CmdCtx): number {
  return emit(ctx, runIpvsadm(ctx.argv.slice(1), env(ctx.sys), ctx.stdin));
}

export function ipvsadmSaveCmd(ctx: CmdCtx): number {
  return emit(ctx, ipvsadmSave(ctx.argv.slice(1), env(ctx.sys)));
}

export function ipvsadmRestoreCmd(ctx: CmdCtx): number {
  return emit(ctx, ipvsadmRestore(ctx.argv.slice(1), env(ctx.sys), ctx.stdin ?? ''));
}
