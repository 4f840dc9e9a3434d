/**
 * "Make a lesson from this lab": a lesson file a teacher starts from. Front matter with
 * the current scenario inline (`lab: { scenario: … }`), one example step whose solution is
 * what the teacher did (terminal lines as `type`, control clicks as `do`, pauses of a
 * second or more as `wait`), and both language sections with TODO prose.
 *
 * The example goal is a real one — the first line the teacher typed was run (`ran`) — so
 * the file passes `lab lesson lint` and `lesson check --solve` as it is, and the teacher
 * replaces it with what the step should really check (lessons/README.md, Goals).
 */
import { Document, isMap, isScalar } from 'yaml';
import type { LogEntry } from '../../core/session';
import type { Scenario } from '../../core/scenario/schema';
import type { Action, Goal } from '../../lessons/schema';

export interface SkeletonInput {
  scenario: Scenario;
  log: readonly LogEntry[];
  /** Simulated time the teacher reached (a final pause, if any, becomes a wait). */
  now: number;
}

const MAX_ACTIONS = 100;
const MAX_WAIT_US = 60_000_000;
const MIN_WAIT_US = 1_000_000;

export function lessonSkeleton(input: SkeletonInput): { fileName: string; text: string } {
  const id = slug(input.scenario.name);
  const solution = solutionOf(input);
  const first = solution.find((a): a is { type: string } => 'type' in a && !/^(ssh|exit)\b/.test(a.type.trim()));
  const goal: Goal = { ran: { command: (first ?? fallbackLine(input.scenario)).type.trim() } };
  if (!first) solution.push(fallbackLine(input.scenario));
  const front = {
    id,
    order: 100,
    level: 'beginner',
    title: { en: `TODO: a title (${input.scenario.name})`, 'zh-CN': `TODO：标题（${input.scenario.name}）` },
    lab: { scenario: input.scenario },
    steps: [{ id: 'step-1', goal, within: '20s', solution }],
  };
  const doc = new Document(front);
  const step = doc.getIn(['steps', 0], true);
  if (isMap(step)) {
    for (const pair of step.items) {
      if (!isScalar(pair.key)) continue;
      if (pair.key.value === 'goal') pair.key.commentBefore = ' TODO: replace this example goal (the first line was typed) with what the step should achieve: see lessons/README.md, "Goals"';
      if (pair.key.value === 'solution') pair.key.commentBefore = ' what "Show me" does: the lines typed and the controls used in the lab this was made from';
    }
  }
  const yaml = doc.toString({ lineWidth: 0 });
  const task = goal.ran.command;
  const text = `---
${yaml.trimEnd()}
---
# en

TODO: an introduction — what this lesson is about and what the learner will see.

## step: step-1

TODO: explain what happens in this step and why.

### Task

TODO: say what to do, for example: \`${task}\`.

### Hints

- TODO: a first hint.
- TODO: a second hint.

# zh-CN

TODO：课程简介——本课讲什么，学员会看到什么。

## step: step-1

TODO：解释这一步发生了什么，以及为什么。

### Task

TODO：说明要做什么，例如：\`${task}\`。

### Hints

- TODO：第一条提示。
- TODO：第二条提示。
`;
  return { fileName: `${id}.md`, text };
}

function solutionOf(input: SkeletonInput): Action[] {
  const out: Action[] = [];
  let t = 0;
  for (const e of input.log) {
    if (out.length >= MAX_ACTIONS) break;
    pushWait(out, e.t - t);
    t = e.t;
    out.push('term' in e ? { type: e.term } : { do: e.cmd });
  }
  if (out.length && out.length < MAX_ACTIONS) pushWait(out, input.now - t);
  return out;
}

function pushWait(out: Action[], us: number): void {
  if (us < MIN_WAIT_US) return;
  const s = Math.round(Math.min(us, MAX_WAIT_US) / 100_000) / 10;
  out.push({ wait: `${s}s` });
}

/** With nothing typed: list the director's table (or name the host). */
function fallbackLine(s: Scenario): { type: string } {
  return { type: s.nodes.some((n) => n.ipvs) ? 'ipvsadm -Ln' : 'hostname' };
}

function slug(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30);
  return `${/^[a-z0-9]/.test(s) ? s : 'my'}-lesson`;
}
