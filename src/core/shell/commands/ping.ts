/**
 * ping (iputils 20221126): ICMP echo requests from the node's kernel, one per interval,
 * replies and ICMP errors as they come back, and finish()'s statistics — formats from
 * iputils' ping_common.c (gather_statistics, finish) and linux-tools.md §3.
 *
 * Without -c, ping runs until Ctrl-C: in the lab, for FOREGROUND_US of simulated time,
 * then the terminal shows ^C and the statistics.
 */
import { FOREGROUND_US, type CmdCtx } from '../context';
import { ipStr, parseIp, type Ip } from '../../net/addr';
import { makeIp, type Icmp, type Ipv4 } from '../../net/packet';
import type { Timer } from '../../sim/engine';
import { fmtG, floatArg, intArg } from './util';

const USAGE =
  '\nUsage\n  ping [options] <destination>\n\nOptions:\n' +
  '  <destination>      dns name or ip address\n' +
  '  -c <count>         stop after <count> replies\n' +
  '  -i <interval>      seconds between sending each packet\n' +
  '  -I <interface>     either interface name or address\n' +
  '  -M <pmtud opt>     define mtu discovery, can be one of <do|dont|want>\n' +
  '  -n                 no dns name resolution\n' +
  '  -q                 quiet output\n' +
  '  -s <size>          use <size> as number of data bytes to be sent\n' +
  '  -t <ttl>           define time to live\n' +
  '  -w <deadline>      reply wait <deadline> in seconds\n' +
  '  -W <timeout>       time to wait for response\n' +
  '\nFor more details see ping(8).\n';

const UNREACH = [
  'Destination Net Unreachable',
  'Destination Host Unreachable',
  'Destination Protocol Unreachable',
  'Destination Port Unreachable',
  'Frag needed and DF set',
  'Source Route Failed',
  'Destination Net Unknown',
  'Destination Host Unknown',
  'Source Host Isolated',
  'Destination Net Prohibited',
  'Destination Host Prohibited',
  'Destination Net Unreachable for Type of Service',
  'Destination Host Unreachable for Type of Service',
  'Packet filtered',
  'Precedence Violation',
  'Precedence Cutoff',
];

function icmpErrorText(icmp: Icmp): string {
  if (icmp.type === 11) return icmp.code === 0 ? 'Time to live exceeded' : 'Frag reassembly time exceeded';
  if (icmp.type !== 3) return `Bad ICMP type: ${icmp.type}`;
  if (icmp.code === 4) return `Frag needed and DF set (mtu = ${'mtu' in icmp ? (icmp.mtu ?? 0) : 0})`;
  return UNREACH[icmp.code] ?? `Dest Unreachable, Bad Code: ${icmp.code}`;
}

/** iputils' time=: 3 decimals under 1 ms, 2 under 10 ms, 1 under 100 ms, none above. */
export function pingTime(us: number): string {
  if (us >= 100000 - 50) return `${Math.floor((us + 500) / 1000)}`;
  if (us >= 10000 - 5) return `${Math.floor((us + 50) / 1000)}.${Math.floor(((us + 50) % 1000) / 100)}`;
  if (us >= 1000) return `${Math.floor((us + 5) / 1000)}.${String(Math.floor(((us + 5) % 1000) / 10)).padStart(2, '0')}`;
  return `${Math.floor(us / 1000)}.${String(us % 1000).padStart(3, '0')}`;
}

const ms3 = (us: number): string => `${Math.floor(us / 1000)}.${String(Math.floor(us % 1000)).padStart(3, '0')}`;

/** finish(): the statistics block (starts with the blank line iputils prints). */
export function pingSummary(s: {
  name: string;
  transmitted: number;
  received: number;
  errors: number;
  repeats: number;
  elapsedUs: number;
  rtts: number[];
  pipe: number;
  timing: boolean;
}): string {
  let out = `\n--- ${s.name} ping statistics ---\n${s.transmitted} packets transmitted, ${s.received} received`;
  if (s.repeats) out += `, +${s.repeats} duplicates`;
  if (s.errors) out += `, +${s.errors} errors`;
  if (s.transmitted) {
    const loss = Math.fround(((s.transmitted - s.received) * 100.0) / s.transmitted);
    out += `, ${fmtG(loss)}% packet loss, time ${Math.floor((s.elapsedUs + 500) / 1000)}ms`;
  }
  out += '\n';
  let comma = '';
  if (s.received && s.timing && s.rtts.length) {
    const total = s.rtts.length;
    const tsum = s.rtts.reduce((a, b) => a + b, 0);
    const tsum2 = s.rtts.reduce((a, b) => a + b * b, 0);
    const avg = Math.floor(tsum / total);
    const tmvar = Math.floor((tsum2 - Math.floor((tsum * tsum) / total)) / total);
    const mdev = llsqrt(tmvar);
    out += `rtt min/avg/max/mdev = ${ms3(Math.min(...s.rtts))}/${ms3(avg)}/${ms3(Math.max(...s.rtts))}/${ms3(mdev)} ms`;
    comma = ', ';
  }
  if (s.pipe > 1) out += `${comma}pipe ${s.pipe}`;
  return out + '\n';
}

