/**
 * ipvsadm itself: main, process_options and restore_table of ipvsadm.c 1.31 (the popt and
 * netlink build), running against the lab's Ipvs through IpvsCtl. Parsing is parse.ts's;
 * this file checks the result and carries the command out.
 */
import type { Ipvs } from '../../ipvs/ipvs';
import type { CmdResult } from '../types';
import { CONN_TAB_SIZE, IPVS_VERSION, IpvsCtl } from './ctl';
import { IP_VS_CONN_F_DROUTE, IP_VS_CONN_F_TUNNEL, IP_VS_SVC_F_ONEPACKET, IP_VS_SVC_F_PERSISTENT, newEntry, type SvcUser } from './entry';
import { Exit, ipvsStrerror, type IpvsFunc } from './errors';
import { FMT_NONE, FMT_NOSORT, FMT_RULE, cmpServices, connTitle, listDaemons, msort, printConn, printServiceEntry, printTitle, versionHeader } from './list';
import { IPPROTO_UDP } from './netdb';
import { Cmd, Opt } from './options';
import { genericOptCheck, has, parseOptions, tunnelOptCheck, type ParseState } from './parse';
import { procText } from './proc';
import { Proc, type Kernel } from './process';

/** What ipvsadm runs against. The user is root. */
export interface IpvsadmEnv {
  ipvs: Ipvs;
  /** MTU of an interface, undefined if there is none by that name (sync daemons). */
  ifaceMtu(name: string): number | undefined;
}

/** process_options: parse, check, then carry the command out. Returns 0 or -1. */
function processOptions(p: Proc, argv: readonly string[], readingStdin: boolean): number {
  const ce = newEntry();
  const st: ParseState = { p, ce, options: 0n, format: FMT_NONE, schedFlagsArg: '' };
  if (parseOptions(st, argv)) return -1;
  const { options } = st;
  let format = st.format;

  genericOptCheck(p, ce.cmd, options);

  if (ce.cmd === Cmd.Add || ce.cmd === Cmd.Edit) {
    if (!ce.svc.fwmark && !ce.svc.port && !(ce.svc.flags & IP_VS_SVC_F_PERSISTENT)) p.fail(2, 'Zero port specified for non-persistent service');
    if (ce.svc.flags & IP_VS_SVC_F_ONEPACKET && !ce.svc.fwmark && ce.svc.protocol !== IPPROTO_UDP) p.fail(2, 'One-Packet Scheduling is only for UDP virtual services');
    if (ce.svc.schedName === '') ce.svc.schedName = 'wlc';
  }
  if (ce.cmd === Cmd.StartDaemon && ce.daemon.mcastIfn === '') ce.daemon.mcastIfn = 'eth0';

  const fwd = ce.dest.connFlags & 7;
  if (ce.cmd === Cmd.AddDest || ce.cmd === Cmd.EditDest) {
    if (!ce.svc.fwmark && (fwd === IP_VS_CONN_F_TUNNEL || fwd === IP_VS_CONN_F_DROUTE)) ce.dest.port = ce.svc.port;
    if (ce.dest.af !== ce.svc.af && fwd !== IP_VS_CONN_F_TUNNEL) p.fail(2, 'Different address family is allowed only for tunneling servers');
    const tunOpts = [Opt.TunType, Opt.TunPort, Opt.TunNoCsum, Opt.TunCsum, Opt.TunRemCsum].some((o) => has(options, o));
    if (tunOpts && fwd !== IP_VS_CONN_F_TUNNEL) p.fail(2, 'Tunnel options conflict with forward method');
    tunnelOptCheck(p, ce.dest.tunType, options);
  }

  const ctl = p.ctl;
  let func: IpvsFunc;
  let result: number;
  switch (ce.cmd) {
    case Cmd.List: {
      const any = (...o: Opt[]) => o.some((x) => has(options, x));
      if ((any(Opt.Connection, Opt.Timeout, Opt.Daemon) && any(Opt.Stats, Opt.Rate, Opt.Thresholds)) || (any(Opt.Timeout, Opt.Daemon) && any(Opt.PersistentConn))) {
        p.fail(2, 'options conflicts in the list command');
      }
      if (has(options, Opt.Connection)) listConn(p, format);
      else if (has(options, Opt.Service)) listService(p, ce.svc, format);
      else if (has(options, Opt.Timeout)) {
        const t = ctl.getConfig();
        p.out += `Timeout (tcp tcpfin udp): ${t.tcp} ${t.tcpFin} ${t.udp}\n`;
      } else if (has(options, Opt.Daemon)) p.out += listDaemons(ctl.getDaemons());
      else listAll(p, format);
      return 0;
    }
    case Cmd.Restore:
      return restoreTable(p, argv, readingStdin);
    case Cmd.Save:
      format |= FMT_RULE;
      listAll(p, format);
      return 0;
    case Cmd.Flush:
      [func, result] = ['flush', ctl.flush()];
      break;
    case Cmd.Add:
      [func, result] = ['add_service', ctl.addService(ce.svc)];
      break;
    case Cmd.Edit:
      [func, result] = ['update_service', ctl.editService(ce.svc)];
      break;
    case Cmd.Del:
      [func, result] = ['del_service', ctl.delService(ce.svc)];
      break;
    case Cmd.Zero: {
      // libipvs sends no service (zero everything) when none identifies one.
      const none = !ce.svc.fwmark && ce.svc.addr.w.every((w) => w === 0) && !ce.svc.port;
      [func, result] = ['zero_service', ctl.zero(none ? null : ce.svc)];
      break;
    }
    case Cmd.AddDest:
      [func, result] = ['add_dest', ctl.addDest(ce.svc, ce.dest)];
      break;
    case Cmd.EditDest:
      [func, result] = ['update_dest', ctl.editDest(ce.svc, ce.dest)];
      break;
    case Cmd.DelDest:
      [func, result] = ['del_dest', ctl.delDest(ce.svc, ce.dest)];
      break;
    case Cmd.Timeout:
      [func, result] = ['set_timeout', ctl.setConfig(ce.timeout)];
      break;
    case Cmd.StartDaemon:
      [func, result] = ['start_daemon', ctl.startDaemon(ce.daemon, (n) => ctl.ifaceMtu(n))];
      break;
    case Cmd.StopDaemon:
      [func, result] = ['stop_daemon', ctl.stopDaemon(ce.daemon)];
      break;
    default:
      return 0;
  }
  if (result) {
    p.err += ipvsStrerror(func, result) + '\n';
    return -1;
  }
  return 0;
}

