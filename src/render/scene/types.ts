/**
 * What the scene model hands the adapter each frame: plain specs, positions in layout
 * pixels. The arrays and their objects are reused from frame to frame (no garbage at 60
 * fps): read them during the frame, copy what you keep.
 */
import type { TraceEvent } from '../../core/sim/trace';
import type { Shape } from '../palette';
import type { LaneGeometry } from './lanes';

export type LinkTx = Extract<TraceEvent, { type: 'link.tx' }>;
export type DropEvent = Extract<TraceEvent, { type: 'drop' }>;
export type ColourMode = 'connection' | 'server';

export interface PacketSpec {
  /** Stable id of this hop of this packet (for selection). */
  id: number;
  x: number;
  y: number;
  shape: Shape;
  /** Colour index (palette.ts PACKET_COLOURS). */
  colour: number;
  /** IP-in-IP: the inner packet's glyph and colour, drawn inside the outer frame. */
  inner: Shape | null;
  innerColour: number;
  /** 1, or dimmed when something else is highlighted. */
  alpha: number;
  selected: boolean;
  /** 0 at the sender, 1 at the receiver. */
  progress: number;
  lane: number;
  reply: boolean;
  event: LinkTx;
}

export interface StreamDot {
  x: number;
  y: number;
  colour: number;
}

/** Many packets on one lane, drawn as a band with moving dots and a rate label. */
export interface StreamSpec {
  lane: number;
  from: string;
  to: string;
  geometry: LaneGeometry;
  /** Packets per second of simulated time, over the last window. */
  rate: number;
  /** Packets in that window. */
  count: number;
  dots: StreamDot[];
  label: string;
  labelX: number;
  labelY: number;
  /** 'busy': more packets than the lane can show one by one; 'lod': too many on screen overall. */
  why: 'busy' | 'lod';
  alpha: number;
}

export interface DropSpec {
  id: number;
  x: number;
  y: number;
  alpha: number;
  shape: Shape;
  colour: number;
  /** The reason code ("rp-filter"); '' when labels are capped. */
  label: string;
  node: string;
  event: DropEvent;
}

/** A node flashing because it rewrote a packet (IPVS NAT/DR/TUN). */
export interface PulseSpec {
  node: string;
  x: number;
  y: number;
  /** 0 just now .. 1 faded. */
  age: number;
  text: string;
}

export interface SceneFrame {
  /** Visual time of this frame (ms). */
  v: number;
  /** Glyph size in layout pixels. */
  glyph: number;
  packets: PacketSpec[];
  streams: StreamSpec[];
  drops: DropSpec[];
  pulses: PulseSpec[];
  /** Drops happening now but not drawn (over the cap). */
  hiddenDrops: number;
  highlightNode: string | null;
  /** The node the learner clicked, outlined. */
  selectedNode: string | null;
}

export type Hit = { kind: 'packet'; id: number; event: LinkTx } | { kind: 'drop'; event: DropEvent } | { kind: 'node'; name: string };
