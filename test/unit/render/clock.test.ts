import { describe, expect, it } from 'vitest';
import { DisplayClock, MAX_FRAME_MS, MOTION_NOTE, clampSpeed } from '../../../src/render/clock';

describe('DisplayClock', () => {
  it('advances display time by elapsed wall time × speed while playing', () => {
    const c = new DisplayClock(0.5);
    c.playing = true;
    expect(c.tick(20)).toBe(10_000); // 20 ms × 0.5 = 10 ms simulated = 10 000 µs
    expect(c.visualTime).toBe(20);
  });

  it('does not advance while paused', () => {
    const c = new DisplayClock(1);
    c.tick(16);
    expect([c.displayTime, c.visualTime, c.moving]).toEqual([0, 0, false]);
  });

  it('clamps a long frame, so a stall never lurches the lab ahead', () => {
    const c = new DisplayClock(10);
    c.playing = true;
    c.tick(5_000);
    expect(c.displayTime).toBe(MAX_FRAME_MS * 10 * 1000);
    c.tick(-5);
    expect(c.displayTime).toBe(MAX_FRAME_MS * 10 * 1000);
  });

  it('keeps speed within 1/100× … 10×', () => {
    expect([0, 0.001, 0.01, 1, 10, 50, Number.NaN].map(clampSpeed)).toEqual([0.01, 0.01, 0.01, 1, 10, 10, 1]);
    const c = new DisplayClock(100);
    expect(c.speed).toBe(10);
  });

  it('animates a step for a while without moving simulated time, then stops', () => {
    const c = new DisplayClock(1);
    c.jump(5_000);
    c.animateStep(300);
    expect(c.moving).toBe(true);
    c.tick(100);
    c.tick(100);
    c.tick(100);
    c.tick(100);
    expect([c.displayTime, c.visualTime, c.moving]).toEqual([5_000, 300, false]);
  });

  it('says, in both languages, that motion is slowed', () => {
    expect(MOTION_NOTE.en).toMatch(/slowed/);
    expect(MOTION_NOTE['zh-CN']).toMatch(/放慢/);
  });
});
