/**
 * `ip route`, `ip neigh`, `ip tunnel`, `ip rule` (iproute2 6.1.0 iproute.c, ipneigh.c,
 * iptunnel.c, iprule.c) over the host's RouteTable and NeighTable.
 *
 * Every `ip route` and `ip neigh` line ends in a space, as iproute2 prints them.
 * Routes list in fib_trie order (by destination, longer prefix first); neighbours in the
 * order they were created (the kernel's hash order looks random; the lab's is stable).
 */
import type { Route } from '../../host/route';
import type { Iface } from '../../host/iface';
import type { NudState } from '../../host/neigh';
import { inPrefix, ipStr, networkOf, parseCidr, parseIp, type Ip } from '../../net/addr';
import { fail, familyName, invarg, matches, nextArg, type IpCtx } from './ip';

// ------------------------------------------------------------------ ip route

function routeLine(r: Route, filterDev: boolean): string {
  let s = r.len === 0 ? 'default ' : `${ipStr(r.dst)}${r.len === 32 ? '' : `/${r.len}`} `;
  if (r.via !== undefined) s += `via ${ipStr(r.via)} `;
  if (!filterDev) s += `dev ${r.dev.name} `;
  if (r.proto !== 'boot') s += `proto ${r.proto} `;
  if (r.scope === 'link') s += 'scope link ';
  if (r.src !== undefined) s += `src ${ipStr(r.src)} `;
  if (r.metric) s += `metric ${r.metric} `;
  if (r.dev.kind === 'ether' && !r.dev.carrier) s += 'linkdown ';
  return s + '\n';
}

function sortedRoutes(routes: readonly Route[]): Route[] {
  return [...routes].sort((a, b) => a.dst - b.dst || b.len - a.len || a.metric - b.metric);
}

interface RouteSpec {
  dst?: { addr: Ip; len: number };
  via?: Ip;
  dev?: string;
  src?: Ip;
  metric?: number;
  proto?: Route['proto'];
  scope?: Route['scope'];
  table?: string;
}

function parseRouteArgs(c: IpCtx, args: string[], forShow: boolean): RouteSpec {
  const s: RouteSpec = {};
  const addr = (v: string): Ip => {
    const a = parseIp(v);
    if (a === undefined || c.o.family === 'inet6') fail(c, `Error: ${familyName(c)} address is expected rather than "${v}".`, 1);
    return a;
  };
  for (let i = 0; i < args.length; i++) {
    let a = args[i]!;
    if (a === 'via') s.via = addr(nextArg(c, args, i++));
    else if (a === 'dev' || a === 'oif') s.dev = nextArg(c, args, i++);
    else if (a === 'src') s.src = addr(nextArg(c, args, i++));
    else if (matches(a, 'metric') || matches(a, 'priority') || a === 'preference') {
      const v = nextArg(c, args, i++);
      if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) invarg(c, '"metric" value is invalid\n', v);
      s.metric = Number(v);
    } else if (a === 'proto' || a === 'protocol') {
      const v = nextArg(c, args, i++);
      if (v === 'kernel' || v === 'static' || v === 'boot') s.proto = v;
      else if (!['redirect', 'ra', 'dhcp', 'bird', 'zebra'].includes(v) && !/^\d+$/.test(v)) invarg(c, '"protocol" value is invalid\n', v);
    } else if (a === 'scope') {
      const v = nextArg(c, args, i++);
      if (v === 'link' || v === 'global' || v === 'universe') s.scope = v === 'link' ? 'link' : 'global';
      else if (v !== 'host' && v !== 'nowhere' && !/^\d+$/.test(v)) invarg(c, 'invalid "scope" value\n', v);
    } else if (a === 'table') {
      s.table = nextArg(c, args, i++);
    } else if (a === 'onlink' || a === 'type') {
      if (a === 'type') i++;
    } else if (['mtu', 'advmss', 'realm', 'realms', 'tos', 'dsfield', 'initcwnd', 'expires'].includes(a)) {
      nextArg(c, args, i++);
    } else if (matches(a, 'help')) {
      routeUsage(c);
    } else {
      if (a === 'to' || a === 'unicast') a = nextArg(c, args, i++);
      if (a === 'all' && forShow) continue;
      if (s.dst) fail(c, `Error: either "to" is duplicate, or "${a}" is a garbage.`, 255);
      if (a === 'default' || a === 'any' || a === 'all') s.dst = { addr: 0, len: 0 };
      else {
        const p = parseCidr(a);
        if (!p || c.o.family === 'inet6') fail(c, `Error: ${familyName(c)} prefix is expected rather than "${a}".`, 1);
        s.dst = { addr: networkOf(p.addr, p.len), len: p.len };
        if (!forShow && p.addr !== s.dst.addr) fail(c, 'Error: Invalid prefix for given prefix length.', 2);
      }
    }
  }
  return s;
}

