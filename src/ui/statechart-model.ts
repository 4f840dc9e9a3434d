/**
 * A small drawing of an xstate machine: its top-level states on a circle and the
 * transitions between them (events, `after` delays, `always`), read from the machine's
 * own config so the picture cannot drift from the code. Pure.
 */

export interface ChartState {
  id: string;
  x: number;
  y: number;
}

export interface ChartEdge {
  from: string;
  to: string;
  label: string;
}

export interface Chart {
  states: ChartState[];
  edges: ChartEdge[];
  width: number;
  height: number;
}

type TransitionConfig = string | { target?: string | string[] } | readonly (string | { target?: string | string[] })[] | undefined;

interface StateConfig {
  on?: Record<string, TransitionConfig>;
  after?: Record<string, TransitionConfig>;
  always?: TransitionConfig;
  states?: Record<string, unknown>;
}

function targets(t: TransitionConfig): string[] {
  if (t === undefined) return [];
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.flatMap((x) => targets(x as TransitionConfig));
  const target = (t as { target?: string | string[] }).target;
  if (target === undefined) return [];
  return Array.isArray(target) ? target : [target];
}

/**
 * The top-level state a target names, seen from a state `depth` levels below the top
 * (0: a top-level state): `#id.A.b` and, from the top level, `A` or `A.b` name A; a plain
 * name inside a compound state is a sibling there and `.x` a child: both stay inside
 * (undefined).
 */
function topTarget(target: string, depth: number): string | undefined {
  if (target.startsWith('#')) return target.replace(/^#[^.]+\.?/, '').split('.')[0] || undefined;
  if (target.startsWith('.') || depth > 0) return undefined;
  return target.split('.')[0];
}

/**
 * Edges of a machine config `{ states: { name: { on, after, always, states } } }`, between
 * its top-level states. Transitions of nested states count for their top-level state
 * (xstate's `after` timers and events inside BACKUP.listening leave BACKUP); transitions
 * that stay inside one top-level state are left out, and repeated edges are drawn once.
 */
export function machineEdges(config: { states?: Record<string, unknown> }): { states: string[]; edges: ChartEdge[] } {
  const states = Object.keys(config.states ?? {});
  const edges: ChartEdge[] = [];
  const seen = new Set<string>();
  const add = (from: string, target: string, depth: number, label: string) => {
    const to = topTarget(target, depth);
    if (to === undefined || !states.includes(to) || (depth > 0 && to === from)) return;
    const key = `${from}\u0000${to}\u0000${label}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push({ from, to, label });
  };
  const walk = (top: string, sc: StateConfig, depth: number) => {
    for (const [ev, t] of Object.entries(sc.on ?? {})) for (const to of targets(t)) add(top, to, depth, ev);
    for (const [delay, t] of Object.entries(sc.after ?? {})) for (const to of targets(t)) add(top, to, depth, `after ${delay}`);
    for (const to of targets(sc.always)) add(top, to, depth, 'always');
    for (const child of Object.values(sc.states ?? {})) walk(top, child as StateConfig, depth + 1);
  };
  for (const [name, raw] of Object.entries(config.states ?? {})) walk(name, raw as StateConfig, 0);
  return { states, edges };
}

/** Place states on an ellipse, first state at the left. */
export function layoutChart(config: { states?: Record<string, unknown> }, width = 260, height = 120): Chart {
  const { states, edges } = machineEdges(config);
  const n = states.length;
  const cx = width / 2;
  const cy = height / 2;
  const rx = width / 2 - 44;
  const ry = height / 2 - 18;
  const placed = states.map((id, i) => {
    const a = Math.PI + (2 * Math.PI * i) / Math.max(1, n);
    return { id, x: Math.round(cx + rx * Math.cos(a)), y: Math.round(cy + ry * Math.sin(a)) };
  });
  return { states: placed, edges, width, height };
}

export { topState } from './state-name';
