/**
 * What the controller needs from a drawing surface. Two implementations share it: the pixi
 * adapter (pixi-painter.ts) and its headless twin (headless-painter.ts), which records what
 * would be drawn, so the controller is tested in Node without a canvas or a GPU.
 */
import type { Layout } from './layout';
import type { SceneFrame } from './scene/types';

/** A real server's box and the colour its packets take when colouring by server. */
export interface ServerSwatch {
  node: string;
  colour: number;
}

export interface Painter {
  /** Nodes and cables moved (new topology, resize): draw the still picture again. */
  setLayout(layout: Layout, servers: readonly ServerSwatch[]): void;
  /** Draw one frame. The frame's arrays are reused by the scene after this call returns. */
  draw(frame: SceneFrame): void;
}
