/**
 * The stage's logic on real labs, drawn by the headless painter: what a learner would see
 * on the canvas, frame by frame, without a browser.
 */
import { describe, expect, it } from 'vitest';
import { LabSession } from '../../../src/core/session';
import { drPreset, natPreset, tunPreset } from '../../../src/core/scenario/presets';
import type { ScenarioInput } from '../../../src/core/scenario/schema';
import { StageController, type Selection, type StageOptions } from '../../../src/render/controller';
import { HeadlessPainter, type ScreenItem } from '../../../src/render/headless-painter';
import { serverColour } from '../../../src/render/palette';

const FRAME = 1000 / 60;

function stage(preset: () => ScenarioInput, opts: StageOptions = {}) {
  const session = new LabSession(preset());
  const painter = new HeadlessPainter();
  const ctl = new StageController(session, painter, { width: 1200, height: 600 }, { speed: 0.25, ...opts });
  return { session, painter, ctl };
}

/** Run `n` frames and collect every packet drawn. */
function watch(ctl: StageController, painter: HeadlessPainter, n: number): ScreenItem[] {
  const seen: ScreenItem[] = [];
  for (let i = 0; i < n; i++) {
    ctl.frame(FRAME);
    seen.push(...painter.onScreen().filter((x) => x.kind === 'packet'));
  }
  return seen;
}

const lanes = (items: ScreenItem[], shape: string) => new Set(items.filter((x) => x.shape === shape).map((x) => x.where));

describe('the canvas on the classic labs', () => {
  it('DR: requests go through the director, replies from the real servers straight to the router', () => {
    const { ctl, painter } = stage(drPreset);
    const seen = watch(ctl, painter, 900);
    const requests = lanes(seen, 'square');
    const replies = lanes(seen, 'circle');
    expect(requests).toContain('switch>director');
    expect(requests).toContain('director>switch');
    expect([...requests].some((l) => /^switch>rs\d$/.test(l))).toBe(true);
    expect([...replies].some((l) => /^rs\d>switch$/.test(l))).toBe(true);
    expect(replies).toContain('switch>router');
    // The reply route bypasses the director: no reply ever crosses its cable.
    expect([...replies].filter((l) => l.includes('director'))).toEqual([]);
  });

  it('TUN: the director sends IP-in-IP (a packet inside a packet) to the real servers', () => {
    const { ctl, painter } = stage(tunPreset);
    const seen = watch(ctl, painter, 900);
    const tunnelled = lanes(seen, 'frame(square)');
    expect(tunnelled).toContain('director>switch');
    expect([...tunnelled].some((l) => /^router>rs\d$/.test(l))).toBe(true);
    expect([...lanes(seen, 'circle')].some((l) => /^rs\d>router$/.test(l))).toBe(true);
  });

  it('NAT: replies come back through the director', () => {
    const { ctl, painter } = stage(natPreset);
    const seen = watch(ctl, painter, 900);
    expect([...lanes(seen, 'circle')].some((l) => l.startsWith('director>'))).toBe(true);
  });

  it('colours packets by the real server IPVS chose, in server mode', () => {
    const { ctl, painter } = stage(drPreset, { colourMode: 'server' });
    const seen = watch(ctl, painter, 900);
    for (const [i, rs] of ['rs1', 'rs2', 'rs3'].entries()) {
      const towards = seen.filter((x) => x.where === `switch>${rs}` && x.shape === 'square');
      expect(towards.length, rs).toBeGreaterThan(0);
      expect(new Set(towards.map((x) => x.colour)), rs).toEqual(new Set([serverColour(i)]));
    }
    expect(painter.servers.map((s) => s.node)).toEqual(['rs1', 'rs2', 'rs3']);
  });

  it('is deterministic: the same session and frames draw the same picture', () => {
    const a = stage(drPreset);
    const b = stage(drPreset);
    watch(a.ctl, a.painter, 300);
    watch(b.ctl, b.painter, 300);
    expect(a.painter.text()).toBe(b.painter.text());
    expect(a.painter.onScreen().length).toBeGreaterThan(0);
  });
});

