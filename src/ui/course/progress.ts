/**
 * The learner's progress through the course, kept in this browser (localStorage, one key,
 * versioned) and movable to another device as a small JSON file.
 *
 * Per lesson: the ids of the steps whose goal was met, and the step the learner was on.
 * Step ids rather than numbers, so a lesson that gains a step keeps its learners' ticks.
 * Everything read back — the store or an imported file — is validated (valibot); a store
 * that does not validate is ignored (the caller shows a notice) and a file that does not
 * validate changes nothing and says why. Importing merges: a step done on either device
 * stays done.
 */
import * as v from 'valibot';

export const PROGRESS_KEY = 'lvs-lab:progress';
export const PROGRESS_VERSION = 1;
/** What an exported file says it is. */
export const PROGRESS_FORMAT = 'lvs-lab-progress';
/** The largest progress file read (bytes of text). */
export const PROGRESS_FILE_MAX = 1_000_000;
const MAX_LESSONS = 500;

const id = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'an id (lower-case letters, digits and -)'));

const LessonProgressSchema = v.strictObject({
  done: v.pipe(v.array(id), v.maxLength(40)),
  /** The step the learner was on (to resume there). */
  at: v.optional(id),
});

const lessonsSchema = v.pipe(
  v.record(id, LessonProgressSchema),
  v.check((o) => Object.keys(o).length <= MAX_LESSONS, `at most ${MAX_LESSONS} lessons`),
);

export const ProgressSchema = v.strictObject({ v: v.literal(PROGRESS_VERSION), lessons: lessonsSchema });

const FileSchema = v.strictObject({
  format: v.literal(PROGRESS_FORMAT),
  v: v.literal(PROGRESS_VERSION),
  exported: v.optional(v.pipe(v.string(), v.maxLength(40))),
  lessons: lessonsSchema,
});

export type Progress = v.InferOutput<typeof ProgressSchema>;
export type LessonProgress = v.InferOutput<typeof LessonProgressSchema>;

export const emptyProgress = (): Progress => ({ v: PROGRESS_VERSION, lessons: {} });

/** Why a store or a file was not taken (a message key suffix; `detail` is technical text, shown as text). */
export type ProgressError = 'too-big' | 'not-json' | 'not-progress' | 'newer-version' | 'invalid';

export type ProgressLoad = { kind: 'empty' | 'ok'; progress: Progress } | { kind: 'corrupt'; progress: Progress; error: ProgressError; detail?: string };

export type ProgressImport = { ok: true; progress: Progress; lessons: number } | { ok: false; error: ProgressError; detail?: string };

type Store = Pick<Storage, 'getItem' | 'setItem'>;

function defaultStorage(): Store | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * Read the saved progress. A store that does not validate is left in place (the next save
 * replaces it) and reported, so the learner hears once per visit why their ticks are gone.
 */
export function loadProgress(storage: Store | undefined = defaultStorage()): ProgressLoad {
  let text: string | null = null;
  try {
    text = storage?.getItem(PROGRESS_KEY) ?? null;
  } catch {
    return { kind: 'empty', progress: emptyProgress() };
  }
  if (text === null) return { kind: 'empty', progress: emptyProgress() };
  const r = decode(text, ProgressSchema, (raw) => raw);
  if (!r.ok) return { kind: 'corrupt', progress: emptyProgress(), error: r.error, ...(r.detail ? { detail: r.detail } : {}) };
  return { kind: 'ok', progress: r.value };
}

/** Save; false when the browser refused (private mode, full disk). */
export function saveProgress(p: Progress, storage: Store | undefined = defaultStorage()): boolean {
  try {
    if (!storage) return false;
    storage.setItem(PROGRESS_KEY, JSON.stringify(p));
    return true;
  } catch {
    return false;
  }
}

/** The file a learner downloads to move their progress. */
export function exportProgress(p: Progress, when: Date): string {
  return JSON.stringify({ format: PROGRESS_FORMAT, v: PROGRESS_VERSION, exported: when.toISOString(), lessons: p.lessons }, null, 2) + '\n';
}

