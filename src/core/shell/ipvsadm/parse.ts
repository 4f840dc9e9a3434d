/**
 * ipvsadm's parse_options: the popt loop over POPT_TABLE, one handler per option word that
 * fills the command entry exactly as ipvsadm's switch does, the argument parsers
 * (parse_service, parse_timeout, parse_fwmark, parse_sched_flags), and the two legality
 * checks (generic_opt_check, tunnel_opt_check).
 */
import {
  IP_VS_CONN_F_DROUTE,
  IP_VS_CONN_F_MASQ,
  IP_VS_CONN_F_TUNNEL,
  IP_VS_STATE_BACKUP,
  IP_VS_STATE_MASTER,
  IP_VS_SVC_F_ONEPACKET,
  IP_VS_SVC_F_PERSISTENT,
  IP_VS_SVC_F_SCHED1,
  IP_VS_SVC_F_SCHED2,
  IP_VS_SVC_F_SCHED3,
  IP_VS_TUNNEL_ENCAP_FLAG_CSUM,
  IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM,
  IPVS_SVC_PERSISTENT_TIMEOUT,
  SCHED_FLAGS_MASK,
  type CommandEntry,
  type SvcUser,
} from './entry';
import { Exit } from './errors';
import { FMT_EXACT, FMT_NOSORT, FMT_NUMERIC, FMT_PERSISTENTCONN, FMT_RATE, FMT_STATS, FMT_THRESHOLDS, FMT_TUN_INFO } from './list';
import { AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, atoi, gethostbyname, getservbyname, inetAton, inetPton4, inetPton6, protoDbName, stringToNumber, strtol, v4 } from './netdb';
import { CMD_NAMES, COMMANDS_V_OPTIONS, COMMAND_TAGS, Cmd, OPT_NAMES, Opt, POPT_TABLE, TUNNEL_TYPES_V_OPTIONS, TUN_NAMES, TUN_OPTS, type Tag } from './options';
import { PoptContext, poptStrerror } from './popt';
import type { Proc } from './process';
import { VERSION_LINE, usage } from './usage';

const MAX_TIMEOUT = 86400 * 31;
const INT_MAX = 2147483647;
const UINT_MAX = 4294967295;
const SERVICE_ADDR = 1;
const SERVICE_PORT = 2;

/** parse_service: address (IPv4, [IPv6] or a host name) and optional port (number or name). */
function parseService(buf: string, svc: SvcUser): number {
  if (/^[0-9]*$/.test(buf)) return 0; // str_is_digit, the empty string included
  let host = buf;
  let portp: string | null = null;
  if (host[0] === '[') {
    host = host.slice(1);
    const close = host.indexOf(']');
    if (close < 0) return 0;
    const after = host.slice(close + 1);
    host = host.slice(0, close);
    if (after[0] !== ':') return 0;
    portp = after;
  }
  const a6 = inetPton6(host);
  if (a6) {
    svc.addr = a6;
    svc.af = AF_INET6;
    svc.netmask = 128;
  } else {
    const colon = host.lastIndexOf(':');
    portp = colon >= 0 ? host.slice(colon) : null;
    if (colon >= 0) host = host.slice(0, colon);
    const ip = inetAton(host) ?? gethostbyname(host);
    if (ip === undefined) return 0;
    // inet_aton fills only the first word of the union; the rest keeps what was there.
    svc.addr = { af: AF_INET, w: [ip, svc.addr.w[1], svc.addr.w[2], svc.addr.w[3]] };
    svc.af = AF_INET;
  }
  let result = SERVICE_ADDR;
  if (portp !== null) {
    result |= SERVICE_PORT;
    const name = portp.slice(1);
    let port = stringToNumber(name, 0, 65535);
    if (port === -1) {
      const db = protoDbName(svc.protocol);
      port = (db && getservbyname(name, db)) ?? -1;
    }
    if (port === -1) return 0;
    svc.port = port;
  }
  return result;
}

