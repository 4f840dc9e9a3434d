/**
 * Run a scenario headless for a while and hash its whole trace: the fingerprint that must
 * be identical in Node and in the browser for the same scenario and seed.
 */
import { Lab } from './lab';
import { eventJson, TraceHasher } from './sim/trace-json';

export function traceHashOf(scenario: unknown, durationUs: number): { hash: string; events: number } {
  const lab = Lab.of(scenario);
  const h = new TraceHasher();
  lab.world.trace.subscribe((ev) => h.add(JSON.stringify(eventJson(ev))));
  lab.advance(durationUs);
  return { hash: h.digest(), events: h.count };
}
