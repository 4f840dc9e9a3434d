/**
 * `lab lesson lint [FILE...]` and `lab lesson check FILE... --solve`.
 * Without files, every lesson under lessons/ is taken.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lintLesson } from '../lessons/lint';
import { solveLesson } from '../lessons/runner';
import type { Io } from './io';

export function lessonFiles(dir = 'lessons'): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .sort()
    .map((f) => join(dir, f));
}

export function runLesson(argv: string[], io: Io): number {
  const [sub, ...rest] = argv;
  const solve = rest.includes('--solve');
  const files = rest.filter((a) => !a.startsWith('--'));
  if (sub !== 'lint' && sub !== 'check') {
    io.err('usage: lab lesson lint [FILE...] | lab lesson check FILE... --solve');
    return 2;
  }
  const list = files.length ? files : lessonFiles();
  let bad = 0;
  for (const f of list) {
    let src: string;
    try {
      src = readFileSync(f, 'utf8');
    } catch {
      io.err(`${f}: cannot read`);
      bad++;
      continue;
    }
    const { lesson, errors } = lintLesson(src);
    if (errors.length || !lesson) {
      bad++;
      for (const e of errors) io.err(`${f}: ${e}`);
      continue;
    }
    if (sub === 'lint' || !solve) {
      io.out(`${f}: ok (${lesson.steps.length} steps)`);
      continue;
    }
    const rep = solveLesson(lesson);
    for (const s of rep.steps) {
      const verdict = s.metAtStart ? 'FAIL (goal already met at the start)' : s.met ? 'ok' : 'FAIL (goal not reached)';
      io.out(`${f}: step ${s.id}: ${verdict}`);
    }
    if (!rep.ok) bad++;
  }
  io.out(`lessons: ${list.length - bad} ok, ${bad} failed`);
  return bad ? 1 : 0;
}
