import type { NodeKind } from './layout';

/** Colours of the topology picture, as 0xRRGGBB for pixi. One place, so a legend can reuse them. */
export const BACKGROUND = 0xf7f8fa;
export const LINK_COLOUR = 0x8a94a6;
export const LABEL_COLOUR = 0x1b2330;
/** Outline of packet glyphs and of the highlight ring: dark enough on every fill below. */
export const GLYPH_OUTLINE = 0x1b2330;
/** Drop labels and the fall trail. */
export const DROP_COLOUR = 0xb3261e;

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

/**
 * Okabe & Ito's colour-blind-safe set ("Color Universal Design", 2002), minus black: the
 * colours packets take by connection or by real server. Shapes carry the packet kind
 * (square request, circle reply, diamond ARP, ...), so no meaning rests on hue alone.
 */
export const OKABE_ITO = [
  0xe69f00, // orange
  0x56b4e9, // sky blue
  0x009e73, // bluish green
  0xf0e442, // yellow
  0x0072b2, // blue
  0xd55e00, // vermillion
  0xcc79a7, // reddish purple
] as const;

/**
 * Every colour a packet glyph can take, by index: the scene model deals in indices (cheap
 * to count per stream, readable in the headless twin), the pixi adapter tints with
 * `PACKET_COLOURS[i]`.
 */
export const COLOUR = {
  /** 0..6: OKABE_ITO[i] (a connection's hash, or a real server's rank). */
  neutral: 7,
  arp: 8,
  vrrp: 9,
  icmpError: 10,
  tunnel: 11,
} as const;

export const PACKET_COLOURS: readonly number[] = [
  ...OKABE_ITO,
  0xa7afbd, // neutral: not yet scheduled, or no connection (grey)
  0x5c6470, // ARP (dark grey)
  0xcc79a7, // VRRP (reddish purple; its triangle tells it from a connection)
  0xd55e00, // ICMP error (vermillion)
  0x0072b2, // IP-in-IP outer header (blue frame)
];

export const CONN_COLOURS = OKABE_ITO.length;

/** Colour index of the real server ranked `rank` (0 = first `rs` node of the scenario). */
export function serverColour(rank: number): number {
  return ((rank % CONN_COLOURS) + CONN_COLOURS) % CONN_COLOURS;
}

/** Packet glyphs; one texture each in the adapter. */
export type Shape = 'square' | 'circle' | 'diamond' | 'triangle' | 'hexagon' | 'frame';
export const SHAPES: readonly Shape[] = ['square', 'circle', 'diamond', 'triangle', 'hexagon', 'frame'];

/** What each glyph means, for a legend (the UI can render it next to the canvas). */
export const SHAPE_MEANING: Readonly<Record<Shape, string>> = {
  square: 'TCP/UDP towards the service (request)',
  circle: 'TCP/UDP from the service (reply)',
  diamond: 'ARP',
  triangle: 'VRRP advertisement',
  hexagon: 'ICMP',
  frame: 'IP-in-IP (LVS-TUN): the outer header around the inner packet',
};
