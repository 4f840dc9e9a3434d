import { describe, expect, it } from 'vitest';
import { assignColumns, layoutTopology, type PlacedNode, type Topology } from '../../../src/render/layout';
import { Lab } from '../../../src/core/lab';
import { drPreset } from '../../../src/core/scenario/presets';

/** The page's topology: the core's DR preset. */
const SAMPLE_DR_TOPOLOGY = Lab.of(drPreset()).topology();

const SIZE = { width: 960, height: 540 };

function byId(nodes: PlacedNode[], id: string): PlacedNode {
  const n = nodes.find((m) => m.id === id);
  if (!n) throw new Error(`no node ${id}`);
  return n;
}

function overlap(p: PlacedNode, q: PlacedNode): boolean {
  return Math.abs(p.x - q.x) < (p.w + q.w) / 2 && Math.abs(p.y - q.y) < (p.h + q.h) / 2;
}

describe('assignColumns', () => {
  it('puts each hop from the clients in its own column', () => {
    const col = assignColumns(SAMPLE_DR_TOPOLOGY);
    expect(Object.fromEntries(col)).toEqual({
      client1: 0,
      client2: 0,
      client3: 0,
      internet: 1,
      router: 2,
      switch: 3,
      director: 4,
      rs1: 4,
      rs2: 4,
      rs3: 4,
    });
  });

  it('falls back to the kind rank for unreachable nodes', () => {
    const col = assignColumns({
      nodes: [
        { id: 'c', kind: 'client' },
        { id: 'lonely', kind: 'rs' },
      ],
      links: [],
    });
    expect(col.get('c')).toBe(0);
    expect(col.get('lonely')).toBe(4);
  });

  it('starts from the lowest kind when there are no clients', () => {
    const col = assignColumns({
      nodes: [
        { id: 'rs1', kind: 'rs' },
        { id: 'sw', kind: 'switch' },
      ],
      links: [{ a: 'sw', b: 'rs1' }],
    });
    expect(col.get('sw')).toBe(0);
    expect(col.get('rs1')).toBe(1);
  });
});

describe('layoutTopology', () => {
  const layout = layoutTopology(SAMPLE_DR_TOPOLOGY, SIZE);

  it('places every node once, inside the area', () => {
    expect(layout.nodes.map((n) => n.id).sort()).toEqual(SAMPLE_DR_TOPOLOGY.nodes.map((n) => n.id).sort());
    for (const n of layout.nodes) {
      expect(n.x - n.w / 2).toBeGreaterThanOrEqual(0);
      expect(n.y - n.h / 2).toBeGreaterThanOrEqual(0);
      expect(n.x + n.w / 2).toBeLessThanOrEqual(SIZE.width);
      expect(n.y + n.h / 2).toBeLessThanOrEqual(SIZE.height);
    }
  });

  it('never overlaps two boxes', () => {
    const { nodes } = layout;
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const [p, q] = [nodes[i], nodes[j]];
        if (p && q) expect(overlap(p, q), `${p.id} overlaps ${q.id}`).toBe(false);
      }
    }
  });

  it('reads left to right along the request path, director above the real servers', () => {
    const n = (id: string) => byId(layout.nodes, id);
    expect(n('client1').x).toBeLessThan(n('router').x);
    expect(n('router').x).toBeLessThan(n('switch').x);
    expect(n('switch').x).toBeLessThan(n('director').x);
    expect(n('director').x).toBe(n('rs1').x);
    expect(n('director').y).toBeLessThan(n('rs1').y);
    expect(n('rs1').y).toBeLessThan(n('rs2').y);
    expect(n('rs2').y).toBeLessThan(n('rs3').y);
  });

  it('joins link ends to node centres', () => {
    expect(layout.links).toHaveLength(SAMPLE_DR_TOPOLOGY.links.length);
    for (const l of layout.links) {
      const a = byId(layout.nodes, l.a);
      const b = byId(layout.nodes, l.b);
      expect([l.x1, l.y1, l.x2, l.y2]).toEqual([a.x, a.y, b.x, b.y]);
    }
  });

  it('is deterministic', () => {
    expect(layoutTopology(SAMPLE_DR_TOPOLOGY, SIZE)).toEqual(layout);
  });

  it('shrinks boxes to fit a small area', () => {
    const small = layoutTopology(SAMPLE_DR_TOPOLOGY, { width: 320, height: 160, padding: 8 });
    for (const n of small.nodes) {
      expect(n.y - n.h / 2).toBeGreaterThanOrEqual(0);
      expect(n.y + n.h / 2).toBeLessThanOrEqual(160);
    }
    const { nodes } = small;
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const [p, q] = [nodes[i], nodes[j]];
        if (p && q) expect(overlap(p, q), `${p.id} overlaps ${q.id}`).toBe(false);
      }
    }
  });

  it('lays out an empty topology', () => {
    expect(layoutTopology({ nodes: [], links: [] }, SIZE)).toEqual({ ...SIZE, nodes: [], links: [] });
  });

  it('rejects duplicate ids and links to unknown nodes', () => {
    const dup: Topology = {
      nodes: [
        { id: 'a', kind: 'host' },
        { id: 'a', kind: 'host' },
      ],
      links: [],
    };
    expect(() => layoutTopology(dup, SIZE)).toThrow(/duplicate node id "a"/);
    const dangling: Topology = { nodes: [{ id: 'a', kind: 'host' }], links: [{ a: 'a', b: 'ghost' }] };
    expect(() => layoutTopology(dangling, SIZE)).toThrow(/unknown node "ghost"/);
  });
});
