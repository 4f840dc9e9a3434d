/**
 * `ip address` and `ip link` (iproute2 6.1.0 ipaddress.c / iplink.c): show, add/del with
 * labels, flush, link set up/down/mtu, link del.
 *
 * The lab's Ethernet ports print as the reference capture's veth pairs do (linux-tools.md
 * §4): `eth0@if6`, `qdisc noqueue`, `link-netns NAME` — the peer is a port of the switch
 * (its namespace named after the switch node, its index 3 + port order, after the switch
 * namespace's lo and bridge) or the other host's interface. Details the model lacks are
 * printed as a Debian host in this topology would: `group default qlen 1000`, an IPv6
 * link-local address derived from the MAC (EUI-64) while the port is up, `::1` on lo.
 */
import type { Iface, IfAddr } from '../../host/iface';
import type { Host } from '../../host/host';
import { SwitchPort } from '../../net/switch';
import { broadcastOf, ipStr, isLoopback, parseCidr, parseIp, prefixMask, type Ip } from '../../net/addr';
import { fail, familyName, invarg, matches, nextArg, duparg, type IpCtx } from './ip';

/** `brd` given with `ip addr add ... brd +`: shown by `ip addr`, not used by the model. */
const BRD = new WeakMap<IfAddr, Ip>();

// ------------------------------------------------------------------ formatting

interface Peer {
  ifindex: number;
  netns: string;
  iface?: Iface;
}

function peerOf(dev: Iface): Peer | undefined {
  const link = dev.link;
  if (!link) return undefined;
  const other = link.a === dev ? link.b : link.a;
  if (other instanceof SwitchPort) return { ifindex: 3 + other.sw.ports.indexOf(other), netns: other.sw.name };
  const o = other as Partial<Iface>;
  if (typeof o.index === 'number' && typeof o.nodeName === 'string') return { ifindex: o.index, netns: o.nodeName, iface: other as Iface };
  return undefined;
}

function shownName(dev: Iface): string {
  if (dev.kind === 'ipip') return `${dev.name}@NONE`;
  const p = dev.kind === 'ether' ? peerOf(dev) : undefined;
  return p ? `${dev.name}@if${p.ifindex}` : dev.name;
}

/** Carrier as the port sees it: a veth loses it when its peer goes down too. */
function carrier(dev: Iface): boolean {
  if (!dev.carrier) return false;
  const p = dev.kind === 'ether' ? peerOf(dev) : undefined;
  return p?.iface ? p.iface.adminUp : true;
}

function flagsOf(dev: Iface): string {
  const up = dev.adminUp;
  const lower = up && carrier(dev);
  const f: string[] = [];
  if (up && !lower && dev.kind === 'ether') f.push('NO-CARRIER');
  if (dev.kind === 'loopback') f.push('LOOPBACK');
  else if (dev.kind === 'ipip') f.push('NOARP');
  else f.push('BROADCAST', 'MULTICAST');
  if (up) f.push('UP');
  if (lower) f.push('LOWER_UP');
  return f.join(',');
}

function operState(dev: Iface): string {
  if (!dev.adminUp) return 'DOWN';
  if (dev.kind !== 'ether') return 'UNKNOWN';
  if (!dev.link) return 'DOWN';
  return carrier(dev) ? 'UP' : 'LOWERLAYERDOWN';
}

function line1(dev: Iface, mode: 'addr' | 'link', c: IpCtx): string {
  const qdisc = dev.adminUp ? 'noqueue' : 'noop';
  let s = `${dev.index}: ${shownName(dev)}: <${flagsOf(dev)}> mtu ${dev.mtu} qdisc ${qdisc} state ${operState(dev)}`;
  if (mode === 'link') s += ' mode DEFAULT';
  s += ' group default qlen 1000';
  // -4 drops the link line; its link-netns moves up to line 1.
  if (mode === 'addr' && c.o.family !== 'any') {
    const p = dev.kind === 'ether' ? peerOf(dev) : undefined;
    if (p) s += ` link-netns ${p.netns}`;
  }
  return s + '\n';
}

function linkLine(dev: Iface): string {
  if (dev.kind === 'loopback') return '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n';
  if (dev.kind === 'ipip') return '    link/ipip 0.0.0.0 brd 0.0.0.0\n';
  const p = peerOf(dev);
  return `    link/ether ${dev.mac} brd ff:ff:ff:ff:ff:ff${p ? ` link-netns ${p.netns}` : ''}\n`;
}

