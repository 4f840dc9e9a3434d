/**
 * nc (netcat-openbsd 1.219, Debian's default): `nc -l -p PORT` listens on the node and
 * prints what arrives; `nc [-w S] HOST PORT` connects, sends its input and prints what
 * comes back; -u for UDP, -z to probe, -v for the connection messages.
 *
 * The shell has one terminal, so a listener runs as a background job (as `nc -l -p 8080 &`
 * would): what it receives appears on the terminal when it arrives, and it ends, like
 * nc without -k, when its first connection closes. Input that is an HTTP request is sent
 * as one (so nginx answers it); other input is sent as text.
 */
import { FOREGROUND_US, type CmdCtx } from '../context';
import { ipStr, parseIp, type Ip } from '../../net/addr';
import type { AppData } from '../../net/packet';
import type { TcpSocket } from '../../host/tcp';
import type { Timer } from '../../sim/engine';
import { tcpPortName, udpPortName } from '../tcpdump/services';
import { nginxHeaders } from './curl';
import { requestText } from './http-txn';

const USAGE = 'usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n\t  [destination] [port]\n';

/** What the terminal shows for application data arriving on a socket. */
export function renderData(data: AppData | undefined, len: number, nowUs: number): string {
  void len;
  if (!data) return '';
  switch (data.app) {
    case 'text':
      return data.text;
    case 'http-req':
      return requestText({ method: data.method, path: data.path, hostHeader: data.host, agent: data.agent, version: '1.1' });
    case 'http-resp':
      return nginxHeaders(data.status, data.body, nowUs, false).map((h) => h + '\r\n').join('') + '\r\n' + data.body;
    default:
      return '';
  }
}

/** Input as the wire carries it: an HTTP request when it is one, else text. */
function toAppData(text: string): AppData {
  const m = /^([A-Z]+) (\S+) HTTP\/1\.[01]\r?\n/.exec(text);
  if (m) {
    const hostH = /\r?\nHost:\s*([^\r\n]*)/i.exec(text)?.[1] ?? '';
    const agent = /\r?\nUser-Agent:\s*([^\r\n]*)/i.exec(text)?.[1] ?? '';
    return { app: 'http-req', method: m[1]!, path: m[2]!, host: hostH, agent };
  }
  return { app: 'text', text };
}

interface NcOpts {
  listen: boolean;
  keep: boolean;
  udp: boolean;
  zero: boolean;
  verbose: boolean;
  numeric: boolean;
  waitUs?: number;
  port?: string;
  src?: string;
}

export function nc(ctx: CmdCtx): number {
  const o: NcOpts = { listen: false, keep: false, udp: false, zero: false, verbose: false, numeric: false };
  const words: string[] = [];
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-') || a === '-') {
      words.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if ('pwsqiIMmOPTVWXx'.includes(c)) {
        const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (v === undefined) {
          ctx.err(`nc: option requires an argument -- '${c}'\n` + USAGE);
          return 1;
        }
        if (c === 'p') o.port = v;
        else if (c === 's') o.src = v;
        else if (c === 'w') {
          if (!/^\d+$/.test(v)) {
            ctx.err(`nc: timeout ${/^-/.test(v) ? 'is too small' : 'is invalid'}: ${v}\n`);
            return 1;
          }
          o.waitUs = Number(v) * 1e6;
        }
        break;
      }
      if (c === 'l') o.listen = true;
      else if (c === 'k') o.keep = true;
      else if (c === 'u') o.udp = true;
      else if (c === 'z') o.zero = true;
      else if (c === 'v') o.verbose = true;
      else if (c === 'n') o.numeric = true;
      else if ('46CDdFhNrStUZ'.includes(c)) continue;
      else {
        ctx.err(`nc: invalid option -- '${c}'\n` + USAGE);
        return 1;
      }
    }
  }
  return o.listen ? listen(ctx, o, words) : connect(ctx, o, words);
}

