/**
 * A run is a pure function of (scenario, seed, commands): the same preset and seed give the
 * same trace, event for event; another seed gives another; and two labs in one process do
 * not disturb each other (no hidden module state, one World per lab).
 */
import { describe, it, expect } from 'vitest';
import { Lab } from '../../src/core/lab';
import { drPreset } from '../../src/core/scenario/presets';
import { eventJson, TraceHasher } from '../../src/core/sim/trace-json';

const SEC = 1_000_000;

/** A dr lab whose every trace event is hashed as the CLI's --hash does. */
function hashed(seed: number) {
  const lab = Lab.of({ ...drPreset(), seed });
  const hasher = new TraceHasher();
  lab.world.trace.subscribe((ev) => hasher.add(JSON.stringify(eventJson(ev))));
  return { lab, hasher };
}

function run(seed: number, forUs = 20 * SEC) {
  const { lab, hasher } = hashed(seed);
  lab.advance(forUs);
  return { digest: hasher.digest(), events: hasher.count, ok: lab.traffic!.stats.ok, byServer: Object.fromEntries(lab.traffic!.stats.byServer) };
}

describe('determinism', () => {
  const first = run(1);

  it('the hash covers real traffic (many events, requests answered by every real server)', () => {
    expect(first.events).toBeGreaterThan(10_000);
    expect(first.ok).toBeGreaterThan(50);
    expect(Object.keys(first.byServer).sort()).toEqual(['rs1', 'rs2', 'rs3']);
  });

  it('the same preset and seed give the identical trace hash', () => {
    expect(run(1)).toEqual(first);
  });

  it('another seed gives another trace', () => {
    const other = run(2);
    expect(other.digest).not.toBe(first.digest);
  });

  it('two labs advanced in turn give the same traces as each run alone', () => {
    const a = hashed(1);
    const b = hashed(2);
    for (let t = 0; t < 20 * SEC; t += 250_000) {
      a.lab.advance(250_000);
      b.lab.advance(250_000);
    }
    expect(a.hasher.digest()).toBe(first.digest);
    expect(b.hasher.digest()).toBe(run(2).digest);
  });

  it('advancing in small steps or in one go makes no difference', () => {
    const { lab, hasher } = hashed(1);
    for (let i = 0; i < 200; i++) lab.advance(100_000);
    expect(hasher.digest()).toBe(first.digest);
  });
});
