/**
 * The course: the lesson list with the learner's progress, the lesson being played, and
 * the way back to the free lab. Loaded with `import()` when the learner opens the course
 * (or follows a `#lesson=…` link), so none of it — the lesson engine, yaml, marked,
 * DOMPurify, the lesson texts — is in the page's entry.
 *
 * While a lesson is open its LabSession is the page's session: the canvas, tables and
 * terminal show the lesson's lab, and the free lab waits in memory (saved first), to come
 * back unchanged when the learner leaves the lesson. The page's own saving of the lab
 * skips lesson labs (app-state.svelte.ts asks `active`).
 */
import type { LabSession } from '../../core/session';
import type { Lesson } from '../../lessons/schema';
import type { LessonLink } from '../../share/lesson-link';
import { lessonFragment } from '../../share/lesson-link';
import type { Locale } from '../i18n/translate';
import type { PresetName } from '../scenario-edit';
import { loadCatalog, stepIndex, type Catalog, type LessonSources } from './catalog';
import { LessonPlay, type LessonHost } from './lesson-play.svelte';
import type { RenderMarkdown } from './markdown';
import { ct, type CourseKey } from './messages';
import { PROGRESS_FILE_MAX, emptyProgress, exportProgress, importProgress, lessonProgress, loadProgress, markDone, saveProgress, setAt, type Progress, type ProgressError } from './progress';
import { lessonSkeleton } from './skeleton';

/** What the course needs from the page's root state (LabApp). */
export interface CourseHost extends Omit<LessonHost, 'stepMet' | 'stepChanged'> {
  readonly i18n: { readonly locale: Locale };
  /** Save the free lab now (before a lesson takes the page). */
  saveNow(): void;
  scheduleSave(): void;
}

/** The browser's side (page-env.ts), or fakes in tests. */
export interface CourseEnv {
  storage?: Pick<Storage, 'getItem' | 'setItem'> | undefined;
  download(fileName: string, text: string, mime: string): void;
  /** Show `#fragment` in the address bar without navigating ('' clears it). */
  replaceHash(fragment: string): void;
  now(): Date;
  markdown: RenderMarkdown;
  sources?: LessonSources;
}

export interface CourseMessage {
  id: number;
  level: 'error' | 'info';
  key: CourseKey;
  params?: Record<string, string | number>;
  /** Technical detail (a JSON path, a parser message): shown as text. */
  detail?: string;
}

export class CourseState {
  lessons: Lesson[] = $state.raw([]);
  broken: Catalog['broken'] = $state.raw([]);
  loaded = $state(false);
  progress: Progress = $state.raw(emptyProgress());
  /** The lesson being played; undefined in the free lab. */
  active: LessonPlay | undefined = $state.raw(undefined);
  /** What the course pane shows: the lesson list or the open lesson. */
  view: 'list' | 'lesson' = $state('list');
  messages: CourseMessage[] = $state.raw([]);

  private sandbox: { session: LabSession; preset: PresetName | undefined; playing: boolean } | undefined;
  private loading: Promise<void> | undefined;
  private saveRefused = false;
  private messageId = 0;
  private html = new Map<string, string>();

  constructor(
    private readonly host: CourseHost,
    private readonly env: CourseEnv,
  ) {
    const p = loadProgress(env.storage);
    this.progress = p.progress;
    if (p.kind === 'corrupt') this.say('info', 'course.storeCorrupt', { reason: this.errorText(p.error) }, p.detail);
  }

  get locale(): Locale {
    return this.host.i18n.locale;
  }

  t = (key: CourseKey, params?: Readonly<Record<string, string | number>>): string => ct(this.host.i18n.locale, key, params);

  /** Lesson Markdown as sanitized HTML (cached: the texts do not change). */
  render(markdown: string): string {
    let h = this.html.get(markdown);
    if (h === undefined) {
      h = this.env.markdown(markdown);
      if (this.html.size > 500) this.html.clear();
      this.html.set(markdown, h);
    }
    return h;
  }

  load(): Promise<void> {
    this.loading ??= loadCatalog(this.env.sources).then((c) => {
      this.lessons = c.lessons;
      this.broken = c.broken;
      this.loaded = true;
    });
    return this.loading;
  }

  lesson(id: string): Lesson | undefined {
    return this.lessons.find((l) => l.id === id);
  }

  progressOf(lesson: Lesson): { done: number; total: number; finished: boolean } {
    return lessonProgress(
      this.progress,
      lesson.id,
      lesson.steps.map((s) => s.id),
    );
  }

  isDone(lesson: Lesson, stepId: string): boolean {
    return this.progress.lessons[lesson.id]?.done.includes(stepId) ?? false;
  }

  // ------------------------------------------------------------------ opening and leaving

  /** Follow a link (`#lesson=ID&step=N`); an unknown lesson shows the list and says so. */
  async follow(link: LessonLink): Promise<void> {
    await this.load();
    const lesson = this.lesson(link.lesson);
    if (!lesson) {
      this.say('error', 'course.unknown', { id: link.lesson.slice(0, 60) });
      this.view = 'list';
      if (!this.active) this.env.replaceHash('');
      return;
    }
    const at = stepIndex(lesson, link.step);
    if (this.active?.lesson.id === lesson.id && (at === undefined || at === this.active.step)) {
      this.view = 'lesson';
      return;
    }
    this.start(lesson, at ?? this.resumeAt(lesson));
  }