function portArg(ctx: CmdCtx, s: string | undefined): number | undefined {
  if (s === undefined || !/^\d+$/.test(s) || Number(s) < 1 || Number(s) > 65535) {
    ctx.err(`nc: port number invalid: ${s ?? ''}\n`);
    return undefined;
  }
  return Number(s);
}

function listen(ctx: CmdCtx, o: NcOpts, words: string[]): number {
  const host = ctx.sys.host;
  const port = portArg(ctx, o.port ?? words[words.length - 1]);
  if (port === undefined) return 1;
  const bindText = o.port !== undefined ? words[0] : words.length > 1 ? words[0] : undefined;
  const addr = bindText !== undefined ? ctx.sys.resolve(bindText) : 0;
  if (addr === undefined || (addr !== 0 && !host.isLocal(addr))) {
    ctx.err('nc: Cannot assign requested address\n');
    return 1;
  }
  const cmdline = ctx.argv.join(' ');
  let ended = false;
  const holder: { write?: (t: string) => void; end?: () => void } = {};
  const out = (t: string) => holder.write?.(t);
  if (o.udp) {
    const sock = {
      port,
      addr,
      onDatagram: (from: { addr: Ip; port: number }, data: AppData | undefined, plen: number) => {
        if (ended) return;
        out(renderData(data, plen, ctx.sh.lab.now));
        void from;
      },
    };
    if (!host.udp.bind(sock)) {
      ctx.err('nc: Address already in use\n');
      return 1;
    }
    const { job, write } = ctx.sh.addJob({ cmdline, announce: ctx.background, stop: () => stop() });
    holder.write = write;
    const stop = () => {
      ended = true;
      host.udp.unbind(sock);
    };
    holder.end = () => ctx.sh.endJob(job, 'Done');
    if (o.verbose) ctx.err(`Bound on ${ipStr(addr)} ${port}\n`);
    return 0;
  }
  const socks = new Set<TcpSocket>();
  const listener = {
    addr,
    port,
    onAccept: (s: TcpSocket) => {
      if (ended) {
        s.abort();
        return;
      }
      socks.add(s);
      if (!o.keep) host.tcp.unlisten(listener);
      if (o.verbose) out(`Connection received on ${ipStr(s.remote)} ${s.rport}\n`);
      s.handlers = {
        onData: (_s, data, len) => out(renderData(data, len, ctx.sh.lab.now)),
        onPeerClosed: (sk) => {
          sk.close();
          socks.delete(sk);
          if (!o.keep) finish();
        },
        onClosed: (sk) => {
          socks.delete(sk);
          if (!o.keep) finish();
        },
      };
    },
  };
  if (!host.tcp.listen(listener)) {
    ctx.err('nc: Address already in use\n');
    return 1;
  }
  const finish = () => {
    if (ended) return;
    ended = true;
    host.tcp.unlisten(listener);
    holder.end?.();
  };
  const { job, write } = ctx.sh.addJob({
    cmdline,
    announce: ctx.background,
    stop: () => {
      ended = true;
      host.tcp.unlisten(listener);
      for (const s of socks) s.abort();
    },
  });
  holder.write = write;
  holder.end = () => ctx.sh.endJob(job, 'Done');
  if (o.verbose) ctx.err(`Listening on ${ipStr(addr)} ${port}\n`);
  return 0;
}

