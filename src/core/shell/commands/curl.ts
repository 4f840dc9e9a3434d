/**
 * curl 7.88.1: one GET per URL from the node's TCP stack, the body on stdout, and curl's
 * own words for failures (linux-tools.md §2): refused, no route and unreachable are all
 * `(7) Failed to connect ... Couldn't connect to server`; -m and --connect-timeout give
 * the three `(28)` messages; -v shows the errno text.
 *
 * Response headers are nginx 1.22.1's (the model carries status and body only; the
 * header block is rebuilt with the lab's dates, 236 bytes as the model counts them).
 * Without -m, a transfer that never ends is cut after 130 s of simulated time, as if ^C.
 *
 * Several URLs: like libcurl's connection cache, a connection left intact (HTTP/1.1
 * keep-alive) carries the next request to the same scheme, host name and port
 * (`Re-using existing connection #0`), so a director schedules it once; curl closes what
 * is left open when it exits.
 */
import { CONNECT_CAP_US, type CmdCtx } from '../context';
import { ipStr, parseIp } from '../../net/addr';
import { CURL_AGENT } from '../../apps/http';
import { resolvePath } from '../vfs';
import { startTxn, requestText, reusable, type HttpTxn } from './http-txn';
import type { TcpSocket } from '../../host/tcp';
import { backslashEscapes, floatArg, httpDate, labUnix, LAB_EPOCH_S } from './util';

const TRY = "curl: try 'curl --help' or 'curl --manual' for more information\n";

interface Opts {
  silent: boolean;
  showError: boolean;
  verbose: boolean;
  maxTimeUs?: number;
  connectTimeoutUs?: number;
  output?: string;
  writeOut?: string;
  fail: boolean;
  include: boolean;
  head: boolean;
  iface?: string;
  agent: string;
  method?: string;
}

/** Options that take a value, long and short. */
const WITH_ARG = new Set(['-m', '--max-time', '--connect-timeout', '-o', '--output', '-w', '--write-out', '-H', '--header', '--interface', '-A', '--user-agent', '-X', '--request', '-d', '--data', '-e', '--referer', '-u', '--user', '-x', '--proxy', '-b', '--cookie', '-c', '--cookie-jar', '-r', '--range', '--retry', '-T', '--upload-file', '-F', '--form', '--resolve', '--cacert']);
const FLAGS = new Set(['-s', '--silent', '-S', '--show-error', '-v', '--verbose', '-f', '--fail', '-i', '--include', '-I', '--head', '-L', '--location', '-k', '--insecure', '-4', '--ipv4', '-N', '--no-buffer', '-q', '--http1.0', '--http1.1', '-0', '-#', '--progress-bar', '--compressed', '-g', '--globoff', '-n', '--netrc']);

/** nginx's response header block for a 200 with `body`. */
export function nginxHeaders(status: number, body: string, nowUs: number, close: boolean): string[] {
  const mtime = LAB_EPOCH_S;
  return [
    `HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Error'}`,
    'Server: nginx/1.22.1',
    `Date: ${httpDate(labUnix(nowUs))}`,
    'Content-Type: text/html',
    `Content-Length: ${body.length}`,
    `Last-Modified: ${httpDate(mtime)}`,
    `Connection: ${close ? 'close' : 'keep-alive'}`,
    `ETag: "${mtime.toString(16)}-${body.length.toString(16)}"`,
    'Accept-Ranges: bytes',
  ];
}

/** progress.c max5data: a number in at most five characters. */
function max5(n: number): string {
  const K = 1024;
  const M = K * K;
  if (n < 100000) return String(n).padStart(5);
  if (n < 10000 * K) return `${String(Math.floor(n / K)).padStart(4)}k`;
  if (n < 100 * M) return `${String(Math.floor(n / M)).padStart(2)}.${Math.floor((n % M) / (M / 10))}M`;
  return `${String(Math.floor(n / M)).padStart(4)}M`;
}

