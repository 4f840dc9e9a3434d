/**
 * The lab canvas: every packet of the running lab, drawn with pixi.js. This file is the
 * pixi adapter (canvas, ticker, input); the logic lives in controller.ts (clock + scene
 * model, tested in Node with a headless painter) and the drawing in pixi-painter.ts.
 *
 * API for the UI:
 *
 *   const stage = await createStage(hostElement, { session, speed: 1, playing: true });
 *
 *   stage.play() / stage.pause() / stage.playing       run or hold the lab (display time)
 *   stage.setSpeed(x) / stage.speed                    simulated s per wall s, 0.01..10
 *   stage.displayTime                                  simulated µs shown (= session.lab.now)
 *   stage.step()                                       pause, run to the next event a learner
 *                                                      sees (hop, drop, rewrite, ctl) and show
 *                                                      it; returns that TraceEvent
 *   stage.stepBack()                                   back to the previous hop (seek + step)
 *   stage.seek(t)                                      go to simulated µs t (session.seek) and
 *                                                      redraw what is on the wire then. Prefer it
 *                                                      to session.seek: that works too, but
 *                                                      packets in flight at t are then missed
 *   stage.setColourMode('connection' | 'server')       colour packets by connection (client
 *                                                      end hash) or by the real server IPVS chose
 *   stage.setReducedMotion(true | false | null)        null = follow prefers-reduced-motion
 *   stage.highlight({ node?, conn? })                  table-row hover: conn is the client end
 *                                                      "203.0.113.10:40123" (ipvsadm -Lnc "From")
 *   stage.onSelect(cb) → unsubscribe                   clicks: {kind:'packet', event} (a link.tx
 *                                                      with full headers), {kind:'drop', event},
 *                                                      {kind:'node', name} or null (background)
 *   stage.onTime(cb) → unsubscribe                     display time, ≤ 10×/s while playing, and
 *                                                      on play/pause/step/seek
 *   stage.zoom / stage.setZoom(z) / stage.resetView()  wheel zooms, drag pans
 *   stage.visiblePackets()                             packets drawn now, at canvas CSS px
 *   stage.clickAt(x, y) / stage.toScreen(x, y)         pick at / place a canvas point
 *   stage.pixels()                                     the picture, read back through pixi
 *   stage.stats()                                      fps, packets, streams, per-frame ms (lab,
 *                                                      scene, render), achievedSpeed (below
 *                                                      speed when the lab cannot keep up),
 *                                                      first frame time...
 *   stage.session / stage.layout / stage.app           what it draws, and pixi's Application
 *   stage.destroy()
 *
 * createStage resolves once the first (still) frame is drawn. Options: playing (default
 * true), speed (default 1), colourMode, reducedMotion (default: the OS setting), scene
 * (tuning of the LOD and stretch, see scene/scene.ts). Legend material: PACKET_COLOURS,
 * SHAPE_MEANING (palette.ts); real-server boxes carry a dot in their "by server" colour.
 *
 * MOTION_NOTE (clock.ts) is the sentence to show next to the speed control: packet motion
 * is slowed for the eye (each hop drawn ≥ 0.3 s).
 *
 * pixi.js is imported lazily so the page shell paints before the renderer loads, and so
 * importing this module type-only costs nothing in Node. The ticker runs only while time
 * runs or a step animates, and stops while the page is hidden.
 */
import type { Application, Container } from 'pixi.js';
import type { LabSession } from '../core/session';
import type { TraceEvent } from '../core/sim/trace';
import { StageController, type Selection, type StageOptions, type StageStats } from './controller';
import type { Layout } from './layout';
import { BACKGROUND } from './palette';
import { PixiPainter } from './pixi-painter';
import type { ColourMode, LinkTx } from './scene/types';

export { MOTION_NOTE, MIN_SPEED, MAX_SPEED } from './clock';
export type { Selection, StageStats } from './controller';
export type { ColourMode, LinkTx, DropEvent } from './scene/types';
export { SHAPE_MEANING, PACKET_COLOURS } from './palette';

export interface StagePixels {
  width: number;
  height: number;
  /** RGBA, row-major, `width * height * 4` bytes. */
  pixels: Uint8ClampedArray;
}

export interface LabStageStats extends StageStats {
  /** Wall ms per frame in pixi's render on the main thread (median); GL work runs on in the GPU process. */
  renderMs: number;
  /** performance.now() of the first animated frame (the ticker's first frame while playing). */
  firstFrameAt: number | null;
  /** performance.now() of the first frame with a packet on screen. */
  firstPacketAt: number | null;
}

