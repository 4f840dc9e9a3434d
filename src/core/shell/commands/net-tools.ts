/**
 * net-tools' `arp` (2.10) over the neighbour table, and the kernel module tools
 * (`modprobe`, `lsmod`, `rmmod`): `modprobe ipip` creates tunl0, `modprobe ip_vs` (or any
 * ip_vs_* scheduler) attaches IPVS to the node.
 */
import type { CmdCtx } from '../context';
import { ipStr, parseIp } from '../../net/addr';
import { kernelRelease } from './misc';

// ------------------------------------------------------------------ arp

export function arp(ctx: CmdCtx): number {
  const h = ctx.sys.host;
  const args = ctx.argv.slice(1);
  let numeric = false;
  let bsd = false;
  let dev: string | undefined;
  let del: string | undefined;
  let set: [string, string] | undefined;
  let target: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-i' || a === '--device') dev = args[++i];
    else if (a === '-d' || a === '--delete') del = args[++i];
    else if (a === '-s' || a === '--set') {
      set = [args[i + 1] ?? '', args[i + 2] ?? ''];
      i += 2;
    } else if (/^-[naevD]+$/.test(a)) {
      if (a.includes('n')) numeric = true;
      if (a.includes('a')) bsd = true;
    } else if (a.startsWith('-')) {
      ctx.err(`arp: invalid option -- '${a.slice(1, 2)}'\n` + ARP_USAGE);
      return 255;
    } else target = a;
  }
  const devObj = dev !== undefined ? h.iface(dev) : undefined;
  if (dev !== undefined && !devObj) {
    ctx.err(`SIOCGIFHWADDR: No such device\n`);
    return 255;
  }
  if (del !== undefined) {
    const ip = ctx.sys.resolve(del);
    if (ip === undefined) {
      ctx.err(`${del}: Unknown host\n`);
      return 255;
    }
    const n = h.neigh.entries().find((x) => x.ip === ip && (!devObj || x.dev === devObj));
    if (!n) {
      ctx.err(`No ARP entry for ${del}\n`);
      return 255;
    }
    h.neigh.delete(n.dev, n.ip);
    return 0;
  }
  if (set) {
    const ip = ctx.sys.resolve(set[0]);
    if (ip === undefined) {
      ctx.err(`${set[0]}: Unknown host\n`);
      return 255;
    }
    if (!/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(set[1])) {
      ctx.err(`arp: invalid hardware address\n`);
      return 255;
    }
    const rr = h.route(ip);
    const out = devObj ?? (rr.kind === 'unicast' ? rr.dev : undefined);
    if (!out) {
      ctx.err('SIOCSARP: Network is unreachable\n');
      return 255;
    }
    h.neigh.delete(out, ip);
    h.neigh.addPermanent(out, ip, set[1].toLowerCase());
    return 0;
  }
  const want = target !== undefined ? (parseIp(target) ?? ctx.sys.resolve(target)) : undefined;
  if (target !== undefined && want === undefined) {
    ctx.err(`${target}: Unknown host\n`);
    return 255;
  }
  const list = h.neigh.entries().filter((n) => (!devObj || n.dev === devObj) && (want === undefined || n.ip === want) && n.state !== 'NOARP');
  const name = (ip: number): string => (numeric ? ipStr(ip) : (ctx.sys.reverse(ip) ?? ipStr(ip)));
  let out = '';
  if (bsd) {
    for (const n of list) {
      const complete = n.mac !== undefined && n.state !== 'INCOMPLETE' && n.state !== 'FAILED';
      const host = numeric ? '?' : (ctx.sys.reverse(n.ip) ?? '?');
      out += complete
        ? `${host} (${ipStr(n.ip)}) at ${n.mac} [ether]${n.state === 'PERMANENT' ? ' PERM' : ''} on ${n.dev.name}\n`
        : `${host} (${ipStr(n.ip)}) at <incomplete> on ${n.dev.name}\n`;
    }
  } else if (list.length > 0) {
    out += 'Address                  HWtype  HWaddress           Flags Mask            Iface\n';
    for (const n of list) {
      const complete = n.mac !== undefined && n.state !== 'INCOMPLETE' && n.state !== 'FAILED';
      const flags = complete ? 'C' + (n.state === 'PERMANENT' ? 'M' : '') : '';
      out += name(n.ip).slice(0, 23).padEnd(23) + '  ';
      out += complete ? 'ether'.padEnd(8) + n.mac!.padEnd(20) : ''.padEnd(8) + '(incomplete)'.padEnd(20);
      out += flags.padEnd(6) + ''.padEnd(15) + ' ' + n.dev.name + '\n';
    }
  } else if (target !== undefined) {
    out += `${target} (${ipStr(want!)}) -- no entry\n`;
  }
  ctx.out(out);
  return target !== undefined && list.length === 0 ? 1 : 0;
}

const ARP_USAGE =
  'Usage:\n  arp [-vn]  [<HW>] [-i <if>] [-a] [<hostname>]             <-Display ARP cache\n' +
  '  arp [-v]          [-i <if>] -d  <host> [pub]               <-Delete ARP entry\n' +
  '  arp [-vnD] [<HW>] [-i <if>] -f  [<filename>]            <-Add entry from file\n' +
  '  arp [-v]   [<HW>] [-i <if>] -s  <host> <hwaddr> [temp]            <-Add entry\n';

