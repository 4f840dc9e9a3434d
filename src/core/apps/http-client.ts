/**
 * One HTTP GET over a fresh TCP connection, as curl does it: connect, send the request,
 * read the response, close (the client closes first). Used by `curl`, by client
 * sessions and by the open-loop traffic generator.
 *
 * A request is one object that is its own socket handler (rather than a set of
 * closures): the heavy-load benchmark keeps 100k of them alive at once.
 */
import type { Ip } from '../net/addr';
import { ipStr } from '../net/addr';
import type { AppData } from '../net/packet';
import type { Host } from '../host/host';
import type { TcpError, TcpHandlers, TcpSocket } from '../host/tcp';
import type { Timer } from '../sim/engine';
import { httpRequest, httpRootRequest } from './http';

export type HttpError = TcpError | 'no-route' | 'deadline' | 'empty-reply';

export interface HttpResult {
  ok: boolean;
  error?: HttpError;
  status?: number;
  body?: string;
  /** Simulated times in microseconds. */
  tStart: number;
  tConnected?: number;
  tDone: number;
  src?: Ip;
  sport?: number;
}

export interface HttpGetOptions {
  dst: Ip;
  port: number;
  src?: Ip;
  path?: string;
  /** curl -m: overall deadline in microseconds. */
  deadlineUs?: number;
}

class HttpRequest implements TcpHandlers {
  private finished = false;
  private tConnected: number | undefined;
  private status: number | undefined;
  deadline: Timer | undefined;
  sock: TcpSocket | undefined;
  readonly tStart: number;

  private readonly path: string | undefined;

  constructor(
    private readonly host: Host,
    opts: HttpGetOptions,
    private readonly done: (r: HttpResult, host: Host) => void,
  ) {
    this.tStart = host.world.now;
    this.path = opts.path;
  }

  onConnected(s: TcpSocket): void {
    this.tConnected = this.host.world.now;
    const host = ipStr(s.remote);
    const req = this.path === undefined || this.path === '/' ? httpRootRequest(host) : httpRequest(host, this.path);
    s.send(req.data, req.len);
  }

  onData(s: TcpSocket, data: AppData | undefined): void {
    if (data?.app !== 'http-resp') return;
    this.status = data.status;
    s.close();
    this.end({ ok: true, status: data.status, body: data.body, src: s.local, sport: s.lport });
  }

  onPeerClosed(s: TcpSocket): void {
    s.close();
    if (this.status === undefined) this.end({ ok: false, error: 'empty-reply' });
  }

  onClosed(_s: TcpSocket, err?: TcpError): void {
    if (err) this.end({ ok: false, error: err });
  }

  expire(): void {
    if (this.finished) return;
    this.sock?.abort();
    this.end({ ok: false, error: 'deadline' });
  }

  end(r: Omit<HttpResult, 'tStart' | 'tDone'>): void {
    if (this.finished) return;
    this.finished = true;
    this.deadline?.cancel();
    const res = r as HttpResult;
    res.tStart = this.tStart;
    res.tDone = this.host.world.now;
    if (this.tConnected !== undefined) res.tConnected = this.tConnected;
    this.done(res, this.host);
  }
}

function expire(r: HttpRequest): void {
  r.expire();
}

/** `done` gets the result and the client host (so one callback can serve many clients). */
export function httpGet(host: Host, opts: HttpGetOptions, done: (r: HttpResult, host: Host) => void): void {
  const req = new HttpRequest(host, opts, done);
  const sock = host.tcp.connect(opts.dst, opts.port, req, opts.src);
  if (!sock) {
    req.end({ ok: false, error: 'no-route' });
    return;
  }
  req.sock = sock;
  if (opts.deadlineUs) req.deadline = host.world.engine.afterWith(opts.deadlineUs, expire, req);
}
