/**
 * Client traffic: new sessions arrive as a seeded Poisson process, from the client
 * nodes and their addresses. A session makes several requests, each on a new TCP
 * connection (HTTP/1.0 style, so persistence and schedulers see every connection),
 * with think time between them. In `open` mode every arrival is a single request:
 * the heavy-load generator, with no per-session state at all.
 */
import type { Ip } from '../net/addr';
import type { Host } from '../host/host';
import type { Rng } from '../sim/random';
import type { Timer } from '../sim/engine';
import type { World } from '../sim/world';
import { httpGet, type HttpResult } from './http-client';
import { ClientSession } from '../machines/client-session';

export interface TrafficConfig {
  clients: Host[];
  dst: Ip;
  port: number;
  rate: number;
  mode: 'session' | 'open';
  requestsPerSession: number;
  thinkMs: number;
  timeoutMs: number;
}

export interface TrafficStats {
  started: number;
  ok: number;
  failed: number;
  /** Successful responses per answering server (the body's first word). */
  byServer: Map<string, number>;
  byError: Map<string, number>;
  sessionsActive: number;
}

export type RequestListener = (r: HttpResult, client: Host) => void;

export class Traffic {
  running = false;
  readonly stats: TrafficStats = { started: 0, ok: 0, failed: 0, byServer: new Map(), byError: new Map(), sessionsActive: 0 };
  private timer: Timer | undefined;
  private rng: Rng;
  private listeners: RequestListener[] = [];
  private sessions = new Set<ClientSession>();
  private addrCache = new Map<Host, { version: number; addrs: Ip[] }>();

  constructor(
    private readonly world: World,
    public config: TrafficConfig,
  ) {
    this.rng = world.random.get('traffic');
  }

  onRequest(fn: RequestListener): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm();
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
    this.timer = undefined;
  }

  setRate(rate: number): void {
    this.config.rate = rate;
    if (this.running) {
      this.timer?.cancel();
      this.timer = undefined;
      this.arm();
    }
  }

  private arm(): void {
    if (!this.running || this.config.rate <= 0 || this.config.clients.length === 0) return;
    const gap = Math.max(1, Math.round(this.rng.exponential(1_000_000 / this.config.rate)));
    this.timer = this.world.engine.after(gap, () => {
      this.timer = undefined;
      this.arrive();
      this.arm();
    });
  }

  private arrive(): void {
    const client = this.rng.pick(this.config.clients);
    if (!client.powered) return;
    const addrs = this.addrsOf(client);
    const src = addrs.length > 0 ? this.rng.pick(addrs) : undefined;
    if (this.config.mode === 'open') {
      this.request(client, src, this.openDone);
      return;
    }
    const session = new ClientSession(this.world, {
      requests: this.config.requestsPerSession,
      thinkUs: this.config.thinkMs * 1000,
      rng: this.rng,
      request: (done) => this.request(client, src, done),
    });
    this.sessions.add(session);
    this.stats.sessionsActive = this.sessions.size;
    session.start(() => {
      this.sessions.delete(session);
      this.stats.sessionsActive = this.sessions.size;
    });
  }

  private addrsOf(h: Host): Ip[] {
    const c = this.addrCache.get(h);
    if (c && c.version === h.addrVersion) return c.addrs;
    const addrs = clientAddrs(h);
    this.addrCache.set(h, { version: h.addrVersion, addrs });
    return addrs;
  }

  /** Open-mode requests share these callbacks: no closure per request. */
  private readonly openDone = () => {};
  private readonly recordOpen = (r: HttpResult, client: Host) => this.record(r, client, this.openDone);

  private request(client: Host, src: Ip | undefined, done: (ok: boolean) => void): void {
    this.stats.started++;
    const opts = { dst: this.config.dst, port: this.config.port, src, deadlineUs: this.config.timeoutMs * 1000 };
    httpGet(client, opts, done === this.openDone ? this.recordOpen : (r, c) => this.record(r, c, done));
  }

  private record(r: HttpResult, client: Host, done: (ok: boolean) => void): void {
    {
      if (r.ok) {
        this.stats.ok++;
        const server = (r.body ?? '').split(' ')[0] ?? '?';
        this.stats.byServer.set(server, (this.stats.byServer.get(server) ?? 0) + 1);
      } else {
        this.stats.failed++;
        const e = r.error ?? 'unknown';
        this.stats.byError.set(e, (this.stats.byError.get(e) ?? 0) + 1);
      }
      for (const l of this.listeners) l(r, client);
      done(r.ok);
    }
  }
}

/** The global addresses of a client node's Ethernet interfaces (a client may hold many). */
export function clientAddrs(h: Host): Ip[] {
  const out: Ip[] = [];
  for (const d of h.ifaces) if (d.kind === 'ether') for (const a of d.addrs) if (a.scope === 'global') out.push(a.addr);
  return out;
}