/** parse_timeout: absent (`-p` alone) = 360; otherwise min..max or fail. */
function parseTimeout(p: Proc, buf: string | null, min: number, max: number): number {
  if (buf === null) return IPVS_SVC_PERSISTENT_TIMEOUT;
  const i = stringToNumber(buf, min, max);
  if (i === -1) p.fail(2, `invalid timeout value \`${buf}' specified`);
  return i;
}

function parseFwmark(p: Proc, buf: string): number {
  const r = strtol(buf, 10);
  if (!r.digits || r.end !== buf.length || Math.abs(r.value) > 2 ** 63 || r.value <= 0 || r.value > UINT_MAX) {
    p.fail(2, `invalid fwmark value \`${buf}' specified`);
  }
  return r.value;
}

/** `-b` flag names: the service flag bit, and the scheduler the flag is only for. */
const SCHED_FLAGS: ReadonlyMap<string, { bit: number; sched?: string }> = new Map([
  ['flag-1', { bit: IP_VS_SVC_F_SCHED1 }],
  ['flag-2', { bit: IP_VS_SVC_F_SCHED2 }],
  ['flag-3', { bit: IP_VS_SVC_F_SCHED3 }],
  ['sh-fallback', { bit: IP_VS_SVC_F_SCHED1, sched: 'sh' }],
  ['sh-port', { bit: IP_VS_SVC_F_SCHED2, sched: 'sh' }],
  ['mh-fallback', { bit: IP_VS_SVC_F_SCHED1, sched: 'mh' }],
  ['mh-port', { bit: IP_VS_SVC_F_SCHED2, sched: 'mh' }],
]);

/** parse_sched_flags: comma-separated names (strtok: empty ones skipped), checked against -s. */
function parseSchedFlags(p: Proc, sched: string, arg: string): number {
  const s = sched !== '' ? sched : 'wlc';
  const names = arg.split(',').filter((f) => f !== '');
  if (names.length === 0) {
    // strtok found no token and ipvsadm dereferences the NULL it returned: SIGSEGV.
    throw new Exit(139);
  }
  let bits = 0;
  for (const name of names) {
    const f = SCHED_FLAGS.get(name);
    if (!f) return p.fail(2, `invalid scheduler flag \`${name}'`);
    bits |= f.bit;
    if (f.sched && s !== f.sched) p.fail(2, `incompatible scheduler flag \`${name}'`);
  }
  return bits;
}

// ---------------------------------------------------------------- the option table's handlers

export interface ParseState {
  p: Proc;
  ce: CommandEntry;
  options: bigint;
  format: number;
  schedFlagsArg: string;
}

function setOption(st: ParseState, optc: Opt): void {
  const bit = 1n << BigInt(optc);
  if (st.options & bit) return st.p.fail(2, `multiple '${OPT_NAMES[optc]}' options specified`);
  st.options |= bit;
}

export const has = (options: bigint, optc: Opt) => (options & (1n << BigInt(optc))) !== 0n;

/** `arg` is the option's argument: null only for `-p` given without one. */
type Handler = (st: ParseState, arg: string | null) => void;

/** The argument of an option popt requires one for (never null there). */
const req = (arg: string | null): string => arg ?? '';

const serviceHandler =
  (protocol: number): Handler =>
  (st, arg) => {
    setOption(st, Opt.Service);
    st.ce.svc.protocol = protocol;
    if (!(parseService(req(arg), st.ce.svc) & SERVICE_ADDR)) return st.p.fail(2, 'illegal virtual server address[:port] specified');
  };

const fwdHandler =
  (connFlags: number): Handler =>
  (st) => {
    setOption(st, Opt.Forward);
    st.ce.dest.connFlags = connFlags;
  };

const flagHandler =
  (optc: Opt, fmt = 0): Handler =>
  (st) => {
    setOption(st, optc);
    st.format |= fmt;
  };

