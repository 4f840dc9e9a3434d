/**
 * Runs one client session machine: makes a request whenever the machine enters
 * `requesting`, feeds the outcome back, and reports when the session is done.
 */
import { createActor } from 'xstate';
import type { World } from '../sim/world';
import type { Rng } from '../sim/random';
import { clientSessionMachine } from './client-session.machine';
import { simClock } from './sim-clock';

export interface SessionOptions {
  requests: number;
  thinkUs: number;
  rng: Rng;
  request(done: (ok: boolean) => void): void;
}

export class ClientSession {
  private actor;

  constructor(
    world: World,
    private readonly opts: SessionOptions,
  ) {
    this.actor = createActor(clientSessionMachine, { input: { requests: opts.requests }, clock: simClock(world.engine) });
  }

  get state(): string {
    return String(this.actor.getSnapshot().value);
  }

  start(onDone: () => void): void {
    let last = '';
    this.actor.subscribe((snap) => {
      const v = String(snap.value);
      if (v === last) return;
      last = v;
      if (v === 'requesting') this.fire();
      if (snap.status === 'done') onDone();
    });
    this.actor.start();
  }

  private fire(): void {
    this.opts.request((ok) => {
      const thinkMs = Math.round(this.opts.rng.exponential(this.opts.thinkUs)) / 1000;
      this.actor.send({ type: 'response', ok, thinkMs });
    });
  }
}
