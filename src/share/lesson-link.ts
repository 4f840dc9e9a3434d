/**
 * Links to a lesson and step: `#lesson=lvs-dr&step=3` (step counted from 1; a step id
 * works too: `#lesson=lvs-dr&step=fix-vip`). The fragment shares the URL's `#` with the
 * lab links of codec.ts (`#lab=…`); the two prefixes never overlap. Part of the page's
 * entry, so it stays tiny: the lessons themselves load only when the course opens.
 */
export const LESSON_PREFIX = 'lesson=';

export interface LessonLink {
  lesson: string;
  /** 1-based step number, or a step id; undefined = where the learner left off. */
  step?: number | string;
}

const ID = /^[a-z0-9][a-z0-9-]{0,40}$/;

export function isLessonFragment(hash: string): boolean {
  return hash.replace(/^#/, '').startsWith(LESSON_PREFIX);
}

/** The lesson link in a location hash; undefined if the hash is not one. Bad steps are dropped, bad ids kept (the course says it has no such lesson). */
export function parseLessonFragment(hash: string): LessonLink | undefined {
  if (!isLessonFragment(hash)) return undefined;
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const lesson = (params.get('lesson') ?? '').trim().slice(0, 80);
  const raw = (params.get('step') ?? '').trim();
  let step: number | string | undefined;
  if (/^\d+$/.test(raw)) step = raw.length <= 3 && Number(raw) >= 1 ? Number(raw) : undefined;
  else if (ID.test(raw)) step = raw;
  return step === undefined ? { lesson } : { lesson, step };
}

/** `lesson=ID&step=N`, ready to follow a `#` (N counted from 1). */
export function lessonFragment(lesson: string, step?: number): string {
  return `${LESSON_PREFIX}${encodeURIComponent(lesson)}${step !== undefined ? `&step=${step}` : ''}`;
}