export interface LabStage {
  readonly app: Application;
  readonly session: LabSession;
  /** Node boxes and cables, in layout pixels (before zoom and pan). */
  readonly layout: Layout;
  readonly playing: boolean;
  readonly displayTime: number;
  readonly speed: number;
  readonly colourMode: ColourMode;
  readonly zoom: number;
  play(): void;
  pause(): void;
  setSpeed(x: number): void;
  step(): TraceEvent | undefined;
  stepBack(): TraceEvent | undefined;
  seek(t: number): void;
  setColourMode(mode: ColourMode): void;
  setReducedMotion(on: boolean | null): void;
  highlight(h: { node?: string | null; conn?: string | null }): void;
  onSelect(cb: (s: Selection) => void): () => void;
  onTime(cb: (t: number) => void): () => void;
  /** Zoom to `z` (0.25..8) around a point in CSS pixels of the canvas (default: its centre). */
  setZoom(z: number, around?: { x: number; y: number }): void;
  resetView(): void;
  /** Where a layout point is on the canvas, in CSS pixels (after zoom and pan). */
  toScreen(x: number, y: number): { x: number; y: number };
  /** Select what is at a canvas point (CSS pixels), as a click there would. */
  clickAt(x: number, y: number): Selection;
  /** The packets drawn in the last frame, at canvas CSS pixels (tests, tooltips). */
  visiblePackets(): { x: number; y: number; event: LinkTx }[];
  readonly reducedMotion: boolean;
  /**
   * The rendered picture read back through pixi (`renderer.extract`). Reading the WebGL
   * canvas through a 2D canvas returns blank pixels, see STACK.md.
   */
  pixels(): StagePixels;
  stats(): LabStageStats;
  destroy(): void;
}

export interface CreateStageOptions extends StageOptions {
  session: LabSession;
}

/** performance marks, read by test/bench/render.ts to split the time to the first frame. */
function mark(name: string): void {
  globalThis.performance?.mark?.(name);
}

function medianOf(a: readonly number[]): number {
  const s = [...a].sort((p, q) => p - q);
  return s[s.length >> 1] ?? 0;
}

const MIN_ZOOM = 0.25;
const MAX_ZOOM = 8;

