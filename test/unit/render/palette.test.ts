import { describe, expect, it } from 'vitest';
import { KIND_STYLE, nodeLabel } from '../../../src/render/palette';

describe('nodeLabel', () => {
  it('adds what the node is under its id', () => {
    expect(nodeLabel('rs1', 'rs')).toBe('rs1\nreal server');
    expect(nodeLabel('client2', 'client')).toBe('client2\nclient');
  });

  it('does not repeat an id that already names the kind', () => {
    expect(nodeLabel('router', 'router')).toBe('router');
    expect(nodeLabel('director', 'director')).toBe('director');
    expect(nodeLabel('real server', 'rs')).toBe('real server');
  });

  it('gives every kind its own fill colour', () => {
    const fills = Object.values(KIND_STYLE).map((s) => s.fill);
    expect(new Set(fills).size).toBe(fills.length);
  });
});
