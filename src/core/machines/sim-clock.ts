/**
 * xstate's clock interface backed by the simulation engine, so statechart delays
 * (`after`) run in simulated time. xstate speaks milliseconds; the engine microseconds.
 */
import type { Engine, Timer } from '../sim/engine';

export interface XstateClock {
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): Timer;
  clearTimeout(id: unknown): void;
}

export function simClock(engine: Engine): XstateClock {
  return {
    setTimeout: (fn, timeout) => engine.after(Math.round(timeout * 1000), () => fn()),
    clearTimeout: (id) => (id as Timer | undefined)?.cancel(),
  };
}