function timeStr(us: number): string {
  const s = Math.floor(us / 1e6);
  if (s <= 0) return '--:--:--';
  const h = Math.floor(s / 3600);
  return `${String(h).padStart(2)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** The progress meter's final state, as left on stderr when output is not a terminal. */
function meter(bytes: number, total: number | undefined, elapsedUs: number): string {
  const pct = total ? Math.floor((100 * bytes) / Math.max(1, total)) : 0;
  const speed = elapsedUs > 0 ? Math.floor((bytes * 1e6) / elapsedUs) : 0;
  return (
    '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n' +
    '                                 Dload  Upload   Total   Spent    Left  Speed\n' +
    `${String(pct).padStart(3)} ${max5(total ?? 0)}  ${String(pct).padStart(3)} ${max5(bytes)}    0 ${max5(0)}  ${max5(speed)}  ${max5(0)} --:--:-- ${timeStr(elapsedUs)} --:--:-- ${max5(speed)}\n`
  );
}

function parseUrl(url: string): { scheme: string; host: string; port: number; path: string } | { err: number; msg: string } {
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/)?([^/:?#]*)(?::([^/?#]*))?([/?#].*)?$/.exec(url);
  if (!m || m[2] === '') return { err: 3, msg: 'URL using bad/illegal format or missing URL' };
  const scheme = (m[1] ?? 'http').toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return { err: 1, msg: `Protocol "${m[1]}" not supported or disabled in libcurl` };
  const portText = m[3];
  if (portText !== undefined && (portText === '' || !/^\d+$/.test(portText) || Number(portText) > 65535)) {
    return { err: 3, msg: 'URL using bad/illegal format or missing URL' };
  }
  let path = m[4] ?? '/';
  if (path.startsWith('?') || path.startsWith('#')) path = '/' + path;
  path = path.replace(/#.*/, '');
  return { scheme, host: m[2]!, port: portText !== undefined ? Number(portText) : scheme === 'https' ? 443 : 80, path };
}

export function curl(ctx: CmdCtx): number {
  const o: Opts = { silent: false, showError: false, verbose: false, fail: false, include: false, head: false, agent: CURL_AGENT };
  const urls: string[] = [];
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-') || a === '-') {
      urls.push(a);
      continue;
    }
    // Short options may be bundled (-sS, -sSm2, -sm 2).
    const parts: [string, string | undefined][] = [];
    if (a.startsWith('--') || a.length === 2) parts.push([a, undefined]);
    else {
      for (let j = 1; j < a.length; j++) {
        const opt = `-${a[j]}`;
        if (WITH_ARG.has(opt) && j + 1 < a.length) {
          parts.push([opt, a.slice(j + 1)]);
          break;
        }
        parts.push([opt, undefined]);
      }
    }
    for (const [opt, inline] of parts) {
      if (FLAGS.has(opt)) {
        if (opt === '-s' || opt === '--silent') o.silent = true;
        else if (opt === '-S' || opt === '--show-error') o.showError = true;
        else if (opt === '-v' || opt === '--verbose') o.verbose = true;
        else if (opt === '-f' || opt === '--fail') o.fail = true;
        else if (opt === '-i' || opt === '--include') o.include = true;
        else if (opt === '-I' || opt === '--head') o.head = true;
        continue;
      }
      if (!WITH_ARG.has(opt)) {
        ctx.err(`curl: option ${opt}: is unknown\n${TRY}`);
        return 2;
      }
      const v = inline ?? args[++i];
      if (v === undefined) {
        ctx.err(`curl: option ${opt}: requires parameter\n${TRY}`);
        return 2;
      }
      if (opt === '-m' || opt === '--max-time' || opt === '--connect-timeout') {
        const n = floatArg(v);
        if (n === undefined || n < 0) {
          ctx.err(`curl: option ${opt}: expected a proper numerical parameter\n${TRY}`);
          return 2;
        }
        const us = Math.round(n * 1e6);
        if (us > 0) {
          if (opt === '--connect-timeout') o.connectTimeoutUs = us;
          else o.maxTimeUs = us;
        }
      } else if (opt === '-o' || opt === '--output') o.output = v;
      else if (opt === '-w' || opt === '--write-out') o.writeOut = v;
      else if (opt === '--interface') o.iface = v;
      else if (opt === '-A' || opt === '--user-agent') o.agent = v;
      else if (opt === '-X' || opt === '--request') o.method = v;
    }
  }
  if (urls.length === 0) {
    ctx.err(`curl: no URL specified!\n${TRY}`);
    return 2;
  }
  let status = 0;
  const pool: ConnPool = { conns: new Map(), next: 0 };
  try {
    for (const u of urls) {
      const r = fetchOne(ctx, o, u, pool);
      if (r !== 0) status = r;
      if (r === 124 || r === 130) break;
    }
  } finally {
    // curl_easy_cleanup: connections still in the cache are closed (FIN) as curl exits.
    for (const c of pool.conns.values()) if (reusable(c.sock)) c.sock.close();
  }
  return status;
}

/** libcurl's connection cache for one curl run: open connections and the next #id. */
interface ConnPool {
  readonly conns: Map<string, { readonly sock: TcpSocket; readonly id: number }>;
  next: number;
}

/** A heap-looking address for "Found bundle for host: %p": one per host's bundle, as stable as its connection. */
function bundleAddr(sock: TcpSocket): string {
  return '0x' + (0x55d0c3e9a000 + ((sock.lport * 0x9e37) & 0xffff) * 0x10).toString(16);
}

function fetchOne(ctx: CmdCtx, o: Opts, url: string, pool: ConnPool): number {
  const sys = ctx.sys;
  const host = sys.host;
  const showErr = !o.silent || o.showError;
  const meterOn = !o.silent && !o.verbose && (o.output !== undefined || !ctx.stdoutTty);
  const failWith = (code: number, msg: string, t?: HttpTxn): number => {
    if (meterOn) ctx.err(meter(t?.bytes ?? 0, undefined, t ? (t.tDone ?? sys.lab.now) - t.tStart : 0));
    if (o.verbose) ctx.err(`* Closing connection ${connNo}\n`);
    if (showErr) ctx.err(`curl: (${code}) ${msg}\n`);
    if (o.writeOut !== undefined) ctx.out(writeOut(o.writeOut, t, url, code));
    return code;
  };
  const u = parseUrl(url);
  const key = 'err' in u ? '' : `${u.scheme}://${u.host.toLowerCase()}:${u.port}|${o.iface ?? ''}`;
  const cached = 'err' in u ? undefined : pool.conns.get(key);
  const reuse = cached !== undefined && reusable(cached.sock) ? cached : undefined;
  if (cached !== undefined && reuse === undefined) pool.conns.delete(key);
  const connNo = reuse?.id ?? pool.next++;
  if ('err' in u) return failWith(u.err, u.msg);
  if (reuse !== undefined) return transfer(ctx, o, url, u, reuse.sock.remote, undefined, pool, connNo, reuse.sock);
  const dst = sys.resolve(u.host);
  if (dst === undefined) {
    if (o.verbose) ctx.err(`* Could not resolve host: ${u.host}\n`);
    return failWith(6, `Could not resolve host: ${u.host}`);
  }
  let src: number | undefined;
  if (o.iface !== undefined) {
    src = parseIp(o.iface);
    if (src === undefined) {
      const d = host.iface(o.iface);
      src = d?.addrs[0]?.addr;
    }
    if (src === undefined || !host.isLocal(src)) {
      if (o.verbose) ctx.err(`* Couldn't bind to '${o.iface}'\n`);
      return failWith(45, `Couldn't bind to '${o.iface}'`);
    }
  }
  const where = `${ipStr(dst)}:${u.port}`;
  if (o.verbose) ctx.err(`*   Trying ${where}...\n`);
  if (host.route(dst).kind === 'unreachable') {
    if (o.verbose) ctx.err(`* Immediate connect fail for ${ipStr(dst)}: Network is unreachable\n`);
    if (o.verbose) ctx.err(`* Failed to connect to ${u.host} port ${u.port} after 0 ms: Couldn't connect to server\n`);
    return failWith(7, `Failed to connect to ${u.host} port ${u.port} after 0 ms: Couldn't connect to server`);
  }
  return transfer(ctx, o, url, u, dst, src, pool, connNo, undefined);
}

