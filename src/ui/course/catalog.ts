/**
 * The course: every lesson file under lessons/ (README.md aside), parsed and ordered by
 * `order`. Vite turns each file into its own small chunk, fetched when the course opens
 * (never with the page's entry). A file that does not parse is left out of the list and
 * reported, so one broken lesson does not take the course down.
 */
import { parseLesson } from '../../lessons/parse';
import type { Lesson } from '../../lessons/schema';

export type LessonSources = Record<string, () => Promise<string>>;

const SOURCES = import.meta.glob(['/lessons/*.md', '!/lessons/README.md'], { query: '?raw', import: 'default' }) as LessonSources;

export interface Catalog {
  lessons: Lesson[];
  broken: { file: string; error: string }[];
}

export async function loadCatalog(sources: LessonSources = SOURCES): Promise<Catalog> {
  const files = Object.keys(sources)
    .filter((f) => !/\/README\.md$/i.test(f))
    .sort();
  const texts = await Promise.all(files.map((f) => sources[f]!()));
  const lessons: Lesson[] = [];
  const broken: Catalog['broken'] = [];
  const ids = new Set<string>();
  files.forEach((file, i) => {
    const name = file.replace(/^.*\//, '');
    const r = parseLesson(texts[i]!);
    if (!r.ok) broken.push({ file: name, error: r.errors[0] ?? 'unreadable' });
    else if (ids.has(r.lesson.id)) broken.push({ file: name, error: `the id "${r.lesson.id}" is used by another lesson` });
    else {
      ids.add(r.lesson.id);
      lessons.push(r.lesson);
    }
  });
  lessons.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
  return { lessons, broken };
}

/** The step a link names: a 1-based number or a step id; undefined if there is none such. */
export function stepIndex(lesson: Lesson, step: number | string | undefined): number | undefined {
  if (step === undefined) return undefined;
  if (typeof step === 'number') return step >= 1 && step <= lesson.steps.length ? step - 1 : undefined;
  const i = lesson.steps.findIndex((s) => s.id === step);
  return i >= 0 ? i : undefined;
}