/** print_stats64 (ip -s): columns widen to fit the numbers; a zero `compressed` is left blank. */
function statsLines(dev: Iface): string {
  const rx = [dev.rxBytes, dev.rxPackets, 0, dev.rxDropped, 0, 0];
  const tx = [dev.txBytes, dev.txPackets, 0, dev.txDropped, 0, 0];
  const cols = [10, 7, 6, 7, 7, 7, 10];
  for (const v of [rx, tx]) v.forEach((n, i) => (cols[i] = Math.max(cols[i]!, String(n).length)));
  const head = (what: string, names: string[]) =>
    `    ${what}: ${'bytes'.padStart(cols[0]! - 4)} ${names.map((n, i) => n.padStart(cols[i + 1]!)).join(' ')} ${''.padStart(cols[6]!)}\n`;
  const nums = (v: number[]) => '    ' + v.map((n, i) => String(n).padStart(cols[i]!) + ' ').join('') + '\n';
  return head('RX', ['packets', 'errors', 'dropped', 'missed', 'mcast']) + nums(rx) + head('TX', ['packets', 'errors', 'dropped', 'carrier', 'collsns']) + nums(tx);
}

/** Linux's IPv4 address order: primaries, then secondaries, each in the order added. */
function orderedAddrs(dev: Iface): IfAddr[] {
  return [...dev.addrs.filter((a) => !a.secondary), ...dev.addrs.filter((a) => a.secondary)];
}

function inetLine(a: IfAddr): string {
  const brd = BRD.get(a);
  return (
    `    inet ${ipStr(a.addr)}/${a.len}${brd !== undefined ? ` brd ${ipStr(brd)}` : ''} scope ${a.scope}${a.secondary ? ' secondary' : ''} ${a.label}\n` +
    '       valid_lft forever preferred_lft forever\n'
  );
}

/** RFC 5952 text of eight 16-bit groups. */
export function ipv6Str(g: readonly number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: readonly number[]) => a.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** The EUI-64 link-local address the kernel gives an Ethernet port. */
export function linkLocal(mac: string): string {
  const b = mac.split(':').map((h) => parseInt(h, 16) || 0);
  const x = (i: number) => b[i] ?? 0;
  return ipv6Str([0xfe80, 0, 0, 0, ((x(0) ^ 2) << 8) | x(1), (x(2) << 8) | 0xff, 0xfe00 | x(3), (x(4) << 8) | x(5)]);
}

function inet6Lines(dev: Iface): string {
  if (!dev.adminUp) return '';
  const tail = '       valid_lft forever preferred_lft forever\n';
  if (dev.kind === 'loopback') return '    inet6 ::1/128 scope host \n' + tail;
  if (dev.kind === 'ether') return `    inet6 ${linkLocal(dev.mac)}/64 scope link \n` + tail;
  return '';
}

function showDev(dev: Iface, mode: 'addr' | 'link', c: IpCtx, labelFilter?: string): string {
  const fam = c.o.family;
  const v4 = orderedAddrs(dev).filter((a) => labelFilter === undefined || globMatch(labelFilter, a.label));
  if (c.o.brief) {
    const name = shownName(dev).padEnd(16);
    const state = operState(dev).padEnd(14);
    if (mode === 'link') return `${name} ${state} ${dev.kind === 'ipip' ? 'none' : dev.mac} <${flagsOf(dev)}> \n`;
    const addrs = fam === 'inet6' ? [] : v4.map((a) => `${ipStr(a.addr)}/${a.len}`);
    if (fam !== 'inet' && dev.adminUp && dev.kind !== 'ipip') addrs.push(dev.kind === 'loopback' ? '::1/128' : `${linkLocal(dev.mac)}/64`);
    return `${name} ${state} ${addrs.map((a) => a + ' ').join('')}\n`;
  }
  if (mode === 'addr' && fam === 'inet' && v4.length === 0) return '';
  if (mode === 'addr' && labelFilter !== undefined && v4.length === 0) return '';
  if (mode === 'addr' && fam === 'inet6' && inet6Lines(dev) === '') return '';
  let s = line1(dev, mode, c);
  if (mode === 'link' || fam === 'any') s += linkLine(dev);
  if (c.o.stats > 0) s += statsLines(dev);
  if (mode === 'addr') {
    if (fam !== 'inet6') for (const a of v4) s += inetLine(a);
    if (fam !== 'inet' && labelFilter === undefined) s += inet6Lines(dev);
  }
  return s;
}