export async function createStage(host: HTMLElement, options: CreateStageOptions): Promise<LabStage> {
  mark('lab-stage:start');
  const PIXI = await import('./pixi');
  mark('lab-stage:pixi-loaded');
  const app = new PIXI.Application();
  await app.init({
    background: BACKGROUND,
    resizeTo: host,
    antialias: false,
    autoDensity: true,
    resolution: Math.min(2, globalThis.devicePixelRatio || 1),
    autoStart: false,
    // pixi.ts imports the few extensions used; skip pixi's browser defaults (bundle size).
    manageImports: false,
  });
  mark('lab-stage:renderer-ready');
  const canvas = app.canvas;
  canvas.setAttribute('aria-hidden', 'true');
  canvas.style.touchAction = 'none';
  host.appendChild(canvas);

  const root: Container = app.stage;
  const painter = new PixiPainter(PIXI, app.renderer, root);
  const world = painter.world;
  const motionQuery = globalThis.matchMedia?.('(prefers-reduced-motion: reduce)');
  let reducedOverride: boolean | null = options.reducedMotion ?? null;
  const ctl = new StageController(options.session, painter, { width: app.screen.width, height: app.screen.height }, {
    ...options,
    reducedMotion: reducedOverride ?? motionQuery?.matches ?? false,
  });

  let firstFrameAt: number | null = null;
  let firstPacketAt: number | null = null;
  const update = (ticker: { elapsedMS: number }) => {
    const f = ctl.frame(ticker.elapsedMS);
    if (firstFrameAt === null && ctl.playing) {
      firstFrameAt = performance.now();
      mark('lab-stage:first-frame');
    }
    if (firstPacketAt === null && f.packets.length > 0) firstPacketAt = performance.now();
    if (!ctl.moving) app.ticker.stop(); // this tick still renders (pixi's render runs after us)
  };
  app.ticker.add(update);
  // Runs after pixi's own render listener (priority LOW = -25): times the render.
  const renderMs: number[] = [];
  let renderStart = 0;
  const beforeRender = () => (renderStart = performance.now());
  const afterRender = () => {
    renderMs.push(performance.now() - renderStart);
    if (renderMs.length > 60) renderMs.shift();
  };
  app.ticker.add(beforeRender, undefined, -24);
  app.ticker.add(afterRender, undefined, -50);
  const wake = () => {
    if (!document.hidden && !app.ticker.started) app.ticker.start();
  };
  const renderNow = () => {
    if (!app.ticker.started) app.render();
  };
  ctl.wake = wake;
  ctl.requestRender = renderNow;

  // ---------------------------------------------------------------- resize, visibility, motion
  const onResize = () => {
    ctl.resize(app.screen.width, app.screen.height);
    renderNow();
  };
  const observer = new ResizeObserver(() => app.resize());
  observer.observe(host);
  app.renderer.on('resize', onResize);

  const onVisibility = () => {
    if (document.hidden) app.ticker.stop();
    else if (ctl.moving) wake();
  };
  document.addEventListener('visibilitychange', onVisibility);
  const onMotion = () => {
    if (reducedOverride === null) ctl.setReducedMotion(motionQuery?.matches ?? false);
  };
  motionQuery?.addEventListener('change', onMotion);

  // ---------------------------------------------------------------- zoom, pan, click
  const toLayout = (x: number, y: number) => ({ x: (x - world.x) / world.scale.x, y: (y - world.y) / world.scale.y });
  const setZoom = (z: number, around?: { x: number; y: number }) => {
    const c = around ?? { x: app.screen.width / 2, y: app.screen.height / 2 };
    const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));
    const at = toLayout(c.x, c.y);
    world.scale.set(next);
    world.position.set(c.x - at.x * next, c.y - at.y * next);
    renderNow();
  };
  const onWheel = (e: WheelEvent) => {
    e.preventDefault();
    setZoom(world.scale.x * Math.exp(-e.deltaY * 0.0015), { x: e.offsetX, y: e.offsetY });
  };
  let drag: { x: number; y: number; wx: number; wy: number; moved: boolean; id: number } | null = null;
  const onDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
    drag = { x: e.clientX, y: e.clientY, wx: world.x, wy: world.y, moved: false, id: e.pointerId };
    canvas.setPointerCapture?.(e.pointerId);
  };
  const onMove = (e: PointerEvent) => {
    if (!drag || e.pointerId !== drag.id) return;
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    drag.moved = true;
    world.position.set(drag.wx + dx, drag.wy + dy);
    renderNow();
  };
  const onUp = (e: PointerEvent) => {
    if (!drag || e.pointerId !== drag.id) return;
    const click = !drag.moved;
    drag = null;
    if (click) {
      const p = toLayout(e.offsetX, e.offsetY);
      ctl.pick(p.x, p.y);
    }
  };
  canvas.addEventListener('wheel', onWheel, { passive: false });
  canvas.addEventListener('pointerdown', onDown);
  canvas.addEventListener('pointermove', onMove);
  canvas.addEventListener('pointerup', onUp);
  canvas.addEventListener('pointercancel', () => (drag = null));

  ctl.draw();
  app.render();
  if (ctl.moving) wake();

  return {
    app,
    session: options.session,
    get layout() {
      return ctl.layout;
    },
    get playing() {
      return ctl.playing;
    },
    get displayTime() {
      return ctl.displayTime;
    },
    get speed() {
      return ctl.speed;
    },
    get colourMode() {
      return ctl.colourMode;
    },
    get zoom() {
      return world.scale.x;
    },
    play: () => ctl.play(),
    pause: () => ctl.pause(),
    setSpeed: (x) => ctl.setSpeed(x),
    step: () => ctl.step(),
    stepBack: () => ctl.stepBack(),
    seek: (t) => ctl.seek(t),
    setColourMode: (m) => ctl.setColourMode(m),
    setReducedMotion(on) {
      reducedOverride = on;
      ctl.setReducedMotion(on ?? motionQuery?.matches ?? false);
    },
    highlight: (h) => ctl.highlight(h),
    onSelect: (cb) => ctl.onSelect(cb),
    onTime: (cb) => ctl.onTime(cb),
    setZoom,
    resetView() {
      world.scale.set(1);
      world.position.set(0, 0);
      renderNow();
    },
    toScreen: (x, y) => ({ x: world.x + x * world.scale.x, y: world.y + y * world.scale.y }),
    get reducedMotion() {
      return ctl.reducedMotion;
    },
    visiblePackets() {
      const f = ctl.lastFrame();
      return (f?.packets ?? []).map((p) => ({ x: world.x + p.x * world.scale.x, y: world.y + p.y * world.scale.y, event: p.event }));
    },
    clickAt(x, y) {
      const p = toLayout(x, y);
      return ctl.pick(p.x, p.y);
    },
    pixels() {
      return app.renderer.extract.pixels({ target: app.stage, frame: app.screen, clearColor: BACKGROUND });
    },
    stats: () => ({ ...ctl.stats(), renderMs: Math.round(medianOf(renderMs) * 100) / 100, firstFrameAt, firstPacketAt }),
    destroy() {
      app.ticker.remove(update);
      app.ticker.remove(beforeRender);
      app.ticker.remove(afterRender);
      app.ticker.stop();
      observer.disconnect();
      document.removeEventListener('visibilitychange', onVisibility);
      motionQuery?.removeEventListener('change', onMotion);
      app.renderer.off('resize', onResize);
      canvas.removeEventListener('wheel', onWheel);
      ctl.destroy();
      painter.destroy();
      app.destroy({ removeView: true }, { children: true });
    },
  };
}
