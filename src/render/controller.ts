/**
 * The stage's logic without pixi: it owns the display clock and the scene model, runs the
 * session's lab up to the display time each frame, follows the session across seeks, and
 * hands each frame to a Painter. stage.ts wraps it with pixi, input and the ticker; tests
 * drive it with the headless painter (test/unit/render/controller.test.ts).
 */
import type { LabSession } from '../core/session';
import type { Lab } from '../core/lab';
import type { TraceEvent } from '../core/sim/trace';
import { DisplayClock, clampSpeed } from './clock';
import { layoutTopology, type Layout } from './layout';
import type { Painter, ServerSwatch } from './painter';
import { serverColour } from './palette';
import { Scene, serverRanks, type SceneOptions } from './scene/scene';
import type { ColourMode, DropEvent, LinkTx, SceneFrame } from './scene/types';

export type Selection = { kind: 'packet'; event: LinkTx } | { kind: 'drop'; event: DropEvent } | { kind: 'node'; name: string } | null;

export interface StageOptions {
  /** Start playing at once (default true). */
  playing?: boolean;
  /** Simulated seconds per wall second, 0.01..10 (default 1). */
  speed?: number;
  colourMode?: ColourMode;
  reducedMotion?: boolean;
  /** Tuning of the scene model (LOD threshold, stretch): see scene/scene.ts. */
  scene?: Partial<SceneOptions>;
}

export interface StageStats {
  /** Frames per second, median over the last ~2 s of frames. */
  fps: number;
  packets: number;
  streams: number;
  drops: number;
  /** Hops remembered in the scene's ring. */
  ring: number;
  /** link.tx events seen / drawn one by one / only counted in streams, since the start. */
  ingested: number;
  recorded: number;
  streamed: number;
  displayTime: number;
  speed: number;
  /** Wall ms per frame running the lab, trace listeners included (median over recent frames). */
  coreMs: number;
  /** Wall ms per frame computing the scene and handing it to the painter (median). */
  drawMs: number;
  /**
   * Simulated seconds per wall second over the last ~2 s of frames while playing: below
   * `speed` when the lab cannot keep up and the governor holds it back.
   */
  achievedSpeed: number;
}

/** Events a step stops at: what a learner sees happen (not the per-device capture copies). */
function isStepEvent(ev: TraceEvent): boolean {
  return ev.type !== 'dev.rx' && ev.type !== 'dev.tx';
}

const TIME_EVERY_MS = 100;
/** Wall ms a frame may spend running the lab before the governor slows the lab down. */
const CORE_BUDGET_MS = 14;
const now = (): number => globalThis.performance?.now() ?? 0;

export class StageController {
  readonly clock: DisplayClock;
  readonly scene: Scene;
  layout: Layout;
  private attached: Lab | null = null;
  private unsubscribe: (() => void) | null = null;
  private selectListeners: ((s: Selection) => void)[] = [];
  private timeListeners: ((t: number) => void)[] = [];
  private sinceTime = 0;
  private frameMs: number[] = [];
  private coreMs: number[] = [];
  private drawMs: number[] = [];
  private advances: number[] = [];
  /** Wall ms the lab costs per simulated µs, smoothed over recent frames. */
  private costPerUs = 0;
  private last: SceneFrame | undefined;
  private servers: ServerSwatch[] = [];
  private unReset: () => void;
  private destroyed = false;
  /** Set by the adapter: draw once now (something changed while the ticker is stopped). */
  requestRender: () => void = () => {};
  /** Set by the adapter: the ticker must run (play, step animation). */
  wake: () => void = () => {};