/** One request: on a new connection (`reuse` undefined) or on the cached one. */
function transfer(
  ctx: CmdCtx,
  o: Opts,
  url: string,
  u: { scheme: string; host: string; port: number; path: string },
  dst: number,
  src: number | undefined,
  pool: ConnPool,
  connNo: number,
  reuse: TcpSocket | undefined,
): number {
  const sys = ctx.sys;
  const host = sys.host;
  const showErr = !o.silent || o.showError;
  const meterOn = !o.silent && !o.verbose && (o.output !== undefined || !ctx.stdoutTty);
  const key = `${u.scheme}://${u.host.toLowerCase()}:${u.port}|${o.iface ?? ''}`;
  const failWith = (code: number, msg: string, t?: HttpTxn): number => {
    // A failed transfer does not leave its connection for the next URL (Curl_done: premature).
    pool.conns.delete(key);
    if (t?.sock !== undefined && reusable(t.sock)) t.sock.close();
    if (meterOn) ctx.err(meter(t?.bytes ?? 0, undefined, t ? (t.tDone ?? sys.lab.now) - t.tStart : 0));
    if (o.verbose) ctx.err(`* Closing connection ${connNo}\n`);
    if (showErr) ctx.err(`curl: (${code}) ${msg}\n`);
    if (o.writeOut !== undefined) ctx.out(writeOut(o.writeOut, t, url, code));
    return code;
  };
  if (reuse !== undefined && o.verbose) {
    // url.c ConnectionExists / reuse_conn, for an HTTP/1.1 connection from this run.
    ctx.err(`* Found bundle for host: ${bundleAddr(reuse)} [serially]\n`);
    ctx.err('* Can not multiplex, even if we wanted to\n');
    ctx.err(`* Re-using existing connection #${connNo} with host ${u.host}\n`);
  }
  const method = o.method ?? (o.head ? 'HEAD' : 'GET');
  const t = startTxn(host, { dst, port: u.port, ...(src !== undefined ? { src } : {}), method, path: u.path, hostHeader: u.port === (u.scheme === 'https' ? 443 : 80) ? u.host : `${u.host}:${u.port}`, agent: o.agent, version: '1.1', keepAlive: true, ...(reuse !== undefined ? { reuse } : {}) });
  const t0 = t.tStart;
  const engine = sys.lab.world.engine;
  // curl's own timers: --connect-timeout while connecting, -m for the whole transfer.
  let why: 'connect' | 'max' | undefined;
  const timers = [
    ...(o.connectTimeoutUs !== undefined ? [engine.after(o.connectTimeoutUs, () => (why ??= t.tConnected === undefined ? 'connect' : undefined))] : []),
    ...(o.maxTimeUs !== undefined ? [engine.after(o.maxTimeUs, () => (why ??= 'max'))] : []),
  ];
  const r = ctx.wait(() => t.done || why !== undefined, Math.max(CONNECT_CAP_US, (o.maxTimeUs ?? 0) + 1));
  for (const x of timers) x.cancel();
  if (r === 'timeout' || r === 'interrupt') {
    // Killed by `timeout`, or still running at the lab's bound: as if ^C.
    t.abort();
    if (r === 'timeout') return 124;
    ctx.tty('^C\n');
    return 130;
  }
  const verboseConnected = () => {
    if (!o.verbose || t.tConnected === undefined) return;
    if (!t.reused) ctx.err(`* Connected to ${u.host} (${ipStr(dst)}) port ${u.port} (#${connNo})\n`);
    const req = requestText({ method, path: u.path, hostHeader: u.host, agent: o.agent, version: '1.1' });
    ctx.err(req.split('\r\n').slice(0, -1).map((l) => `> ${l}\n`).join(''));
  };
  if (!t.done && why !== undefined) {
    const el = Math.floor((sys.lab.now - t0) / 1000);
    const connected = t.tConnected !== undefined;
    t.abort();
    verboseConnected();
    if (why === 'connect') {
      if (o.verbose) ctx.err(`* Failed to connect to ${u.host} port ${u.port} after ${el + 1} ms: Timeout was reached\n`);
      return failWith(28, `Failed to connect to ${u.host} port ${u.port} after ${el + 1} ms: Timeout was reached`, t);
    }
    if (!connected) {
      if (o.verbose) ctx.err(`* Connection timed out after ${el + 1} milliseconds\n`);
      return failWith(28, `Connection timed out after ${el + 1} milliseconds`, t);
    }
    if (o.verbose) ctx.err(`* Operation timed out after ${el} milliseconds with ${t.bytes} bytes received\n`);
    return failWith(28, `Operation timed out after ${el} milliseconds with ${t.bytes} bytes received`, t);
  }
  const ms = Math.floor(((t.tDone ?? sys.lab.now) - t0) / 1000);
  if (t.error && t.error !== 'aborted') {
    const connectFail = t.tConnected === undefined;
    if (connectFail) {
      const errno = t.error === 'refused' ? 'Connection refused' : t.error === 'timeout' ? 'Connection timed out' : t.error === 'net-unreachable' ? 'Network is unreachable' : 'No route to host';
      if (o.verbose) {
        ctx.err(`* connect to ${ipStr(dst)} port ${u.port} failed: ${errno}\n`);
        ctx.err(`* Failed to connect to ${u.host} port ${u.port} after ${ms} ms: Couldn't connect to server\n`);
      }
      return failWith(7, `Failed to connect to ${u.host} port ${u.port} after ${ms} ms: Couldn't connect to server`, t);
    }
    verboseConnected();
    if (t.error === 'empty-reply') return failWith(52, 'Empty reply from server', t);
    return failWith(56, 'Recv failure: Connection reset by peer', t);
  }
  // A response.
  const body = t.body ?? '';
  const st = t.status ?? 0;
  const headers = nginxHeaders(st, body, t.tFirstByte ?? sys.lab.now, false);
  verboseConnected();
  if (o.verbose) ctx.err(headers.map((h) => `< ${h}\n`).join('') + '< \n');
  if (o.fail && st >= 400) {
    return failWith(22, `The requested URL returned error: ${st}`, t);
  }
  let out = '';
  if (o.include || o.head) out += headers.map((h) => h + '\r\n').join('') + '\r\n';
  if (!o.head) out += body;
  if (o.output !== undefined && o.output !== '-') {
    const w = sys.write(resolvePath(ctx.sh.cwd(), o.output), out, false);
    if (!w.ok) {
      pool.conns.delete(key);
      if (t.sock !== undefined && reusable(t.sock)) t.sock.close();
      if (meterOn) ctx.err(meter(t.bytes, t.bytes, ms * 1000));
      if (showErr) ctx.err(`curl: (23) Failure writing output to destination\n`);
      return 23;
    }
  } else ctx.out(out);
  // Left intact for the next URL to the same host (and closed when curl exits).
  if (t.sock !== undefined && reusable(t.sock)) pool.conns.set(key, { sock: t.sock, id: connNo });
  if (o.verbose) ctx.err(`* Connection #${connNo} to host ${u.host} left intact\n`);
  if (meterOn) ctx.err(meter(body.length, body.length, (t.tDone ?? sys.lab.now) - t0));
  if (o.writeOut !== undefined) ctx.out(writeOut(o.writeOut, t, url, 0));
  return 0;
}

