/**
 * IPv4 addresses are plain unsigned 32-bit numbers in the core (fast to hash, compare
 * and mask); they become dotted quads only at the edges (shell, trace, UI).
 * MAC addresses are strings "52:54:00:00:0a:11" as Linux prints them.
 */

export type Ip = number;
export type Mac = string;

export const BROADCAST_MAC: Mac = 'ff:ff:ff:ff:ff:ff';
export const ZERO_MAC: Mac = '00:00:00:00:00:00';

export function parseIp(s: string): Ip | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return undefined;
    v = v * 256 + o;
  }
  return v >>> 0;
}

/** parseIp for addresses known to be valid (presets, tests). */
export function ip(s: string): Ip {
  const v = parseIp(s);
  if (v === undefined) throw new Error(`invalid IPv4 address: ${s}`);
  return v;
}

export function ipStr(v: Ip): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Netmask for a prefix length, as an unsigned 32-bit number. */
export function prefixMask(len: number): number {
  return len <= 0 ? 0 : len >= 32 ? 0xffffffff : (0xffffffff << (32 - len)) >>> 0;
}

export function inPrefix(addr: Ip, net: Ip, len: number): boolean {
  const m = prefixMask(len);
  return ((addr & m) >>> 0) === ((net & m) >>> 0);
}

export function networkOf(addr: Ip, len: number): Ip {
  return (addr & prefixMask(len)) >>> 0;
}

export function broadcastOf(addr: Ip, len: number): Ip {
  return (networkOf(addr, len) | (~prefixMask(len) >>> 0)) >>> 0;
}

/** Parse "a.b.c.d/len" (len optional, default 32). */
export function parseCidr(s: string): { addr: Ip; len: number } | undefined {
  const [a, l, ...rest] = s.split('/');
  if (rest.length > 0 || a === undefined) return undefined;
  const addr = parseIp(a);
  if (addr === undefined) return undefined;
  if (l === undefined) return { addr, len: 32 };
  if (!/^\d{1,2}$/.test(l)) return undefined;
  const len = Number(l);
  if (len > 32) return undefined;
  return { addr, len };
}

export function isMulticast(addr: Ip): boolean {
  return addr >>> 28 === 0xe;
}

export function isLoopback(addr: Ip): boolean {
  return addr >>> 24 === 127;
}

/** Multicast IPv4 to Ethernet mapping (RFC 1112): 01:00:5e + low 23 bits. */
export function multicastMac(addr: Ip): Mac {
  const h = (n: number) => n.toString(16).padStart(2, '0');
  return `01:00:5e:${h((addr >>> 16) & 0x7f)}:${h((addr >>> 8) & 255)}:${h(addr & 255)}`;
}
