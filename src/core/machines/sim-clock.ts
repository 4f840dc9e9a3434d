/**
 * xstate's clock backed by the simulation engine, so statechart delays (`after`) run in
 * simulated time. xstate speaks milliseconds; the engine microseconds.
 */
import type { ActorOptions, AnyActorLogic } from 'xstate';
import type { Engine, Timer } from '../sim/engine';

export type XstateClock = NonNullable<ActorOptions<AnyActorLogic>['clock']>;

export function simClock(engine: Engine): XstateClock {
  return {
    setTimeout: (fn: () => void, ms: number): Timer => engine.after(Math.round(ms * 1000), () => fn()),
    clearTimeout: (id: unknown) => (id as Timer | undefined)?.cancel(),
  };
}
