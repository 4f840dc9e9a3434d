/**
 * The running lab behind the page: one LabSession, the transport (play, pause, speed,
 * step, step back, scrub) and the few reactive numbers the panels read.
 *
 * Time moves only through `session.seek` — forward by running, backward by rebuilding
 * and replaying the log — so commands the learner left in the future of a rewound lab are
 * replayed when time reaches them again. When the canvas offers its own transport (the
 * stage paces display time from pixi's ticker), the controller hands play/pause/speed/
 * step/seek to it and follows its `onTime`; otherwise it runs its own frame loop.
 *
 * Reactivity is coarse on purpose: `now` changes at most ~10×/s and `version` (the lab
 * changed: read it again) ~4×/s while playing, and at once after any action.
 */
import { LabSession, type LogEntry } from '../core/session';
import type { Lab } from '../core/lab';
import type { LabCommand, ScenarioInput } from '../core/scenario/schema';
import { previousTime, simDelta, DEFAULT_SPEED } from './transport';
import { presetOf, type PresetName } from './scenario-edit';
import { loadFor } from './features';

/** What the canvas may offer; every member optional until the stage grows it. */
export interface StageTransport {
  play?(): void;
  pause?(): void;
  setSpeed?(speed: number): void;
  step?(): unknown;
  stepBack?(): unknown;
  seek?(t: number): void;
  onTime?(fn: (t: number) => void): (() => void) | void;
}

export interface CommandRecord {
  id: number;
  t: number;
  /** What the learner sees: the real command line, e.g. `ipvsadm -E -t … -s wlc`. */
  text: string;
  node: string | undefined;
  ok: boolean;
  error?: string;
}

type LabWatcher = (lab: Lab, session: LabSession) => (() => void) | void;

const NOW_EVERY_MS = 100;
const VERSION_EVERY_MS = 250;
/** Replaying a long history yields to the page this often, and gives up after this long. */
const REPLAY_SLICE_MS = 40;
const REPLAY_BUDGET_MS = 20_000;
const REPLAY_CHUNK_US = 1_000_000;
/** Step forward looks this far ahead for the next event before giving up. */
const STEP_HORIZON_US = 10_000_000;

export class LabController {
  session: LabSession = $state.raw(undefined as unknown as LabSession);
  preset: PresetName | undefined = $state.raw(undefined);
  playing = $state(false);
  speed = $state(DEFAULT_SPEED);
  /** Simulated µs, refreshed at most ~10×/s while playing. */
  now = $state(0);
  /** The furthest time this session has reached (the scrubber's end). */
  horizon = $state(0);
  /** Bumped when panels should read the lab again. */
  version = $state(0);
  /** A long replay (restore, rewind) in progress: 0…1, or undefined. */
  replaying: number | undefined = $state(undefined);
  commands: CommandRecord[] = $state.raw([]);
  /** Number of sessions so far (a new one on every mode switch or rebuild). */
  generation = $state(0);

  private watchers = new Set<LabWatcher>();
  private cleanups = new Map<LabWatcher, () => void>();
  private unReset: (() => void) | undefined;
  private raf = 0;
  private lastFrame = 0;
  private lastNowAt = 0;
  private lastVersionAt = 0;
  private stage: StageTransport | undefined;
  private unTime: (() => void) | undefined;
  private cmdId = 0;
  /** Event times the event list knows, ascending; step back goes to the latest before now. */
  eventTimes: () => readonly number[] = () => [];
  /** Called after anything the learner did (for saving). */
  onChange: (() => void) | undefined;
  /**
   * Runs terminal lines instead of `session.terminal` (an open lesson routes them through
   * its LessonRun, so the step's goal sees them). Cleared by `setSession`.
   */
  lineRunner: ((line: string) => { output: string; exit: number }) | undefined;

  constructor(session: LabSession, preset?: PresetName) {
    this.setSession(session, preset);
  }

  get lab(): Lab {
    return this.session.lab;
  }

  /** Run `fn` on the current lab now and on every later one (rewind, new session); it may return a cleanup. */
  watchLab(fn: LabWatcher): () => void {
    this.watchers.add(fn);
    const c = fn(this.session.lab, this.session);
    if (c) this.cleanups.set(fn, c);
    return () => {
      this.cleanups.get(fn)?.();
      this.cleanups.delete(fn);
      this.watchers.delete(fn);
    };
  }

  private rewatch(lab: Lab): void {
    for (const fn of this.watchers) {
      this.cleanups.get(fn)?.();
      this.cleanups.delete(fn);
      const c = fn(lab, this.session);
      if (c) this.cleanups.set(fn, c);
    }
  }

  /** Switch to another session (mode switch, rebuild, restore). Pauses. */
  setSession(session: LabSession, preset?: PresetName): void {
    this.pause();
    // The canvas belongs to the old session; the page makes a new one for this session.
    this.unTime?.();
    this.unTime = undefined;
    this.stage = undefined;
    this.unReset?.();
    this.lineRunner = undefined;
    this.session = session;
    this.preset = preset ?? presetOf(session.scenario);
    this.unReset = session.onReset((lab) => this.rewatch(lab));
    this.rewatch(session.lab);
    this.commands = [];
    this.generation += 1;
    this.horizon = session.now;
    this.sync();
  }

  /**
   * A new session from a scenario and log, replayed to `now` in slices so the page stays
   * responsive; stops early (and says where) if the replay takes too long. The shell or HA
   * are loaded first if the scenario or log needs them (features.ts).
   */
  async load(scenario: unknown, log: readonly LogEntry[], now: number, preset?: PresetName): Promise<{ reached: number; complete: boolean }> {
    await loadFor(scenario, log);
    const session = LabSession.restore({ scenario, log, now: 0 });
    this.setSession(session, preset);
    return this.replayTo(now);
  }

