/**
 * Lanes: one per cable and direction. A packet from A to B rides on the right-hand side
 * of the line A→B (seen travelling), so a request and its reply on the same cable never
 * overlap, and the DR/TUN reply path (real server → router, bypassing the director) reads
 * as its own route. Pure geometry from a Layout.
 */
import type { Layout, PlacedNode } from '../layout';

export interface LaneGeometry {
  /** Start and end points, already trimmed to the node boxes and offset to the side. */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  len: number;
}

/** Sideways gap between the two directions of one cable, in layout pixels. */
export const LANE_OFFSET = 5;

/** Where the segment from a's centre towards (bx, by) leaves a's box (a fraction of the segment). */
function exitFraction(a: PlacedNode, dx: number, dy: number): number {
  const fx = dx === 0 ? Infinity : a.w / 2 / Math.abs(dx);
  const fy = dy === 0 ? Infinity : a.h / 2 / Math.abs(dy);
  return Math.min(fx, fy, 0.5);
}

export function laneGeometry(a: PlacedNode, b: PlacedNode, offset = LANE_OFFSET): LaneGeometry {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const d = Math.hypot(dx, dy) || 1;
  // Right-hand normal of the direction of travel (y grows downwards on screen).
  const nx = -dy / d;
  const ny = dx / d;
  const fa = exitFraction(a, dx, dy);
  const fb = exitFraction(b, -dx, -dy);
  const x1 = a.x + dx * fa + nx * offset;
  const y1 = a.y + dy * fa + ny * offset;
  const x2 = b.x - dx * fb + nx * offset;
  const y2 = b.y - dy * fb + ny * offset;
  return { x1, y1, x2, y2, len: Math.hypot(x2 - x1, y2 - y1) };
}

/** Point at fraction `f` (0..1) of a lane. */
export function pointOn(g: LaneGeometry, f: number, out: { x: number; y: number }): void {
  out.x = g.x1 + (g.x2 - g.x1) * f;
  out.y = g.y1 + (g.y2 - g.y1) * f;
}

/** Node name of a port id ("switch:p3" → "switch", "rs1:eth0" → "rs1"). */
export function nodeOfPort(port: string): string {
  const i = port.indexOf(':');
  return i < 0 ? port : port.slice(0, i);
}

export function nodesById(layout: Layout): Map<string, PlacedNode> {
  return new Map(layout.nodes.map((n) => [n.id, n]));
}
