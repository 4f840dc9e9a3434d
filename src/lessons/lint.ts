/**
 * `lesson lint`: beyond the schema, a lesson must make sense in its lab — every node a
 * goal or solution names exists, every command is one the lab shell knows, probes only
 * read, and both languages are complete (checked by parse.ts).
 */
import { Lab } from '../core/lab';
import { commandNames } from '../core/shell/registry';
import { isReadOnly } from './goals';
import { parseLesson } from './parse';
import { lessonScenario } from './runner';
import type { Goal, Lesson } from './schema';

export function lintLesson(source: string): { lesson?: Lesson; errors: string[] } {
  const p = parseLesson(source);
  if (!p.ok) return { errors: p.errors };
  const lesson = p.lesson;
  const errors: string[] = [];
  let nodes: Set<string>;
  try {
    nodes = new Set(Lab.of(lessonScenario(lesson)).nodes.keys());
  } catch (e) {
    return { lesson, errors: [`the lab does not build: ${e instanceof Error ? e.message : String(e)}`] };
  }
  const known = new Set(commandNames());
  const node = (where: string, n: string | undefined) => {
    if (n !== undefined && !nodes.has(n)) errors.push(`${where}: no node "${n}" in this lab`);
  };
  const command = (where: string, line: string) => {
    for (const part of line.split(/\s*(?:\|\||&&|[|;])\s*/)) {
      const word = part.trim().split(/\s+/)[0] ?? '';
      if (!word || /^[A-Z_]+=/.test(word)) continue;
      if (!known.has(word)) errors.push(`${where}: "${word}" is not a command the lab shell knows`);
    }
  };
  const goal = (where: string, g: Goal): void => {
    if ('all' in g) g.all.forEach((x, i) => goal(`${where}.all[${i}]`, x));
    else if ('any' in g) g.any.forEach((x, i) => goal(`${where}.any[${i}]`, x));
    else if ('not' in g) goal(`${where}.not`, g.not);
    else if ('ran' in g) {
      node(where, g.ran.node);
      command(where, g.ran.command);
    } else if ('probe' in g) {
      node(where, g.probe.node);
      command(where, g.probe.command);
      if (!isReadOnly(g.probe.command)) errors.push(`${where}: a probe may only read state, not "${g.probe.command}"`);
    } else if ('connections' in g) node(where, g.connections.node);
    else if ('requests' in g) node(where, g.requests.client);
    else if ('sticky' in g) node(where, g.sticky.client);
    else if ('packet' in g) node(where, g.packet.node);
    else if ('drop' in g) node(where, g.drop.node);
    else if ('state' in g) node(where, g.state.node);
    else if ('handover' in g) {
      node(where, g.handover.from);
      node(where, g.handover.to);
    }
  };
  for (const s of lesson.steps) {
    goal(`step ${s.id} goal`, s.goal);
    s.solution.forEach((a, i) => {
      const where = `step ${s.id} solution[${i}]`;
      if ('type' in a) {
        const first = a.type.trim().split(/\s+/)[0] ?? '';
        if (first === 'ssh') node(where, a.type.trim().split(/\s+/)[1]);
        else if (!/^(cat >|exit\b)/.test(a.type.trim())) command(where, a.type);
      } else if ('do' in a && 'node' in a.do) node(where, a.do.node);
    });
  }
  return { lesson, errors };
}
