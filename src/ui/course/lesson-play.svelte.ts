/**
 * One lesson being played in the page: its LessonRun (src/lessons/runner.ts), whose
 * session is the page's session while the lesson is open, the current step, the hints
 * revealed so far, whether the step's goal is met, and "Show me".
 *
 * Lines typed in the terminal reach the run through the controller's `lineRunner`, so the
 * step's goal watcher sees them; the page polls `poll()` as simulated time moves.
 *
 * "Show me" does the step's solution as a learner would, one action at a time: typed lines
 * appear in the terminal, control clicks go through the controller (listed under "Commands
 * sent"), waits run the lab forward in visible slices; then the lab runs on until the goal
 * holds, at most the step's `within`, as `lesson check --solve` does.
 */
import { LessonRun } from '../../lessons/runner';
import type { Lesson, LessonStepMeta, Locale, StepText } from '../../lessons/schema';
import { parseDuration, type LabCommand } from '../../core/scenario/schema';
import type { LabController } from '../lab-controller.svelte';

/** What a lesson needs from the page. */
export interface LessonHost {
  readonly ctl: LabController;
  /** Type a line in the terminal, echoed as if typed (TerminalState.type). */
  typeLine(line: string): void;
  /** Bring the terminal into view (before "Show me" types). */
  showTerminal(): void;
  stepMet(lesson: string, step: string): void;
  stepChanged(lesson: string, index: number): void;
}

/** Pause between two "Show me" actions, wall ms. */
const ACTION_GAP_MS = 450;
/** One slice of a visible wait, wall ms. */
const FRAME_MS = 30;
const SLICES_PER_WAIT = 40;
const MIN_SLICE_US = 250_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class LessonPlay {
  readonly run: LessonRun;
  step = $state(0);
  hintsShown = $state(0);
  /** The current step's goal has been met since the step started. */
  met = $state(false);
  showing = $state(false);
  /** Steps whose solutions were played to start at a later step (0: none). */
  caughtUp = $state(0);
  private stopRequested = false;
  private closed = false;

  /** A lesson from its start, or from step `start` with the earlier solutions played headless first. */
  constructor(
    readonly lesson: Lesson,
    private readonly host: LessonHost,
    start = 0,
  ) {
    this.run = new LessonRun(lesson);
    const to = Math.max(0, Math.min(start, lesson.steps.length - 1));
    for (let i = 0; i < to; i++) {
      this.run.goTo(i);
      for (const a of lesson.steps[i]!.solution) this.run.perform(a);
      this.run.waitForGoal();
    }
    this.caughtUp = to;
    this.run.goTo(to);
    this.run.done.clear();
    this.step = to;
  }

  get current(): LessonStepMeta {
    return this.lesson.steps[this.step]!;
  }

  get isLast(): boolean {
    return this.step === this.lesson.steps.length - 1;
  }

  text(locale: Locale): StepText {
    return this.lesson.text[locale].steps[this.current.id] ?? { body: '', task: '', hints: [] };
  }

  /** Check the current step's goal (cheap enough at a few times a second); true once met. */
  poll(): boolean {
    if (this.closed) return false;
    if (this.met) return true;
    if (!this.run.check()) return false;
    this.met = true;
    this.host.stepMet(this.lesson.id, this.current.id);
    return true;
  }

  goTo(i: number): void {
    if (i < 0 || i >= this.lesson.steps.length || i === this.step) return;
    this.stopRequested = true;
    this.run.goTo(i);
    this.step = i;
    this.hintsShown = 0;
    this.met = false;
    this.caughtUp = 0;
    this.host.stepChanged(this.lesson.id, i);
  }

  next(): void {
    this.goTo(this.step + 1);
  }

  prev(): void {
    this.goTo(this.step - 1);
  }

  revealHint(total: number): void {
    if (this.hintsShown < total) this.hintsShown += 1;
  }

  stopShowing(): void {
    this.stopRequested = true;
  }

  /** The lesson is being left: stop "Show me", stop watching. */
  close(): void {
    this.stopRequested = true;
    this.closed = true;
  }

  async showMe(): Promise<void> {
    if (this.showing || this.closed) return;
    this.showing = true;
    this.stopRequested = false;
    const ctl = this.host.ctl;
    const wasPlaying = ctl.playing;
    const step = this.step;
    const live = () => !this.stopRequested && !this.closed && this.step === step;
    ctl.pause();
    try {
      const solution = this.current.solution;
      if (solution.some((a) => 'type' in a)) {
        this.host.showTerminal();
        await sleep(ACTION_GAP_MS); // let the terminal mount
      }
      for (const a of solution) {
        if (!live()) break;
        if ('type' in a) this.host.typeLine(a.type);
        else if ('do' in a) ctl.apply(a.do, commandText(a.do));
        else await this.fastForward(parseDuration(a.wait), live);
        this.poll();
        await sleep(ACTION_GAP_MS);
      }
      // Let the lab run until the goal holds, at most the step's `within`.
      const limit = ctl.session.now + parseDuration(this.current.within);
      while (live() && !this.poll() && ctl.session.now < limit) {
        await this.fastForward(Math.min(500_000, limit - ctl.session.now), live);
      }
    } finally {
      this.showing = false;
      if (wasPlaying && !this.closed) ctl.play();
    }
  }

  /** Run the lab `us` forward in slices the eye can follow (≤ SLICES_PER_WAIT frames). */
  private async fastForward(us: number, live: () => boolean): Promise<void> {
    const ctl = this.host.ctl;
    const end = ctl.session.now + us;
    const slice = Math.max(MIN_SLICE_US, Math.ceil(us / SLICES_PER_WAIT));
    while (live() && ctl.session.now < end) {
      ctl.seek(Math.min(end, ctl.session.now + slice));
      this.poll();
      await sleep(FRAME_MS);
    }
  }
}

/** The line a learner would read for a lab command (as the Controls panel words them). */
export function commandText(c: LabCommand): string {
  switch (c.type) {
    case 'power':
      return `lab power ${c.on ? 'on' : 'off'} ${c.node}`;
    case 'service':
      return `lab service ${c.state === 'running' ? 'start' : c.state === 'stopped' ? 'stop' : 'hang'} ${c.node}`;
    case 'slow':
      return `lab slow ${c.node} ${c.factor}`;
    case 'link':
      return `lab link ${c.up ? 'up' : 'down'} ${c.node}:${c.iface}`;
    case 'loss':
      return `lab loss ${c.node}:${c.iface} ${c.pct}`;
    case 'traffic':
      return c.rate !== undefined ? `lab traffic rate ${c.rate}/s` : `lab traffic ${c.running === false ? 'stop' : 'start'}`;
    case 'shell':
      return c.line;
    case 'daemon':
      return `systemctl ${c.action} ${c.daemon}  # on ${c.node}`;
  }
}
