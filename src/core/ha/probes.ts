/**
 * The attempts health checkers make, as real simulated traffic from the director (so they
 * show in tcpdump and the trace): a TCP connect that is closed as soon as it completes
 * (keepalived TCP_CHECK, ldirectord checktype=connect), and an HTTP GET whose status line
 * is checked (HTTP_GET, checktype=negotiate). Plain code: one object per attempt.
 *
 * Timeouts: the connect must complete within `timeoutUs`; HTTP then gets `timeoutUs` again
 * for the response (keepalived uses connect_timeout for connect and for each read).
 */
import type { Host } from '../host/host';
import type { TcpError, TcpHandlers, TcpSocket } from '../host/tcp';
import type { AppData } from '../net/packet';
import { ipStr, type Ip } from '../net/addr';
import type { Timer } from '../sim/engine';
import { httpRequest } from '../apps/http';

export type ProbeFailure = 'timeout' | 'refused' | 'unreachable' | 'reset' | 'no-route' | 'status' | 'no-data';

export interface ProbeResult {
  ok: boolean;
  /** Why it failed; `connected` tells whether the TCP handshake completed. */
  why?: ProbeFailure;
  connected: boolean;
  status?: number;
}

export interface ProbeSpec {
  dst: Ip;
  port: number;
  timeoutUs: number;
  /** Present: an HTTP GET of this path, accepted when `accept(status)`. */
  http?: { path: string; accept: (status: number, body: string) => boolean };
}

class Probe implements TcpHandlers {
  private timer: Timer | undefined;
  private done = false;
  private connected = false;
  sock: TcpSocket | undefined;

  constructor(
    private readonly host: Host,
    private readonly spec: ProbeSpec,
    private readonly cb: (r: ProbeResult) => void,
  ) {}

  arm(): void {
    this.timer?.cancel();
    this.timer = this.host.world.engine.after(this.spec.timeoutUs, () => {
      this.timer = undefined;
      // Closing a socket that is still connecting sends nothing; one that is open is reset.
      this.sock?.abort();
      this.finish({ ok: false, why: 'timeout', connected: this.connected });
    });
  }

  onConnected(s: TcpSocket): void {
    this.connected = true;
    const http = this.spec.http;
    if (!http) {
      s.close();
      this.finish({ ok: true, connected: true });
      return;
    }
    const req = httpRequest(ipStr(this.spec.dst), http.path);
    s.send(req.data, req.len);
    this.arm();
  }

  onData(s: TcpSocket, data: AppData | undefined): void {
    if (data?.app !== 'http-resp' || !this.spec.http) return;
    s.close();
    const ok = this.spec.http.accept(data.status, data.body);
    this.finish({ ok, connected: true, status: data.status, ...(ok ? {} : { why: 'status' as const }) });
  }

  onPeerClosed(s: TcpSocket): void {
    s.close();
    this.finish({ ok: false, why: 'no-data', connected: true });
  }

  onClosed(_s: TcpSocket, err?: TcpError): void {
    if (!err) return;
    const why: ProbeFailure = err === 'refused' ? 'refused' : err === 'reset' ? 'reset' : err === 'timeout' ? 'timeout' : 'unreachable';
    this.finish({ ok: false, why, connected: this.connected });
  }

  finish(r: ProbeResult): void {
    if (this.done) return;
    this.done = true;
    this.timer?.cancel();
    this.timer = undefined;
    // Results are delivered from the event queue, never inside the caller's stack.
    this.host.world.engine.after(0, () => this.cb(r));
  }

  /** The checker was stopped: drop the attempt silently. */
  cancel(): void {
    this.done = true;
    this.timer?.cancel();
    if (this.sock && this.sock.state !== 'CLOSED') this.sock.abort();
  }
}

export interface ProbeHandle {
  cancel(): void;
}

export function probe(host: Host, spec: ProbeSpec, cb: (r: ProbeResult) => void): ProbeHandle {
  const p = new Probe(host, spec, cb);
  const sock = host.tcp.connect(spec.dst, spec.port, p);
  if (!sock) {
    p.finish({ ok: false, why: 'no-route', connected: false });
    return p;
  }
  p.sock = sock;
  p.arm();
  return p;
}
