/**
 * Read a lesson file: YAML front matter (structure, validated) and a Markdown body with
 * one `# en` / `# zh-CN` section each, holding an introduction and `## step: ID`
 * sections with `### Task` and `### Hints` (see lessons/README.md).
 */
import * as v from 'valibot';
import { parse as parseYaml } from 'yaml';
import { FrontMatterSchema, LOCALES, type Lesson, type Locale, type StepText } from './schema';

export type ParseResult = { ok: true; lesson: Lesson } | { ok: false; errors: string[] };

const MAX_FILE = 200_000;

export function parseLesson(source: string): ParseResult {
  if (source.length > MAX_FILE) return { ok: false, errors: [`the file is larger than ${MAX_FILE} characters`] };
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(source);
  if (!m) return { ok: false, errors: ['no front matter: the file must start with a line "---", the YAML, and another "---"'] };
  let data: unknown;
  try {
    data = parseYaml(m[1]!, { maxAliasCount: 0 });
  } catch (e) {
    return { ok: false, errors: [`front matter is not valid YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`] };
  }
  const r = v.safeParse(FrontMatterSchema, data);
  if (!r.success) {
    return { ok: false, errors: r.issues.map((i) => `front matter ${pathOf(i.path)}: ${i.message}`) };
  }
  const meta = r.output;
  const errors: string[] = [];
  const text = parseBody(m[2]!, errors);
  const ids = new Set<string>();
  for (const s of meta.steps) {
    if (ids.has(s.id)) errors.push(`step id "${s.id}" is used twice`);
    ids.add(s.id);
  }
  for (const loc of LOCALES) {
    const t = text[loc];
    if (!t) {
      errors.push(`no "# ${loc}" section`);
      continue;
    }
    if (!t.intro.trim()) errors.push(`# ${loc}: the introduction is empty`);
    for (const s of meta.steps) {
      const st = t.steps[s.id];
      if (!st) errors.push(`# ${loc}: no "## step: ${s.id}" section`);
      else {
        if (!st.body.trim()) errors.push(`# ${loc} / ${s.id}: the explanation is empty`);
        if (!st.task.trim()) errors.push(`# ${loc} / ${s.id}: no "### Task"`);
      }
    }
    for (const id of Object.keys(t.steps)) if (!ids.has(id)) errors.push(`# ${loc}: "## step: ${id}" is not a step of the front matter`);
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, lesson: { ...meta, text: text as Lesson['text'] } };
}

function parseBody(body: string, errors: string[]): Partial<Record<Locale, { intro: string; steps: Record<string, StepText> }>> {
  const out: Partial<Record<Locale, { intro: string; steps: Record<string, StepText> }>> = {};
  let loc: Locale | undefined;
  let step: StepText | undefined;
  let part: 'body' | 'task' | 'hints' = 'body';
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.replace(/\s+$/, '');
    const h1 = /^# (\S+)$/.exec(line);
    if (h1) {
      const l = h1[1] as Locale;
      if (!(LOCALES as readonly string[]).includes(l)) {
        errors.push(`unknown language section "# ${h1[1]}" (use ${LOCALES.map((x) => `# ${x}`).join(' or ')})`);
        loc = undefined;
        continue;
      }
      loc = l;
      out[l] ??= { intro: '', steps: {} };
      step = undefined;
      continue;
    }
    if (!loc) continue;
    const sec = out[loc]!;
    const h2 = /^## step: ([a-z0-9][a-z0-9-]*)$/.exec(line);
    if (h2) {
      step = { body: '', task: '', hints: [] };
      sec.steps[h2[1]!] = step;
      part = 'body';
      continue;
    }
    const h3 = /^### (Task|Hints)$/.exec(line);
    if (h3 && step) {
      part = h3[1] === 'Task' ? 'task' : 'hints';
      continue;
    }
    if (!step) {
      sec.intro += `${line}\n`;
    } else if (part === 'hints') {
      const li = /^[-*] (.*)$/.exec(line);
      if (li) step.hints.push(li[1]!);
      else if (line.trim() && step.hints.length) step.hints[step.hints.length - 1] += ` ${line.trim()}`;
    } else {
      step[part] += `${line}\n`;
    }
  }
  return out;
}

function pathOf(path: v.IssuePathItem[] | undefined): string {
  let out = '';
  for (const p of path ?? []) out += typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`;
  return out || '(root)';
}
