/**
 * The clock and the event queue: integer microseconds, ties in scheduling order (ns-3's
 * EventKey), cancellation, the three ways to run, and seeded random streams.
 */
import { describe, it, expect } from 'vitest';
import { Engine, SEC } from '../../../src/core/sim/engine';
import { RandomStreams, Rng } from '../../../src/core/sim/random';

describe('Engine', () => {
  it('runs events at the same time in the order they were scheduled (stable FIFO)', () => {
    const e = new Engine();
    const order: string[] = [];
    // Many equal keys stress the heap: a non-stable heap would mix them.
    for (let i = 0; i < 50; i++) e.at(10, () => order.push(`a${i}`));
    e.at(5, () => order.push('early'));
    for (let i = 0; i < 50; i++) e.at(10, () => order.push(`b${i}`));
    e.runUntilIdle();
    expect(order[0]).toBe('early');
    expect(order.slice(1)).toEqual([...Array.from({ length: 50 }, (_, i) => `a${i}`), ...Array.from({ length: 50 }, (_, i) => `b${i}`)]);
  });

  it('an event scheduled for "now" from inside an event runs after the events already due now', () => {
    const e = new Engine();
    const order: string[] = [];
    e.at(100, () => {
      order.push('first');
      e.after(0, () => order.push('nested'));
    });
    e.at(100, () => order.push('second'));
    e.runUntilIdle();
    expect(order).toEqual(['first', 'second', 'nested']);
  });

  it('never goes back in time: a time in the past runs now, delays are floored to integers', () => {
    const e = new Engine();
    const seen: number[] = [];
    e.runUntil(1_000);
    e.at(10, () => seen.push(e.now));
    e.after(2.9, () => seen.push(e.now));
    e.runUntilIdle();
    expect(seen).toEqual([1_000, 1_002]);
  });

  it('cancel removes an event; cancelling twice or after it ran is harmless', () => {
    const e = new Engine();
    const ran: string[] = [];
    const t1 = e.after(10, () => ran.push('t1'));
    const t2 = e.after(20, () => ran.push('t2'));
    e.after(30, () => ran.push('t3'));
    expect(e.pending).toBe(3);
    t2.cancel();
    t2.cancel();
    expect(e.pending).toBe(2);
    e.runUntil(15);
    t1.cancel(); // already ran
    expect(e.pending).toBe(1);
    e.runUntilIdle();
    expect(ran).toEqual(['t1', 't3']);
    expect(e.pending).toBe(0);
  });

  it('nextAt skips cancelled events', () => {
    const e = new Engine();
    const t = e.after(5, () => {});
    e.after(9, () => {});
    t.cancel();
    expect(e.nextAt()).toBe(9);
  });

  it('runUntil runs events due at or before the time, then sets the clock to it', () => {
    const e = new Engine();
    const ran: number[] = [];
    for (const t of [10, 20, 30]) e.at(t, () => ran.push(t));
    e.runUntil(20);
    expect(ran).toEqual([10, 20]);
    expect(e.now).toBe(20);
    e.runUntil(25);
    expect(e.now).toBe(25);
    expect(ran).toEqual([10, 20]);
    e.runFor(5);
    expect(ran).toEqual([10, 20, 30]);
    expect(e.now).toBe(30);
  });

  it('step runs exactly one event and moves the clock to it', () => {
    const e = new Engine();
    const ran: number[] = [];
    e.at(7, () => ran.push(7));
    e.at(3, () => ran.push(3));
    expect(e.step()).toBe(true);
    expect(ran).toEqual([3]);
    expect(e.now).toBe(3);
    expect(e.step()).toBe(true);
    expect(e.now).toBe(7);
    expect(e.step()).toBe(false);
    expect(e.executed).toBe(2);
  });

  it('runUntilIdle stops at its limit, so a periodic timer cannot run forever', () => {
    const e = new Engine();
    let ticks = 0;
    const tick = () => {
      ticks++;
      e.after(SEC, tick);
    };
    e.after(SEC, tick);
    e.runUntilIdle(10 * SEC);
    expect(ticks).toBe(10);
    expect(e.pending).toBe(1);
  });
});

describe('Rng and random streams', () => {
  const draw = (r: Rng, n = 8) => Array.from({ length: n }, () => r.nextU32());

  it('the same seed and stream give the same sequence', () => {
    expect(draw(new Rng(42, 'traffic'))).toEqual(draw(new Rng(42, 'traffic')));
  });

  it('another seed or another stream name gives another sequence', () => {
    const base = draw(new Rng(42, 'traffic'));
    expect(draw(new Rng(43, 'traffic'))).not.toEqual(base);
    expect(draw(new Rng(42, 'host:rs1'))).not.toEqual(base);
  });

  it('streams are independent: drawing from one does not shift another', () => {
    const a = new RandomStreams(9);
    const b = new RandomStreams(9);
    a.get('client1').nextU32();
    a.get('client1').nextU32();
    a.get('new-client').nextU32();
    expect(draw(a.get('rs1'))).toEqual(draw(b.get('rs1')));
    // And the same name always hands back the same stream, continuing where it was.
    const s = a.get('client1');
    expect(a.get('client1')).toBe(s);
  });

  it('int, next and exponential stay in range', () => {
    const r = new Rng(1, 'range');
    for (let i = 0; i < 2000; i++) {
      const k = r.int(32768, 60999);
      expect(k).toBeGreaterThanOrEqual(32768);
      expect(k).toBeLessThanOrEqual(60999);
      const x = r.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      expect(r.exponential(5)).toBeGreaterThanOrEqual(0);
    }
  });

  it('int covers both ends and pick covers every item', () => {
    const r = new Rng(3, 'cover');
    const ints = new Set<number>();
    const picks = new Set<string>();
    for (let i = 0; i < 500; i++) {
      ints.add(r.int(1, 4));
      picks.add(r.pick(['rs1', 'rs2', 'rs3']));
    }
    expect([...ints].sort()).toEqual([1, 2, 3, 4]);
    expect([...picks].sort()).toEqual(['rs1', 'rs2', 'rs3']);
  });

  it('exponential has roughly the requested mean', () => {
    const r = new Rng(5, 'exp');
    let sum = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) sum += r.exponential(100);
    expect(sum / n).toBeGreaterThan(95);
    expect(sum / n).toBeLessThan(105);
  });
});