function routeUsage(c: IpCtx): never {
  fail(
    c,
    'Usage: ip route { list | flush } SELECTOR\n' +
      '       ip route save SELECTOR\n' +
      '       ip route restore\n' +
      '       ip route showdump\n' +
      '       ip route get [ ROUTE_GET_FLAGS ] ADDRESS\n' +
      '                            [ from ADDRESS iif STRING ]\n' +
      '                            [ oif STRING ] [ tos TOS ]\n' +
      '                            [ mark NUMBER ] [ vrf NAME ]\n' +
      '                            [ uid NUMBER ] [ ipproto PROTOCOL ]\n' +
      '                            [ sport NUMBER ] [ dport NUMBER ]\n' +
      '       ip route { add | del | change | append | replace } ROUTE',
    255,
  );
}

export function ipRoute(c: IpCtx, args: string[]): number {
  const sub = args[0];
  const rest = args.slice(1);
  if (sub === undefined) return routeShow(c, []);
  if (matches(sub, 'add')) return routeModify(c, rest, 'add');
  if (matches(sub, 'change') || sub === 'chg') return routeModify(c, rest, 'change');
  if (matches(sub, 'replace')) return routeModify(c, rest, 'replace');
  if (matches(sub, 'prepend') || matches(sub, 'append')) return routeModify(c, rest, 'add');
  if (matches(sub, 'delete')) return routeDel(c, rest);
  if (matches(sub, 'list') || matches(sub, 'show') || matches(sub, 'lst')) return routeShow(c, rest);
  if (matches(sub, 'get')) return routeGet(c, rest);
  if (matches(sub, 'flush')) return routeFlush(c, rest);
  if (matches(sub, 'help')) routeUsage(c);
  fail(c, `Command "${sub}" is unknown, try "ip route help".`, 255);
}

function filterRoutes(c: IpCtx, s: RouteSpec): Route[] {
  const h = c.ctx.sys.host;
  if (s.dev !== undefined && !h.iface(s.dev)) fail(c, `Cannot find device "${s.dev}"`, 1);
  return sortedRoutes(h.routes.routes).filter(
    (r) =>
      (s.dev === undefined || r.dev.name === s.dev) &&
      (s.dst === undefined || (r.dst === s.dst.addr && r.len === s.dst.len)) &&
      (s.via === undefined || r.via === s.via) &&
      (s.proto === undefined || r.proto === s.proto) &&
      (s.scope === undefined || r.scope === s.scope),
  );
}

function routeShow(c: IpCtx, args: string[]): number {
  const s = parseRouteArgs(c, args, true);
  if (c.o.family === 'inet6') return 0;
  if (s.table !== undefined && s.table !== 'main' && s.table !== '254') {
    if (s.table === 'local' || s.table === '255' || s.table === 'all' || s.table === '0') return localTable(c, s.table === 'all');
    return 0;
  }
  c.ctx.out(filterRoutes(c, s).map((r) => routeLine(r, s.dev !== undefined)).join(''));
  return 0;
}