const numberHandler =
  (optc: Opt, min: number, max: number, msg: string, set: (ce: CommandEntry, v: number) => void): Handler =>
  (st, arg) => {
    setOption(st, optc);
    const v = stringToNumber(req(arg), min, max);
    if (v === -1) return st.p.fail(2, msg);
    set(st.ce, v);
  };

/** What each option word does after the command (the `while (poptGetNextOpt)` switch). */
const OPTION_HANDLERS: Partial<Record<Tag, Handler>> = {
  t: serviceHandler(IPPROTO_TCP),
  u: serviceHandler(IPPROTO_UDP),
  sctp: serviceHandler(IPPROTO_SCTP),
  f: (st, arg) => {
    setOption(st, Opt.Service);
    st.ce.svc.af = AF_INET;
    st.ce.svc.protocol = IPPROTO_TCP;
    st.ce.svc.fwmark = parseFwmark(st.p, req(arg));
  },
  s: (st, arg) => {
    setOption(st, Opt.Scheduler);
    st.ce.svc.schedName = req(arg).slice(0, 15);
  },
  p: (st, arg) => {
    setOption(st, Opt.Persistent);
    st.ce.svc.flags |= IP_VS_SVC_F_PERSISTENT;
    st.ce.svc.timeout = parseTimeout(st.p, arg, 1, MAX_TIMEOUT);
  },
  M: (st, a) => {
    setOption(st, Opt.Netmask);
    const arg = req(a);
    if (st.ce.svc.af !== AF_INET6) {
      const m = inetAton(arg) ?? gethostbyname(arg);
      if (m === undefined) return st.p.fail(2, 'illegal virtual server persistent mask specified');
      st.ce.svc.netmask = m;
    } else {
      st.ce.svc.netmask = atoi(arg);
      if (st.ce.svc.netmask < 1 || st.ce.svc.netmask > 128) return st.p.fail(2, 'illegal ipv6 netmask specified');
    }
  },
  r: (st, arg) => {
    setOption(st, Opt.Server);
    const t = { ...st.ce.svc };
    const parse = parseService(req(arg), t);
    st.ce.dest.af = t.af;
    st.ce.dest.addr = t.addr;
    st.ce.dest.port = t.port;
    if (!(parse & SERVICE_ADDR)) return st.p.fail(2, 'illegal real server address[:port] specified');
    if (parse === SERVICE_ADDR) st.ce.dest.port = st.ce.svc.port;
  },
  i: fwdHandler(IP_VS_CONN_F_TUNNEL),
  g: fwdHandler(IP_VS_CONN_F_DROUTE),
  m: fwdHandler(IP_VS_CONN_F_MASQ),
  w: numberHandler(Opt.Weight, 0, 65535, 'illegal weight specified', (ce, v) => (ce.dest.weight = v)),
  x: numberHandler(Opt.UThreshold, 0, INT_MAX, 'illegal u_threshold specified', (ce, v) => (ce.dest.uThreshold = v)),
  y: numberHandler(Opt.LThreshold, 0, INT_MAX, 'illegal l_threshold specified', (ce, v) => (ce.dest.lThreshold = v)),
  c: flagHandler(Opt.Connection),
  n: flagHandler(Opt.Numeric, FMT_NUMERIC),
  'mcast-interface': (st, arg) => {
    setOption(st, Opt.Mcast);
    st.ce.daemon.mcastIfn = req(arg).slice(0, 15);
  },
  syncid: numberHandler(Opt.SyncId, 0, 255, 'illegal syncid specified', (ce, v) => (ce.daemon.syncid = v)),
  timeout: flagHandler(Opt.Timeout),
  daemon: flagHandler(Opt.Daemon),
  stats: flagHandler(Opt.Stats, FMT_STATS),
  rate: flagHandler(Opt.Rate, FMT_RATE),
  thresholds: flagHandler(Opt.Thresholds, FMT_THRESHOLDS),
  'persistent-conn': flagHandler(Opt.PersistentConn, FMT_PERSISTENTCONN),
  nosort: flagHandler(Opt.NoSort, FMT_NOSORT),
  sort: () => {
    /* the default; accepted for compatibility */
  },
  X: flagHandler(Opt.Exact, FMT_EXACT),
  '6': (st) => {
    if (!st.ce.svc.fwmark) return st.p.fail(2, '-6 used before -f\n');
    st.ce.svc.af = AF_INET6;
    st.ce.svc.netmask = 128;
  },
  o: (st) => {
    setOption(st, Opt.OnePacket);
    st.ce.svc.flags |= IP_VS_SVC_F_ONEPACKET;
  },
  pe: (st, arg) => {
    setOption(st, Opt.PersistenceEngine);
    st.ce.svc.peName = req(arg).slice(0, 16);
  },
  b: (st, arg) => {
    setOption(st, Opt.SchedFlags);
    st.schedFlagsArg = req(arg).slice(0, 127);
  },
  'mcast-group': (st, a) => {
    setOption(st, Opt.McastGroup);
    const arg = req(a);
    if (arg.includes(':')) {
      const a = inetPton6(arg);
      if (!a || a.w[0] >>> 24 !== 0xff) return st.p.fail(2, `invalid IPv6 mcast-group \`${arg}'`);
      st.ce.daemon.mcastGroup = a;
      st.ce.daemon.mcastAf = AF_INET6;
    } else {
      const a = inetPton4(arg);
      if (a === undefined || a >>> 28 !== 0xe) return st.p.fail(2, `invalid IPv4 mcast-group \`${arg}'`);
      st.ce.daemon.mcastGroup = v4(a);
      st.ce.daemon.mcastAf = AF_INET;
    }
  },
  'mcast-port': numberHandler(Opt.McastPort, 1, 65535, 'illegal mcast-port specified', (ce, v) => (ce.daemon.mcastPort = v)),
  'mcast-ttl': numberHandler(Opt.McastTtl, 1, 255, 'illegal mcast-ttl specified', (ce, v) => (ce.daemon.mcastTtl = v)),
  'sync-maxlen': numberHandler(Opt.SyncMaxlen, 1, 65535 - 20 - 8, 'illegal sync-maxlen specified', (ce, v) => (ce.daemon.syncMaxlen = v)),
  'tun-info': flagHandler(Opt.TunInfo, FMT_TUN_INFO),
  'tun-type': (st, arg) => {
    setOption(st, Opt.TunType);
    const t = (TUN_NAMES as readonly string[]).indexOf(req(arg));
    if (t < 0) return st.p.fail(2, 'illegal tunnel type specified');
    st.ce.dest.tunType = t;
  },
  'tun-port': numberHandler(Opt.TunPort, 1, 65535, 'illegal tunnel port specified', (ce, v) => (ce.dest.tunPort = v)),
  'tun-nocsum': flagHandler(Opt.TunNoCsum),
  'tun-csum': (st) => {
    setOption(st, Opt.TunCsum);
    st.ce.dest.tunFlags |= IP_VS_TUNNEL_ENCAP_FLAG_CSUM;
  },
  'tun-remcsum': (st) => {
    setOption(st, Opt.TunRemCsum);
    st.ce.dest.tunFlags |= IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM;
  },
};