function globMatch(pat: string, s: string): boolean {
  const re = new RegExp('^' + pat.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  return re.test(s);
}

function list(c: IpCtx, args: string[], mode: 'addr' | 'link'): number {
  const h = c.ctx.sys.host;
  let devName: string | undefined;
  let label: string | undefined;
  let onlyUp = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === 'dev') devName = nextArg(c, args, i++);
    else if (a === 'label' && mode === 'addr') label = nextArg(c, args, i++);
    else if (a === 'up') onlyUp = true;
    else if (a === 'scope' || a === 'to' || a === 'type' || a === 'group' || a === 'master') i++;
    else if (a === 'primary' || a === 'secondary' || a === 'permanent' || a === 'dynamic') continue;
    else if (matches(a, 'help')) return usage(c, mode);
    else {
      if (devName !== undefined) fail(c, `Error: either "dev" is duplicate, or "${a}" is a garbage.`, 255);
      devName = a;
    }
  }
  let devs = h.ifaces;
  if (devName !== undefined) {
    const d = h.iface(devName);
    if (!d) fail(c, `Device "${devName}" does not exist.`, 1);
    devs = [d];
  }
  let out = '';
  for (const d of devs) if (!onlyUp || d.adminUp) out += showDev(d, mode, c, label);
  c.ctx.out(out);
  return 0;
}

function usage(c: IpCtx, mode: 'addr' | 'link'): never {
  fail(
    c,
    mode === 'addr'
      ? 'Usage: ip address {add|change|replace} IFADDR dev IFNAME [ LIFETIME ]\n' +
          '                                                      [ CONFFLAG-LIST ]\n' +
          '       ip address del IFADDR dev IFNAME [mngtmpaddr]\n' +
          '       ip address {save|flush} [ dev IFNAME ] [ scope SCOPE-ID ]\n' +
          '                            [ to PREFIX ] [ FLAG-LIST ] [ label LABEL ] [up]\n' +
          '       ip address [ show [ dev IFNAME ] [ scope SCOPE-ID ] [ master DEVICE ]\n' +
          '                         [ nomaster ]\n' +
          '                         [ type TYPE ] [ to PREFIX ] [ FLAG-LIST ]\n' +
          '                         [ label LABEL ] [up] [ vrf NAME ]\n' +
          '                         [ proto ADDRPROTO ] ]'
      : 'Usage: ip link add [link DEV | parentdev NAME] [ name ] NAME\n' +
          '       ip link delete { DEVICE | dev DEVICE | group DEVGROUP } type TYPE [ ARGS ]\n' +
          '       ip link set { DEVICE | dev DEVICE | group DEVGROUP }\n' +
          '                       [ { up | down } ]\n' +
          '                       [ mtu MTU ]\n' +
          '       ip link show [ DEVICE | group GROUP ] [up] [master DEV] [vrf NAME] [type TYPE]',
    255,
  );
}

// ------------------------------------------------------------------ ip address

export function ipAddress(c: IpCtx, args: string[]): number {
  const sub = args[0];
  if (sub === undefined) return list(c, [], 'addr');
  const rest = args.slice(1);
  if (matches(sub, 'add')) return modify(c, rest, 'add');
  if (matches(sub, 'change') || sub === 'chg') return modify(c, rest, 'change');
  if (matches(sub, 'replace')) return modify(c, rest, 'replace');
  if (matches(sub, 'delete')) return modify(c, rest, 'del');
  if (matches(sub, 'list') || matches(sub, 'show') || matches(sub, 'lst')) return list(c, rest, 'addr');
  if (matches(sub, 'flush')) return flush(c, rest);
  if (matches(sub, 'help')) return usage(c, 'addr');
  fail(c, `Command "${sub}" is unknown, try "ip address help".`, 255);
}

const SCOPES: Record<string, IfAddr['scope']> = { global: 'global', universe: 'global', link: 'link', host: 'host', '0': 'global', '253': 'link', '254': 'host' };

