/**
 * Shared by the HA tests: build the two-director labs quietly (no background traffic),
 * read the control-plane trace, and make requests the way a learner's curl does.
 */
import { Lab } from '../../../src/core/lab';
import { httpGet, type HttpResult } from '../../../src/core/apps/http-client';
import { httpRequest } from '../../../src/core/apps/http';
import type { TcpError, TcpSocket } from '../../../src/core/host/tcp';
import { ip } from '../../../src/core/net/addr';
import { drHaPreset, natHaPreset, type HaPresetOptions } from '../../../src/core/scenario/ha-presets';
import type { ScenarioInput } from '../../../src/core/scenario/schema';
import type { TraceEvent } from '../../../src/core/sim/trace';

export const SEC = 1_000_000;
export const MS = 1_000;

export type Ctl = Extract<TraceEvent, { type: 'ctl' }>;

/** A lab with every trace event recorded. */
export class HaLab {
  readonly events: TraceEvent[] = [];
  constructor(readonly lab: Lab) {
    lab.world.trace.subscribe((e) => this.events.push(e));
  }

  static of(s: ScenarioInput, traffic = false): HaLab {
    const h = new HaLab(Lab.of(traffic ? s : { ...s, events: [] }));
    return h;
  }

  static dr(opts: HaPresetOptions = {}): HaLab {
    return HaLab.of(drHaPreset(opts));
  }

  static nat(opts: HaPresetOptions = {}): HaLab {
    return HaLab.of(natHaPreset(opts));
  }

  get now(): number {
    return this.lab.now;
  }

  advance(us: number): this {
    this.lab.advance(us);
    return this;
  }

  ctl(what?: string | RegExp, node?: string, since = 0): Ctl[] {
    return this.events.filter(
      (e): e is Ctl =>
        e.type === 'ctl' && e.t >= since && (node === undefined || e.node === node) && (what === undefined || (typeof what === 'string' ? e.what === what : what.test(e.what))),
    );
  }

  /** The first control event matching, or undefined. */
  first(what: string, node: string | undefined, text: RegExp, since = 0): Ctl | undefined {
    return this.ctl(what, node, since).find((e) => text.test(e.text));
  }

  /** `curl -m 5 http://VIP/` from a client; the result arrives as the lab runs. */
  curl(from = 'client1', dst = '192.168.10.100', timeoutUs = 5 * SEC): HttpResult[] {
    const out: HttpResult[] = [];
    httpGet(this.lab.host(from), { dst: ip(dst), port: 80, deadlineUs: timeoutUs }, (r) => out.push(r));
    return out;
  }

  /** Addresses as `ipvsadm -Ln` would list them for the service on `node`, with weights. */
  dests(node: string): string[] {
    const ipvs = this.lab.nodes.get(node)?.ipvs;
    const svc = ipvs?.services[0];
    if (!svc) return [];
    return svc.dests
      .map((d) => `${(d.addr >>> 24) & 255}.${(d.addr >>> 16) & 255}.${(d.addr >>> 8) & 255}.${d.addr & 255}:${d.port} w${d.weight}`)
      .sort();
  }
}

/**
 * A keep-alive HTTP client: one TCP connection to the VIP, the next request one second
 * after each answer (HTTP/1.1 without pipelining).
 */
export class LongClient {
  readonly answers: { t: number; body: string }[] = [];
  error: TcpError | 'closed' | undefined;
  sock: TcpSocket | undefined;

  constructor(
    readonly h: HaLab,
    readonly vip = '192.168.10.100',
  ) {
    const host = h.lab.host('client1');
    this.sock = host.tcp.connect(ip(vip), 80, {
      onConnected: (s) => this.ask(s),
      onData: (s, d) => {
        if (d?.app !== 'http-resp') return;
        this.answers.push({ t: h.now, body: d.body.split(' ')[0]! });
        h.lab.world.engine.after(SEC, () => {
          if (!this.error && s.state === 'ESTABLISHED') this.ask(s);
        });
      },
      onClosed: (_s, err) => {
        this.error = err ?? 'closed';
      },
    });
  }

  private ask(s: TcpSocket): void {
    const r = httpRequest(this.vip);
    s.send(r.data, r.len);
  }
}

