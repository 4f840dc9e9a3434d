/**
 * The course's acceptance: `lab lesson check --solve` for every lesson under lessons/.
 * Each lesson lints clean (schema, both languages, nodes and commands of its lab), and
 * playing each step's solution headless reaches the step's goal — which was not already
 * met when the step started (so the goal really tests the step).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lessonFiles } from '../../../src/cli/lesson';
import { lintLesson } from '../../../src/lessons/lint';
import { solveLesson } from '../../../src/lessons/runner';

const files = lessonFiles();

describe('every lesson in lessons/', () => {
  it('there are lessons, with distinct ids and orders', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    const ids = new Set<string>();
    for (const f of files) {
      const { lesson } = lintLesson(readFileSync(f, 'utf8'));
      if (!lesson) continue; // reported by its own test below
      expect(ids.has(lesson.id), `${f}: id ${lesson.id} used twice`).toBe(false);
      ids.add(lesson.id);
    }
  });

  for (const f of files) {
    it(`${f}: lints clean, and every step's solution reaches its goal (none met at the start)`, () => {
      const { lesson, errors } = lintLesson(readFileSync(f, 'utf8'));
      expect(errors).toEqual([]);
      const rep = solveLesson(lesson!);
      const bad = rep.steps.filter((s) => s.metAtStart || !s.met).map((s) => `${s.id}: ${s.metAtStart ? 'met at the start' : 'not reached'}`);
      expect(bad).toEqual([]);
      expect(rep.ok).toBe(true);
    }, 60_000);
  }
});
