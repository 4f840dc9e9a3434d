/**
 * ldirectord.cf (ha.md §3): `key = value` lines; `virtual=` opens a section whose options
 * are indented (4+ spaces or a tab); global options apply to every virtual that does not
 * set its own. `#` starts a comment; values may be "quoted".
 *
 * Defaults: checkinterval 10 s; checktimeout 5 s and negotiatetimeout 30 s (each defaults
 * to the other when only one is set); failurecount 1; checktype negotiate; scheduler wrr;
 * quiescent no (the code's default — the POD says yes); protocol tcp; service from the port.
 */
import { parseIp, type Ip } from '../../net/addr';

export type LdirMethod = 'gate' | 'masq' | 'ipip';

export interface LdirReal {
  addr: Ip;
  port: number;
  method: LdirMethod;
  weight: number;
  request?: string;
  receive?: string;
}

export type CheckType = { kind: 'connect' | 'negotiate' | 'on' | 'off' | 'ping' | 'external' } | { kind: 'combined'; connects: number };

export interface LdirVirtual {
  line: number;
  vip: Ip;
  port: number;
  fwmark: number;
  proto: 'tcp' | 'udp';
  scheduler: string;
  persistent?: number;
  netmask?: Ip;
  checktype: CheckType;
  service: string;
  request: string;
  receive?: string;
  httpmethod: 'GET' | 'HEAD';
  checkport?: number;
  checktimeoutUs: number;
  negotiatetimeoutUs: number;
  checkintervalUs: number;
  failurecount: number;
  quiescent: boolean;
  fallback?: { addr: Ip; port: number; method: LdirMethod };
  reals: LdirReal[];
}

export interface LdirConf {
  virtuals: LdirVirtual[];
  /** The global loop's interval (without fork, one loop checks every virtual). */
  checkintervalUs: number;
}

export type LdirResult = { ok: true; conf: LdirConf; warnings: string[] } | { ok: false; errors: string[]; warnings: string[] };

/** ldirectord's port → service table (ha.md §3). */
const SERVICE_BY_PORT: Record<number, string> = {
  21: 'ftp', 25: 'smtp', 53: 'dns', 80: 'http', 110: 'pop', 119: 'nntp', 143: 'imap', 389: 'ldap', 443: 'https', 587: 'submission',
  636: 'ldaps', 993: 'imaps', 995: 'pops', 1521: 'oracle', 1812: 'radius', 3128: 'http_proxy', 3306: 'mysql', 5060: 'sip', 5432: 'pgsql',
};

type Opts = Map<string, string>;

function unquote(v: string): string {
  const t = v.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

function secondsUs(v: string | undefined): number | undefined {
  return v !== undefined && /^\d+(\.\d+)?$/.test(v) ? Math.round(Number(v) * 1e6) : undefined;
}

export function parseLdirectord(text: string): LdirResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const global: Opts = new Map();
  const sections: { line: number; spec: string; opts: Opts; reals: { line: number; text: string }[]; fallback?: string }[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const noComment = raw.replace(/(^|\s)#.*$/, '');
    if (noComment.trim() === '') return;
    const indented = /^(\t| {4,})/.test(noComment);
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(noComment);
    if (!m) {
      errors.push(`line ${line}: cannot parse "${raw.trim()}"`);
      return;
    }
    const key = m[1]!.toLowerCase();
    const value = unquote(m[2]!);
    const cur = sections[sections.length - 1];
    if (key === 'virtual') {
      sections.push({ line, spec: value, opts: new Map(), reals: [] });
      return;
    }
    if (indented && cur) {
      if (key === 'real') cur.reals.push({ line, text: m[2]! });
      else cur.opts.set(key, value);
      return;
    }
    if (key === 'real') {
      errors.push(`line ${line}: real= outside a virtual section`);
      return;
    }
    global.set(key, value);
  });
  const get = (o: Opts, k: string) => o.get(k) ?? global.get(k);
  const virtuals: LdirVirtual[] = [];
  for (const s of sections) {
    const v = readVirtual(s, (k) => get(s.opts, k), errors, warnings);
    if (v) virtuals.push(v);
  }
  const globalInterval = secondsUs(global.get('checkinterval')) ?? 10e6;
  if (errors.length) return { ok: false, errors, warnings };
  return { ok: true, conf: { virtuals, checkintervalUs: globalInterval }, warnings };
}

