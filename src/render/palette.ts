import type { NodeKind } from './layout';

/** Colours of the topology picture, as 0xRRGGBB for pixi. One place, so a legend can reuse them. */
export const BACKGROUND = 0xf7f8fa;
export const LINK_COLOUR = 0x8a94a6;
export const LABEL_COLOUR = 0x1b2330;

export interface KindStyle {
  fill: number;
  stroke: number;
  /** Short name shown under the id, in the words `ip`/`ipvsadm` users know. */
  caption: string;
}

export const KIND_STYLE: Readonly<Record<NodeKind, KindStyle>> = {
  client: { fill: 0xdcecff, stroke: 0x3b7dd8, caption: 'client' },
  router: { fill: 0xfff1d6, stroke: 0xd08a00, caption: 'router' },
  switch: { fill: 0xeae6ff, stroke: 0x6a55d8, caption: 'switch' },
  director: { fill: 0xffdfe0, stroke: 0xd0343b, caption: 'director' },
  rs: { fill: 0xdcf5e3, stroke: 0x2a9a52, caption: 'real server' },
  host: { fill: 0xeceff3, stroke: 0x6b7789, caption: 'host' },
};

/** Text of a node box: its id, then what it is unless the id already says so ("router"). */
export function nodeLabel(id: string, kind: NodeKind): string {
  const caption = KIND_STYLE[kind].caption;
  return id === caption || id === kind ? id : `${id}\n${caption}`;
}
