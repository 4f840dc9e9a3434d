/**
 * One HTTP request over a fresh TCP connection, or over one a previous request left open
 * (HTTP/1.1 keep-alive, as curl reuses connection #0 for the next URL to the same host),
 * with the timestamps and failure causes curl and ab report (connect, first byte, done;
 * refused, unreachable, reset, empty reply).
 * The shell's own client, so curl can time its phases and ab can send HTTP/1.0.
 */
import type { Host } from '../../host/host';
import type { TcpError, TcpHandlers, TcpSocket } from '../../host/tcp';
import type { Ip } from '../../net/addr';
import type { AppData } from '../../net/packet';
import { httpResponse } from '../../apps/http';

export type TxnError = TcpError | 'no-route' | 'empty-reply' | 'aborted';

export interface HttpTxn {
  readonly tStart: number;
  tConnected?: number;
  /** Request fully written (ab's endwrite). */
  tSent?: number;
  tFirstByte?: number;
  tDone?: number;
  status?: number;
  body?: string;
  /** Bytes of the response (headers + body) as nginx sends them. */
  bytes: number;
  error?: TxnError;
  local?: Ip;
  lport?: number;
  sock?: TcpSocket;
  /** Sent on a connection an earlier request left open (no handshake of its own). */
  readonly reused: boolean;
  /** Finished, one way or the other. */
  readonly done: boolean;
  /** curl giving up: close the socket (RST if connecting was not over, as close() of a SYN_SENT socket). */
  abort(): void;
}

export interface TxnOptions {
  dst: Ip;
  port: number;
  src?: Ip;
  method?: string;
  path: string;
  hostHeader: string;
  agent: string;
  version: '1.0' | '1.1';
  /** Leave the connection open after the response (the caller closes it). */
  keepAlive?: boolean;
  /** An open connection to send this request on instead of connecting. */
  reuse?: TcpSocket;
}

/** Whether a connection a request left open can carry another one. */
export function reusable(s: TcpSocket | undefined): s is TcpSocket {
  return s !== undefined && s.state === 'ESTABLISHED';
}

export function requestText(o: Pick<TxnOptions, 'method' | 'path' | 'hostHeader' | 'agent' | 'version'>): string {
  return `${o.method ?? 'GET'} ${o.path} HTTP/${o.version}\r\nHost: ${o.hostHeader}\r\nUser-Agent: ${o.agent}\r\nAccept: */*\r\n\r\n`;
}

export function startTxn(host: Host, o: TxnOptions, onDone?: (t: HttpTxn) => void): HttpTxn {
  const now = () => host.world.now;
  let finished = false;
  const reuse = reusable(o.reuse) ? o.reuse : undefined;
  const t: HttpTxn = {
    tStart: now(),
    bytes: 0,
    reused: reuse !== undefined,
    get done() {
      return finished;
    },
    abort() {
      if (finished) return;
      const s = t.sock;
      if (s) {
        if (s.state === 'SYN_SENT') s.abort();
        else s.close();
      }
      end('aborted');
    },
  };
  const end = (err?: TxnError) => {
    if (finished) return;
    finished = true;
    t.tDone = now();
    if (err) t.error = err;
    onDone?.(t);
  };
  const handlers: TcpHandlers = {
    onConnected: (s) => {
      t.tConnected = now();
      t.local = s.local;
      t.lport = s.lport;
      const data: AppData = { app: 'http-req', method: o.method ?? 'GET', path: o.path, host: o.hostHeader, agent: o.agent };
      s.send(data, requestText(o).length);
      t.tSent = now();
    },
    onData: (s, data, len) => {
      t.tFirstByte ??= now();
      if (data?.app !== 'http-resp') {
        t.bytes += len;
        return;
      }
      t.status = data.status;
      t.body = data.body;
      t.bytes = httpResponse(data.status, data.body).len;
      if (!o.keepAlive) s.close();
      end();
    },
    onPeerClosed: (s) => {
      s.close();
      if (t.status === undefined) end('empty-reply');
    },
    onClosed: (_s, err) => {
      if (err) end(err);
    },
  };
  if (reuse !== undefined) {
    // The handshake was the earlier request's: this one starts with its request.
    t.sock = reuse;
    reuse.handlers = handlers;
    handlers.onConnected!(reuse);
    return t;
  }
  const sock = host.tcp.connect(o.dst, o.port, handlers, o.src);
  if (!sock) end('no-route');
  else t.sock = sock;
  return t;
}