  constructor(
    readonly session: LabSession,
    private readonly painter: Painter,
    size: { width: number; height: number },
    opts: StageOptions = {},
  ) {
    this.clock = new DisplayClock(opts.speed ?? 1);
    this.clock.playing = opts.playing ?? true;
    this.layout = layoutTopology(session.lab.topology(), size);
    this.scene = new Scene(this.layout, opts.scene);
    this.scene.mode = opts.colourMode ?? 'connection';
    this.scene.reducedMotion = opts.reducedMotion ?? false;
    const scenario = session.scenario;
    const ranks = serverRanks(scenario.nodes);
    this.scene.setServers(ranks);
    this.servers = scenario.nodes.filter((n) => n.kind === 'rs').map((n, i) => ({ node: n.name, colour: serverColour(i) }));
    this.painter.setLayout(this.layout, this.servers);
    this.attach(session.lab);
    this.clock.jump(session.lab.now);
    // A seek by someone else rebuilds the Lab (this fires before its replay): once the seek
    // is over, follow and redraw, even if the ticker is stopped (a scrub while paused).
    this.unReset = session.onReset(() => {
      queueMicrotask(() => {
        if (this.destroyed) return;
        this.follow();
        this.draw();
        this.requestRender();
      });
    });
  }

  // ------------------------------------------------------------------ following the lab

  private attach(lab: Lab): void {
    this.detach();
    this.attached = lab;
    const scene = this.scene;
    this.unsubscribe = lab.world.trace.subscribe((ev) => scene.ingest(ev));
  }