/** `ip route show table local`: what the kernel adds for each address (fib_add_ifaddr). */
function localTable(c: IpCtx, all: boolean): number {
  const h = c.ctx.sys.host;
  const rows: { key: Ip; len: number; text: string }[] = [];
  for (const d of h.ifaces) {
    if (!d.adminUp) continue;
    for (const a of d.addrs) {
      const tbl = all ? 'table local ' : '';
      rows.push({ key: a.addr, len: 32, text: `local ${ipStr(a.addr)} dev ${d.name} ${tbl}proto kernel scope host src ${ipStr(a.addr)} \n` });
      if (a.len < 32 && d.kind === 'loopback') rows.push({ key: networkOf(a.addr, a.len), len: a.len, text: `local ${ipStr(networkOf(a.addr, a.len))}/${a.len} dev ${d.name} ${tbl}proto kernel scope host src ${ipStr(a.addr)} \n` });
      if (a.len < 31 && !a.secondary) {
        const b = (networkOf(a.addr, a.len) | (~(0xffffffff << (32 - a.len)) >>> 0)) >>> 0;
        rows.push({ key: b, len: 32, text: `broadcast ${ipStr(b)} dev ${d.name} ${tbl}proto kernel scope link src ${ipStr(a.addr)} \n` });
      }
    }
  }
  rows.sort((x, y) => x.key - y.key || y.len - x.len);
  const seen = new Set<string>();
  const main = all ? filterRoutes(c, {}).map((r) => routeLine(r, false)).join('') : '';
  c.ctx.out(main + rows.filter((r) => !seen.has(r.text) && seen.add(r.text)).map((r) => r.text).join(''));
  return 0;
}

function routeModify(c: IpCtx, args: string[], cmd: 'add' | 'change' | 'replace'): number {
  const h = c.ctx.sys.host;
  const s = parseRouteArgs(c, args, false);
  if (!s.dst) fail(c, 'RTNETLINK answers: Invalid argument', 2);
  if (s.table !== undefined && s.table !== 'main' && s.table !== '254') fail(c, `ip route: table ${s.table} is not simulated in LVS Lab`, 2);
  let dev: Iface | undefined;
  if (s.dev !== undefined) {
    dev = h.iface(s.dev);
    if (!dev) fail(c, `Cannot find device "${s.dev}"`, 1);
  }
  if (s.via !== undefined) {
    // fib_check_nh: the gateway must be on-link through a link-scope (connected) route.
    const gw = h.routes.routes.find((r) => r.scope === 'link' && r.dev.adminUp && inPrefix(s.via!, r.dst, r.len) && (dev === undefined || r.dev === dev));
    if (!gw || h.isLocal(s.via)) fail(c, 'Error: Nexthop has invalid gateway.', 2);
    dev ??= gw.dev;
  }
  if (!dev) fail(c, 'RTNETLINK answers: No such device', 2);
  if (!dev.adminUp) fail(c, 'Error: Device for nexthop is not up.', 2);
  if (s.src !== undefined && !h.isLocal(s.src)) fail(c, 'Error: Invalid prefsrc address.', 2);
  const metric = s.metric ?? 0;
  const existing = h.routes.routes.find((r) => r.dst === s.dst!.addr && r.len === s.dst!.len && r.metric === metric);
  if (existing && cmd === 'add') fail(c, 'RTNETLINK answers: File exists', 2);
  if (!existing && cmd === 'change') fail(c, 'RTNETLINK answers: No such file or directory', 2);
  if (existing) h.routes.remove((r) => r === existing);
  const route: Route = {
    dst: s.dst.addr,
    len: s.dst.len,
    dev,
    proto: s.proto ?? 'boot',
    scope: s.scope ?? (s.via === undefined ? 'link' : 'global'),
    metric,
    ...(s.via !== undefined ? { via: s.via } : {}),
    ...(s.src !== undefined ? { src: s.src } : {}),
  };
  h.routes.add(route);
  return 0;
}

