/**
 * tcpdump's command line (glibc getopt_long, as tcpdump 4.99.3 calls it) and the text it
 * writes around the packet lines: the banner and the closing counters go to stderr, the
 * packet lines to stdout.
 */
import type { Frame } from '../../net/packet';
import type { Ip } from '../../net/addr';
import { TcpdumpSession, type TstampMode } from './format';
import { parseTcpdumpFilter, type FilterLinkType, type TcpdumpFilter } from './filter';
import type { CmdResult } from '../types';

export interface TcpdumpOptions {
  /** -i; undefined means tcpdump picks the first suitable device. */
  readonly iface: string | undefined;
  readonly numeric: boolean; // -n, -nn
  readonly ether: boolean; // -e
  readonly count: number | undefined; // -c
  readonly verbose: number; // -v count
  readonly quiet: boolean; // -q
  readonly lineBuffered: boolean; // -l
  readonly absoluteSeq: boolean; // -S
  readonly noChecksum: boolean; // -K
  readonly tstamp: TstampMode; // -t count
  readonly snaplen: number; // -s (0 means the maximum, 262144)
  readonly direction: 'in' | 'out' | 'inout'; // -Q
  /** The words after the options, joined by single spaces. */
  readonly filter: string;
}

export type TcpdumpArgs =
  | { readonly kind: 'run'; readonly options: TcpdumpOptions }
  /** Print, then exit (errors: exit 1 with usage on stderr; -h / --version: exit 0). */
  | ({ readonly kind: 'exit' } & CmdResult);

export const TCPDUMP_VERSION =
  'tcpdump version 4.99.3\nlibpcap version 1.10.3 (with TPACKET_V3)\nOpenSSL 3.0.16 11 Feb 2025\n';

export const TCPDUMP_USAGE =
  TCPDUMP_VERSION +
  'Usage: tcpdump [-AbdDefhHIJKlLnNOpqStuUvxX#] [ -B size ] [ -c count ] [--count]\n' +
  '\t\t[ -C file_size ] [ -E algo:secret ] [ -F file ] [ -G seconds ]\n' +
  '\t\t[ -i interface ] [ --immediate-mode ] [ -j tstamptype ]\n' +
  '\t\t[ -M secret ] [ --number ] [ --print ] [ -Q in|out|inout ]\n' +
  '\t\t[ -r file ] [ -s snaplen ] [ -T type ] [ --version ]\n' +
  '\t\t[ -V file ] [ -w file ] [ -W filecount ] [ -y datalinktype ]\n' +
  '\t\t[ --time-stamp-precision precision ] [ --micro ] [ --nano ]\n' +
  '\t\t[ -z postrotate-command ] [ -Z user ] [ expression ]\n';

const MAX_SNAPLEN = 262144;

/** tcpdump's short options: true = takes an argument. */
const SHORT: Record<string, boolean> = {};
for (const c of 'aAbdDefhHIJKlLnNOpqStuUvxXY#') SHORT[c] = false;
for (const c of 'BcCEFGijmMQrsTVwWyzZ') SHORT[c] = true;

/** Options that exist but that the lab does not simulate. */
const UNSUPPORTED = new Set('AdDFCEGIjJLmMrTVwWxXyYzZ#'.split(''));

/** getopt_long table: name -> [short equivalent, takes an argument]. */
const LONG: Record<string, [string, boolean]> = {
  'buffer-size': ['B', true],
  'list-interfaces': ['D', false],
  help: ['h', false],
  interface: ['i', true],
  'monitor-mode': ['I', false],
  'time-stamp-type': ['j', true],
  'list-time-stamp-types': ['J', false],
  micro: ['micro', false],
  nano: ['nano', false],
  'time-stamp-precision': ['time-stamp-precision', true],
  'dont-verify-checksums': ['K', false],
  'list-data-link-types': ['L', false],
  'no-optimize': ['O', false],
  'no-promiscuous-mode': ['p', false],
  direction: ['Q', true],
  'snapshot-length': ['s', true],
  'absolute-tcp-sequence-numbers': ['S', false],
  'packet-buffered': ['U', false],
  linktype: ['y', true],
  'immediate-mode': ['immediate-mode', false],
  'debug-filter-parser': ['Y', false],
  'relinquish-privileges': ['Z', true],
  count: ['count', false],
  'fp-type': ['fp-type', false],
  number: ['#', false],
  print: ['print', false],
  version: ['version', false],
};