  private detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.attached = null;
  }

  /**
   * The session may have moved without us (its own seek rebuilt the Lab, or someone called
   * advance): follow it. Packets already on the wire at that moment are not shown; use
   * `seek` to get them.
   */
  private follow(): void {
    const lab = this.session.lab;
    if (lab !== this.attached) {
      this.scene.reset();
      this.attach(lab);
      this.clock.jump(lab.now);
    } else if (lab.now !== Math.floor(this.clock.displayTime)) {
      this.clock.jump(lab.now);
    }
  }

  // ------------------------------------------------------------------ frames

  /** One animation frame: advance the clock by `elapsedMs` of wall time, run the lab, draw. */
  frame(elapsedMs: number): SceneFrame {
    this.follow();
    const lab = this.session.lab;
    const c = this.clock;
    this.scene.anchor(c.displayTime, c.visualTime, c.speed);
    let target = Math.floor(c.tick(elapsedMs));
    let advanced = 0;
    if (target > lab.now) {
      // Governor: from what recent frames paid per simulated µs, run no more simulated time
      // than fits in the budget. A lab too busy for the speed asked then runs slower
      // (stats().achievedSpeed) instead of the page stuttering.
      const from = lab.now;
      if (this.costPerUs > 0) {
        const allow = Math.max(1, Math.floor(CORE_BUDGET_MS / this.costPerUs));
        if (from + allow < target) {
          target = from + allow;
          c.jump(target);
        }
      }
      const t0 = now();
      // Through the session, not lab.runUntil: after a rewind, the learner's later commands
      // in the log must happen again as time passes them (as a share link would replay them).
      this.session.seek(target);
      const ms = now() - t0;
      advanced = target - from;
      const cost = ms / advanced;
      this.costPerUs = this.costPerUs === 0 ? cost : 0.8 * this.costPerUs + 0.2 * cost;
      push(this.coreMs, ms, 60);
    }
    push(this.advances, c.playing ? advanced : 0, 120);
    push(this.frameMs, elapsedMs, 120);
    const t1 = now();
    const f = this.draw();
    push(this.drawMs, now() - t1, 60);
    this.sinceTime += elapsedMs;
    if (this.sinceTime >= TIME_EVERY_MS && c.playing) this.emitTime();
    return f;
  }

  /** Draw the current state again without advancing (highlight, mode, resize while paused). */
  draw(): SceneFrame {
    const f = this.scene.frame(this.clock.visualTime, this.session.lab.now);
    this.painter.draw(f);
    this.last = f;
    return f;
  }

  resize(width: number, height: number): void {
    this.layout = layoutTopology(this.session.lab.topology(), { width, height });
    this.scene.setLayout(this.layout);
    this.painter.setLayout(this.layout, this.servers);
    this.draw();
  }

  // ------------------------------------------------------------------ time controls

  get playing(): boolean {
    return this.clock.playing;
  }

  get displayTime(): number {
    return this.clock.displayTime;
  }

  get speed(): number {
    return this.clock.speed;
  }

  /** Whether frames are needed: playing, or a step still animating. */
  get moving(): boolean {
    return this.clock.moving;
  }

  play(): void {
    if (this.clock.playing) return;
    this.follow();
    this.clock.playing = true;
    this.emitTime();
    this.wake();
  }

  pause(): void {
    if (!this.clock.playing) return;
    this.clock.playing = false;
    this.emitTime();
    this.requestRender();
  }

  setSpeed(x: number): void {
    this.clock.speed = clampSpeed(x);
  }

  /**
   * Pause, run the lab to its next event a learner would see (a hop, a drop, a rewrite,
   * a control change) and show it: the picture plays on until that hop is drawn. Returns
   * the first such event, or undefined when the lab has nothing left to do.
   */
  step(): TraceEvent | undefined {
    this.pause();
    this.follow();
    const lab = this.session.lab;
    const engine = lab.world.engine;
    let got: TraceEvent | undefined;
    const off = lab.world.trace.subscribe((ev) => {
      if (!got && isStepEvent(ev)) got = ev;
    });
    try {
      for (let i = 0; i < 1_000_000 && !got; i++) {
        const next = engine.nextAt();
        if (next === undefined) break;
        this.scene.anchor(next, this.clock.visualTime, this.clock.speed);
        this.session.seek(next);
      }
    } finally {
      off();
    }
    this.clock.jump(lab.now);
    const settle = Math.min(this.scene.settledAt - this.clock.visualTime, this.scene.opts.maxChainLagMs + this.scene.opts.minHopMs);
    this.clock.animateStep(Math.max(this.scene.opts.minHopMs, settle) + 50);
    this.emitTime();
    this.wake();
    return got;
  }

  /**
   * Go back to the previous hop still remembered and show it (seek + step): always to a
   * time before now. Without a remembered hop, go back 1 ms. Returns the event stepped to.
   */
  stepBack(): TraceEvent | undefined {
    this.pause();
    this.follow();
    const t = this.session.lab.now;
    if (t <= 0) return undefined;
    const prev = this.scene.lastHopBefore(t);
    if (!prev) {
      this.seek(Math.max(0, t - 1000));
      return undefined;
    }
    this.seek(Math.max(0, prev.t - 1));
    const ev = this.step();
    // Stepping forward from just before the previous hop must land before where we were;
    // if it did not (the hop was not re-emitted as a step event), show that hop's moment.
    if (this.session.lab.now >= t) {
      this.seek(prev.t);
      return prev;
    }
    return ev;
  }

  /**
   * Show simulated time `t` (µs): the session seeks (backwards = rebuild and replay), and
   * the scene is rebuilt from the last moments before `t`, so packets on the wire at `t`
   * are drawn where they are.
   */
  seek(t: number): void {
    const target = Math.max(0, Math.floor(t));
    const s = this.session;
    // Replay the lead-in with the trace silent (fast), then listen for the last stretch.
    const leadIn = Math.min(1_000_000, Math.ceil(this.scene.opts.maxChainLagMs * this.clock.speed * 1000));
    this.detach();
    const from = Math.max(0, target - leadIn);
    s.seek(target >= s.lab.now ? Math.max(s.lab.now, from) : from);
    this.scene.reset();
    this.attach(s.lab);
    this.scene.anchor(target, this.clock.visualTime, this.clock.speed);
    s.seek(target);
    this.clock.jump(s.lab.now);
    this.emitTime();
    this.draw();
    this.requestRender();
  }

  // ------------------------------------------------------------------ looks

  setColourMode(mode: ColourMode): void {
    this.scene.mode = mode;
    this.redrawSoon();
  }

  get colourMode(): ColourMode {
    return this.scene.mode;
  }

  setReducedMotion(on: boolean): void {
    this.scene.reducedMotion = on;
    this.redrawSoon();
  }

  get reducedMotion(): boolean {
    return this.scene.reducedMotion;
  }

  /** Emphasise one node's cables or one connection ("203.0.113.10:40123", its client end); others dim. */
  highlight(h: { node?: string | null; conn?: string | null }): void {
    this.scene.highlight(h);
    this.redrawSoon();
  }

  private redrawSoon(): void {
    if (!this.clock.moving) {
      this.draw();
      this.requestRender();
    }
  }

  // ------------------------------------------------------------------ picking

  /** A click at layout point (x, y): select what is there (or nothing) and tell the listeners. */
  pick(x: number, y: number): Selection {
    const hit = this.scene.hitTest(x, y);
    let sel: Selection = null;
    if (hit?.kind === 'packet') sel = { kind: 'packet', event: hit.event };
    else if (hit?.kind === 'drop') sel = { kind: 'drop', event: hit.event };
    else if (hit?.kind === 'node') sel = { kind: 'node', name: hit.name };
    this.scene.select(hit?.kind === 'packet' ? hit.id : null);
    this.scene.selectNode(hit?.kind === 'node' ? hit.name : null);
    this.redrawSoon();
    for (const f of this.selectListeners) f(sel);
    return sel;
  }

  /** The last frame drawn (its arrays are reused by the next one). */
  lastFrame(): SceneFrame | undefined {
    return this.last;
  }

  onSelect(cb: (s: Selection) => void): () => void {
    this.selectListeners.push(cb);
    return () => {
      this.selectListeners = this.selectListeners.filter((f) => f !== cb);
    };
  }

  onTime(cb: (t: number) => void): () => void {
    this.timeListeners.push(cb);
    return () => {
      this.timeListeners = this.timeListeners.filter((f) => f !== cb);
    };
  }

  private emitTime(): void {
    this.sinceTime = 0;
    const t = this.clock.displayTime;
    for (const f of this.timeListeners) f(t);
  }

  stats(): StageStats {
    const f = this.last;
    const c = this.scene.counters;
    const med = median(this.frameMs);
    return {
      fps: med > 0 ? Math.round((1000 / med) * 10) / 10 : 0,
      packets: f?.packets.length ?? 0,
      streams: f?.streams.length ?? 0,
      drops: f?.drops.length ?? 0,
      ring: this.scene.size,
      ingested: c.ingested,
      recorded: c.recorded,
      streamed: c.streamed,
      displayTime: this.clock.displayTime,
      speed: this.clock.speed,
      coreMs: Math.round(median(this.coreMs) * 100) / 100,
      drawMs: Math.round(median(this.drawMs) * 100) / 100,
      achievedSpeed: achieved(this.advances, this.frameMs),
    };
  }

  destroy(): void {
    this.destroyed = true;
    this.unReset();
    this.detach();
    this.selectListeners = [];
    this.timeListeners = [];
  }
}

function push(a: number[], x: number, max: number): void {
  a.push(x);
  if (a.length > max) a.shift();
}

/** Simulated µs advanced over wall ms elapsed, as a speed (× real time), over the frames that advanced. */
function achieved(advances: readonly number[], frameMs: readonly number[]): number {
  let sim = 0;
  let wall = 0;
  const n = Math.min(advances.length, frameMs.length);
  for (let i = 1; i <= n; i++) {
    const a = advances[advances.length - i]!;
    if (a <= 0) continue;
    sim += a;
    wall += frameMs[frameMs.length - i]!;
  }
  return wall > 0 ? Math.round((sim / 1000 / wall) * 100) / 100 : 0;
}

function median(a: readonly number[]): number {
  if (a.length === 0) return 0;
  const s = [...a].sort((p, q) => p - q);
  return s[s.length >> 1]!;
}
