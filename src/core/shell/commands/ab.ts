/**
 * ab (ApacheBench 2.3): N HTTP/1.0 GETs, C at a time, each on a new connection, then
 * output_results()'s summary — its lines, widths and statistics (ab.c: means, sample
 * standard deviations, its median quirk, ap_round_ms) over the simulated timings.
 * Errors as linux-tools.md §7: `apr_socket_recv: Connection refused (111)` ends the run
 * with that exit status. With -r a receive error is counted and the run goes on, as
 * read_connection() and the poll loop count it: Receive and Exceptions (the same poll
 * event's POLLERR), then close_connection()'s length check, and a "complete" request.
 * With -l responses of any length are fine ("Document Length: Variable").
 */
import type { CmdCtx } from '../context';
import { MAX_WAIT_US } from '../context';
import { startTxn, type HttpTxn } from './http-txn';

const BANNER =
  'This is ApacheBench, Version 2.3 <$Revision$>\n' +
  'Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/\n' +
  'Licensed to The Apache Software Foundation, http://www.apache.org/\n\n';

const USAGE =
  'Usage: ab [options] [http[s]://]hostname[:port]/path\n' +
  'Options are:\n' +
  '    -n requests     Number of requests to perform\n' +
  '    -c concurrency  Number of multiple requests to make at a time\n' +
  '    -t timelimit    Seconds to max. to spend on benchmarking\n' +
  '                    This implies -n 50000\n' +
  '    -s timeout      Seconds to max. wait for each response\n' +
  '                    Default is 30 seconds\n' +
  '    -b windowsize   Size of TCP send/receive buffer, in bytes\n' +
  '    -B address      Address to bind to when making outgoing connections\n' +
  '    -p postfile     File containing data to POST. Remember also to set -T\n' +
  '    -u putfile      File containing data to PUT. Remember also to set -T\n' +
  '    -T content-type Content-type header to use for POST/PUT data, eg.\n' +
  "                    'application/x-www-form-urlencoded'\n" +
  "                    Default is 'text/plain'\n" +
  '    -v verbosity    How much troubleshooting info to print\n' +
  '    -w              Print out results in HTML tables\n' +
  '    -i              Use HEAD instead of GET\n' +
  '    -x attributes   String to insert as table attributes\n' +
  '    -y attributes   String to insert as tr attributes\n' +
  '    -z attributes   String to insert as td or th attributes\n' +
  '    -C attribute    Add cookie, eg. \'Apache=1234\'. (repeatable)\n' +
  "    -H attribute    Add Arbitrary header line, eg. 'Accept-Encoding: gzip'\n" +
  '                    Inserted after all normal header lines. (repeatable)\n' +
  '    -A attribute    Add Basic WWW Authentication, the attributes\n' +
  '                    are a colon separated username and password.\n' +
  '    -P attribute    Add Basic Proxy Authentication, the attributes\n' +
  '                    are a colon separated username and password.\n' +
  '    -X proxy:port   Proxyserver and port number to use\n' +
  '    -V              Print version number and exit\n' +
  '    -k              Use HTTP KeepAlive feature\n' +
  '    -d              Do not show percentiles served table.\n' +
  '    -S              Do not show confidence estimators and warnings.\n' +
  '    -q              Do not show progress when doing more than 150 requests\n' +
  '    -l              Accept variable document length (use this for dynamic pages)\n' +
  '    -g filename     Output collected data to gnuplot format file.\n' +
  '    -e filename     Output CSV file with percentages served\n' +
  '    -r              Don\'t exit on socket receive errors.\n' +
  '    -m method       Method name\n' +
  '    -h              Display usage information (this message)\n';

interface Sample {
  ctime: number;
  time: number;
  waittime: number;
}

const roundMs = (us: number): number => Math.floor((us + 500) / 1000);

