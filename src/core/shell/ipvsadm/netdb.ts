/**
 * The libc calls ipvsadm makes for names and addresses, as glibc 2.36 answers them on the
 * reference host (Debian 12: /etc/hosts with only localhost entries, netbase 6.4's
 * /etc/services, nsswitch "hosts: files"): inet_aton, inet_pton, inet_ntop, gethostbyname,
 * gethostbyaddr, getservbyname, getservbyport, strtol/strtoul.
 */
import { ETC_SERVICES } from './etc-services';

export const AF_INET = 2;
export const AF_INET6 = 10;
export type Af = typeof AF_INET | typeof AF_INET6;

export const IPPROTO_IP = 0;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_SCTP = 132;

/**
 * union nf_inet_addr as four 32-bit words in host order: IPv4 uses w[0] only. Comparing
 * words is what libipvs's sort does (its IPv4 branch reads the first word of the union).
 */
export interface InetAddr {
  readonly af: Af;
  readonly w: readonly [number, number, number, number];
}

export function v4(ip: number): InetAddr {
  return { af: AF_INET, w: [ip >>> 0, 0, 0, 0] };
}

/** ip_vs_addr_equal: IPv4 compares the first word only. */
export function addrEqual(a: InetAddr, b: InetAddr): boolean {
  if (a.af !== b.af || a.w[0] !== b.w[0]) return false;
  return a.af === AF_INET || (a.w[1] === b.w[1] && a.w[2] === b.w[2] && a.w[3] === b.w[3]);
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';

/**
 * strtol/strtoul(s, &end, base) over a JS string: leading white space, an optional sign,
 * "0x" for base 16 (and base 0), octal for a leading 0 in base 0. Returns the value (as an
 * exact number, not clamped), where parsing stopped, and whether any digit was read.
 */
export function strtol(s: string, base: number): { value: number; end: number; digits: boolean } {
  let i = 0;
  while (isSpace(s[i])) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  let b = base;
  if ((b === 0 || b === 16) && s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && hexVal(s[i + 2]) >= 0) {
    i += 2;
    b = 16;
  } else if (b === 0) {
    b = s[i] === '0' ? 8 : 10;
  }
  const start = i;
  let v = 0;
  for (;;) {
    const d = hexVal(s[i]);
    if (d < 0 || d >= b) break;
    v = v * b + d;
    i++;
  }
  if (i === start) return { value: 0, end: 0, digits: false };
  return { value: neg ? -v : v, end: i, digits: true };
}

function hexVal(c: string | undefined): number {
  if (c === undefined) return -1;
  const x = c.charCodeAt(0);
  if (x >= 48 && x <= 57) return x - 48;
  if (x >= 97 && x <= 102) return x - 87;
  if (x >= 65 && x <= 70) return x - 55;
  return -1;
}

const LONG_MAX = 2 ** 63 - 1;
const LONG_MIN = -(2 ** 63);

/** ipvsadm's string_to_number: strtol base 10, the whole string, min ≤ n ≤ max, else -1. */
export function stringToNumber(s: string, min: number, max: number): number {
  const r = strtol(s, 10);
  if (!r.digits || r.end !== s.length) return -1;
  if (r.value > LONG_MAX || r.value < LONG_MIN) return -1; // ERANGE
  return min <= r.value && r.value <= max ? r.value : -1;
}

/** C atoi (strtol base 10, no error checks; the int result wraps like glibc's cast). */
export function atoi(s: string): number {
  const r = strtol(s, 10);
  return r.digits ? r.value | 0 : 0;
}

/** glibc inet_aton: 1–4 parts, each decimal, octal (0…) or hex (0x…); trailing white space ends it. */
export function inetAton(s: string): number | undefined {
  const max = [0xffffffff, 0xffffff, 0xffff, 0xff];
  const bytes: number[] = [];
  let i = 0;
  let val = 0;
  let c = s[i];
  for (;;) {
    if (!isDigit(c)) return undefined;
    const r = strtol(s.slice(i), 0);
    if (r.value > 0xffffffff) return undefined;
    val = r.value;
    i += r.end;
    c = s[i];
    if (c === '.') {
      if (bytes.length > 2 || val > 0xff) return undefined;
      bytes.push(val);
      c = s[++i];
    } else break;
  }
  if (c !== undefined && !isSpace(c)) return undefined;
  if (val > max[bytes.length]!) return undefined;
  let word = 0;
  bytes.forEach((b, k) => (word += b * 2 ** (24 - 8 * k)));
  return (word + val) >>> 0;
}

/** glibc inet_pton(AF_INET): exactly four decimal octets, no leading zeros. */
export function inetPton4(s: string): number | undefined {
  let sawDigit = false;
  let octets = 0;
  const tmp = [0, 0, 0, 0];
  let k = 0;
  for (const ch of s) {
    if (ch >= '0' && ch <= '9') {
      const nv = tmp[k]! * 10 + (ch.charCodeAt(0) - 48);
      if (sawDigit && tmp[k] === 0) return undefined;
      if (nv > 255) return undefined;
      tmp[k] = nv;
      if (!sawDigit) {
        if (++octets > 4) return undefined;
        sawDigit = true;
      }
    } else if (ch === '.' && sawDigit) {
      if (octets === 4) return undefined;
      tmp[++k] = 0;
      sawDigit = false;
    } else return undefined;
  }
  if (octets < 4) return undefined;
  return ((tmp[0]! << 24) | (tmp[1]! << 16) | (tmp[2]! << 8) | tmp[3]!) >>> 0;
}

/** glibc inet_pton(AF_INET6), with an embedded dotted quad allowed at the end. */
export function inetPton6(s: string): InetAddr | undefined {
  const bytes = new Array<number>(16).fill(0);
  let tp = 0;
  let colonp = -1;
  let i = 0;
  if (s.length === 0) return undefined;
  if (s[0] === ':') {
    i++;
    if (i === s.length || s[i] !== ':') return undefined;
  }
  let curtok = i;
  let seen = 0;
  let val = 0;
  while (i < s.length) {
    const ch = s[i++]!;
    const d = hexVal(ch);
    if (d >= 0) {
      if (seen === 4) return undefined;
      val = (val << 4) | d;
      seen++;
      continue;
    }
    if (ch === ':') {
      curtok = i;
      if (seen === 0) {
        if (colonp >= 0) return undefined;
        colonp = tp;
        continue;
      } else if (i === s.length) return undefined;
      if (tp + 2 > 16) return undefined;
      bytes[tp++] = (val >> 8) & 0xff;
      bytes[tp++] = val & 0xff;
      seen = 0;
      val = 0;
      continue;
    }
    if (ch === '.' && tp + 4 <= 16) {
      const q = inetPton4(s.slice(curtok));
      if (q !== undefined) {
        bytes[tp++] = q >>> 24;
        bytes[tp++] = (q >>> 16) & 0xff;
        bytes[tp++] = (q >>> 8) & 0xff;
        bytes[tp++] = q & 0xff;
        seen = 0;
        break;
      }
    }
    return undefined;
  }
  if (seen > 0) {
    if (tp + 2 > 16) return undefined;
    bytes[tp++] = (val >> 8) & 0xff;
    bytes[tp++] = val & 0xff;
  }
  if (colonp >= 0) {
    if (tp === 16) return undefined;
    const n = tp - colonp;
    const moved = bytes.slice(colonp, tp);
    for (let k = colonp; k < 16; k++) bytes[k] = 0;
    moved.forEach((b, k) => (bytes[16 - n + k] = b));
    tp = 16;
  }
  if (tp !== 16) return undefined;
  const w = [0, 1, 2, 3].map((k) => ((bytes[4 * k]! << 24) | (bytes[4 * k + 1]! << 16) | (bytes[4 * k + 2]! << 8) | bytes[4 * k + 3]!) >>> 0);
  return { af: AF_INET6, w: w as unknown as InetAddr['w'] };
}

export function ntoa4(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}`;
}

function words16(a: InetAddr): number[] {
  return a.w.flatMap((x) => [x >>> 16, x & 0xffff]);
}

/** glibc inet_ntop(AF_INET6): the longest zero run (≥ 2, the first on a tie) becomes "::". */
export function ntop6(a: InetAddr): string {
  const words = words16(a);
  let best = { base: -1, len: 0 };
  let cur = { base: -1, len: 0 };
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      if (cur.base === -1) cur = { base: i, len: 1 };
      else cur.len++;
    } else if (cur.base !== -1) {
      if (best.base === -1 || cur.len > best.len) best = cur;
      cur = { base: -1, len: 0 };
    }
  }
  if (cur.base !== -1 && (best.base === -1 || cur.len > best.len)) best = cur;
  if (best.base !== -1 && best.len < 2) best = { base: -1, len: 0 };
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (best.base !== -1 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && words[5] === 0xffff))) {
      out += ntoa4(a.w[3]);
      break;
    }
    out += words[i]!.toString(16);
  }
  if (best.base !== -1 && best.base + best.len === 8) out += ':';
  return out;
}

export function ntop(a: InetAddr): string {
  return a.af === AF_INET ? ntoa4(a.w[0]) : ntop6(a);
}

/** The kernel's %pI6: eight groups of four hex digits, never shortened. */
export function pI6(a: InetAddr): string {
  return words16(a)
    .map((x) => x.toString(16).padStart(4, '0'))
    .join(':');
}

// ---------------------------------------------------------------- /etc/hosts

/** /etc/hosts of the reference host: only the localhost entries. */
const HOSTS: readonly { addr: InetAddr; names: readonly string[] }[] = [
  { addr: v4(0x7f000001), names: ['localhost'] },
  { addr: { af: AF_INET6, w: [0, 0, 0, 1] }, names: ['localhost', 'ip6-localhost', 'ip6-loopback'] },
];

/** gethostbyname (IPv4 only): dotted numbers, then /etc/hosts (names are case-insensitive). */
export function gethostbyname(name: string): number | undefined {
  if (/^[0-9.]+$/.test(name) && !name.endsWith('.')) return inetAton(name);
  const lower = name.toLowerCase();
  for (const h of HOSTS) if (h.addr.af === AF_INET && h.names.includes(lower)) return h.addr.w[0];
  return undefined;
}

/** gethostbyaddr: the canonical name of the first /etc/hosts line with that address. */
export function gethostbyaddr(a: InetAddr): string | undefined {
  return HOSTS.find((h) => addrEqual(h.addr, a))?.names[0];
}

// ---------------------------------------------------------------- /etc/services

interface Servent {
  name: string;
  port: number;
  proto: 'tcp' | 'udp' | 'sctp';
  aliases: string[];
}

const PROTO_LETTER: Record<string, Servent['proto']> = { t: 'tcp', u: 'udp', s: 'sctp' };

let servents: Servent[] | undefined;

function services(): Servent[] {
  if (!servents) {
    servents = ETC_SERVICES.split(';').map((e) => {
      const [name, portProto, ...aliases] = e.split(' ');
      const m = /^(\d+)([tus])$/.exec(portProto!)!;
      return { name: name!, port: Number(m[1]), proto: PROTO_LETTER[m[2]!]!, aliases };
    });
  }
  return servents;
}

export function protoDbName(proto: number): Servent['proto'] | undefined {
  return proto === IPPROTO_TCP ? 'tcp' : proto === IPPROTO_UDP ? 'udp' : proto === IPPROTO_SCTP ? 'sctp' : undefined;
}

export function getservbyname(name: string, proto: Servent['proto']): number | undefined {
  return services().find((s) => s.proto === proto && (s.name === name || s.aliases.includes(name)))?.port;
}

export function getservbyport(port: number, proto: Servent['proto']): string | undefined {
  return services().find((s) => s.proto === proto && s.port === port)?.name;
}
