/**
 * A lesson being played: its session (the lab), the current step, and the watcher of the
 * step's goal. The UI and the headless checker drive it the same way: type lines, apply
 * commands, advance time, ask whether the goal is met, or let "show me" do the step.
 */
import { LabSession } from '../core/session';
import { PRESETS } from '../core/scenario/presets';
import { parseDuration, type LabCommand } from '../core/scenario/schema';
import { Shell, type ShellResult } from '../core/shell/shell';
import { GoalWatcher } from './goals';
import type { Action, Lesson } from './schema';

export function lessonScenario(lesson: Lesson): unknown {
  const lab = lesson.lab;
  if ('preset' in lab) {
    const make = PRESETS[lab.preset];
    if (!make) throw new Error(`lesson ${lesson.id}: no preset "${lab.preset}"`);
    return { ...make(), ...(lab.seed !== undefined ? { seed: lab.seed } : {}) };
  }
  return lab.scenario;
}

export class LessonRun {
  readonly session: LabSession;
  step = 0;
  private watcher: GoalWatcher;
  /** Steps whose goal has been met (they stay met). */
  readonly done = new Set<number>();

  constructor(readonly lesson: Lesson) {
    this.session = new LabSession(lessonScenario(lesson), { shell: (lab) => new Shell(lab) });
    this.watcher = this.watch();
    this.session.onReset(() => {
      // Time travel rebuilds the lab: evidence collected on the old one is gone.
      this.watcher.stop();
      this.watcher = this.watch();
    });
  }

  get current() {
    return this.lesson.steps[this.step]!;
  }

  get finished(): boolean {
    return this.done.size === this.lesson.steps.length;
  }

  /** Type a line in the terminal, as the learner does. */
  type(line: string): ShellResult {
    const node = this.session.shell.node;
    const r = this.session.terminal(line);
    this.watcher.typedLine(node, line, r.output);
    return r;
  }

  apply(cmd: LabCommand) {
    return this.session.apply(cmd);
  }

  advance(us: number): void {
    this.session.advance(us);
  }

  /** Is the current step's goal met? Marks it done when it is. */
  check(): boolean {
    const ok = this.watcher.met();
    if (ok) this.done.add(this.step);
    return ok;
  }

  /** Move to another step: its goal is watched from now on. */
  goTo(step: number): void {
    if (step < 0 || step >= this.lesson.steps.length) return;
    this.step = step;
    this.watcher.stop();
    this.watcher = this.watch();
  }

  next(): boolean {
    if (this.step + 1 >= this.lesson.steps.length) return false;
    this.goTo(this.step + 1);
    return true;
  }

  /** One action of a solution ("show me"), as the learner would do it. */
  perform(a: Action): string {
    if ('type' in a) return this.type(a.type).output;
    if ('do' in a) {
      const r = this.apply(a.do);
      return r.ok ? '' : r.error;
    }
    this.advance(parseDuration(a.wait));
    return '';
  }

  /** Run the lab for up to `within` of the step, checking the goal every 100 ms. */
  waitForGoal(): boolean {
    const limit = this.session.now + parseDuration(this.current.within);
    while (!this.check()) {
      if (this.session.now >= limit) return false;
      this.advance(100_000);
    }
    return true;
  }

  private watch(): GoalWatcher {
    return new GoalWatcher(this.session.lab, this.current.goal);
  }
}

export interface SolveReport {
  lesson: string;
  steps: { id: string; metAtStart: boolean; met: boolean; output: string }[];
  ok: boolean;
}

/** Play the whole lesson headless with its solutions (`lesson check --solve`). */
export function solveLesson(lesson: Lesson): SolveReport {
  const run = new LessonRun(lesson);
  const steps: SolveReport['steps'] = [];
  lesson.steps.forEach((s, i) => {
    run.goTo(i);
    const metAtStart = run.check();
    run.done.delete(i);
    let output = '';
    for (const a of s.solution) output += run.perform(a);
    const met = run.waitForGoal();
    steps.push({ id: s.id, metAtStart, met, output });
  });
  return { lesson: lesson.id, steps, ok: steps.every((s) => s.met && !s.metAtStart) };
}