/** Read a progress file and merge it into `current`; a bad file changes nothing. */
export function importProgress(text: string, current: Progress): ProgressImport {
  const r = decode(text, FileSchema, (raw) => {
    if (typeof raw === 'object' && raw !== null && (raw as { format?: unknown }).format !== PROGRESS_FORMAT) return undefined;
    return raw;
  });
  if (!r.ok) return r;
  const file = r.value;
  return { ok: true, progress: merge(current, { v: PROGRESS_VERSION, lessons: file.lessons }), lessons: Object.keys(file.lessons).length };
}

/** Both sides' done steps; the imported side's position where it has one. */
export function merge(a: Progress, b: Progress): Progress {
  const lessons: Record<string, LessonProgress> = { ...a.lessons };
  for (const [k, lb] of Object.entries(b.lessons)) {
    const la = lessons[k];
    const done = [...new Set([...(la?.done ?? []), ...lb.done])].slice(0, 40);
    const at = lb.at ?? la?.at;
    lessons[k] = at !== undefined ? { done, at } : { done };
  }
  return { v: PROGRESS_VERSION, lessons: capped(lessons) };
}

export function markDone(p: Progress, lesson: string, step: string): Progress {
  const cur = p.lessons[lesson] ?? { done: [] };
  if (cur.done.includes(step)) return p;
  return { v: PROGRESS_VERSION, lessons: capped({ ...p.lessons, [lesson]: { ...cur, done: [...cur.done, step].slice(-40) } }) };
}

export function setAt(p: Progress, lesson: string, step: string): Progress {
  const cur = p.lessons[lesson] ?? { done: [] };
  if (cur.at === step) return p;
  return { v: PROGRESS_VERSION, lessons: capped({ ...p.lessons, [lesson]: { ...cur, at: step } }) };
}

/** Forget one lesson (start it over). */
export function resetLesson(p: Progress, lesson: string): Progress {
  if (!(lesson in p.lessons)) return p;
  const { [lesson]: _gone, ...rest } = p.lessons;
  return { v: PROGRESS_VERSION, lessons: rest };
}

/** Steps done out of the lesson's steps (ids no longer in the lesson do not count). */
export function lessonProgress(p: Progress, lesson: string, stepIds: readonly string[]): { done: number; total: number; finished: boolean } {
  const done = new Set(p.lessons[lesson]?.done ?? []);
  const n = stepIds.filter((s) => done.has(s)).length;
  return { done: n, total: stepIds.length, finished: stepIds.length > 0 && n === stepIds.length };
}

function capped(lessons: Record<string, LessonProgress>): Record<string, LessonProgress> {
  const keys = Object.keys(lessons);
  if (keys.length <= MAX_LESSONS) return lessons;
  return Object.fromEntries(keys.slice(-MAX_LESSONS).map((k) => [k, lessons[k]!]));
}

function decode<T>(text: string, schema: v.GenericSchema<unknown, T>, precheck: (raw: unknown) => unknown): { ok: true; value: T } | { ok: false; error: ProgressError; detail?: string } {
  if (text.length > PROGRESS_FILE_MAX) return { ok: false, error: 'too-big' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: 'not-json', detail: (e instanceof Error ? e.message : String(e)).slice(0, 200) };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || precheck(raw) === undefined) return { ok: false, error: 'not-progress' };
  const ver = (raw as { v?: unknown }).v;
  if (typeof ver === 'number' && ver > PROGRESS_VERSION) return { ok: false, error: 'newer-version', detail: `v${ver}` };
  const r = v.safeParse(schema, raw);
  if (!r.success) return { ok: false, error: 'invalid', detail: issuesText(r.issues) };
  return { ok: true, value: r.output };
}

function issuesText(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `$${(i.path ?? []).map((p) => (typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`)).join('')}: ${i.message}`)
    .join('; ');
}
