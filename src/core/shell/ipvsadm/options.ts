/**
 * ipvsadm 1.31's tables: its commands, its options (bit numbers and the names its error
 * messages use), the popt option table, and the two legality matrices (commands ×
 * options, tunnel types × tunnel options), transcribed from ipvsadm.c.
 */
import type { PoptOption } from './popt';

/** CMD_* in ipvsadm.c order; the index into CMD_NAMES and the matrix row is cmd − 1. */
export const enum Cmd {
  None = 0,
  Add,
  Edit,
  Del,
  Flush,
  List,
  AddDest,
  DelDest,
  EditDest,
  Timeout,
  StartDaemon,
  StopDaemon,
  Restore,
  Save,
  Zero,
}

export const CMD_NAMES = [
  'add-service',
  'edit-service',
  'delete-service',
  'flush',
  'list',
  'add-server',
  'delete-server',
  'edit-server',
  'set',
  'start-daemon',
  'stop-daemon',
  'restore',
  'save',
  'zero',
] as const;

/** OPTC_* bit numbers. */
export const enum Opt {
  Numeric = 0,
  Connection,
  Service,
  Scheduler,
  Persistent,
  Netmask,
  Server,
  Forward,
  Weight,
  UThreshold,
  LThreshold,
  Mcast,
  Timeout,
  Daemon,
  Stats,
  Rate,
  Thresholds,
  PersistentConn,
  NoSort,
  SyncId,
  Exact,
  OnePacket,
  PersistenceEngine,
  SchedFlags,
  McastGroup,
  McastPort,
  McastTtl,
  SyncMaxlen,
  TunInfo,
  TunType,
  TunPort,
  TunNoCsum,
  TunCsum,
  TunRemCsum,
}

export const OPT_NAMES = [
  'numeric',
  'connection',
  'service-address',
  'scheduler',
  'persistent',
  'netmask',
  'real-server',
  'forwarding-method',
  'weight',
  'u-threshold',
  'l-threshold',
  'mcast-interface',
  'timeout',
  'daemon',
  'stats',
  'rate',
  'thresholds',
  'persistent-conn',
  'nosort',
  'syncid',
  'exact',
  'ops',
  'pe',
  'sched-flags',
  'mcast-group',
  'mcast-port',
  'mcast-ttl',
  'sync-maxlen',
  'tun-info',
  'tun-type',
  'tun-port',
  'tun-nocsum',
  'tun-csum',
  'tun-remcsum',
] as const;

/**
 * commands_v_options: '+' compulsory, 'x' illegal, '1' at most one of them, ' ' optional.
 * Columns in OPT order: -n -c svc -s -p -M -r fwd -w -x -y -mc tot dmn -st -rt thr -pc srt
 * sid -ex ops -pe -b grp port ttl size tinf type tprt nocs csum remc.
 */
export const COMMANDS_V_OPTIONS: readonly string[] = [
  /* ADD     */ 'xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx',
  /* EDIT    */ 'xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx',
  /* DEL     */ 'xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  /* FLUSH   */ 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  /* LIST    */ ' 11xxxxxxxxx11       xxxxxxx xxxxx',
  /* ADDSRV  */ 'xx+xxx+    xxxxxxxxxxxxxxxxxx     ',
  /* DELSRV  */ 'xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx',
  /* EDITSRV */ 'xx+xxx+    xxxxxxxxxxxxxxxxxx     ',
  /* TIMEOUT */ 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  /* STARTD  */ 'xxxxxxxxxxx xxxxxxx xxxx    xxxxxx',
  /* STOPD   */ 'xxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxx',
  /* RESTORE */ 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  /* SAVE    */ ' xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  /* ZERO    */ 'xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
];

export const TUN_NAMES = ['ipip', 'gue', 'gre'] as const;
export const TUN_FLAG_SHOW = ['-c', '+c', 'r+c'] as const;
export const TUN_FLAG_OPTS = ['--tun-nocsum', '--tun-csum', '--tun-remcsum'] as const;
/** tunnel_types_v_options: columns tun-port, tun-nocsum, tun-csum, tun-remcsum. */
export const TUN_OPTS = [Opt.TunPort, Opt.TunNoCsum, Opt.TunCsum, Opt.TunRemCsum] as const;
export const TUNNEL_TYPES_V_OPTIONS: readonly string[] = [
  /* ipip */ 'xxxx',
  /* gue  */ '+111',
  /* gre  */ 'x11x',
];

