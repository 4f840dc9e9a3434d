/**
 * A learner's session: the scenario, and everything they did — typed commands from the UI
 * and lines typed in the terminal — each at the simulated time it happened. Since the lab
 * is deterministic, (scenario, log) rebuilds any moment exactly: that is how time runs
 * backwards (seek), how a share link reproduces a lab, and how a reload restores it.
 *
 * The core knows nothing of the viewers: they call apply / terminal / advance / seek and
 * subscribe to `onReset` to re-attach to the new Lab after a seek.
 *
 * The shell is not imported here: the session is given a factory, or uses the one
 * registered with `useShell` (shell/provide.ts), and makes the shell on first use. A
 * session without a shell runs any lab whose scenario has no `shell` events; its
 * `shell`/`terminal` throw and `shell` commands are refused (`needsShell` tells ahead).
 */
import { Lab, type ApplyResult } from './lab';
import type { Shell, ShellResult } from './shell/shell';
import { defaultShell, type ShellFactory } from './shell/provide';
import { validateScenario, type LabCommand, type Scenario } from './scenario/schema';
import type { Micros } from './sim/engine';

export type LogEntry = { t: Micros; cmd: LabCommand } | { t: Micros; term: string };

export interface SessionState {
  scenario: Scenario;
  log: LogEntry[];
  /** Where the learner was in time. */
  now: Micros;
}

export interface SessionOptions {
  /** Makes the terminal's shell on each (re)built lab; default: the one registered with `useShell`. */
  shell?: ShellFactory;
}

/** Whether running this scenario and log needs the shell: `shell` events or commands, terminal lines. */
export function needsShell(scenario: Pick<Scenario, 'events'>, log: readonly LogEntry[] = []): boolean {
  return scenario.events.some((e) => e.cmd.type === 'shell') || log.some((e) => !('cmd' in e) || e.cmd.type === 'shell');
}

export class LabSession {
  lab!: Lab;
  readonly scenario: Scenario;
  private entries: LogEntry[] = [];
  private resetListeners: ((lab: Lab) => void)[] = [];
  private readonly shellFactory: ShellFactory | undefined;
  private currentShell: Shell | undefined;

  constructor(scenario: unknown, opts: SessionOptions = {}) {
    const v = validateScenario(scenario);
    if (!v.ok) throw new Error(v.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
    this.scenario = v.scenario;
    this.shellFactory = opts.shell;
    this.rebuild();
  }

  /** Restore a saved or shared session; throws with a readable message if it is invalid. */
  static restore(state: { scenario: unknown; log: readonly LogEntry[]; now: number }, opts: SessionOptions = {}): LabSession {
    const s = new LabSession(state.scenario, opts);
    s.entries = [...state.log].sort((a, b) => a.t - b.t);
    s.seek(state.now);
    return s;
  }

  /** Whether this session can have a shell now (given, registered, or already made). */
  get hasShell(): boolean {
    return this.currentShell !== undefined || (this.shellFactory ?? defaultShell()) !== undefined;
  }

  /** The terminal's shell on the current lab, made on first use; throws if there is none (see `hasShell`). */
  get shell(): Shell {
    const sh = this.shellIfAny();
    if (!sh) throw new Error('this lab has no shell: pass { shell } to LabSession or register one with useShell (src/core/shell/provide.ts)');
    return sh;
  }

  /** The shell, made now if it can be. It installs lab.shellRunner, which `shell` commands and scenario events run through. */
  private shellIfAny(): Shell | undefined {
    if (!this.currentShell) {
      const make = this.shellFactory ?? defaultShell();
      if (make) this.currentShell = make(this.lab);
    }
    return this.currentShell;
  }

  get log(): readonly LogEntry[] {
    return this.entries;
  }

  get now(): Micros {
    return this.lab.now;
  }

  onReset(fn: (lab: Lab) => void): () => void {
    this.resetListeners.push(fn);
    return () => {
      this.resetListeners = this.resetListeners.filter((f) => f !== fn);
    };
  }

  /** A typed command from the UI, now. Refused commands change nothing and are not logged. */
  apply(cmd: LabCommand): ApplyResult {
    if (cmd.type === 'shell') this.shellIfAny(); // none: the lab refuses it
    this.truncateFuture();
    const t = this.lab.now;
    const r = this.lab.apply(cmd);
    if (r.ok) this.record({ t, cmd });
    return r;
  }

  /** A line typed in the terminal (on whatever node the terminal is on). */
  terminal(input: string): ShellResult {
    const shell = this.shell;
    this.truncateFuture();
    const t = this.lab.now;
    this.record({ t, term: input });
    return shell.run(input);
  }

  advance(us: Micros): void {
    this.lab.advance(us);
  }

  /**
   * Go to simulated time `t`: forward by running, backward by rebuilding the lab and
   * replaying the log up to `t`. What lies after `t` in the log is kept until the learner
   * does something new there (then it is discarded: a new branch of history).
   */
  seek(t: Micros): void {
    const target = Math.max(0, Math.floor(t));
    if (target < this.lab.now) this.rebuild();
    this.replayUntil(target);
  }

  toState(): SessionState {
    return { scenario: this.scenario, log: [...this.entries], now: this.lab.now };
  }

  private replayed = 0;

  private rebuild(): void {
    this.lab = Lab.of(this.scenario);
    this.currentShell = undefined;
    // Scenario `shell` events run from the event queue: the shell must be there from the start.
    if (needsShell(this.scenario) && !this.shellIfAny()) throw new Error('this scenario runs shell lines (events): it needs a shell (pass { shell } to LabSession or register one with useShell)');
    this.replayed = 0;
    for (const f of this.resetListeners) f(this.lab);
  }

  private replayUntil(target: Micros): void {
    while (this.replayed < this.entries.length) {
      const e = this.entries[this.replayed]!;
      if (e.t > target) break;
      this.lab.runUntil(e.t);
      if (!('cmd' in e)) this.shell.run(e.term);
      else {
        if (e.cmd.type === 'shell') this.shellIfAny();
        this.lab.apply(e.cmd);
      }
      this.replayed++;
    }
    this.lab.runUntil(target);
  }

  private record(e: LogEntry): void {
    this.entries.push(e);
    this.replayed = this.entries.length;
  }

  /** Acting at a time before the end of the log forks history: the old future is dropped. */
  private truncateFuture(): void {
    if (this.replayed < this.entries.length) this.entries = this.entries.slice(0, this.replayed);
  }
}