function modify(c: IpCtx, args: string[], cmd: 'add' | 'change' | 'replace' | 'del'): number {
  const h = c.ctx.sys.host;
  let dev: string | undefined;
  let label: string | undefined;
  let local: { addr: Ip; len: number; lenGiven: boolean; text: string } | undefined;
  let brd: 'plus' | 'minus' | Ip | undefined;
  let scope: IfAddr['scope'] | undefined;
  for (let i = 0; i < args.length; i++) {
    let a = args[i]!;
    if (a === 'peer' || a === 'remote') {
      nextArg(c, args, i++);
      fail(c, 'ip address: peer addresses are not simulated in LVS Lab', 1);
    } else if (matches(a, 'broadcast') || a === 'brd') {
      const v = nextArg(c, args, i++);
      if (brd !== undefined) duparg(c, 'broadcast', v);
      if (v === '+') brd = 'plus';
      else if (v === '-') brd = 'minus';
      else {
        const b = parseIp(v);
        if (b === undefined) fail(c, `Error: ${familyName(c)} address is expected rather than "${v}".`, 1);
        brd = b;
      }
    } else if (a === 'scope') {
      const v = nextArg(c, args, i++);
      const s = SCOPES[v];
      if (s === undefined) invarg(c, 'invalid scope value.', v);
      scope = s;
    } else if (a === 'dev') {
      dev = nextArg(c, args, i++);
    } else if (a === 'label') {
      label = nextArg(c, args, i++);
    } else if (matches(a, 'valid_lft') || matches(a, 'preferred_lft') || matches(a, 'metric') || matches(a, 'priority') || a === 'proto') {
      nextArg(c, args, i++);
    } else if (['home', 'nodad', 'optimistic', 'mngtmpaddr', 'noprefixroute', 'autojoin'].includes(a)) {
      continue;
    } else {
      if (a === 'local') a = nextArg(c, args, i++);
      if (matches(a, 'help')) usage(c, 'addr');
      if (local) fail(c, `Error: either "local" is duplicate, or "${a}" is a garbage.`, 255);
      const p = parseCidr(a);
      if (!p || c.o.family === 'inet6') fail(c, `Error: ${familyName(c)} prefix is expected rather than "${a}".`, 1);
      local = { ...p, lenGiven: a.includes('/'), text: a };
    }
  }
  if (dev === undefined) fail(c, 'Not enough information: "dev" argument is required.', 255);
  if (label !== undefined && !(label === dev || label.startsWith(dev + ':'))) {
    fail(c, `"label" (${label}) must match "dev" (${dev}) or be prefixed by "dev" with a colon.`, 1);
  }
  const d = h.iface(dev);
  if (cmd === 'del') {
    if (!d) fail(c, `Cannot find device "${dev}"`, 1);
    if (!local) {
      // No address: the kernel deletes the device's first address (matching the label).
      const first = orderedAddrs(d).find((x) => label === undefined || x.label === label);
      if (!first) fail(c, 'Error: ipv4: Address not found.', 2);
      h.delAddr(dev, first.addr, first.len);
      return 0;
    }
    if (!local.lenGiven) {
      c.ctx.err(
        'Warning: Executing wildcard deletion to stay compatible with old scripts.\n' +
          `         Explicitly specify the prefix length (${local.text}/32) to avoid this warning.\n` +
          '         This special behaviour is likely to disappear in further releases,\n' +
          '         fix your scripts!\n',
      );
    }
    const hit = orderedAddrs(d).find((x) => x.addr === local!.addr && (!local!.lenGiven || x.len === local!.len) && (label === undefined || x.label === label));
    if (!hit) fail(c, 'Error: ipv4: Address not found.', 2);
    h.delAddr(dev, hit.addr, hit.len);
    return 0;
  }
  if (!local) fail(c, 'RTNETLINK answers: Invalid argument', 2);
  if (!d) fail(c, `Cannot find device "${dev}"`, 1);
  const sc = scope ?? (isLoopback(local.addr) ? 'host' : 'global');
  const existing = d.addrs.find((x) => x.addr === local!.addr && x.len === local!.len);
  if (existing) {
    if (cmd === 'add') fail(c, 'Error: ipv4: Address already assigned.', 2);
    existing.scope = sc;
    if (label !== undefined) existing.label = label;
  } else {
    if (cmd === 'change') fail(c, 'RTNETLINK answers: No such file or directory', 2);
    const r = h.addAddr(dev, local.addr, local.len, label ?? dev, sc);
    if (r === 'no-dev') fail(c, `Cannot find device "${dev}"`, 1);
    if (r === 'exists') fail(c, 'Error: ipv4: Address already assigned.', 2);
  }
  const obj = d.addrs.find((x) => x.addr === local!.addr && x.len === local!.len);
  if (obj) {
    if (brd === 'plus') {
      if (local.len < 31) BRD.set(obj, broadcastOf(local.addr, local.len));
    } else if (brd === 'minus') {
      if (local.len < 31) BRD.set(obj, (local.addr & prefixMask(local.len)) >>> 0);
    } else if (typeof brd === 'number') BRD.set(obj, brd);
  }
  return 0;
}