/** What an option word means to ipvsadm (the `val` of its popt entry). */
export type Tag =
  | 'A' | 'E' | 'D' | 'C' | 'L' | 'Z' | 'a' | 'e' | 'd' | 'set' | 'h' | 'v' | 'R' | 'S'
  | 'start-daemon' | 'stop-daemon'
  | 't' | 'u' | 'sctp' | 'f' | 's' | 'p' | 'M' | 'r' | 'm' | 'i' | 'g' | 'w' | 'x' | 'y'
  | 'n' | 'c' | 'mcast-interface' | 'syncid' | 'timeout' | 'daemon' | 'stats' | 'rate'
  | 'thresholds' | 'persistent-conn' | 'nosort' | 'sort' | 'X' | '6' | 'o' | 'pe' | 'b'
  | 'mcast-group' | 'mcast-port' | 'mcast-ttl' | 'sync-maxlen' | 'tun-info' | 'tun-type'
  | 'tun-port' | 'tun-nocsum' | 'tun-csum' | 'tun-remcsum';

const o = (long: string, short: string | undefined, arg: PoptOption<Tag>['arg'], val: Tag): PoptOption<Tag> =>
  short === undefined ? { long, arg, val } : { long, short, arg, val };

/** ipvsadm's poptOption table, in its order (the first match wins, so `-l` is "list" too). */
export const POPT_TABLE: readonly PoptOption<Tag>[] = [
  o('add-service', 'A', 'none', 'A'),
  o('edit-service', 'E', 'none', 'E'),
  o('delete-service', 'D', 'none', 'D'),
  o('clear', 'C', 'none', 'C'),
  o('list', 'L', 'none', 'L'),
  o('list', 'l', 'none', 'L'),
  o('zero', 'Z', 'none', 'Z'),
  o('add-server', 'a', 'none', 'a'),
  o('edit-server', 'e', 'none', 'e'),
  o('delete-server', 'd', 'none', 'd'),
  o('set', undefined, 'none', 'set'),
  o('help', 'h', 'none', 'h'),
  o('version', 'v', 'none', 'v'),
  o('restore', 'R', 'none', 'R'),
  o('save', 'S', 'none', 'S'),
  o('start-daemon', undefined, 'string', 'start-daemon'),
  o('stop-daemon', undefined, 'string', 'stop-daemon'),
  o('tcp-service', 't', 'string', 't'),
  o('udp-service', 'u', 'string', 'u'),
  o('sctp-service', undefined, 'string', 'sctp'),
  o('fwmark-service', 'f', 'string', 'f'),
  o('scheduler', 's', 'string', 's'),
  o('persistent', 'p', 'optional', 'p'),
  o('netmask', 'M', 'string', 'M'),
  o('real-server', 'r', 'string', 'r'),
  o('masquerading', 'm', 'none', 'm'),
  o('ipip', 'i', 'none', 'i'),
  o('gatewaying', 'g', 'none', 'g'),
  o('weight', 'w', 'string', 'w'),
  o('u-threshold', 'x', 'string', 'x'),
  o('l-threshold', 'y', 'string', 'y'),
  o('numeric', 'n', 'none', 'n'),
  o('connection', 'c', 'none', 'c'),
  o('mcast-interface', undefined, 'string', 'mcast-interface'),
  o('syncid', undefined, 'string', 'syncid'),
  o('timeout', undefined, 'none', 'timeout'),
  o('daemon', undefined, 'none', 'daemon'),
  o('stats', undefined, 'none', 'stats'),
  o('rate', undefined, 'none', 'rate'),
  o('thresholds', undefined, 'none', 'thresholds'),
  o('persistent-conn', undefined, 'none', 'persistent-conn'),
  o('nosort', undefined, 'none', 'nosort'),
  o('sort', undefined, 'none', 'sort'),
  o('exact', 'X', 'none', 'X'),
  o('ipv6', '6', 'none', '6'),
  o('ops', 'o', 'none', 'o'),
  o('pe', undefined, 'string', 'pe'),
  o('sched-flags', 'b', 'string', 'b'),
  o('mcast-group', undefined, 'string', 'mcast-group'),
  o('mcast-port', undefined, 'string', 'mcast-port'),
  o('mcast-ttl', undefined, 'string', 'mcast-ttl'),
  o('sync-maxlen', undefined, 'string', 'sync-maxlen'),
  o('tun-info', undefined, 'none', 'tun-info'),
  o('tun-type', undefined, 'string', 'tun-type'),
  o('tun-port', undefined, 'string', 'tun-port'),
  o('tun-nocsum', undefined, 'none', 'tun-nocsum'),
  o('tun-csum', undefined, 'none', 'tun-csum'),
  o('tun-remcsum', undefined, 'none', 'tun-remcsum'),
];

/** The command an option word starts, for the first word only (parse_options' first switch). */
export const COMMAND_TAGS: Partial<Record<Tag, Cmd>> = {
  A: Cmd.Add,
  E: Cmd.Edit,
  D: Cmd.Del,
  a: Cmd.AddDest,
  e: Cmd.EditDest,
  d: Cmd.DelDest,
  C: Cmd.Flush,
  L: Cmd.List,
  Z: Cmd.Zero,
  set: Cmd.Timeout,
  R: Cmd.Restore,
  S: Cmd.Save,
  'start-daemon': Cmd.StartDaemon,
  'stop-daemon': Cmd.StopDaemon,
};