function routeDel(c: IpCtx, args: string[]): number {
  const h = c.ctx.sys.host;
  const s = parseRouteArgs(c, args, false);
  if (!s.dst) fail(c, 'RTNETLINK answers: Invalid argument', 2);
  if (s.dev !== undefined && !h.iface(s.dev)) fail(c, `Cannot find device "${s.dev}"`, 1);
  // fib_table_delete: the first alias of that prefix matching what was given.
  const hit = sortedRoutes(h.routes.routes).find(
    (r) =>
      r.dst === s.dst!.addr &&
      r.len === s.dst!.len &&
      (s.metric === undefined || r.metric === s.metric) &&
      (s.via === undefined || r.via === s.via) &&
      (s.dev === undefined || r.dev.name === s.dev) &&
      (s.proto === undefined || r.proto === s.proto),
  );
  if (!hit) fail(c, 'RTNETLINK answers: No such process', 2);
  h.routes.remove((r) => r === hit);
  return 0;
}

function routeFlush(c: IpCtx, args: string[]): number {
  if (args.length === 0) fail(c, '"ip route flush" requires arguments.', 255);
  const s = parseRouteArgs(c, args, true);
  const gone = new Set(filterRoutes(c, s));
  c.ctx.sys.host.routes.remove((r) => gone.has(r));
  return 0;
}

function routeGet(c: IpCtx, args: string[]): number {
  const h = c.ctx.sys.host;
  let target: string | undefined;
  let from: Ip | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === 'from') {
      const v = nextArg(c, args, i++);
      from = parseIp(v);
      if (from === undefined) fail(c, `Error: ${familyName(c)} address is expected rather than "${v}".`, 1);
    } else if (['oif', 'iif', 'tos', 'mark', 'uid', 'ipproto', 'sport', 'dport', 'vrf'].includes(a)) nextArg(c, args, i++);
    else if (a === 'to') target = nextArg(c, args, i++);
    else if (['connected', 'fibmatch'].includes(a)) continue;
    else target = a;
  }
  if (target === undefined) fail(c, 'need at least a destination address', 1);
  const p = parseCidr(target);
  if (!p) fail(c, `Error: ${familyName(c)} prefix is expected rather than "${target}".`, 1);
  const dst = p.addr;
  const rr = h.route(dst);
  if (rr.kind === 'unreachable') fail(c, 'RTNETLINK answers: Network is unreachable', 2);
  const src = from ?? h.sourceFor(dst);
  if (rr.kind === 'local') {
    c.ctx.out(`local ${ipStr(dst)} dev lo src ${ipStr(src ?? dst)} uid 0 \n    cache <local> \n`);
    return 0;
  }
  const via = rr.route.via !== undefined ? `via ${ipStr(rr.route.via)} ` : '';
  c.ctx.out(`${ipStr(dst)} ${via}dev ${rr.dev.name} src ${src !== undefined ? ipStr(src) : '0.0.0.0'} uid 0 \n    cache \n`);
  return 0;
}

// ------------------------------------------------------------------ ip neigh

const NUD: Record<string, NudState> = {
  permanent: 'PERMANENT',
  reachable: 'REACHABLE',
  stale: 'STALE',
  delay: 'DELAY',
  probe: 'PROBE',
  failed: 'FAILED',
  incomplete: 'INCOMPLETE',
  noarp: 'NOARP',
};

