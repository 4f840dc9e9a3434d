/**
 * A running keepalived checker: the statechart (machines/checker.machine.ts) wired to
 * real probes from the director and to keepalived's log lines (check_tcp.c, check_http.c).
 * UP/DOWN changes go to the virtual server (virtual-server.ts), which changes IPVS.
 */
import { createActor, type Actor } from 'xstate';
import type { Host } from '../../host/host';
import { simClock } from '../../machines/sim-clock';
import { checkerMachine } from '../../machines/checker.machine';
import { probe, type ProbeHandle, type ProbeResult } from '../probes';
import { fmtTrio, ipPort } from '../format';
import type { DaemonLog } from '../daemon-log';
import type { CheckerConf, RealServerConf } from './conf-lvs';

/** keepalived's BOOTSTRAP_DELAY: checkers start one second after the daemon, plus warmup. */
export const BOOTSTRAP_DELAY_US = 1_000_000;

export interface CheckerHooks {
  log: DaemonLog;
  ident: string;
  /** FMT_VS of the virtual server, for trace data. */
  vs: string;
  up(c: Checker): void;
  down(c: Checker): void;
}

export class Checker {
  readonly actor: Actor<typeof checkerMachine>;
  private attempt: ProbeHandle | undefined;
  private gen = 0;
  private stopped = false;
  readonly dst: number;
  readonly port: number;
  /** FMT_CHK: `[ip]:tcp:port`. */
  readonly label: string;

  constructor(
    readonly host: Host,
    readonly rs: RealServerConf,
    readonly conf: CheckerConf,
    private readonly hooks: CheckerHooks,
  ) {
    this.dst = conf.connectIp ?? rs.addr;
    this.port = conf.connectPort ?? rs.port;
    this.label = fmtTrio(this.dst, 'tcp', this.port);
    const rng = host.world.random.get(`keepalived:${host.name}:warmup`);
    const warmup = BOOTSTRAP_DELAY_US + (conf.warmupUs > 0 ? Math.floor(rng.next() * conf.warmupUs) : 0);
    const http = conf.kind === 'HTTP_GET';
    const tag = http ? 'HTTP_CHECK' : 'TCP_CHECK';
    const machine = checkerMachine.provide({
      actions: {
        'start check': () => this.startAttempt(),
        'log first success': ({ context }) => {
          if (!context.hasRun && !http) this.log('check', `TCP connection to ${this.label} success.`, 'ok');
        },
        'log success': () => {
          if (http) {
            this.log('check', `HTTP status code success to ${this.label} url(1).`, 'ok');
            this.log('check', `Remote Web server ${this.label} succeed on service.`, 'up');
          } else this.log('check', `TCP connection to ${this.label} success.`, 'up');
        },
        'log failure': ({ context }) => {
          const tail = context.retry && context.hasRun ? ` failed after ${context.retry} retries.` : ' failed.';
          this.log('check', `${tag} on service ${this.label}${tail}`, 'down');
        },
        'report up': () => hooks.up(this),
        'report down': () => hooks.down(this),
      },
    });
    this.actor = createActor(machine, {
      clock: simClock(host.world.engine),
      input: { retry: conf.retry, alpha: conf.alpha, delayLoopUs: conf.delayLoopUs, delayBeforeRetryUs: conf.delayBeforeRetryUs, warmupUs: warmup },
    });
  }

  get isUp(): boolean {
    return this.actor.getSnapshot().matches('UP');
  }

  start(): void {
    this.hooks.log.line(this.hooks.ident, 'check', `Activating healthchecker for service ${fmtTrio(this.rs.addr, 'tcp', this.rs.port)} for VS ${this.hooks.vs}`, this.data('start'));
    this.actor.start();
  }

  stop(): void {
    this.stopped = true;
    this.gen++;
    this.attempt?.cancel();
    this.attempt = undefined;
    this.actor.stop();
  }

  private startAttempt(): void {
    const gen = ++this.gen;
    const url = this.conf.urls[0];
    const spec = {
      dst: this.dst,
      port: this.port,
      timeoutUs: this.conf.connectTimeoutUs,
      ...(this.conf.kind === 'HTTP_GET' && url ? { http: { path: url.path, accept: (s: number) => url.status.some(([lo, hi]) => s >= lo && s <= hi) } } : {}),
    };
    this.attempt = probe(this.host, spec, (r) => {
      if (this.stopped || gen !== this.gen) return;
      this.attempt = undefined;
      this.attemptDone(r);
    });
  }

  /** Per-attempt lines: keepalived writes them for HTTP while the checker is up (TCP only with log_all_failures). */
  private attemptDone(r: ProbeResult): void {
    if (r.ok) {
      this.hooks.log.event('check', `${this.conf.kind} ${this.label}: ok`, this.data('ok'));
      this.actor.send({ type: 'check succeeded' });
      return;
    }
    const up = this.isUp;
    let text: string;
    if (this.conf.kind === 'HTTP_GET') {
      if (r.why === 'status') text = `HTTP status code error to ${this.label} url(${this.conf.urls[0]?.path ?? '/'}), status_code [${r.status ?? 0}].`;
      else if (r.why === 'timeout') text = r.connected ? `Timeout WEB read server ${this.label}.` : `Timeout connecting server ${this.label}.`;
      else text = `Error connecting server ${this.label}.`;
    } else {
      text = r.why === 'timeout' ? `TCP connection to ${this.label} timedout.` : `TCP connection to ${this.label} failed.`;
    }
    const data = { ...this.data('fail'), why: r.why };
    if (up && this.conf.kind === 'HTTP_GET') this.hooks.log.line(this.hooks.ident, 'check', text, data);
    else this.hooks.log.event('check', text, data);
    this.actor.send({ type: 'check failed' });
  }

  private data(result: string): Record<string, unknown> {
    return { daemon: 'keepalived', checker: this.conf.kind, vs: this.hooks.vs, rs: ipPort(this.rs.addr, this.rs.port), result };
  }

  private log(what: string, text: string, result: string): void {
    this.hooks.log.line(this.hooks.ident, what, text, this.data(result));
  }
}
