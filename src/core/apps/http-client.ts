/**
 * One HTTP GET over a fresh TCP connection, as curl does it: connect, send the request,
 * read the response, close (the client closes first). Used by `curl`, by client
 * sessions and by the open-loop traffic generator.
 */
import type { Ip } from '../net/addr';
import { ipStr } from '../net/addr';
import type { Host } from '../host/host';
import type { TcpError } from '../host/tcp';
import type { Timer } from '../sim/engine';
import { httpRequest } from './http';

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

export function httpGet(host: Host, opts: HttpGetOptions, done: (r: HttpResult) => void): void {
  const tStart = host.world.now;
  let finished = false;
  let tConnected: number | undefined;
  let status: number | undefined;
  let body: string | undefined;
  let deadline: Timer | undefined;
  const end = (r: Omit<HttpResult, 'tStart' | 'tDone'>) => {
    if (finished) return;
    finished = true;
    deadline?.cancel();
    done({ ...r, tStart, tDone: host.world.now, ...(tConnected !== undefined ? { tConnected } : {}) });
  };
  const sock = host.tcp.connect(
    opts.dst,
    opts.port,
    {
      onConnected: (s) => {
        tConnected = host.world.now;
        const req = httpRequest(ipStr(opts.dst), opts.path);
        s.send(req.data, req.len);
      },
      onData: (s, data) => {
        if (data?.app !== 'http-resp') return;
        status = data.status;
        body = data.body;
        s.close();
        end({ ok: true, status, body, src: s.local, sport: s.lport });
      },
      onPeerClosed: (s) => {
        s.close();
        if (status === undefined) end({ ok: false, error: 'empty-reply' });
      },
      onClosed: (_s, err) => {
        if (err) end({ ok: false, error: err });
      },
    },
    opts.src,
  );
  if (!sock) {
    end({ ok: false, error: 'no-route' });
    return;
  }
  deadline = opts.deadlineUs
    ? host.after(opts.deadlineUs, () => {
        if (finished) return;
        sock.abort();
        end({ ok: false, error: 'deadline' });
      })
    : undefined;
}