// ---------------------------------------------------------------- parse_options / process_options

/** parse_options: 0, or -1 after a popt error (printed). fail() paths throw Exit. */
export function parseOptions(st: ParseState, argv: readonly string[]): number {
  const p: Proc = st.p;
  const ce = st.ce;
  const con = new PoptContext(argv, POPT_TABLE);
  const program = argv[0]!;

  const first = con.nextOpt();
  if (first === -1 || !first.ok) return p.tryhelpExit(program, 255);
  const cmd = COMMAND_TAGS[first.val];
  if (cmd !== undefined) {
    ce.cmd = cmd;
    if (cmd === Cmd.StartDaemon || cmd === Cmd.StopDaemon) {
      const arg = con.optArg ?? '';
      if (arg === 'master') ce.daemon.state = IP_VS_STATE_MASTER;
      else if (arg === 'backup') ce.daemon.state = IP_VS_STATE_BACKUP;
      else p.fail(2, cmd === Cmd.StartDaemon ? 'illegal start-daemon parameter specified' : 'illegal start_daemon specified');
    }
  } else if (first.val === 'h') {
    p.out += usage(program);
    throw new Exit(0);
  } else if (first.val === 'v') {
    p.out += VERSION_LINE + '\n';
    throw new Exit(0);
  } else p.tryhelpExit(program, 255);

  for (;;) {
    const r = con.nextOpt();
    if (r === -1) break;
    if (!r.ok) {
      p.err += `${con.badOption()}: ${poptStrerror(r.code)}\n`;
      return -1;
    }
    const h = OPTION_HANDLERS[r.val];
    if (!h) return p.fail(2, `invalid option \`${con.badOption()}'`);
    h(st, con.optArg);
  }

  if (ce.cmd === Cmd.Timeout) {
    const a = con.getArg();
    const b = a !== undefined ? con.getArg() : undefined;
    const c = b !== undefined ? con.getArg() : undefined;
    if (a === undefined || b === undefined || c === undefined) return p.fail(2, '--set option requires 3 timeout values');
    ce.timeout.tcp = parseTimeout(p, a, 0, MAX_TIMEOUT);
    ce.timeout.tcpFin = parseTimeout(p, b, 0, MAX_TIMEOUT);
    ce.timeout.udp = parseTimeout(p, c, 0, MAX_TIMEOUT);
  }

  const extra = con.getArg();
  if (extra !== undefined) p.fail(2, `unexpected argument ${extra}`);

  if (st.schedFlagsArg !== '') {
    ce.svc.flags &= ~SCHED_FLAGS_MASK;
    ce.svc.flags |= parseSchedFlags(p, ce.svc.schedName, st.schedFlagsArg);
  }
  return 0;
}

