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
}

function targets(t: TransitionConfig): string[] {
  if (t === undefined) return [];
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.flatMap((x) => targets(x as TransitionConfig));
  const target = (t as { target?: string | string[] }).target;
  if (target === undefined) return [];
  return Array.isArray(target) ? target : [target];
}

const clean = (s: string) => s.replace(/^\./, '').replace(/^#[^.]+\./, '');

/** Edges of a machine config `{ states: { name: { on, after, always } } }`. */
export function machineEdges(config: { states?: Record<string, unknown> }): { states: string[]; edges: ChartEdge[] } {
  const states = Object.keys(config.states ?? {});
  const edges: ChartEdge[] = [];
  for (const [name, raw] of Object.entries(config.states ?? {})) {
    const sc = raw as StateConfig;
    for (const [ev, t] of Object.entries(sc.on ?? {})) for (const to of targets(t)) edges.push({ from: name, to: clean(to), label: ev });
    for (const [delay, t] of Object.entries(sc.after ?? {})) for (const to of targets(t)) edges.push({ from: name, to: clean(to), label: `after ${delay}` });
    for (const to of targets(sc.always)) edges.push({ from: name, to: clean(to), label: 'always' });
  }
  return { states, edges: edges.filter((e) => states.includes(e.to)) };
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

/** The active top-level state name of an xstate snapshot value. */
export function topState(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') return Object.keys(value)[0] ?? '';
  return '';
}