describe('time controls', () => {
  it('advances the lab with display time while playing, and freezes the picture when paused', () => {
    const { ctl, painter, session } = stage(drPreset, { speed: 1 });
    watch(ctl, painter, 120);
    expect(session.lab.now).toBe(Math.floor(ctl.displayTime));
    expect(ctl.displayTime).toBeCloseTo(2_000_000, -3);
    ctl.pause();
    const before = painter.text();
    const t = ctl.displayTime;
    watch(ctl, painter, 30);
    expect(painter.text()).toBe(before);
    expect([ctl.displayTime, session.lab.now, ctl.moving]).toEqual([t, Math.floor(t), false]);
  });

  it('starts paused when asked, and play() resumes', () => {
    const { ctl, painter } = stage(drPreset, { playing: false });
    watch(ctl, painter, 10);
    expect(ctl.displayTime).toBe(0);
    ctl.play();
    watch(ctl, painter, 10);
    expect(ctl.displayTime).toBeGreaterThan(0);
  });

  it('steps to the next visible event, shows it moving for a moment, then stands still', () => {
    const { ctl, painter, session } = stage(drPreset, { playing: false });
    const ev = ctl.step();
    expect(ev).toBeDefined();
    expect(ev!.type).not.toMatch(/^dev\./);
    expect(ctl.displayTime).toBe(ev!.t);
    expect(session.lab.now).toBe(ev!.t);
    expect(ctl.moving).toBe(true);
    // Step until a hop is on screen; it moves while the step animates.
    let hop = ev;
    for (let i = 0; i < 50 && hop?.type !== 'link.tx'; i++) hop = ctl.step();
    expect(hop?.type).toBe('link.tx');
    ctl.frame(FRAME);
    const a = { ...painter.onScreen().find((x) => x.kind === 'packet')! };
    ctl.frame(100);
    const b = { ...painter.onScreen().find((x) => x.kind === 'packet')! };
    expect(b.progress).toBeGreaterThan(a.progress!);
    for (let i = 0; i < 60; i++) ctl.frame(100);
    expect(ctl.moving).toBe(false);
    expect(ctl.displayTime).toBe(hop!.t);
  });

  it('steps back to the previous hop', () => {
    const { ctl, painter } = stage(drPreset, { speed: 1 });
    watch(ctl, painter, 90);
    const t = ctl.displayTime;
    const ev = ctl.stepBack();
    expect(ev).toBeDefined();
    expect(ctl.displayTime).toBeLessThan(t);
    expect(ctl.playing).toBe(false);
  });

  it('seeks back in time and redraws the packets on the wire at that moment', () => {
    const { ctl, painter, session } = stage(drPreset, { speed: 1, playing: true });
    watch(ctl, painter, 240);
    const oldLab = session.lab;
    ctl.seek(2_500_000);
    expect(session.lab).not.toBe(oldLab);
    expect(ctl.displayTime).toBe(2_500_000);
    expect(session.lab.now).toBe(2_500_000);
    expect(painter.onScreen().filter((x) => x.kind === 'packet').length).toBeGreaterThan(0);
    // And it keeps running from there, attached to the new lab.
    ctl.frame(FRAME);
    expect(ctl.stats().ingested).toBeGreaterThan(0);
    expect(ctl.displayTime).toBeGreaterThan(2_500_000);
  });

  it('follows a session that seeks on its own (the scrubber calling session.seek)', () => {
    const { ctl, painter, session } = stage(drPreset, { speed: 1 });
    watch(ctl, painter, 60);
    session.seek(300_000);
    ctl.frame(FRAME);
    expect(ctl.displayTime).toBeGreaterThanOrEqual(300_000);
    expect(ctl.displayTime).toBeLessThan(400_000);
    expect(session.lab.now).toBe(Math.floor(ctl.displayTime));
  });

  it('redraws after a seek by someone else even while paused (no frames running)', async () => {
    const { ctl, painter, session } = stage(drPreset, { speed: 1 });
    watch(ctl, painter, 120);
    ctl.pause();
    const draws = painter.draws;
    session.seek(500_000);
    await Promise.resolve();
    expect(painter.draws).toBeGreaterThan(draws);
    expect(ctl.displayTime).toBe(500_000);
  });

  it('reports display time about ten times a second while playing, and on pause', () => {
    const { ctl } = stage(drPreset);
    const times: number[] = [];
    ctl.onTime((t) => times.push(t));
    for (let i = 0; i < 60; i++) ctl.frame(FRAME);
    expect(times.length).toBeGreaterThanOrEqual(9);
    expect(times.length).toBeLessThanOrEqual(11);
    ctl.pause();
    expect(times.at(-1)).toBe(ctl.displayTime);
  });
});