/** generic_opt_check: the first violation, in option order, of the command's row. */
export function genericOptCheck(p: Proc, cmd: Cmd, options: bigint): void {
  const row = COMMANDS_V_OPTIONS[cmd - 1]!;
  let last = 0;
  let count = 0;
  for (let j = 0; j < OPT_NAMES.length; j++) {
    const rule = row[j];
    if (!has(options, j)) {
      if (rule === '+') p.fail(2, `You need to supply the '${OPT_NAMES[j]}' option for the '${CMD_NAMES[cmd - 1]}' command`);
    } else {
      if (rule === 'x') p.fail(2, `Illegal '${OPT_NAMES[j]}' option with the '${CMD_NAMES[cmd - 1]}' command`);
      if (rule === '1') {
        if (++count === 1) {
          last = j;
          continue;
        }
        p.fail(2, `The option '${OPT_NAMES[j]}' conflicts with the '${OPT_NAMES[last]}' option in the '${CMD_NAMES[cmd - 1]}' command`);
      }
    }
  }
}

/** tunnel_opt_check: the tunnel options a type takes. */
export function tunnelOptCheck(p: Proc, tunType: number, options: bigint): void {
  const row = TUNNEL_TYPES_V_OPTIONS[tunType]!;
  let last = 0;
  let count = 0;
  TUN_OPTS.forEach((k, j) => {
    const rule = row[j];
    if (!has(options, k)) {
      if (rule === '+') p.fail(2, `You need to supply the '${OPT_NAMES[k]}' option for the '${TUN_NAMES[tunType]}' tunnel type`);
    } else {
      if (rule === 'x') p.fail(2, `Illegal '${OPT_NAMES[k]}' option with the '${TUN_NAMES[tunType]}' tunnel type`);
      if (rule === '1') {
        if (++count === 1) {
          last = k;
          return;
        }
        p.fail(2, `The option '${OPT_NAMES[k]}' conflicts with the '${OPT_NAMES[last]}' option in the '${TUN_NAMES[tunType]}' tunnel type`);
      }
    }
  });
}