/** output_results() from "Concurrency Level" to the percentiles. */
export function abResults(r: {
  hostname: string;
  port: number;
  path: string;
  server: string;
  doclen: number;
  /** -l: "Variable" instead of the first response's length. */
  nolength?: boolean;
  concurrency: number;
  takenUs: number;
  done: number;
  bad: { conn: number; recv: number; length: number; except: number };
  totalread: number;
  totalbread: number;
  samples: Sample[];
  confidence?: boolean;
  percentile?: boolean;
}): string {
  const timetaken = r.takenUs / 1e6;
  const bad = r.bad.conn + r.bad.recv + r.bad.length + r.bad.except;
  let s = '\n\n';
  s += `Server Software:        ${r.server}\nServer Hostname:        ${r.hostname}\nServer Port:            ${r.port}\n\n`;
  s += `Document Path:          ${r.path}\nDocument Length:        ${r.nolength ? 'Variable' : `${r.doclen} bytes`}\n\n`;
  s += `Concurrency Level:      ${r.concurrency}\nTime taken for tests:   ${timetaken.toFixed(3)} seconds\n`;
  s += `Complete requests:      ${r.done}\nFailed requests:        ${bad}\n`;
  if (bad) s += `   (Connect: ${r.bad.conn}, Receive: ${r.bad.recv}, Length: ${r.bad.length}, Exceptions: ${r.bad.except})\n`;
  s += `Total transferred:      ${r.totalread} bytes\nHTML transferred:       ${r.totalbread} bytes\n`;
  if (timetaken && r.done) {
    s += `Requests per second:    ${(r.done / timetaken).toFixed(2)} [#/sec] (mean)\n`;
    s += `Time per request:       ${((r.concurrency * timetaken * 1000) / r.done).toFixed(3)} [ms] (mean)\n`;
    s += `Time per request:       ${((timetaken * 1000) / r.done).toFixed(3)} [ms] (mean, across all concurrent requests)\n`;
    s += `Transfer rate:          ${(r.totalread / 1024 / timetaken).toFixed(2)} [Kbytes/sec] received\n`;
  }
  const stats = r.samples.slice(0, r.done);
  const done = stats.length;
  if (done === 0) return s;
  const d = (x: Sample) => x.time - x.ctime;
  const min = (f: (x: Sample) => number) => Math.min(...stats.map(f));
  const max = (f: (x: Sample) => number) => Math.max(...stats.map(f));
  const mean = (f: (x: Sample) => number) => Math.floor(stats.reduce((a, x) => a + f(x), 0) / done);
  const sd = (f: (x: Sample) => number, m: number) => (done > 1 ? Math.sqrt(stats.reduce((a, x) => a + (f(x) - m) ** 2, 0) / (done - 1)) : 0);
  const meancon = mean((x) => x.ctime);
  const meantot = mean((x) => x.time);
  const meand = mean(d);
  const meanwait = mean((x) => x.waittime);
  // ab's medians: for an odd count, the mean of the middle and the next one (sic).
  const median = (f: (x: Sample) => number, cmp: (a: Sample, b: Sample) => number): number => {
    const sorted = [...stats].sort(cmp);
    if (done > 1 && done % 2) return Math.floor((f(sorted[Math.floor(done / 2)]!) + f(sorted[Math.floor(done / 2) + 1]!)) / 2);
    return f(sorted[Math.floor(done / 2)]!);
  };
  const rows: [string, number, number, number, number, number][] = [
    ['Connect:    ', min((x) => x.ctime), meancon, sd((x) => x.ctime, meancon), median((x) => x.ctime, (a, b) => a.ctime - b.ctime), max((x) => x.ctime)],
    ['Processing: ', min(d), meand, sd(d, meand), median(d, (a, b) => d(a) - d(b)), max(d)],
    ['Waiting:    ', min((x) => x.waittime), meanwait, sd((x) => x.waittime, meanwait), median((x) => x.waittime, (a, b) => a.waittime - b.waittime), max((x) => x.waittime)],
    ['Total:      ', min((x) => x.time), meantot, sd((x) => x.time, meantot), median((x) => x.time, (a, b) => a.time - b.time), max((x) => x.time)],
  ];
  s += '\nConnection Times (ms)\n              min  mean[+/-sd] median   max\n';
  const warn: string[] = [];
  const names = ['the initial connection time', 'the processing time', 'the waiting time', 'the total time'];
  rows.forEach(([label, mn, mean_, sd_, med, mx], i) => {
    const m = roundMs(mean_);
    const md = roundMs(med);
    const sdm = sd_ / 1000;
    s += `${label}${String(roundMs(mn)).padStart(5)} ${String(m).padStart(4)} ${sdm.toFixed(1).padStart(5)} ${String(md).padStart(6)} ${String(roundMs(mx)).padStart(7)}\n`;
    const diff = Math.abs(m - md);
    if (diff > 2 * sdm) warn.push(`ERROR: The median and mean for ${names[i]} are more than twice the standard\n       deviation apart. These results are NOT reliable.\n`);
    else if (diff > sdm) warn.push(`WARNING: The median and mean for ${names[i]} are not within a normal deviation\n        These results are probably not that reliable.\n`);
  });
  s += warn.join('');
  if (done > 1) {
    const byTime = [...stats].sort((a, b) => a.time - b.time);
    s += '\nPercentage of the requests served within a certain time (ms)\n';
    for (const p of [50, 66, 75, 80, 90, 95, 98, 99, 100]) {
      if (p >= 100) s += ` 100%  ${String(roundMs(byTime[done - 1]!.time)).padStart(5)} (longest request)\n`;
      else s += `  ${p}%  ${String(roundMs(byTime[Math.floor((done * p) / 100)]!.time)).padStart(5)}\n`;
    }
  }
  return s;
}

