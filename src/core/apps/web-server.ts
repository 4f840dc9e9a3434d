/**
 * The web service on a real server: an nginx-like HTTP server with a fixed number of
 * workers and a queue, so requests wait when the server is busy and a slow server
 * really accumulates connections (what lc/wlc react to).
 *
 * Its condition is the lesson: running (answers), stopped (no listener: connections
 * are refused with RST), hung (the kernel still completes handshakes, nobody answers),
 * slow (service time × k).
 */
import type { Ip } from '../net/addr';
import type { Host } from '../host/host';
import type { TcpHandlers, TcpListener, TcpSocket } from '../host/tcp';
import type { Rng } from '../sim/random';
import { httpResponse } from './http';
import type { AppData } from '../net/packet';

export type ServiceTime = { dist: 'const' | 'exp' | 'uniform'; meanMs: number };

export interface WebServerConfig {
  port: number;
  workers: number;
  serviceTime: ServiceTime;
  /** Response body; default "NAME ADDR" like the lab's nginx index page. */
  body?: string;
}

export type WebCondition = 'running' | 'stopped' | 'hung';

/** A request waiting for or holding a worker: the connection it came on. */
type Job = TcpSocket;

export class WebServer {
  condition: WebCondition = 'stopped';
  slowFactor = 1;
  busy = 0;
  readonly queue: Job[] = [];
  served = 0;
  private listener: TcpListener | undefined;
  private rng: Rng;

  constructor(
    readonly host: Host,
    readonly config: WebServerConfig,
    private readonly bodyAddr: () => Ip | undefined,
  ) {
    this.rng = host.world.random.get(`web:${host.name}`);
  }

  /** The index page as a message: immutable, so built once per body (the address may change). */
  private response(): { data: AppData; len: number } {
    const v = this.host.addrVersion;
    if (!this.cached || this.cachedAt !== v) {
      this.cached = httpResponse(200, `${this.body}\n`);
      this.cachedAt = v;
    }
    return this.cached;
  }
  private cached: { data: AppData; len: number } | undefined;
  private cachedAt = -1;

  get body(): string {
    if (this.config.body !== undefined) return this.config.body;
    const a = this.bodyAddr();
    return `${this.host.name} ${a === undefined ? '' : `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`}`;
  }

  start(): void {
    if (this.condition === 'running') return;
    if (!this.listener) {
      this.listener = { addr: 0, port: this.config.port, onAccept: (s) => this.accept(s) };
      this.host.tcp.listen(this.listener);
    }
    const wasHung = this.condition === 'hung';
    this.condition = 'running';
    if (wasHung) this.pump();
  }

  stop(): void {
    if (this.listener) this.host.tcp.unlisten(this.listener);
    this.listener = undefined;
    this.condition = 'stopped';
    // nginx exiting closes its sockets: clients see a reset.
    for (const j of this.queue.splice(0)) j.abort();
    this.busy = 0;
  }

  hang(): void {
    this.start();
    this.condition = 'hung';
  }

  /** Lost with power: the process is gone, sockets were reset by the kernel already. */
  crash(): void {
    this.listener = undefined;
    this.queue.length = 0;
    this.busy = 0;
    this.condition = 'stopped';
  }

  /** One handler object for every accepted connection (no closures per connection). */
  private readonly conn: TcpHandlers = {
    onData: (sock, data) => {
      if (data?.app !== 'http-req') return;
      this.queue.push(sock);
      this.pump();
    },
    onPeerClosed: (sock) => sock.close(),
  };
  private readonly finishFn = (job: Job) => this.finish(job);

  private accept(s: TcpSocket): void {
    s.handlers = this.conn;
  }

  private pump(): void {
    if (this.condition !== 'running') return;
    while (this.busy < this.config.workers && this.queue.length > 0) {
      const job = this.queue.shift()!;
      if (job.state !== 'ESTABLISHED' && job.state !== 'CLOSE_WAIT') continue;
      this.busy++;
      this.host.world.engine.afterWith(this.drawServiceUs(), this.finishFn, job);
    }
  }

  private finish(job: Job): void {
    this.busy = Math.max(0, this.busy - 1);
    if (this.condition === 'hung') {
      this.queue.unshift(job);
      return;
    }
    if (this.condition !== 'running') return;
    const r = this.response();
    job.send(r.data, r.len);
    this.served++;
    this.pump();
  }

  private drawServiceUs(): number {
    const { dist, meanMs } = this.config.serviceTime;
    const mean = meanMs * 1000 * this.slowFactor;
    switch (dist) {
      case 'const':
        return Math.round(mean);
      case 'uniform':
        return Math.round(this.rng.next() * 2 * mean);
      case 'exp':
        return Math.round(this.rng.exponential(mean));
    }
  }
}
