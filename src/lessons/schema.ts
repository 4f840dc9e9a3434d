/**
 * The lesson format (documented in lessons/README.md): Markdown with YAML front matter.
 * The front matter holds the structure — id, level, the lab, and each step's goal,
 * hints and solution — and the body holds the prose, one section per language and step.
 * Goals are declarative data checked against the lab's state and trace: no code, no eval.
 */
import * as v from 'valibot';
import { CommandSchema, duration } from '../core/scenario/schema';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

const text = v.pipe(v.string(), v.maxLength(2000));
const node = v.pipe(v.string(), v.regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/));
const count = v.object({ atLeast: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))), atMost: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) });
const textMatch = {
  contains: v.optional(text),
  notContains: v.optional(text),
  /** A regular expression source (no flags), matched against the output. */
  matches: v.optional(v.pipe(text, v.check((s) => isValidRegex(s), 'a valid regular expression'))),
  equals: v.optional(text),
};

function isValidRegex(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}

/** Header fields a packet goal can name (see goals.ts: fieldOf). */
export const PACKET_FIELDS = ['eth.src', 'eth.dst', 'ip.src', 'ip.dst', 'ip.proto', 'ip.ttl', 'inner.src', 'inner.dst', 'tcp.sport', 'tcp.dport', 'tcp.flags', 'udp.dport', 'icmp.type', 'icmp.code', 'arp.op', 'arp.spa', 'arp.tpa'] as const;

export type Goal =
  | { all: Goal[] }
  | { any: Goal[] }
  | { not: Goal }
  | { ran: { node?: string; command: string; contains?: string; notContains?: string; matches?: string; equals?: string } }
  | { probe: { node: string; command: string; contains?: string; notContains?: string; matches?: string; equals?: string } }
  | { connections: { node: string; port?: number; atLeast?: number; atMost?: number } }
  | { requests: { client?: string; ok?: { atLeast?: number; atMost?: number }; failed?: { atLeast?: number; atMost?: number }; servers?: { atLeast?: number; atMost?: number }; server?: string; window?: string | number } }
  | { sticky: { client: string; atLeast?: number } }
  | { packet: { node: string; iface?: string; dir?: 'rx' | 'tx'; where: Record<string, string | number> } }
  | { drop: { node?: string; reason?: string } }
  | { state: { node: string; machine: StateMachine; is: string } }
  | { handover: { from: string; to: string; atLeast?: number; atMost?: number } };

/** What a `state` goal can look at: the node's power and web service statecharts, its HA daemons, and keepalived's VRRP instances. */
export const STATE_MACHINES = ['power', 'service', 'vrrp', 'keepalived', 'ldirectord'] as const;
export type StateMachine = (typeof STATE_MACHINES)[number];

export const GoalSchema: v.GenericSchema<Goal> = v.lazy(() =>
  v.union([
    v.strictObject({ all: v.pipe(v.array(GoalSchema), v.minLength(1)) }),
    v.strictObject({ any: v.pipe(v.array(GoalSchema), v.minLength(1)) }),
    v.strictObject({ not: GoalSchema }),
    v.strictObject({ ran: v.strictObject({ node: v.optional(node), command: text, ...textMatch }) }),
    v.strictObject({ probe: v.strictObject({ node, command: text, ...textMatch }) }),
    v.strictObject({ connections: v.strictObject({ node, port: v.optional(v.number()), ...count.entries }) }),
    v.strictObject({
      requests: v.strictObject({ client: v.optional(node), ok: v.optional(count), failed: v.optional(count), servers: v.optional(count), server: v.optional(node), window: v.optional(duration) }),
    }),
    v.strictObject({ sticky: v.strictObject({ client: node, atLeast: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))) }) }),
    v.strictObject({
      packet: v.strictObject({
        node,
        iface: v.optional(v.string()),
        dir: v.optional(v.picklist(['rx', 'tx'])),
        where: v.pipe(
          v.record(v.picklist(PACKET_FIELDS), v.union([v.string(), v.number()])),
          v.check((w) => Object.keys(w).length > 0, 'at least one field'),
        ),
      }),
    }),
    v.strictObject({ drop: v.strictObject({ node: v.optional(node), reason: v.optional(v.string()) }) }),
    v.strictObject({ state: v.strictObject({ node, machine: v.picklist(STATE_MACHINES), is: v.string() }) }),
    v.strictObject({ handover: v.strictObject({ from: node, to: node, ...count.entries }) }),
  ]),
) as v.GenericSchema<Goal>;

/** One thing "show me" does: type a line in the terminal, click a control, or let time pass. */
export const ActionSchema = v.union([
  v.strictObject({ type: v.pipe(v.string(), v.maxLength(4096)) }),
  v.strictObject({ do: CommandSchema }),
  v.strictObject({ wait: duration }),
]);
export type Action = v.InferOutput<typeof ActionSchema>;

const StepSchema = v.strictObject({
  id: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'lower-case letters, digits and -')),
  goal: GoalSchema,
  /** How long the lab may run after the solution before the goal must hold. */
  within: v.optional(duration, '20s'),
  solution: v.pipe(v.array(ActionSchema), v.minLength(1)),
});

export const FrontMatterSchema = v.strictObject({
  id: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,40}$/)),
  order: v.pipe(v.number(), v.integer(), v.minValue(0)),
  level: v.picklist(['beginner', 'intermediate', 'advanced']),
  title: v.strictObject({ en: text, 'zh-CN': text }),
  lab: v.union([v.strictObject({ preset: v.string(), seed: v.optional(v.number()) }), v.strictObject({ scenario: v.unknown() })]),
  steps: v.pipe(v.array(StepSchema), v.minLength(1), v.maxLength(40)),
});

export type LessonMeta = v.InferOutput<typeof FrontMatterSchema>;
export type LessonStepMeta = LessonMeta['steps'][number];

export interface StepText {
  /** Markdown: what the learner reads. */
  body: string;
  /** Markdown: what to do. */
  task: string;
  hints: string[];
}

export interface Lesson extends LessonMeta {
  /** Per locale: an introduction and each step's text, by step id. */
  text: Record<Locale, { intro: string; steps: Record<string, StepText> }>;
}
