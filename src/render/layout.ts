/**
 * Where each node of a lab topology goes on screen: pure functions, no pixi, so the
 * placement is tested in Node (test/unit/render/layout.test.ts) and stage.ts only draws.
 *
 * The picture reads left to right in the order a request travels: clients, then each
 * hop away from them gets its own column (router, switch, then the LAN the director and
 * the real servers share). Columns come from hop counts, not from kinds, so a NAT lab
 * with two switches or a TUN lab with a second router lays out without new rules.
 */

export type NodeKind = 'client' | 'router' | 'switch' | 'director' | 'rs' | 'host';

export interface TopologyNode {
  id: string;
  kind: NodeKind;
}

export interface TopologyLink {
  a: string;
  b: string;
}

export interface Topology {
  nodes: readonly TopologyNode[];
  links: readonly TopologyLink[];
}

export interface LayoutOptions {
  /** Size of the area to fill, in CSS pixels. */
  width: number;
  height: number;
  /** Preferred box size; boxes shrink if the area is too small for them. */
  nodeWidth?: number;
  nodeHeight?: number;
  /** Empty margin kept around the drawing. */
  padding?: number;
}

/** A node box: (x, y) is its centre, so links can join centres and boxes cover the ends. */
export interface PlacedNode {
  id: string;
  kind: NodeKind;
  column: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PlacedLink {
  a: string;
  b: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  links: PlacedLink[];
}

/** Order inside a column, top to bottom; also the column of a node no client can reach. */
export const KIND_RANK: Readonly<Record<NodeKind, number>> = {
  client: 0,
  router: 1,
  switch: 2,
  director: 3,
  rs: 4,
  host: 5,
};

const DEFAULTS = { nodeWidth: 112, nodeHeight: 44, padding: 24 } as const;
/** Smallest gap between two boxes, as a fraction of the box size. */
const MIN_GAP = 0.25;
/**
 * Smallest gap between two columns, as a fraction of the box width: the cables between
 * columns are where packets travel, so they get at least this much room (boxes shrink).
 */
const MIN_COLUMN_GAP = 0.8;

/** Throw on ids that would make the picture lie: duplicates, or links to nowhere. */
export function validateTopology(topo: Topology): void {
  const seen = new Set<string>();
  for (const n of topo.nodes) {
    if (seen.has(n.id)) throw new Error(`topology: duplicate node id "${n.id}"`);
    seen.add(n.id);
  }
  for (const l of topo.links) {
    for (const end of [l.a, l.b]) {
      if (!seen.has(end)) throw new Error(`topology: link ${l.a}–${l.b} names unknown node "${end}"`);
    }
  }
}

/**
 * Column of every node: its hop count from the nearest client (breadth-first search).
 * Without clients the search starts from the nodes of the lowest kind rank. A node in a
 * part of the graph the search does not reach falls back to its kind rank.
 */
export function assignColumns(topo: Topology): Map<string, number> {
  validateTopology(topo);
  const adjacent = new Map<string, string[]>(topo.nodes.map((n) => [n.id, []]));
  for (const l of topo.links) {
    adjacent.get(l.a)?.push(l.b);
    adjacent.get(l.b)?.push(l.a);
  }
  const lowest = Math.min(...topo.nodes.map((n) => KIND_RANK[n.kind]));
  const sources = topo.nodes.filter((n) => KIND_RANK[n.kind] === lowest);

  const column = new Map<string, number>();
  let frontier = sources.map((n) => n.id);
  for (const id of frontier) column.set(id, 0);
  for (let depth = 1; frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const peer of adjacent.get(id) ?? []) {
        if (column.has(peer)) continue;
        column.set(peer, depth);
        next.push(peer);
      }
    }
    frontier = next;
  }
  for (const n of topo.nodes) if (!column.has(n.id)) column.set(n.id, KIND_RANK[n.kind]);
  return column;
}

/** Place every node and link inside `opts.width` × `opts.height`. Deterministic. */
export function layoutTopology(topo: Topology, opts: LayoutOptions): Layout {
  const { width, height } = opts;
  const padding = opts.padding ?? DEFAULTS.padding;
  const columnOf = assignColumns(topo);

  // Dense column indices (0..k-1) in left-to-right order, so unused hop counts leave no hole.
  const used = [...new Set(columnOf.values())].sort((p, q) => p - q);
  const columns: TopologyNode[][] = used.map(() => []);
  topo.nodes.forEach((n) => columns[used.indexOf(columnOf.get(n.id) ?? 0)]?.push(n));
  for (const col of columns) col.sort((p, q) => KIND_RANK[p.kind] - KIND_RANK[q.kind]); // stable: keeps input order

  const tallest = Math.max(1, ...columns.map((c) => c.length));
  const innerW = Math.max(0, width - 2 * padding);
  const innerH = Math.max(0, height - 2 * padding);
  const w = Math.min(opts.nodeWidth ?? DEFAULTS.nodeWidth, innerW / Math.max(1, columns.length * (1 + MIN_COLUMN_GAP)));
  const h = Math.min(opts.nodeHeight ?? DEFAULTS.nodeHeight, innerH / (tallest * (1 + MIN_GAP)));

  const nodes: PlacedNode[] = [];
  columns.forEach((col, c) => {
    const x = padding + ((c + 0.5) * innerW) / columns.length;
    const step = innerH / col.length;
    col.forEach((n, r) => {
      nodes.push({ id: n.id, kind: n.kind, column: c, x, y: padding + (r + 0.5) * step, w, h });
    });
  });

  const at = new Map(nodes.map((n) => [n.id, n]));
  const links: PlacedLink[] = topo.links.map((l) => {
    const a = at.get(l.a);
    const b = at.get(l.b);
    // validateTopology has already rejected unknown ends.
    if (!a || !b) throw new Error(`topology: link ${l.a}–${l.b} lost an end`);
    return { a: l.a, b: l.b, x1: a.x, y1: a.y, x2: b.x, y2: b.y };
  });

  return { width, height, nodes, links };
}