/** -w: a few of curl's variables, and its backslash escapes. */
function writeOut(fmt: string, t: HttpTxn | undefined, url: string, code: number): string {
  const secs = (us: number | undefined) => ((us ?? 0) / 1e6).toFixed(6);
  const vars: Record<string, string> = {
    http_code: String(t?.status ?? 0).padStart(3, '0'),
    response_code: String(t?.status ?? 0).padStart(3, '0'),
    remote_ip: t?.sock ? ipStr(t.sock.remote) : '',
    remote_port: t?.sock ? String(t.sock.rport) : '',
    local_ip: t?.local !== undefined ? ipStr(t.local) : '',
    local_port: t?.lport !== undefined ? String(t.lport) : '',
    time_total: secs(t && t.tDone !== undefined ? t.tDone - t.tStart : 0),
    time_connect: secs(t && t.tConnected !== undefined ? t.tConnected - t.tStart : 0),
    time_starttransfer: secs(t && t.tFirstByte !== undefined ? t.tFirstByte - t.tStart : 0),
    size_download: String(t?.body?.length ?? 0),
    size_header: String(t?.status !== undefined ? t.bytes - (t.body?.length ?? 0) : 0),
    url_effective: url,
    exitcode: String(code),
    num_connects: t?.tConnected !== undefined && !t.reused ? '1' : '0',
  };
  const s = fmt.replace(/%\{([a-z_]+)\}/g, (m, k: string) => vars[k] ?? '');
  return backslashEscapes(s.replace(/\\(?![nrt\\])/g, '\\\\'), false).text;
}