/** strtol(s, &end, 0) that must consume the whole string; NaN otherwise. */
function strtol0(s: string): number {
  const m = /^\s*([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(s);
  if (!m) return NaN;
  const d = m[2]!;
  const v = /^0[xX]/.test(d) ? parseInt(d.slice(2), 16) : d.startsWith('0') ? parseInt(d, 8) : parseInt(d, 10);
  return m[1] === '-' ? -v : v;
}

const usageError = (msg: string): TcpdumpArgs => ({
  kind: 'exit',
  stdout: '',
  stderr: `tcpdump: ${msg}\n` + TCPDUMP_USAGE,
  exit: 1,
});

const fatal = (msg: string): TcpdumpArgs => ({ kind: 'exit', stdout: '', stderr: `tcpdump: ${msg}\n`, exit: 1 });

const unsupported = (opt: string): TcpdumpArgs => fatal(`${opt}: option not supported in LVS Lab`);

/** Parse tcpdump's argv (without the program name). */
export function parseTcpdumpArgs(argv: readonly string[]): TcpdumpArgs {
  let iface: string | undefined;
  let numeric = false;
  let ether = false;
  let count: number | undefined;
  let verbose = 0;
  let quiet = false;
  let lineBuffered = false;
  let absoluteSeq = false;
  let noChecksum = false;
  let tflag = 0;
  let snaplen = MAX_SNAPLEN;
  let direction: 'in' | 'out' | 'inout' = 'inout';
  const words: string[] = [];

  /** One option; returns an early exit, or undefined to go on. */
  const apply = (opt: string, arg: string | undefined): TcpdumpArgs | undefined => {
    switch (opt) {
      case 'i':
        iface = arg;
        return;
      case 'n':
        numeric = true;
        return;
      case 'e':
        ether = true;
        return;
      case 'v':
        verbose++;
        return;
      case 'q':
        quiet = true;
        return;
      case 'l':
        lineBuffered = true;
        return;
      case 'S':
        absoluteSeq = true;
        return;
      case 'K':
        noChecksum = true;
        return;
      case 't':
        tflag++;
        return;
      case 'a':
      case 'b':
      case 'H':
      case 'p':
      case 'U':
      case 'N':
      case 'O':
      case 'f':
      case 'u':
      case 'B':
      case 'immediate-mode':
      case 'micro':
      case 'print':
        return;
      case 'c': {
        const n = /^\s*[-+]?\d+/.test(arg ?? '') ? parseInt(arg ?? '', 10) : 0;
        if (!(n > 0)) return fatal(`invalid packet count ${arg}`);
        count = n;
        return;
      }
      case 's': {
        const s = arg ?? '';
        const n = strtol0(s);
        if (!(n >= 0 && n <= MAX_SNAPLEN)) return fatal(`invalid snaplen ${s}`);
        snaplen = n === 0 ? MAX_SNAPLEN : n;
        return;
      }
      case 'Q': {
        const d = (arg ?? '').toLowerCase();
        if (d !== 'in' && d !== 'out' && d !== 'inout') return fatal(`unknown capture direction '${arg}'`);
        direction = d;
        return;
      }
      case 'h':
        return { kind: 'exit', stdout: TCPDUMP_USAGE, stderr: '', exit: 0 };
      case 'version':
        return { kind: 'exit', stdout: TCPDUMP_VERSION, stderr: '', exit: 0 };
      default:
        return unsupported(opt.length === 1 ? `-${opt}` : `--${opt}`);
    }
  };

  let onlyWords = false;
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!;
    if (onlyWords || a === '-' || !a.startsWith('-')) {
      words.push(a); // glibc getopt permutes: options may follow the filter
      continue;
    }
    if (a === '--') {
      onlyWords = true;
      continue;
    }
    if (a.startsWith('--')) {
      const body = a.slice(2);
      const eq = body.indexOf('=');
      const name = eq < 0 ? body : body.slice(0, eq);
      const exact = LONG[name];
      const matches = exact ? [name] : Object.keys(LONG).filter((l) => l.startsWith(name));
      if (matches.length === 0) return usageError(`unrecognized option '${a}'`);
      if (matches.length > 1) {
        return usageError(`option '--${name}' is ambiguous; possibilities:${matches.map((m) => ` '--${m}'`).join('')}`);
      }
      const full = matches[0]!;
      const [opt, needsArg] = LONG[full]!;
      let arg: string | undefined;
      if (needsArg) {
        if (eq >= 0) arg = body.slice(eq + 1);
        else if (k + 1 < argv.length) arg = argv[++k];
        else return usageError(`option '--${full}' requires an argument`);
      } else if (eq >= 0) {
        return usageError(`option '--${full}' doesn't allow an argument`);
      }
      const r = apply(opt, arg);
      if (r) return r;
      continue;
    }
    // A cluster of short options: -nei eth0, -c5, -vvv
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const takes = SHORT[c];
      if (takes === undefined) return usageError(`invalid option -- '${c}'`);
      let arg: string | undefined;
      if (takes) {
        if (j + 1 < a.length) arg = a.slice(j + 1);
        else if (k + 1 < argv.length) arg = argv[++k];
        else return usageError(`option requires an argument -- '${c}'`);
      }
      if (UNSUPPORTED.has(c)) return unsupported(`-${c}`);
      const r = apply(c, arg);
      if (r) return r;
      if (takes) break;
    }
  }

  const tstamp: TstampMode = (['hms', 'none', 'epoch', 'delta', 'date', 'since-first'] as const)[Math.min(tflag, 5)]!;
  return {
    kind: 'run',
    options: {
      iface,
      numeric,
      ether,
      count,
      verbose,
      quiet,
      lineBuffered,
      absoluteSeq,
      noChecksum,
      tstamp,
      snaplen,
      direction,
      filter: words.join(' '),
    },
  };
}