  private async replayTo(target: number): Promise<{ reached: number; complete: boolean }> {
    const start = performance.now();
    this.replaying = 0;
    try {
      let sliceStart = performance.now();
      while (this.session.now < target) {
        this.session.seek(Math.min(target, this.session.now + REPLAY_CHUNK_US));
        this.horizon = Math.max(this.horizon, this.session.now);
        if (performance.now() - sliceStart > REPLAY_SLICE_MS) {
          this.replaying = this.session.now / target;
          this.sync();
          await new Promise((r) => setTimeout(r, 0));
          sliceStart = performance.now();
        }
        if (performance.now() - start > REPLAY_BUDGET_MS) break;
      }
    } finally {
      this.replaying = undefined;
      this.sync();
    }
    return { reached: this.session.now, complete: this.session.now >= target };
  }

  /** Hand the transport to the canvas (or take it back with undefined). */
  attachStage(stage: StageTransport | undefined): void {
    const wasPlaying = this.playing;
    this.pause();
    this.unTime?.();
    this.unTime = undefined;
    this.stage = stage?.play && stage.pause ? stage : undefined;
    if (this.stage) {
      this.stage.setSpeed?.(this.speed);
      const un = this.stage.onTime?.(() => this.tickFromStage());
      if (typeof un === 'function') this.unTime = un;
    }
    if (wasPlaying) this.play();
  }

  // ------------------------------------------------------------------ transport

  play(): void {
    if (this.playing || this.replaying !== undefined) return;
    this.playing = true;
    if (this.stage) {
      this.stage.play!();
      return;
    }
    this.lastFrame = 0;
    const frame = (t: number) => {
      if (!this.playing) return;
      if (this.lastFrame > 0) {
        const dt = simDelta(t - this.lastFrame, this.speed);
        if (dt > 0) this.session.seek(this.session.now + dt);
      }
      this.lastFrame = t;
      this.tick(t);
      this.raf = requestAnimationFrame(frame);
    };
    this.raf = requestAnimationFrame(frame);
  }

  pause(): void {
    if (!this.playing) return;
    this.playing = false;
    if (this.stage) this.stage.pause!();
    else cancelAnimationFrame(this.raf);
    this.sync();
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  setSpeed(speed: number): void {
    this.speed = speed;
    this.stage?.setSpeed?.(speed);
  }

  /** Run to the next moment something happens (a trace event), at most STEP_HORIZON_US ahead. */
  step(): void {
    this.pause();
    if (this.stage?.step) {
      this.stage.step();
      this.sync();
      return;
    }
    const lab = this.session.lab;
    const limit = lab.now + STEP_HORIZON_US;
    let seen = false;
    const un = lab.world.trace.subscribe(() => {
      seen = true;
    });
    try {
      while (!seen) {
        const next = lab.world.engine.nextAt();
        if (next === undefined || next > limit) {
          this.session.seek(limit);
          break;
        }
        this.session.seek(Math.max(next, lab.now));
        if (lab !== this.session.lab) break;
      }
    } finally {
      un();
    }
    this.sync();
  }

  /** Back to the previous moment something happened (rebuild + replay). */
  stepBack(): void {
    this.pause();
    if (this.stage?.stepBack) {
      this.stage.stepBack();
      this.sync();
      return;
    }
    const t = previousTime(this.eventTimes(), this.session.now);
    this.seek(t);
  }

  seek(t: number): void {
    this.pause();
    const target = Math.max(0, Math.round(t));
    if (this.stage?.seek) this.stage.seek(target);
    else this.session.seek(target);
    this.sync();
  }

  // ------------------------------------------------------------------ commands

  /** Send a command; `text` is the command line shown to the learner. */
  apply(cmd: LabCommand, text: string): CommandRecord {
    const t = this.session.now;
    const r = this.session.apply(cmd);
    const rec: CommandRecord = { id: ++this.cmdId, t, text, node: 'node' in cmd ? cmd.node : undefined, ok: r.ok, ...(r.ok ? {} : { error: r.error }) };
    this.commands = [rec, ...this.commands].slice(0, 50);
    this.sync();
    this.onChange?.();
    return rec;
  }

  /** A line typed in the terminal (through `lineRunner` when one is set). */
  terminal(line: string): { output: string; exit: number } {
    const r = this.lineRunner ? this.lineRunner(line) : this.session.terminal(line);
    this.sync();
    this.onChange?.();
    return r;
  }

  /** Rebuild the lab on a changed scenario, replaying the learner's log to the same time. */
  async rebuild(scenario: ScenarioInput): Promise<{ reached: number; complete: boolean }> {
    const st = this.session.toState();
    const r = await this.load(scenario, st.log, st.now, this.preset);
    this.onChange?.();
    return r;
  }

  // ------------------------------------------------------------------ reactivity

  private tick(wall: number): void {
    const now = this.session.now;
    if (now > this.horizon) this.horizon = now;
    if (wall - this.lastNowAt >= NOW_EVERY_MS) {
      this.lastNowAt = wall;
      this.now = now;
    }
    if (wall - this.lastVersionAt >= VERSION_EVERY_MS) {
      this.lastVersionAt = wall;
      this.version += 1;
    }
  }

  private tickFromStage(): void {
    this.tick(performance.now());
  }

  /** Publish the lab's state at once (after an action). */
  sync(): void {
    const now = this.session.now;
    this.now = now;
    if (now > this.horizon) this.horizon = now;
    this.version += 1;
  }

  destroy(): void {
    this.pause();
    this.unTime?.();
    this.unReset?.();
    for (const c of this.cleanups.values()) c();
    this.cleanups.clear();
    this.watchers.clear();
  }
}