function connect(ctx: CmdCtx, o: NcOpts, words: string[]): number {
  const sys = ctx.sys;
  const host = sys.host;
  const [name, portText] = words;
  if (name === undefined || portText === undefined) {
    ctx.err(USAGE);
    return 1;
  }
  const port = portArg(ctx, portText);
  if (port === undefined) return 1;
  const dst = sys.resolve(name);
  if (dst === undefined) {
    ctx.err(`nc: getaddrinfo for host "${name}" port ${port}: ${parseIp(name) === undefined ? 'Temporary failure in name resolution' : 'Name or service not known'}\n`);
    return 1;
  }
  const src = o.src !== undefined ? parseIp(o.src) : undefined;
  const engine = sys.lab.world.engine;
  const proto = o.udp ? 'udp' : 'tcp';
  const svc = (o.udp ? udpPortName(port) : tcpPortName(port)) ?? '*';
  const input = ctx.stdin ?? '';
  if (o.udp) {
    const from = src ?? host.sourceFor(dst);
    if (from === undefined) {
      if (o.verbose) ctx.err(`nc: connect to ${name} port ${port} (udp) failed: Network is unreachable\n`);
      return 1;
    }
    const sport = host.udp.ephemeralPort();
    const sock = { port: sport, addr: from, onDatagram: (_f: unknown, data: AppData | undefined, plen: number) => ctx.out(renderData(data, plen, sys.lab.now)) };
    host.udp.bind(sock);
    if (o.verbose) ctx.err(`Connection to ${name} ${port} port [udp/${svc}] succeeded!\n`);
    if (input !== '' && !o.zero) host.udp.send(from, sport, dst, port, { app: 'text', text: input }, input.length);
    const end = engine.now + (o.waitUs ?? FOREGROUND_US);
    const r = ctx.wait(() => engine.now >= end, o.waitUs ?? FOREGROUND_US);
    host.udp.unbind(sock);
    if (r === 'timeout') return 124;
    if (r === 'interrupt' && o.waitUs === undefined) {
      ctx.tty('^C\n');
      return 130;
    }
    return 0;
  }
  let connected = false;
  let closed = false;
  let error: string | undefined;
  let last = engine.now;
  const sock = host.tcp.connect(
    dst,
    port,
    {
      onConnected: (s) => {
        connected = true;
        last = engine.now;
        if (o.verbose) ctx.err(`Connection to ${name} ${port} port [${proto}/${svc}] succeeded!\n`);
        if (o.zero) {
          s.close();
          closed = true;
          return;
        }
        if (input !== '') s.send(toAppData(input), input.length);
      },
      onData: (_s, data, len) => {
        last = engine.now;
        ctx.out(renderData(data, len, engine.now));
      },
      onPeerClosed: (s) => {
        s.close();
        closed = true;
      },
      onClosed: (_s, err) => {
        closed = true;
        if (err) error = err === 'refused' ? 'Connection refused' : err === 'timeout' ? 'Connection timed out' : err === 'net-unreachable' ? 'Network is unreachable' : err === 'reset' ? 'Connection reset by peer' : 'No route to host';
      },
    },
    src,
  );
  if (!sock) {
    if (o.verbose) ctx.err(`nc: connect to ${name} port ${port} (tcp) failed: Network is unreachable\n`);
    return 1;
  }
  // -w: give up connecting after S seconds, and close after S seconds of silence.
  let idle: Timer | undefined;
  let timedOut = false;
  const arm = () => {
    if (o.waitUs === undefined) return;
    idle = engine.after(Math.max(1, last + o.waitUs - engine.now), () => {
      if (engine.now - last >= o.waitUs!) timedOut = true;
      else arm();
    });
  };
  arm();
  const r = ctx.wait(() => closed || timedOut, Math.max(FOREGROUND_US, (o.waitUs ?? 0) + 1));
  idle?.cancel();
  if (!closed) {
    if (sock.state === 'SYN_SENT') sock.abort();
    else sock.close();
  }
  if (r === 'timeout') return 124;
  if (r === 'interrupt') {
    ctx.tty('^C\n');
    return 130;
  }
  if (!connected) {
    if (o.verbose) ctx.err(`nc: connect to ${name} port ${port} (${proto}) ${timedOut ? 'timed out: Operation now in progress' : `failed: ${error ?? 'Connection refused'}`}\n`);
    return 1;
  }
  return 0;
}