// ------------------------------------------------------------------ modules

const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos'];
/** Modules that load without effect on the model (they exist on Debian's kernel). */
const INERT = new Set(['tunnel4', 'ip_tunnel', 'nf_conntrack', 'nf_nat', 'nf_defrag_ipv4', 'nf_defrag_ipv6', 'libcrc32c', 'iptable_mangle', 'iptable_filter', 'iptable_nat', 'ip_tables', 'x_tables', 'veth', 'bridge', 'br_netfilter', 'ip_vs_ftp', 'dummy']);

const SIZES: Record<string, number> = {
  ipip: 20480, tunnel4: 12288, ip_tunnel: 36864, ip_vs: 233472, nf_conntrack: 196608,
  nf_defrag_ipv6: 24576, nf_defrag_ipv4: 12288, libcrc32c: 12288,
};

function loaded(ctx: CmdCtx): { name: string; size: number; users: string[] }[] {
  const sys = ctx.sys;
  const mods: { name: string; size: number; users: string[] }[] = [];
  const ipvs = sys.node.ipvs;
  if (ipvs) {
    const scheds = [...new Set(ipvs.services.map((s) => s.schedName))].filter((s) => SCHEDULERS.includes(s));
    for (const s of scheds) mods.push({ name: `ip_vs_${s}`, size: 12288, users: [] });
    mods.push({ name: 'ip_vs', size: SIZES['ip_vs']!, users: scheds.map((s) => `ip_vs_${s}`) });
    mods.push({ name: 'nf_conntrack', size: SIZES['nf_conntrack']!, users: ['ip_vs'] });
    mods.push({ name: 'nf_defrag_ipv6', size: SIZES['nf_defrag_ipv6']!, users: ['nf_conntrack', 'ip_vs'] });
    mods.push({ name: 'nf_defrag_ipv4', size: SIZES['nf_defrag_ipv4']!, users: ['nf_conntrack'] });
    mods.push({ name: 'libcrc32c', size: SIZES['libcrc32c']!, users: ['nf_conntrack', 'ip_vs'] });
  }
  if (sys.host.iface('tunl0')) {
    mods.push({ name: 'ipip', size: SIZES['ipip']!, users: [] });
    mods.push({ name: 'tunnel4', size: SIZES['tunnel4']!, users: ['ipip'] });
    mods.push({ name: 'ip_tunnel', size: SIZES['ip_tunnel']!, users: ['ipip'] });
  }
  for (const m of sys.modules) if (!mods.some((x) => x.name === m)) mods.push({ name: m, size: SIZES[m] ?? 16384, users: [] });
  return mods;
}

export function lsmod(ctx: CmdCtx): number {
  let s = 'Module                  Size  Used by\n';
  for (const m of loaded(ctx)) s += `${m.name.padEnd(19)} ${String(m.size).padStart(8)}  ${m.users.length}${m.users.length ? ' ' + m.users.join(',') : ''}\n`;
  ctx.out(s);
  return 0;
}

export function modprobe(ctx: CmdCtx): number {
  const args = ctx.argv.slice(1);
  let quiet = false;
  let remove = ctx.argv[0] === 'rmmod';
  const names: string[] = [];
  for (const a of args) {
    if (a === '-q' || a === '--quiet') quiet = true;
    else if (a === '-r' || a === '--remove') remove = true;
    else if (a === '-v' || a === '--verbose' || a === '-a' || a === '--all') continue;
    else if (a.startsWith('-')) {
      ctx.err(`modprobe: unrecognized option '${a}'\n`);
      return 1;
    } else names.push(a);
  }
  if (names.length === 0) {
    ctx.err('modprobe: ERROR: missing parameters. See -h.\n');
    return 1;
  }
  const rel = kernelRelease(ctx).release;
  const sys = ctx.sys;
  // ip_vs_twos arrived in 6.10: Debian's 6.1 has no such module file (ipvsadm -s twos fails there too).
  const hasModule = (name: string): boolean => !(name === 'ip_vs_twos' && ctx.sh.lab.scenario.kernel === '6.1');
  // modprobe NAME params... loads only NAME (the rest are its parameters).
  const list = remove ? names : names.slice(0, 1);
  for (const raw of list) {
    const name = raw.replace(/-/g, '_');
    const known = (name === 'ipip' || name === 'ip_vs' || SCHEDULERS.some((s) => name === `ip_vs_${s}`) || INERT.has(name)) && hasModule(name);
    if (!known) {
      if (!quiet) ctx.err(remove ? `modprobe: FATAL: Module ${raw} not found.\n` : `modprobe: FATAL: Module ${raw} not found in directory /lib/modules/${rel}\n`);
      return 1;
    }
    if (remove) {
      if (name === 'ipip') {
        sys.host.removeIface('tunl0');
        continue;
      }
      if (name === 'ip_vs' && sys.node.ipvs) {
        // The model keeps IPVS hooked in once loaded (as a module in use would be).
        if (!quiet) ctx.err('modprobe: FATAL: Module ip_vs is in use.\n');
        return 1;
      }
      sys.modules.delete(name);
      continue;
    }
    if (name === 'ipip') sys.host.loadIpip();
    else if (name.startsWith('ip_vs')) sys.ipvs(true);
    else sys.modules.add(name);
  }
  return 0;
}