/** The link type tcpdump picks for a device. */
export type TcpdumpLinkType = FilterLinkType;

const LINK_DESC: Record<TcpdumpLinkType, string> = {
  EN10MB: 'EN10MB (Ethernet)',
  LINUX_SLL2: 'LINUX_SLL2 (Linux cooked v2)',
  RAW: 'RAW (Raw IP)',
};

/** `tcpdump -i eth9`: stderr, exit status 1. */
export function noSuchDeviceError(iface: string): string {
  return `tcpdump: ${iface}: No such device exists\n(No such device exists)\n`;
}

/**
 * The stderr lines before the first packet. `opened` comes right after the device opens
 * (before the filter is compiled, so it precedes a filter error); `listening` after.
 */
export function tcpdumpBanner(
  o: Pick<TcpdumpOptions, 'verbose' | 'snaplen'>,
  iface: string,
  link: TcpdumpLinkType,
): { opened: string; listening: string } {
  const opened = link === 'LINUX_SLL2' ? 'tcpdump: data link type LINUX_SLL2\n' : '';
  const lead =
    o.verbose > 0 ? 'tcpdump: ' : 'tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n';
  return {
    opened,
    listening: `${lead}listening on ${iface}, link-type ${LINK_DESC[link]}, snapshot length ${o.snaplen} bytes\n`,
  };
}

/**
 * What tcpdump writes when it stops: after Ctrl-C a newline on stdout (the terminal
 * has echoed ^C), then the counters on stderr; after -c N just the counters.
 */