function readVirtual(
  s: { line: number; spec: string; reals: { line: number; text: string }[] },
  get: (k: string) => string | undefined,
  errors: string[],
  warnings: string[],
): LdirVirtual | undefined {
  let vip = 0;
  let port = 0;
  let fwmark = 0;
  if (/^\d+$/.test(s.spec)) fwmark = Number(s.spec);
  else {
    const [a, p] = s.spec.split(':');
    const addr = parseIp(a ?? '');
    if (addr === undefined || p === undefined || !/^\d+$/.test(p)) {
      errors.push(`line ${s.line}: virtual=${s.spec}: expected ip:port or a fwmark`);
      return undefined;
    }
    vip = addr;
    port = Number(p);
  }
  const ct = secondsUs(get('checktimeout'));
  const nt = secondsUs(get('negotiatetimeout'));
  const protoWord = get('protocol') ?? (fwmark ? 'fwm' : port === 53 ? 'udp' : 'tcp');
  const v: LdirVirtual = {
    line: s.line,
    vip,
    port,
    fwmark,
    proto: protoWord === 'udp' ? 'udp' : 'tcp',
    scheduler: get('scheduler') ?? 'wrr',
    checktype: checkType(get('checktype') ?? 'negotiate'),
    service: get('service') ?? SERVICE_BY_PORT[port] ?? 'none',
    request: get('request') ?? '/',
    httpmethod: get('httpmethod') === 'HEAD' ? 'HEAD' : 'GET',
    checktimeoutUs: ct ?? nt ?? 5e6,
    negotiatetimeoutUs: nt ?? ct ?? 30e6,
    checkintervalUs: secondsUs(get('checkinterval')) ?? 10e6,
    failurecount: Math.max(1, Number(get('failurecount') ?? '1') || 1),
    quiescent: (get('quiescent') ?? 'no') === 'yes',
    reals: [],
  };
  const rcv = get('receive');
  if (rcv !== undefined) v.receive = rcv;
  const cp = get('checkport');
  if (cp !== undefined && /^\d+$/.test(cp)) v.checkport = Number(cp);
  const pers = get('persistent');
  if (pers !== undefined && /^\d+$/.test(pers)) v.persistent = Number(pers);
  const nm = get('netmask');
  if (nm !== undefined) v.netmask = parseIp(nm);
  const fb = get('fallback');
  if (fb !== undefined) {
    const r = readReal(fb, v);
    if (r) v.fallback = { addr: r.addr, port: r.port, method: r.method };
    else warnings.push(`line ${s.line}: cannot parse fallback=${fb}`);
  }
  for (const r of s.reals) {
    const real = readReal(r.text, v);
    if (real) v.reals.push(real);
    else errors.push(`line ${r.line}: cannot parse real=${r.text.trim()}`);
  }
  return v;
}

function checkType(w: string): CheckType {
  if (/^\d+$/.test(w)) return { kind: 'combined', connects: Number(w) };
  if (w === 'connect' || w === 'negotiate' || w === 'on' || w === 'off' || w === 'ping' || w === 'external') return { kind: w };
  return { kind: 'negotiate' };
}

/** `ip[:port] gate|masq|ipip [weight] ["request", "receive"]`; non-masq reals use the virtual port. */
function readReal(text: string, v: { port: number }): LdirReal | undefined {
  const quoted = [...text.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
  const words = text.replace(/"[^"]*"/g, ' ').replace(/,/g, ' ').trim().split(/\s+/);
  const [addrPort, method = 'gate', weight] = words;
  const [a, p] = (addrPort ?? '').split(':');
  const addr = parseIp(a ?? '');
  if (addr === undefined || (method !== 'gate' && method !== 'masq' && method !== 'ipip')) return undefined;
  let port = p !== undefined && /^\d+$/.test(p) ? Number(p) : v.port;
  if (method !== 'masq' && v.port !== 0) port = v.port;
  const r: LdirReal = { addr, port, method, weight: weight !== undefined && /^\d+$/.test(weight) ? Number(weight) : 1 };
  if (quoted[0] !== undefined) r.request = quoted[0];
  if (quoted[1] !== undefined) r.receive = quoted[1];
  return r;
}