describe('picking and looks', () => {
  it('selects the packet under a click, with its full headers', () => {
    const { ctl, painter } = stage(drPreset, { speed: 1 });
    let p: ScreenItem | undefined;
    for (let i = 0; i < 600 && !p; i++) {
      ctl.frame(FRAME);
      p = painter.onScreen().find((x) => x.kind === 'packet' && x.shape === 'square');
    }
    expect(p).toBeDefined();
    ctl.pause();
    const got: Selection[] = [];
    ctl.onSelect((s) => got.push(s));
    const sel = ctl.pick(p!.x, p!.y);
    expect(sel?.kind).toBe('packet');
    expect(got).toEqual([sel]);
    if (sel?.kind !== 'packet') throw new Error('no packet');
    expect(sel.event.type).toBe('link.tx');
    expect(sel.event.frame.ip?.l4.kind).toBe('tcp');
    expect(ctl.lastFrame()!.packets.some((x) => x.selected)).toBe(true);
    // A node; then the background clears the selection.
    const dir = ctl.layout.nodes.find((n) => n.id === 'director')!;
    expect(ctl.pick(dir.x, dir.y)).toEqual({ kind: 'node', name: 'director' });
    expect(painter.selectedNode).toBe('director');
    expect(ctl.pick(-50, -50)).toBeNull();
  });

  it('redraws at once when looks change while paused', () => {
    const { ctl, painter } = stage(drPreset, { speed: 1 });
    watch(ctl, painter, 90);
    ctl.pause();
    const draws = painter.draws;
    ctl.setColourMode('server');
    ctl.highlight({ node: 'rs1' });
    ctl.setReducedMotion(true);
    expect(painter.draws).toBe(draws + 3);
    expect(painter.highlightNode).toBe('rs1');
    expect(painter.onScreen().filter((x) => x.kind === 'packet').every((x) => x.progress === 1)).toBe(true);
  });

  it('re-lays out on resize', () => {
    const { ctl, painter } = stage(drPreset);
    ctl.resize(600, 300);
    expect(painter.layout?.width).toBe(600);
    expect(painter.layouts).toBe(2);
  });
});

describe('heavy traffic', () => {
  it('slows the lab down rather than the page when it cannot keep up (the governor)', () => {
    const { ctl, session } = stage(drPreset, { speed: 10 });
    session.apply({ type: 'traffic', rate: 100 });
    // Make every hop cost 50 µs of wall time, as a slow machine would.
    session.lab.world.trace.subscribe((e) => {
      if (e.type !== 'link.tx') return;
      const until = performance.now() + 0.05;
      while (performance.now() < until);
    });
    for (let i = 0; i < 60; i++) ctl.frame(FRAME);
    const st = ctl.stats();
    expect(st.coreMs).toBeLessThan(30);
    expect(st.achievedSpeed).toBeGreaterThan(0);
    expect(st.achievedSpeed).toBeLessThan(5);
    expect(session.lab.now).toBe(Math.floor(ctl.displayTime));
  });

  it('aggregates ~2,000 connections/s into streams, keeping frames bounded', () => {
    const { ctl, painter, session } = stage(drPreset, { speed: 1 });
    session.apply({ type: 'traffic', rate: 1000 }); // 1,000 sessions/s ≈ 1,970 new connections/s at steady state
    let maxPackets = 0;
    for (let i = 0; i < 180; i++) {
      ctl.frame(FRAME);
      maxPackets = Math.max(maxPackets, painter.onScreen().filter((x) => x.kind === 'packet').length);
    }
    const st = ctl.stats();
    expect(st.streams).toBeGreaterThan(5);
    expect(st.streamed).toBeGreaterThan(st.recorded);
    expect(maxPackets).toBeLessThanOrEqual(1500);
    expect(st.ring).toBeLessThanOrEqual(8192);
    const streams = painter.onScreen().filter((x) => x.kind === 'stream');
    expect(streams.some((s) => (s.rate ?? 0) > 1000)).toBe(true);
  });
});