  /** Open a lesson from the list: back to it if it is the one playing, else from where the learner left off. */
  open(id: string): void {
    const lesson = this.lesson(id);
    if (!lesson) return;
    if (this.active?.lesson.id === id) {
      this.view = 'lesson';
      return;
    }
    this.start(lesson, this.resumeAt(lesson));
  }

  private resumeAt(lesson: Lesson): number {
    const at = this.progress.lessons[lesson.id]?.at;
    return at === undefined ? 0 : (stepIndex(lesson, at) ?? 0);
  }

  /** Start `lesson` at step `index`: its lab becomes the page's. */
  start(lesson: Lesson, index: number): void {
    const ctl = this.host.ctl;
    if (!this.sandbox) {
      this.host.saveNow();
      this.sandbox = { session: ctl.session, preset: ctl.preset, playing: ctl.playing };
    }
    this.active?.close();
    const play = new LessonPlay(lesson, this.lessonHost(), index);
    this.active = play;
    ctl.setSession(play.run.session);
    ctl.lineRunner = (line) => play.run.type(line);
    this.view = 'lesson';
    this.stepChanged(lesson.id, play.step);
    if (lesson.steps.some((s) => s.solution.some((a) => 'type' in a))) this.host.showTerminal();
    ctl.play();
  }

  /** The current step again, on a fresh lab (the earlier steps' solutions played first). */
  restartStep(): void {
    const a = this.active;
    if (a) this.start(a.lesson, a.step);
  }

  showList(): void {
    this.view = 'list';
  }

  /** Back to the free lab, as it was when the lesson opened. */
  leave(): void {
    const a = this.active;
    if (!a) return;
    a.close();
    this.active = undefined;
    this.view = 'list';
    this.env.replaceHash('');
    const sb = this.sandbox;
    this.sandbox = undefined;
    if (sb) {
      this.host.ctl.setSession(sb.session, sb.preset);
      if (sb.playing) this.host.ctl.play();
    }
    this.host.scheduleSave();
  }

  private lessonHost(): LessonHost {
    return {
      ctl: this.host.ctl,
      typeLine: (l) => this.host.typeLine(l),
      showTerminal: () => this.host.showTerminal(),
      stepMet: (lesson, step) => this.update(markDone(this.progress, lesson, step)),
      stepChanged: (lesson, i) => this.stepChanged(lesson, i),
    };
  }

  private stepChanged(lessonId: string, i: number): void {
    const lesson = this.lesson(lessonId) ?? this.active?.lesson;
    const step = lesson?.steps[i];
    if (!step) return;
    this.update(setAt(this.progress, lessonId, step.id));
    this.env.replaceHash(lessonFragment(lessonId, i + 1));
  }

  // ------------------------------------------------------------------ progress

  private update(p: Progress): void {
    if (p === this.progress) return;
    this.progress = p;
    if (!saveProgress(p, this.env.storage) && !this.saveRefused) {
      this.saveRefused = true;
      this.say('info', 'course.notSaved');
    }
  }

  exportProgress(): void {
    const name = `lvs-lab-progress-${this.env.now().toISOString().slice(0, 10)}.json`;
    this.env.download(name, exportProgress(this.progress, this.env.now()), 'application/json');
    this.say('info', 'course.exported', { file: name });
  }

  /** A progress file's text; a bad one changes nothing and says why. */
  importProgress(text: string): boolean {
    const r = importProgress(text, this.progress);
    if (!r.ok) {
      this.say('error', 'course.importError', { reason: this.errorText(r.error) }, r.detail);
      return false;
    }
    this.update(r.progress);
    this.say('info', 'course.imported', { n: r.lessons });
    return true;
  }

  /** A progress file the learner picked (read only if it is of a sensible size). */
  async importFile(file: Blob): Promise<boolean> {
    if (file.size > PROGRESS_FILE_MAX) {
      this.say('error', 'course.importError', { reason: this.errorText('too-big') });
      return false;
    }
    return this.importProgress(await file.text());
  }

  /** "Make a lesson from this lab": the lesson skeleton of the page's lab, as a download. */
  makeLesson(): void {
    const { fileName, text } = lessonSkeleton(this.host.ctl.session.toState());
    this.env.download(fileName, text, 'text/markdown');
    this.say('info', 'course.madeLesson', { file: fileName });
  }

  // ------------------------------------------------------------------ messages

  say(level: CourseMessage['level'], key: CourseKey, params?: Record<string, string | number>, detail?: string): void {
    const m: CourseMessage = { id: ++this.messageId, level, key, ...(params ? { params } : {}), ...(detail ? { detail: detail.slice(0, 300) } : {}) };
    this.messages = [...this.messages, m].slice(-3);
  }

  dismiss(id: number): void {
    this.messages = this.messages.filter((m) => m.id !== id);
  }

  private errorText(e: ProgressError): string {
    return this.t(`course.error.${e}`);
  }
}