export function tcpdumpSummary(c: {
  captured: number;
  received?: number;
  dropped?: number;
  interrupted: boolean;
}): { stdout: string; stderr: string } {
  const pl = (n: number, what: string): string => `${n} packet${n === 1 ? '' : 's'} ${what}\n`;
  return {
    stdout: c.interrupted ? '\n' : '',
    stderr:
      pl(c.captured, 'captured') + pl(c.received ?? c.captured, 'received by filter') + pl(c.dropped ?? 0, 'dropped by kernel'),
  };
}

/** What a host tells tcpdump about itself. */
export interface TcpdumpHost {
  /** Link type of each device tcpdump may open, by name ('any' is implied). */
  readonly devices: ReadonlyMap<string, 'EN10MB' | 'RAW'>;
  /** The device tcpdump opens without -i (the first up, non-loopback one). */
  readonly defaultDevice?: string;
  /** Netmask of a device, for `ip broadcast`. */
  readonly netmaskOf?: (iface: string) => number | undefined;
  /** Forward lookups for `host NAME`. */
  readonly resolveName?: (name: string) => readonly Ip[] | undefined;
  /** Reverse lookups without -n. */
  readonly resolveAddr?: (ip: Ip) => string | undefined;
  /** Time of day at simulated time 0, µs. */
  readonly dayOffsetUs?: number;
}

export interface RunningTcpdump {
  readonly options: TcpdumpOptions;
  readonly iface: string;
  readonly linkType: TcpdumpLinkType;
  /** Banner for stderr. */
  readonly stderr: string;
  /** Formats shown packets and counts them. */
  readonly session: TcpdumpSession;
  /** -Q direction and the filter: should this packet be shown? */
  wants(frame: Frame, outbound: boolean): boolean;
  readonly filter: TcpdumpFilter;
}

/**
 * Everything from argv to the first packet, in tcpdump's order: options, device,
 * `data link type` line, filter, banner.
 */
export function startTcpdump(
  argv: readonly string[],
  host: TcpdumpHost,
): ({ readonly ok: false } & CmdResult) | ({ readonly ok: true } & RunningTcpdump) {
  const args = parseTcpdumpArgs(argv);
  if (args.kind === 'exit') return { ok: false, stdout: args.stdout, stderr: args.stderr, exit: args.exit };
  const o = args.options;
  const iface = o.iface ?? host.defaultDevice;
  if (iface === undefined) return { ok: false, stdout: '', stderr: 'tcpdump: no suitable device found\n', exit: 1 };
  const dev = iface === 'any' ? 'LINUX_SLL2' : host.devices.get(iface);
  if (dev === undefined) return { ok: false, stdout: '', stderr: noSuchDeviceError(iface), exit: 1 };
  const linkType: TcpdumpLinkType = dev;
  const banner = tcpdumpBanner(o, iface, linkType);
  const netmask = iface === 'any' ? undefined : host.netmaskOf?.(iface);
  const f = parseTcpdumpFilter(o.filter, {
    linkType,
    ...(host.resolveName ? { resolveHost: host.resolveName } : {}),
    ...(netmask !== undefined ? { netmask } : {}),
  });
  if (!f.ok) return { ok: false, stdout: '', stderr: banner.opened + f.error + '\n', exit: 1 };
  const session = new TcpdumpSession({
    numeric: o.numeric,
    ether: o.ether,
    verbose: o.verbose,
    quiet: o.quiet,
    absoluteSeq: o.absoluteSeq,
    noChecksum: o.noChecksum,
    tstamp: o.tstamp,
    clock: { dayOffsetUs: host.dayOffsetUs ?? 0 },
    linkType: linkType === 'RAW' ? 'RAW' : 'EN10MB',
    ...(host.resolveAddr ? { resolveHost: host.resolveAddr } : {}),
  });
  const match = f.match;
  const dir = o.direction;
  return {
    ok: true,
    options: o,
    iface,
    linkType,
    stderr: banner.opened + banner.listening,
    session,
    filter: match,
    wants: (frame, outbound) => (dir === 'inout' || (dir === 'out') === outbound) && match(frame, outbound),
  };
}