export function ipNeigh(c: IpCtx, args: string[]): number {
  const sub = args[0];
  const rest = args.slice(1);
  if (sub === undefined) return neighShow(c, [], false);
  if (matches(sub, 'add') || matches(sub, 'replace') || matches(sub, 'change') || sub === 'chg') return neighModify(c, rest, matches(sub, 'add') ? 'add' : matches(sub, 'replace') ? 'replace' : 'change');
  if (matches(sub, 'delete')) return neighDel(c, rest);
  if (matches(sub, 'list') || matches(sub, 'show') || matches(sub, 'lst')) return neighShow(c, rest, false);
  if (matches(sub, 'flush')) return neighShow(c, rest, true);
  if (matches(sub, 'get')) return neighShow(c, rest, false);
  if (matches(sub, 'help')) {
    fail(
      c,
      'Usage: ip neigh { add | del | change | replace }\n' +
        '                { ADDR [ lladdr LLADDR ] [ nud STATE ] proxy ADDR }\n' +
        '                [ dev DEV ] [ router ] [ extern_learn ] [ protocol PROTO ]\n' +
        '\n' +
        '       ip neigh { show | flush } [ proxy ] [ to PREFIX ] [ dev DEV ] [ nud STATE ]\n' +
        '                                 [ vrf NAME ]\n' +
        '       ip neigh get { ADDR | proxy ADDR } dev DEV',
      255,
    );
  }
  fail(c, `Command "${sub}" is unknown, try "ip neigh help".`, 255);
}

function neighShow(c: IpCtx, args: string[], flush: boolean): number {
  const h = c.ctx.sys.host;
  let dev: Iface | undefined;
  let to: { addr: Ip; len: number } | undefined;
  let nud: NudState | 'all' | undefined;
  for (let i = 0; i < args.length; i++) {
    let a = args[i]!;
    if (a === 'dev') {
      const v = nextArg(c, args, i++);
      dev = h.iface(v);
      if (!dev) fail(c, `Cannot find device "${v}"`, 1);
    } else if (a === 'nud') {
      const v = nextArg(c, args, i++);
      if (v === 'all') nud = 'all';
      else {
        const s = NUD[v];
        if (!s) invarg(c, 'nud state is bad', v);
        nud = s;
      }
    } else if (a === 'proxy' || a === 'unused' || a === 'all') {
      continue;
    } else if (a === 'vrf' || a === 'master') {
      nextArg(c, args, i++);
    } else {
      if (a === 'to') a = nextArg(c, args, i++);
      const p = parseCidr(a);
      if (!p) fail(c, `Error: ${familyName(c)} prefix is expected rather than "${a}".`, 1);
      to = p;
    }
  }
  if (flush && args.length === 0) fail(c, 'Flush requires arguments.', 255);
  if (c.o.family === 'inet6') return 0;
  const list = h.neigh.entries().filter(
    (n) =>
      (dev === undefined || n.dev === dev) &&
      (to === undefined || inPrefix(n.ip, to.addr, to.len)) &&
      (nud === 'all' || (nud !== undefined ? n.state === nud : !(flush && (n.state === 'PERMANENT' || n.state === 'NOARP')))),
  );
  if (flush) {
    for (const n of list) h.neigh.delete(n.dev, n.ip);
    return 0;
  }
  let s = '';
  for (const n of list) {
    s += `${ipStr(n.ip)} ${dev ? '' : `dev ${n.dev.name} `}${n.mac !== undefined && n.state !== 'FAILED' && n.state !== 'INCOMPLETE' ? `lladdr ${n.mac} ` : ''}${n.state} \n`;
  }
  c.ctx.out(s);
  return 0;
}

function neighArgs(c: IpCtx, args: string[]): { ip?: Ip; mac?: string; dev?: Iface; nud?: NudState } {
  const h = c.ctx.sys.host;
  const r: { ip?: Ip; mac?: string; dev?: Iface; nud?: NudState } = {};
  for (let i = 0; i < args.length; i++) {
    let a = args[i]!;
    if (a === 'lladdr') {
      const v = nextArg(c, args, i++);
      if (!/^([0-9a-fA-F]{1,2}:){5}[0-9a-fA-F]{1,2}$/.test(v)) invarg(c, '"lladdr" is invalid\n', v);
      r.mac = v
        .split(':')
        .map((x) => x.toLowerCase().padStart(2, '0'))
        .join(':');
    } else if (a === 'dev') {
      const v = nextArg(c, args, i++);
      r.dev = h.iface(v);
      if (!r.dev) fail(c, `Cannot find device "${v}"`, 1);
    } else if (a === 'nud') {
      const v = nextArg(c, args, i++);
      const s = NUD[v];
      if (!s) invarg(c, 'nud state is bad', v);
      r.nud = s;
    } else if (a === 'router' || a === 'proxy' || a === 'extern_learn') {
      continue;
    } else {
      if (a === 'to') a = nextArg(c, args, i++);
      const ip = parseIp(a);
      if (ip === undefined) fail(c, `Error: ${familyName(c)} address is expected rather than "${a}".`, 1);
      r.ip = ip;
    }
  }
  return r;
}