// ---------------------------------------------------------------- listing commands

function listAll(p: Proc, format: number): void {
  if (!(format & FMT_RULE)) p.out += versionHeader(IPVS_VERSION, CONN_TAB_SIZE);
  let services = p.ctl.getServices();
  if (!(format & FMT_NOSORT)) services = msort(services, cmpServices);
  p.out += printTitle(format);
  for (const se of services) p.out += printServiceEntry(se, format);
}

function listService(p: Proc, svc: SvcUser, format: number): void {
  const se = p.ctl.getService(svc);
  if (typeof se === 'number') {
    p.err += ipvsStrerror('get_service', se) + '\n';
    throw new Exit(1);
  }
  p.out += printTitle(format);
  p.out += printServiceEntry(se, format);
}

function listConn(p: Proc, format: number): void {
  const text = p.ctl.connProc();
  if (text === undefined) {
    p.err += 'cannot open file /proc/net/ip_vs_conn\n';
    throw new Exit(1);
  }
  const lines = text.split('\n');
  lines.pop();
  p.out += connTitle(format);
  for (const line of lines.slice(1)) p.out += printConn(line + '\n', format);
}

/** restore_table: each stdin line is one invocation; a kernel error does not stop it. */
function restoreTable(p: Proc, argv: readonly string[], readingStdin: boolean): number {
  if (readingStdin) p.tryhelpExit(argv[0]!, 255);
  let result = 0;
  for (;;) {
    const a = p.readConfigLine(argv[0]!);
    if (a === null) break;
    if (a.length > 1) result = processOptions(p, a, true);
  }
  return result;
}

/** Run `ipvsadm ARGV...` (argv without the program name). */
export function runIpvsadm(argv: readonly string[], env: IpvsadmEnv, stdin = ''): CmdResult {
  const ctl = new IpvsCtl(env.ipvs);
  const kernel: Kernel = Object.assign(ctl, {
    connProc: () => procText('/proc/net/ip_vs_conn', env.ipvs),
    ifaceMtu: (n: string) => env.ifaceMtu(n),
  });
  return runWithKernel(argv, kernel, stdin);
}

/** ipvsadm against any Kernel (the tests' recording stand-in, say). */
export function runWithKernel(argv: readonly string[], kernel: Kernel, stdin = ''): CmdResult {
  const p = new Proc(kernel, stdin);
  let status = 0;
  try {
    if (argv.length === 0) listAll(p, FMT_NONE);
    else status = processOptions(p, ['ipvsadm', ...argv], false);
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    status = e.status;
  }
  return { stdout: p.out, stderr: p.err, exit: status & 0xff };
}
