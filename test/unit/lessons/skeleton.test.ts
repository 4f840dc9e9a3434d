/**
 * "Make a lesson from this lab": the file it downloads is a lesson as it stands — it
 * parses, lints, and `lesson check --solve` passes (its example goal is real: the first
 * line typed was run), with the lab's scenario inline and both language sections.
 */
import { describe, expect, it } from 'vitest';
import { LabSession } from '../../../src/core/session';
import { Shell } from '../../../src/core/shell/shell';
import { drPreset, natPreset } from '../../../src/core/scenario/presets';
import { parseLesson } from '../../../src/lessons/parse';
import { lintLesson } from '../../../src/lessons/lint';
import { solveLesson } from '../../../src/lessons/runner';
import { lessonSkeleton } from '../../../src/ui/course/skeleton';

const shell = { shell: (lab: ConstructorParameters<typeof Shell>[0]) => new Shell(lab) };

describe('lesson skeleton', () => {
  it('from a lab with typed lines and control clicks: parses, lints, solves', () => {
    const s = new LabSession(drPreset(), shell);
    s.advance(2_000_000);
    s.terminal('ipvsadm -Ln');
    s.advance(500_000);
    s.apply({ type: 'shell', node: 'director', line: 'ipvsadm -E -t 192.168.10.100:80 -s wlc' });
    s.terminal('ssh rs1');
    s.advance(3_000_000);
    s.terminal('ip addr show dev lo');
    s.apply({ type: 'power', node: 'rs3', on: false });
    s.advance(1_500_000);
    const { fileName, text } = lessonSkeleton(s.toState());
    expect(fileName).toBe('dr-lesson.md');
    expect(text).toMatch(/^---\n/);
    expect(text).toContain('# en\n');
    expect(text).toContain('# zh-CN\n');
    expect(text).toContain('TODO: replace this example goal');

    const p = parseLesson(text);
    if (!p.ok) throw new Error(p.errors.join('\n'));
    const lesson = p.lesson;
    expect(lesson.lab).toEqual({ scenario: s.scenario });
    expect(lesson.steps).toHaveLength(1);
    expect(lesson.steps[0]!.goal).toEqual({ ran: { command: 'ipvsadm -Ln' } });
    expect(lesson.steps[0]!.solution).toEqual([
      { wait: '2s' },
      { type: 'ipvsadm -Ln' },
      { do: { type: 'shell', node: 'director', line: 'ipvsadm -E -t 192.168.10.100:80 -s wlc' } },
      { type: 'ssh rs1' },
      { wait: '3s' },
      { type: 'ip addr show dev lo' },
      { do: { type: 'power', node: 'rs3', on: false } },
      { wait: '1.5s' },
    ]);
    expect(lesson.text['zh-CN'].steps['step-1']!.task).toContain('ipvsadm -Ln');

    expect(lintLesson(text).errors).toEqual([]);
    const rep = solveLesson(lesson);
    expect(rep.steps.map((x) => [x.metAtStart, x.met])).toEqual([[false, true]]);
  });

  it('from an untouched lab: a one-line example that still solves', () => {
    const s = new LabSession(natPreset(), shell);
    s.advance(1_000_000);
    const { text } = lessonSkeleton(s.toState());
    const p = parseLesson(text);
    if (!p.ok) throw new Error(p.errors.join('\n'));
    expect(p.lesson.steps[0]!.solution).toEqual([{ type: 'ipvsadm -Ln' }]);
    expect(lintLesson(text).errors).toEqual([]);
    expect(solveLesson(p.lesson).ok).toBe(true);
  });

  it('only ssh typed: the example goal is a real command, not the ssh', () => {
    const s = new LabSession(drPreset(), shell);
    s.terminal('ssh rs2');
    const p = parseLesson(lessonSkeleton(s.toState()).text);
    if (!p.ok) throw new Error(p.errors.join('\n'));
    expect(p.lesson.steps[0]!.goal).toEqual({ ran: { command: 'ipvsadm -Ln' } });
    expect(p.lesson.steps[0]!.solution).toEqual([{ type: 'ssh rs2' }, { type: 'ipvsadm -Ln' }]);
    expect(solveLesson(p.lesson).ok).toBe(true);
  });
});