function neighModify(c: IpCtx, args: string[], cmd: 'add' | 'replace' | 'change'): number {
  const h = c.ctx.sys.host;
  const r = neighArgs(c, args);
  if (r.ip === undefined || !r.dev) fail(c, 'Device and destination are required arguments.', 255);
  const existing = h.neigh.get(r.dev, r.ip);
  if (existing && cmd === 'add') fail(c, 'RTNETLINK answers: File exists', 2);
  if (!existing && cmd === 'change') fail(c, 'RTNETLINK answers: No such file or directory', 2);
  if (r.mac === undefined) fail(c, 'RTNETLINK answers: Invalid argument', 2);
  // The model keeps manual entries as PERMANENT (the default for `ip neigh add`).
  if (existing) h.neigh.delete(r.dev, r.ip);
  h.neigh.addPermanent(r.dev, r.ip, r.mac);
  return 0;
}

function neighDel(c: IpCtx, args: string[]): number {
  const h = c.ctx.sys.host;
  const r = neighArgs(c, args);
  if (r.ip === undefined || !r.dev) fail(c, 'Device and destination are required arguments.', 255);
  if (!h.neigh.delete(r.dev, r.ip)) fail(c, 'RTNETLINK answers: No such file or directory', 2);
  return 0;
}

// ------------------------------------------------------------------ ip tunnel, ip rule

export function ipTunnel(c: IpCtx, args: string[]): number {
  const h = c.ctx.sys.host;
  const sub = args[0];
  if (sub === undefined || matches(sub, 'show') || matches(sub, 'list') || matches(sub, 'lst')) {
    if (c.o.family === 'inet6') return 0;
    const name = args[1] === 'dev' ? args[2] : args[1];
    const t = h.iface('tunl0');
    if (name !== undefined && name !== 'tunl0') fail(c, `get tunnel "${name}" failed: No such device`, 1);
    if (t) c.ctx.out('tunl0: ip/ip remote any local any ttl inherit nopmtudisc\n');
    return 0;
  }
  if (matches(sub, 'add') || matches(sub, 'change') || matches(sub, 'delete')) {
    const verb = matches(sub, 'add') ? 'add' : matches(sub, 'change') ? 'change' : 'delete';
    if (!h.iface('tunl0')) fail(c, `${verb} tunnel "tunl0" failed: No such device`, 1);
    fail(c, `ip tunnel ${verb}: not simulated in LVS Lab (tunl0 receives IP-in-IP for any address on it)`, 1);
  }
  if (matches(sub, 'help')) {
    fail(
      c,
      'Usage: ip tunnel { add | change | del | show | prl | 6rd } [ NAME ]\n' +
        '        [ mode { gre | ipip | isatap | sit | vti } ]\n' +
        '        [ remote ADDR ] [ local ADDR ] [ [no]pmtudisc ] [ dev PHYS_DEV ]',
      255,
    );
  }
  fail(c, `Command "${sub}" is unknown, try "ip tunnel help".`, 255);
}

export function ipRule(c: IpCtx, args: string[]): number {
  const sub = args[0];
  if (sub === undefined || matches(sub, 'list') || matches(sub, 'show') || matches(sub, 'lst')) {
    if (c.o.family !== 'inet6') c.ctx.out('0:\tfrom all lookup local\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n');
    return 0;
  }
  fail(c, `ip rule ${sub}: not simulated in LVS Lab (policy routing is out of the lab's scope)`, 2);
}