function flush(c: IpCtx, args: string[]): number {
  const h = c.ctx.sys.host;
  if (args.length === 0) fail(c, 'Flush requires arguments.', 255);
  let devName: string | undefined;
  let label: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === 'dev') devName = nextArg(c, args, i++);
    else if (a === 'label') label = nextArg(c, args, i++);
    else if (a === 'scope' || a === 'to') i++;
    else if (a === 'up' || a === 'primary' || a === 'secondary' || a === 'permanent') continue;
    else devName = a;
  }
  let devs = h.ifaces;
  if (devName !== undefined) {
    const d = h.iface(devName);
    if (!d) fail(c, `Device "${devName}" does not exist.`, 1);
    devs = [d];
  }
  if (c.o.family === 'inet6') return 0;
  for (const d of devs) {
    // Secondaries first: deleting a primary would promote (or drop) them.
    for (const a of [...orderedAddrs(d)].reverse()) {
      if (label !== undefined && !globMatch(label, a.label)) continue;
      h.delAddr(d.name, a.addr, a.len);
    }
  }
  return 0;
}

// ------------------------------------------------------------------ ip link

export function ipLink(c: IpCtx, args: string[]): number {
  const sub = args[0];
  if (sub === undefined) return list(c, [], 'link');
  const rest = args.slice(1);
  if (matches(sub, 'set')) return linkSet(c, rest);
  if (matches(sub, 'show') || matches(sub, 'list') || matches(sub, 'lst')) return list(c, rest, 'link');
  if (matches(sub, 'delete')) return linkDel(c, rest);
  if (matches(sub, 'add') || matches(sub, 'change') || matches(sub, 'replace')) {
    fail(c, 'ip link add: not simulated in LVS Lab (interfaces come from the scenario; modprobe ipip creates tunl0)', 2);
  }
  if (matches(sub, 'help')) return usage(c, 'link');
  fail(c, `Command "${sub}" is unknown, try "ip link help".`, 255);
}

function linkSet(c: IpCtx, args: string[]): number {
  const h: Host = c.ctx.sys.host;
  let dev: string | undefined;
  let up: boolean | undefined;
  let mtu: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === 'up') up = true;
    else if (a === 'down') up = false;
    else if (a === 'dev') {
      const v = nextArg(c, args, i++);
      if (dev !== undefined) duparg(c, 'dev', v);
      dev = v;
    } else if (a === 'mtu') {
      const v = nextArg(c, args, i++);
      if (mtu !== undefined) duparg(c, 'mtu', v);
      if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) invarg(c, 'Invalid "mtu" value\n', v);
      mtu = Number(v);
    } else if (['arp', 'multicast', 'allmulticast', 'promisc', 'trailers', 'txqueuelen', 'txqlen', 'qlen', 'group', 'alias'].includes(a)) {
      nextArg(c, args, i++);
    } else if (['address', 'name', 'netns', 'master', 'vf', 'type', 'link'].includes(a)) {
      nextArg(c, args, i++);
      fail(c, `ip link set ${a}: not simulated in LVS Lab`, 2);
    } else if (matches(a, 'help')) {
      usage(c, 'link');
    } else {
      if (dev !== undefined) fail(c, `Error: either "dev" is duplicate, or "${a}" is a garbage.`, 255);
      dev = a;
    }
  }
  if (dev === undefined) fail(c, 'Not enough information: "dev" argument is required.', 255);
  const d = h.iface(dev);
  if (!d) fail(c, `Cannot find device "${dev}"`, 1);
  if (mtu !== undefined) {
    const max = d.kind === 'ipip' ? 65515 : d.kind === 'loopback' ? 0xffffffff : 65535;
    if (mtu < 68) fail(c, 'Error: mtu less than device minimum.', 2);
    if (mtu > max) fail(c, 'Error: mtu greater than device maximum.', 2);
    d.mtu = mtu;
  }
  if (up !== undefined) h.setLinkUp(dev, up);
  return 0;
}

function linkDel(c: IpCtx, args: string[]): number {
  const h = c.ctx.sys.host;
  let dev: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === 'dev') dev = nextArg(c, args, i++);
    else if (a === 'type') nextArg(c, args, i++);
    else dev = a;
  }
  if (dev === undefined) fail(c, 'Not enough information: "dev" argument is required.', 255);
  const d = h.iface(dev);
  if (!d) fail(c, `Cannot find device "${dev}"`, 1);
  // The ipip fallback device cannot go (ip_tunnel_dellink skips it, silently).
  if (d.kind === 'ipip') return 0;
  if (d.kind === 'loopback') fail(c, 'RTNETLINK answers: Operation not supported', 2);
  // Deleting one end of a veth pair deletes the pair: the cable is gone for both sides.
  if (d.link) d.link.up = false;
  h.removeIface(dev);
  return 0;
}