function usageExit(ctx: CmdCtx, msg?: string): number {
  ctx.err((msg ? `ab: ${msg}\n` : '') + USAGE);
  return 22;
}

export function ab(ctx: CmdCtx): number {
  const args = ctx.argv.slice(1);
  let n = 1;
  let c = 1;
  let timelimitUs: number | undefined;
  let timeoutUs = 30_000_000;
  let head = false;
  let recverrok = false; // -r
  let nolength = false; // -l
  let verbosity = 0; // -v
  let url: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) {
      url = a;
      continue;
    }
    const f = a[1];
    if (f === undefined) return usageExit(ctx);
    if ('nctsbBpuTvxyzCHAPXgeml'.includes(f) && f !== 'l') {
      const v = a.length > 2 ? a.slice(2) : args[++i];
      if (v === undefined) return usageExit(ctx, `option requires an argument -- ${f}`);
      const num = Number(v);
      if (f === 'n') {
        if (!/^\d+$/.test(v) || num <= 0) {
          ctx.err('ab: Invalid number of requests\n');
          return 1;
        }
        n = num;
      } else if (f === 'c') {
        if (!/^\d+$/.test(v) || num < 0 || num > 20000) {
          ctx.err(`ab: Invalid Concurrency [Range 0..20000]\n` + USAGE);
          return 22;
        }
        c = Math.max(1, num);
      } else if (f === 't') {
        if (!Number.isFinite(num) || num <= 0) return usageExit(ctx);
        timelimitUs = Math.round(num * 1e6);
        if (!args.includes('-n')) n = 50000;
      } else if (f === 's') {
        if (!Number.isFinite(num) || num <= 0) return usageExit(ctx);
        timeoutUs = Math.round(num * 1e6);
      } else if (f === 'v') verbosity = Number.isFinite(num) ? Math.trunc(num) : 0;
      continue;
    }
    if (f === 'i') head = true;
    else if (f === 'r') recverrok = true;
    else if (f === 'l') nolength = true;
    else if (f === 'V') {
      ctx.out('This is ApacheBench, Version 2.3 <$Revision$>\nCopyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/\nLicensed to The Apache Software Foundation, http://www.apache.org/\n\n');
      return 0;
    } else if (f === 'h') return usageExit(ctx);
    else if (!'kdSqrlw'.includes(f)) return usageExit(ctx, `invalid option -- '${f}'`);
  }
  if (url === undefined) return usageExit(ctx, 'wrong number of arguments');
  const m = /^(?:(https?):\/\/)?([^/:]+)(?::(\d+))?(\/.*)$/.exec(url);
  if (!m) {
    ctx.err('ab: invalid URL\n' + USAGE);
    return 22;
  }
  if (c > n) {
    ctx.err('ab: Cannot use concurrency level greater than total number of requests\n' + USAGE);
    return 22;
  }
  const hostname = m[2]!;
  const port = m[3] !== undefined ? Number(m[3]) : m[1] === 'https' ? 443 : 80;
  if (port < 1 || port > 65535) {
    ctx.err('ab: invalid URL\n' + USAGE);
    return 22;
  }
  const path = m[4]!;
  const sys = ctx.sys;
  const engine = sys.lab.world.engine;
  ctx.out(BANNER);
  const dst = sys.resolve(hostname);
  const heartbeat = n > 150 ? Math.max(100, Math.floor(n / 10)) : 0;
  ctx.out(`Benchmarking ${hostname} (be patient)${heartbeat ? '\n' : '...'}`);
  if (dst === undefined) {
    ctx.err(`apr_sockaddr_info_get() for ${hostname}: Temporary failure in name resolution (670003)\n`);
    return 1;
  }
  if (sys.host.route(dst).kind === 'unreachable') {
    ctx.err('apr_socket_connect(): Network is unreachable (101)\n');
    return 101;
  }
  const start = engine.now;
  let started = 0;
  let done = 0;
  let lasttime = start;
  let lastActivity = start;
  let fatal: { msg: string; code: number } | undefined;
  const bad = { conn: 0, recv: 0, length: 0, except: 0 };
  let doclen = 0;
  /** Responses read to the end (ab's `good`): the first one fixes the document length. */
  let good = 0;
  let server = '';
  let totalread = 0;
  let totalbread = 0;
  const samples: Sample[] = [];
  const live = new Set<HttpTxn>();
  /** close_connection(): the length check against the first good response, and the request's times. */
  const closeConnection = (t: HttpTxn, bread: number) => {
    // (sic) ab sets doclen whenever `good` is 1, so a failure right after the first good
    // response makes the document length 0 and every later response a Length failure.
    if (good === 1) doclen = bread;
    else if (bread !== doclen && !nolength) {
      bad.length++;
    }
    const connected = t.tSent !== undefined;
    samples.push({
      ctime: connected ? (t.tConnected ?? t.tStart) - t.tStart : 0,
      time: (t.tDone ?? engine.now) - t.tStart,
      waittime: connected && t.tFirstByte !== undefined ? t.tFirstByte - t.tSent! : 0,
    });
    done++;
    if (heartbeat && done % heartbeat === 0) ctx.err(`Completed ${done} requests\n`);
  };
  const finishOne = (t: HttpTxn) => {
    live.delete(t);
    // Cut off when the run ended (-t, ^C, the last request done): never counted.
    if (t.error === 'aborted') return;
    lastActivity = engine.now;
    if (fatal) return;
    if (t.error === 'empty-reply') {
      // recv() returned 0 before any byte: a "good" end of an empty response.
      good++;
      closeConnection(t, 0);
    } else if (t.error) {
      const errno = t.error === 'refused' ? ['Connection refused', 111] : t.error === 'reset' ? ['Connection reset by peer', 104] : t.error === 'timeout' ? ['Connection timed out', 110] : t.error === 'net-unreachable' || t.error === 'no-route' ? ['Network is unreachable', 101] : ['No route to host', 113];
      const msg = `apr_socket_recv: ${errno[0]} (${errno[1]})`;
      if (!recverrok) {
        fatal = { msg, code: errno[1] as number };
        return;
      }
      // -r: counted, the connection closed (and its slot reconnected); the same poll
      // event also carried POLLERR, which the loop then counts as an exception.
      bad.recv++;
      closeConnection(t, 0);
      if (verbosity >= 1) ctx.err(msg + '\n');
      bad.except++;
    } else if (t.status !== undefined) {
      initialized = true;
      const len = t.body?.length ?? 0;
      if (good === 0) server = 'nginx/1.22.1';
      good++;
      totalread += t.bytes;
      totalbread += len;
      closeConnection(t, len);
    }
    lasttime = engine.now;
    launch();
  };
  let launching = false;
  /** requests_initialized: until a first response header arrives, only one connection runs. */
  let initialized = false;
  const launch = () => {
    // A connect that fails at once finishes (and would launch) inside startTxn: loop, not recurse.
    if (launching) return;
    launching = true;
    while (!fatal && live.size < (initialized ? c : 1) && started < n && (timelimitUs === undefined || engine.now - start < timelimitUs)) {
      started++;
      const t = startTxn(sys.host, { dst, port, method: head ? 'HEAD' : 'GET', path, hostHeader: hostname, agent: 'ApacheBench/2.3', version: '1.0' }, finishOne);
      if (!t.done) live.add(t);
    }
    launching = false;
  };
  launch();
  // ab polls its sockets with the -s timeout: a clock tick lets the wait notice silence.
  let tick = engine.after(1_000_000, function again() {
    tick = engine.after(1_000_000, again);
  });
  const r = ctx.wait(() => {
    if (fatal || done >= n || (live.size === 0 && started >= n)) return true;
    if (timelimitUs !== undefined && engine.now - start >= timelimitUs && live.size === 0) return true;
    if (engine.now - lastActivity >= timeoutUs) {
      fatal = { msg: 'apr_pollset_poll: The timeout specified has expired (70007)', code: 1 };
      return true;
    }
    return false;
  }, MAX_WAIT_US);
  tick.cancel();
  for (const t of [...live]) t.abort();
  if (r === 'timeout') return 124;
  if (fatal) {
    ctx.err(fatal.msg + '\n');
    if (fatal.code === 1) ctx.err(`Total of ${done} requests completed\n`);
    return fatal.code;
  }
  if (r === 'interrupt') ctx.tty('^C\n');
  if (heartbeat) ctx.err(`Finished ${done} requests\n`);
  else ctx.out('..done\n');
  ctx.out(
    abResults({ hostname, port, path, server, doclen, nolength, concurrency: c, takenUs: lasttime - start, done, bad, totalread, totalbread, samples }),
  );
  return r === 'interrupt' ? 1 : 0;
}