function llsqrt(a: number): number {
  if (a <= 0) return 0;
  let prev = Infinity;
  let x = a;
  while (x < prev) {
    prev = x;
    x = Math.floor((x + Math.floor(a / x)) / 2);
  }
  return x;
}

export function ping(ctx: CmdCtx): number {
  const args = ctx.argv.slice(1);
  let count: number | undefined;
  let intervalUs = 1_000_000;
  let lingerUs = 10_000_000;
  let deadlineUs: number | undefined;
  let size = 56;
  let ttl: number | undefined;
  let quiet = false;
  let numeric = false;
  let pmtu: 'do' | 'want' | 'dont' = 'want';
  let bind: string | undefined;
  let target: string | undefined;
  const bad = (msg: string): number => {
    ctx.err(`ping: ${msg}\n`);
    return 1;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-') || a === '-') {
      target = a;
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if ('cisItwWMQpl'.includes(c)) {
        const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (v === undefined) {
          ctx.err(`ping: option requires an argument -- '${c}'\n` + USAGE);
          return 2;
        }
        switch (c) {
          case 'c': {
            const n = intArg(v);
            if (n === undefined) return bad(`invalid argument: '${v}'`);
            if (n < 1) return bad(`invalid argument: '${v}': out of range: 1 <= value <= 9223372036854775807`);
            count = n;
            break;
          }
          case 'i': {
            const n = floatArg(v);
            if (n === undefined || n < 0) return bad(`bad timing interval: '${v}'`);
            intervalUs = Math.max(2_000, Math.round(n * 1e6));
            break;
          }
          case 'W': {
            const n = floatArg(v);
            if (n === undefined || n < 0) return bad(`bad linger time: '${v}'`);
            lingerUs = Math.round(n * 1e6);
            break;
          }
          case 'w': {
            const n = floatArg(v);
            if (n === undefined || n < 0) return bad(`bad wait time: '${v}'`);
            deadlineUs = Math.round(n * 1e6);
            break;
          }
          case 's': {
            const n = intArg(v);
            if (n === undefined) return bad(`invalid argument: '${v}'`);
            if (n < 0 || n > 65507) return bad(`invalid argument: '${v}': out of range: 0 <= value <= 65507`);
            size = n;
            break;
          }
          case 't': {
            const n = intArg(v);
            if (n === undefined) return bad(`invalid argument: '${v}'`);
            if (n < 0 || n > 255) return bad(`invalid argument: '${v}': out of range: 0 <= value <= 255`);
            ttl = n;
            break;
          }
          case 'M':
            if (v !== 'do' && v !== 'want' && v !== 'dont') return bad(`invalid -M argument: ${v}`);
            pmtu = v;
            break;
          case 'I':
            bind = v;
            break;
          default:
            break;
        }
        break;
      }
      if (c === 'q') quiet = true;
      else if (c === 'n') numeric = true;
      else if ('4vDOaAbBdfLrRU'.includes(c)) continue;
      else {
        ctx.err(`ping: invalid option -- '${c}'\n` + USAGE);
        return 2;
      }
    }
  }
  if (target === undefined) {
    ctx.err('ping: usage error: Destination address required\n');
    return 1;
  }
  const sys = ctx.sys;
  const host = sys.host;
  const numericTarget = parseIp(target) !== undefined;
  const dst = sys.resolve(target);
  if (dst === undefined) {
    ctx.err(`ping: ${target}: Temporary failure in name resolution\n`);
    return 2;
  }
  const showName = !(numeric || numericTarget);
  const fromText = (a: Ip): string => {
    if (!showName) return ipStr(a);
    const n = sys.reverse(a);
    return n ? `${n} (${ipStr(a)})` : ipStr(a);
  };
  let src: Ip | undefined;
  let bindDev: string | undefined;
  if (bind !== undefined) {
    const a = parseIp(bind);
    if (a !== undefined) {
      if (!host.isLocal(a)) {
        ctx.err('ping: bind: Cannot assign requested address\n');
        return 2;
      }
      src = a;
    } else if (!host.iface(bind)) {
      ctx.err(`ping: SO_BINDTODEVICE ${bind}: No such device\n`);
      return 2;
    } else bindDev = bind;
  }
  const rr = host.route(dst);
  if (rr.kind === 'unreachable') {
    ctx.err('ping: connect: Network is unreachable\n');
    return 2;
  }
  src ??= host.sourceFor(dst);
  if (src === undefined) {
    ctx.err('ping: connect: Network is unreachable\n');
    return 2;
  }
  const from = bind !== undefined ? ` from ${ipStr(src)} ${bindDev ?? ''}:` : '';
  ctx.out(`PING ${target} (${ipStr(dst)})${from} ${size}(${size + 28}) bytes of data.\n`);

  const world = sys.lab.world;
  const engine = world.engine;
  const start = engine.now;
  const ident = world.random.get(`shell:ping:${sys.name}`).int(1, 0xffff);
  const sentAt = new Map<number, number>();
  const got = new Set<number>();
  const rtts: number[] = [];
  let transmitted = 0;
  let received = 0;
  let errors = 0;
  let repeats = 0;
  let pipe = 0;
  let lastEvent = start;
  let finished = false;
  let learnedMtu: number | undefined;
  let sendTimer: Timer | undefined;
  let lingerTimer: Timer | undefined;
  const timing = size >= 16;
  const localMtu = rr.kind === 'unicast' ? rr.dev.mtu : 65536;

  const ack = (seq: number) => {
    const diff = (transmitted - seq) & 0xffff;
    if (diff <= 0x7fff && diff + 1 > pipe) pipe = diff + 1;
  };
  const checkDone = () => {
    if (count !== undefined && received + errors >= count) finished = true;
  };
  const listener = (pkt: Ipv4, icmp: Icmp) => {
    if (finished) return;
    if (icmp.type === 0) {
      if (icmp.echoId !== ident || pkt.src !== dst) return;
      const seq = icmp.echoSeq;
      const t0 = sentAt.get(seq);
      if (t0 === undefined) return;
      lastEvent = engine.now;
      const rtt = engine.now - t0;
      const dup = got.has(seq);
      if (dup) repeats++;
      else {
        got.add(seq);
        received++;
        ack(seq);
      }
      if (timing) rtts.push(rtt);
      if (!quiet) ctx.out(`${size + 8} bytes from ${fromText(pkt.src)}: icmp_seq=${seq} ttl=${pkt.ttl}${timing ? ` time=${pingTime(rtt)} ms` : ''}${dup ? ' (DUP!)' : ''}\n`);
      checkDone();
      return;
    }
    if (!('orig' in icmp)) return;
    const o = icmp.orig.l4;
    if (o.kind !== 'icmp' || o.type !== 8 || o.echoId !== ident || icmp.orig.dst !== dst) return;
    lastEvent = engine.now;
    errors++;
    ack(o.echoSeq);
    if (icmp.type === 3 && icmp.code === 4 && icmp.mtu) learnedMtu = icmp.mtu;
    if (!quiet) ctx.out(`From ${fromText(pkt.src)} icmp_seq=${o.echoSeq} ${icmpErrorText(icmp)}\n`);
    checkDone();
  };
  host.icmpListeners.add(listener);

  const sendOne = () => {
    sendTimer = undefined;
    if (finished) return;
    const seq = (transmitted + 1) & 0xffff;
    transmitted++;
    lastEvent = engine.now;
    const mtu = Math.min(localMtu, learnedMtu ?? Infinity);
    if (pmtu === 'do' && size + 28 > mtu) {
      // EMSGSIZE from sendmsg: counted as sent, reported on stderr, an error.
      errors++;
      ctx.err(`ping: local error: message too long, mtu=${mtu}\n`);
      checkDone();
    } else {
      sentAt.set(seq, engine.now);
      host.output(
        makeIp({
          src: src!,
          dst,
          id: host.nextIpId(),
          df: pmtu !== 'dont',
          ttl: ttl ?? host.sysctl.get('net.ipv4.ip_default_ttl') ?? 64,
          l4: { kind: 'icmp', type: 8, code: 0, echoId: ident, echoSeq: seq, plen: size },
        }),
      );
    }
    if (count === undefined || transmitted < count) sendTimer = engine.after(intervalUs, sendOne);
    else lingerTimer = engine.after(lingerUs, () => (finished = true));
  };
  sendOne();
  // Without -c: ^C just before the probe due at FOREGROUND_US would go out.
  const maxUs = deadlineUs ?? (count === undefined ? FOREGROUND_US - 1 : (count - 1) * intervalUs + lingerUs);
  const r = ctx.wait(() => finished, maxUs);
  finished = true;
  sendTimer?.cancel();
  lingerTimer?.cancel();
  host.icmpListeners.delete(listener);
  if (r === 'timeout') return 124;
  if (r === 'interrupt' && deadlineUs === undefined) ctx.tty('^C');
  ctx.out(pingSummary({ name: target, transmitted, received, errors, repeats, elapsedUs: lastEvent - start, rtts, pipe, timing }));
  return received === 0 || (deadlineUs !== undefined && count !== undefined && received < count) ? 1 : 0;
}
