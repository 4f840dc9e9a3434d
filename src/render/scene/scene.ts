/**
 * The scene model: trace events in, what is on screen out. Pure (no pixi, no DOM, no wall
 * clock), so every rule below is tested in Node (test/unit/render/scene*.test.ts).
 *
 * Two clocks meet here. Simulated time `t` (µs) is the core's: a frame is put on a cable at
 * `t` and arrives at `tArrive`. Visual time `v` (ms) is the picture's: it runs with the
 * wall clock while the lab plays (and for a moment after a step), and stands still when
 * paused. The controller tells the scene how the two line up (`anchor`), and each packet
 * gets a visual schedule when it is ingested:
 *
 * THE VISUAL STRETCH (the honest rule, also in clock.ts MOTION_NOTE):
 * 1. A hop is drawn over max(its true duration at the current speed, `minHopMs` = 300 ms),
 *    starting no earlier than its true send time. A LAN hop takes ~0.1 ms, so at 1× it is
 *    slowed ~3000-fold; nothing is ever drawn faster than it really went.
 * 2. One packet's hops are drawn in order: a hop starts once the same packet's previous hop
 *    has been drawn (frames are followed through switches by identity and through routers
 *    and IPVS by the `ip.forward` before → after pair), but never more than
 *    `maxChainLagMs` behind its true time. Different packets are not chained: a reply can
 *    be drawn while its request is still on screen.
 * 3. Packets on one lane (cable + direction) keep their true order and are spaced at least
 *    `laneSpacingMs` apart (more on a short lane, so glyphs never overlap). When that queue
 *    would hold a packet more than `maxLaneLagMs`, the lane is too busy to show one by one:
 *    it becomes a stream (below), until it carries less than half of what it can show.
 *
 * LEVEL OF DETAIL: a lane is drawn as a stream — a band with moving dots coloured by the
 * recent mix and a "packets per simulated second" label — while it is busy (rule 3) and for
 * `streamHoldMs` after; and when more than `maxPackets` packets would be on screen, the
 * busiest lanes become streams until the rest fit. Streaming lanes cost one counter update
 * per packet, so heavy traffic never stalls a frame.
 *
 * Memory is bounded: the last `capacity` hops and `dropCapacity` drops live in rings, the
 * connection → server map keeps the newest `maxConns` entries, and the packet lineage sits
 * in a WeakMap keyed by the core's own packet objects.
 */
import type { TraceEvent } from '../../core/sim/trace';
import type { Layout, PlacedNode } from '../layout';
import { COLOUR, serverColour, type Shape } from '../palette';
import { lookOf, parseEndpoint, type ConnKey } from './classify';
import { LaneState } from './lane-state';
import { laneGeometry, nodeOfPort, nodesById, pointOn } from './lanes';
import { Ring } from './ring';
import type { ColourMode, DropEvent, DropSpec, Hit, LinkTx, PacketSpec, PulseSpec, SceneFrame } from './types';

export interface SceneOptions {
  /** Above this many packets on screen, the busiest lanes turn into streams. */
  maxPackets: number;
  /** Hops remembered (drawn or selectable). */
  capacity: number;
  dropCapacity: number;
  minHopMs: number;
  laneSpacingMs: number;
  maxLaneLagMs: number;
  maxChainLagMs: number;
  streamHoldMs: number;
  /** How long a dropped packet falls with its reason. */
  dropMs: number;
  maxDrops: number;
  maxDropLabels: number;
  pulseMs: number;
  maxConns: number;
}

export const SCENE_DEFAULTS: Readonly<SceneOptions> = {
  maxPackets: 1500,
  capacity: 8192,
  dropCapacity: 256,
  minHopMs: 300,
  laneSpacingMs: 25,
  maxLaneLagMs: 1500,
  maxChainLagMs: 2000,
  streamHoldMs: 1000,
  dropMs: 1500,
  maxDrops: 48,
  maxDropLabels: 12,
  pulseMs: 600,
  maxConns: 65_536,
};

interface Rec {
  id: number;
  ev: LinkTx;
  lane: LaneState;
  vs: number;
  ve: number;
  shape: Shape;
  inner: Shape | null;
  colourConn: number;
  colourServer: number;
  connKey: ConnKey;
  reply: boolean;
  /** The lane's epoch when recorded; a lane that turned busy since does not draw it. */
  epoch: number;
}

/** Where a packet's last drawn hop ends, to chain its next hop after it. */
interface Mark {
  ve: number;
  tArrive: number;
  /** The visual end this hop itself waited for: what a sibling (a switch flood copy) should wait for. */
  pred: number;
}

interface DropRec {
  id: number;
  ev: DropEvent;
  node: string;
  vs: number;
  shape: Shape;
  colourConn: number;
  colourServer: number;
  connKey: ConnKey;
}

export interface SceneCounters {
  /** link.tx events seen. */
  ingested: number;
  /** Hops given a visual schedule (drawable one by one). */
  recorded: number;
  /** Hops only counted, because their lane was streaming. */
  streamed: number;
  drops: number;
}

const FALL_PX = 36;

export class Scene {
  readonly opts: SceneOptions;
  mode: ColourMode = 'connection';
  reducedMotion = false;

  private nodes = new Map<string, PlacedNode>();
  private glyph = 10;
  private links = new Map<string, { aPort: string; lanes: (LaneState | undefined)[] }>();
  private lanes: LaneState[] = [];
  private laneByPair = new Map<string, LaneState>();
  private ring: Ring<Rec>;
  private drops: Ring<DropRec>;
  private lineage = new WeakMap<object, Mark>();
  /** Client end → rank of the real server IPVS chose for it. */
  private sched = new Map<ConnKey, number>();
  /** Real-server address → rank (0 = first `rs` node). */
  private servers = new Map<number, number>();
  private pulses = new Map<string, { v: number; text: string }>();
  private anchorD = 0;
  private anchorV = 0;
  private speed = 1;
  private seq = 0;
  private highlightNode: string | null = null;
  private highlightConn: ConnKey | null = null;
  private selected: number | null = null;
  private selectedNode: string | null = null;
  private lastV = 0;
  readonly counters: SceneCounters = { ingested: 0, recorded: 0, streamed: 0, drops: 0 };
  private readonly out: SceneFrame = { v: 0, glyph: 10, packets: [], streams: [], drops: [], pulses: [], hiddenDrops: 0, highlightNode: null, selectedNode: null };
  private nPackets = 0;
  private nStreams = 0;
  private nDrops = 0;
  private nPulses = 0;

  constructor(layout: Layout, opts: Partial<SceneOptions> = {}) {
    this.opts = { ...SCENE_DEFAULTS, ...opts };
    this.ring = new Ring(this.opts.capacity);
    this.drops = new Ring(this.opts.dropCapacity);
    this.setLayout(layout);
  }

  // ------------------------------------------------------------------ configuration

  setLayout(layout: Layout): void {
    this.nodes = nodesById(layout);
    const h = layout.nodes[0]?.h ?? 44;
    this.glyph = Math.max(6, Math.min(12, h * 0.26));
    for (const lane of this.lanes) lane.geometry = this.geometryOf(lane.from, lane.to);
  }

  /** Real-server addresses and their rank, for colouring by server (see `serverRanks`). */
  setServers(ranks: ReadonlyMap<number, number>): void {
    this.servers = new Map(ranks);
  }

  /**
   * Line simulated time up with visual time: simulated µs `d` is visual ms `v`, and one
   * visual ms is `speed` simulated ms from there on. Called by the controller each frame.
   */
  anchor(d: number, v: number, speed: number): void {
    this.anchorD = d;
    this.anchorV = v;
    this.speed = speed;
  }

  /** Visual time (ms) of simulated time `t` (µs), under the current anchor. */
  toV(t: number): number {
    return this.anchorV + (t - this.anchorD) / (this.speed * 1000);
  }

  highlight(h: { node?: string | null; conn?: string | ConnKey | null }): void {
    this.highlightNode = h.node ?? null;
    const c = h.conn;
    this.highlightConn = c === undefined || c === null ? null : typeof c === 'number' ? c : (parseEndpoint(c) ?? null);
  }

  /** Ring the packet hop `id` (from a PacketSpec or a Hit); null clears. */
  select(id: number | null): void {
    this.selected = id;
  }

  selectNode(name: string | null): void {
    this.selectedNode = name;
  }

  /** Forget everything seen (a new Lab after a seek); keeps layout, servers and options. */
  reset(): void {
    this.ring.clear();
    this.drops.clear();
    this.lineage = new WeakMap();
    this.sched.clear();
    this.pulses.clear();
    for (const l of this.lanes) l.reset();
    this.selected = null;
  }

  get size(): number {
    return this.ring.size;
  }

  // ------------------------------------------------------------------ events in

  ingest(ev: TraceEvent): void {
    switch (ev.type) {
      case 'link.tx':
        this.hop(ev);
        return;
      case 'drop':
        this.drop(ev);
        return;
      case 'ip.forward': {
        const m = this.lineage.get(ev.before);
        if (m) this.lineage.set(ev.after, m);
        if (ev.why.startsWith('IPVS')) {
          const v = Math.max(this.toV(ev.t), m && m.tArrive <= ev.t ? m.ve : -Infinity);
          this.pulses.set(ev.node, { v, text: ev.why });
        }
        return;
      }
      case 'ctl':
        if (ev.what === 'ipvs.schedule' && ev.data) this.scheduled(ev.data);
        return;
      default:
        return;
    }
  }

  private scheduled(data: Record<string, unknown>): void {
    const client = typeof data.client === 'string' ? parseEndpoint(data.client) : undefined;
    const dest = typeof data.dest === 'string' ? parseEndpoint(data.dest) : undefined;
    if (client === undefined || dest === undefined) return;
    const addr = Math.floor(dest / 65536);
    let rank = this.servers.get(addr);
    if (rank === undefined) {
      rank = this.servers.size;
      this.servers.set(addr, rank);
    }
    this.sched.delete(client);
    this.sched.set(client, rank);
    if (this.sched.size > this.opts.maxConns) {
      const oldest = this.sched.keys().next();
      if (!oldest.done) this.sched.delete(oldest.value);
    }
  }

  private serverColourOf(key: ConnKey, fixed: number | null): number {
    if (fixed !== null) return fixed;
    const rank = key >= 0 ? this.sched.get(key) : undefined;
    return rank === undefined ? COLOUR.neutral : serverColour(rank);
  }

  private hop(ev: LinkTx): void {
    this.counters.ingested++;
    const lane = this.laneFor(ev);
    if (!lane) return;
    const o = this.opts;
    const look = lookOf(ev.frame);
    const colourServer = this.serverColourOf(look.connKey, look.fixedColour);
    const winUs = Math.min(1_000_000, Math.max(10_000, this.speed * 1_000_000));
    lane.count(ev.t, winUs, look.colourConn, colourServer);

    const vAt = this.toV(ev.t);
    if (lane.busyUntilV > vAt) {
      this.counters.streamed++;
      return;
    }
    const spacing = this.spacingOf(lane);
    if (lane.busyUntilV > -Infinity && lane.rate(ev.t) * this.speed * spacing > 500) {
      // Leaving busy mode only pays once the lane carries under half of what it can show
      // one by one (1000 / laneSpacingMs per visual second): else it would flicker.
      lane.busyUntilV = vAt + o.streamHoldMs;
      this.counters.streamed++;
      return;
    }
    const durV = Math.max((ev.tArrive - ev.t) / (this.speed * 1000), o.minHopMs);
    const frame = ev.frame;
    const mark = this.lineage.get(frame) ?? (frame.ip ? this.lineage.get(frame.ip) : undefined);
    const pred = mark ? (mark.tArrive <= ev.t ? mark.ve : mark.pred) : -Infinity;
    // Rule 2: after the same packet's previous hop, within the chain's lag bound.
    const wanted = Math.max(vAt, Math.min(pred, vAt + o.maxChainLagMs));
    if (lane.nextStartV - wanted > o.maxLaneLagMs) {
      // Rule 3: the lane's queue is too long to draw honestly; stream it for a while.
      lane.busyUntilV = vAt + o.streamHoldMs;
      lane.epoch++;
      lane.nextStartV = -Infinity;
      this.counters.streamed++;
      return;
    }
    const vs = Math.max(wanted, lane.nextStartV);
    const ve = vs + durV;
    lane.nextStartV = vs + spacing;
    const m: Mark = { ve, tArrive: ev.tArrive, pred };
    this.lineage.set(frame, m);
    if (frame.ip) this.lineage.set(frame.ip, m);
    this.ring.push({
      id: ++this.seq,
      ev,
      lane,
      vs,
      ve,
      shape: look.shape,
      inner: look.inner,
      colourConn: look.colourConn,
      colourServer,
      connKey: look.connKey,
      reply: look.reply,
      epoch: lane.epoch,
    });
    this.counters.recorded++;
  }

  private drop(ev: DropEvent): void {
    this.counters.drops++;
    const node = nodeOfPort(ev.node);
    if (!this.nodes.has(node)) return;
    const pkt = ev.frame ?? ev.ip;
    const look = ev.frame ? lookOf(ev.frame) : ev.ip ? lookOf({ src: '', dst: '', ethertype: 0x0800, ip: ev.ip, len: ev.ip.len }) : undefined;
    // A packet lost on a cable falls when its drawn hop reaches the far end.
    const m = pkt ? this.lineage.get(pkt) : undefined;
    const vAt = this.toV(ev.t);
    const vs = m ? Math.max(vAt, Math.min(m.ve, vAt + this.opts.maxChainLagMs)) : vAt;
    this.drops.push({
      id: ++this.seq,
      ev,
      node,
      vs,
      shape: look?.shape ?? 'square',
      colourConn: look?.colourConn ?? COLOUR.neutral,
      colourServer: look ? this.serverColourOf(look.connKey, look.fixedColour) : COLOUR.neutral,
      connKey: look?.connKey ?? -1,
    });
  }

  /**
   * Visual ms between two packets starting on a lane: `laneSpacingMs`, or more on a short
   * lane, so that glyphs moving at the slowest drawn pace never overlap.
   */
  private spacingOf(lane: LaneState): number {
    const len = lane.geometry?.len ?? 0;
    return len > 0 ? Math.max(this.opts.laneSpacingMs, (this.opts.minHopMs * this.glyph) / len) : this.opts.laneSpacingMs;
  }

  private geometryOf(from: string, to: string) {
    const a = this.nodes.get(from);
    const b = this.nodes.get(to);
    return a && b && a !== b ? laneGeometry(a, b) : null;
  }

  private laneFor(ev: LinkTx): LaneState | null {
    let e = this.links.get(ev.link);
    if (!e) {
      e = { aPort: ev.from, lanes: [undefined, undefined] };
      this.links.set(ev.link, e);
    }
    const dir = ev.from === e.aPort ? 0 : 1;
    let lane = e.lanes[dir];
    if (!lane) {
      const from = nodeOfPort(ev.from);
      const to = nodeOfPort(ev.to);
      const key = `${from}>${to}`;
      lane = this.laneByPair.get(key);
      if (!lane) {
        lane = new LaneState(this.lanes.length, from, to, this.geometryOf(from, to));
        this.lanes.push(lane);
        this.laneByPair.set(key, lane);
      }
      e.lanes[dir] = lane;
    }
    return lane.geometry ? lane : null;
  }

  // ------------------------------------------------------------------ frame out

  /** What is on screen at visual time `v` (ms), simulated time `d` (µs, for rates). */
  frame(v: number, d: number): SceneFrame {
    this.lastV = v;
    const o = this.opts;
    for (const l of this.lanes) l.visible = 0;
    this.ring.forEach((r) => {
      if (r.vs <= v && v < r.ve && r.epoch === r.lane.epoch) r.lane.visible++;
    });

    // Level of detail: too many packets → the busiest lanes become streams.
    let individual = 0;
    for (const l of this.lanes) if (l.busyUntilV <= v && l.lodUntilV <= v) individual += l.visible;
    if (individual > o.maxPackets) {
      const expired = this.lanes.filter((l) => l.busyUntilV <= v && l.lodUntilV <= v && l.visible > 0);
      expired.sort((p, q) => q.visible - p.visible || p.index - q.index);
      for (const l of expired) {
        if (individual <= o.maxPackets) break;
        l.lodUntilV = v + o.streamHoldMs;
        individual -= l.visible;
      }
    }

    this.nPackets = 0;
    const pos = { x: 0, y: 0 };
    const server = this.mode === 'server';
    const dim = this.highlightNode !== null || this.highlightConn !== null;
    this.ring.forEach((r) => {
      if (!(r.vs <= v && v < r.ve)) return;
      const lane = r.lane;
      if (r.epoch !== lane.epoch) return;
      if (lane.busyUntilV > v || lane.lodUntilV > v || !lane.geometry) return;
      const progress = this.reducedMotion ? 1 : (v - r.vs) / (r.ve - r.vs);
      pointOn(lane.geometry, progress, pos);
      const content = server ? r.colourServer : r.colourConn;
      const p = this.nextPacket();
      p.id = r.id;
      p.x = pos.x;
      p.y = pos.y;
      p.shape = r.shape;
      p.colour = r.shape === 'frame' ? COLOUR.tunnel : content;
      p.inner = r.inner;
      p.innerColour = content;
      p.progress = progress;
      p.lane = lane.index;
      p.reply = r.reply;
      p.selected = r.id === this.selected;
      p.event = r.ev;
      p.alpha = !dim || this.matches(lane, r.connKey) ? 1 : 0.2;
    });
    this.out.packets.length = this.nPackets;

    this.nStreams = 0;
    for (const l of this.lanes) {
      if (!l.geometry) continue;
      const busy = l.busyUntilV > v;
      if (!busy && l.lodUntilV <= v) continue;
      this.stream(l, busy ? 'busy' : 'lod', v, d, dim);
    }
    this.out.streams.length = this.nStreams;

    this.frameDrops(v);
    this.framePulses(v);
    this.out.v = v;
    this.out.glyph = this.glyph;
    this.out.highlightNode = this.highlightNode;
    this.out.selectedNode = this.selectedNode;
    return this.out;
  }

  private matches(lane: LaneState, key: ConnKey): boolean {
    if (this.highlightConn !== null) return key === this.highlightConn;
    return lane.from === this.highlightNode || lane.to === this.highlightNode;
  }

  private nextPacket(): PacketSpec {
    const list = this.out.packets;
    let p = list[this.nPackets];
    if (!p) {
      p = { id: 0, x: 0, y: 0, shape: 'square', colour: 0, inner: null, innerColour: 0, alpha: 1, selected: false, progress: 0, lane: 0, reply: false, event: undefined as unknown as LinkTx };
      list[this.nPackets] = p;
    }
    this.nPackets++;
    return p;
  }

  private stream(l: LaneState, why: 'busy' | 'lod', v: number, d: number, dim: boolean): void {
    const g = l.geometry!;
    const list = this.out.streams;
    let s = list[this.nStreams];
    if (!s) {
      s = { lane: 0, from: '', to: '', geometry: g, rate: 0, count: 0, dots: [], label: '', labelX: 0, labelY: 0, why, alpha: 1 };
      list[this.nStreams] = s;
    }
    this.nStreams++;
    const rate = l.rate(d);
    s.lane = l.index;
    s.from = l.from;
    s.to = l.to;
    s.geometry = g;
    s.rate = rate;
    s.count = Math.round(l.windowCount(d));
    s.why = why;
    s.label = `${formatRate(rate)}/s`;
    s.alpha = !dim || this.matches(l, -2) ? 1 : 0.25;
    // Label beside the middle of the lane, on its own side of the cable.
    const nx = g.len ? -(g.y2 - g.y1) / g.len : 0;
    const ny = g.len ? (g.x2 - g.x1) / g.len : 0;
    s.labelX = (g.x1 + g.x2) / 2 + nx * 12;
    s.labelY = (g.y1 + g.y2) / 2 + ny * 12;
    const n = Math.max(3, Math.min(14, Math.round(Math.log2(1 + rate) * 1.2), Math.floor(g.len / 10)));
    const phase = this.reducedMotion ? 0.5 : (v / this.opts.minHopMs) % 1;
    const mode = this.mode === 'server' ? 1 : 0;
    for (let i = 0; i < n; i++) {
      let dot = s.dots[i];
      if (!dot) {
        dot = { x: 0, y: 0, colour: 0 };
        s.dots[i] = dot;
      }
      const f = this.reducedMotion ? (i + 0.5) / n : (phase + i / n) % 1;
      pointOn(g, f, dot);
      dot.colour = l.colourAt((i + 0.5) / n, mode, COLOUR.neutral);
    }
    s.dots.length = n;
  }

  private frameDrops(v: number): void {
    const o = this.opts;
    const list = this.out.drops;
    this.nDrops = 0;
    let hidden = 0;
    let labels = 0;
    const server = this.mode === 'server';
    // Newest first, so the cap keeps the latest drops and their labels.
    this.drops.findLast((r) => {
      const age = (v - r.vs) / o.dropMs;
      if (age < 0 || age >= 1) return false;
      if (this.nDrops >= o.maxDrops) {
        hidden++;
        return false;
      }
      const node = this.nodes.get(r.node);
      if (!node) return false;
      let s: DropSpec | undefined = list[this.nDrops];
      if (!s) {
        s = { id: 0, x: 0, y: 0, alpha: 1, shape: 'square', colour: 0, label: '', node: '', event: r.ev };
        list[this.nDrops] = s;
      }
      this.nDrops++;
      s.id = r.id;
      s.x = node.x + node.w / 2 + 4;
      s.y = node.y + node.h / 2 + (this.reducedMotion ? 6 : 6 + FALL_PX * age);
      s.alpha = 1 - age * age;
      s.shape = r.shape;
      s.colour = server ? r.colourServer : r.colourConn;
      s.label = labels < o.maxDropLabels ? r.ev.reason : '';
      if (s.label) labels++;
      s.node = r.node;
      s.event = r.ev;
      return false;
    });
    list.length = this.nDrops;
    this.out.hiddenDrops = hidden;
  }

  private framePulses(v: number): void {
    const list = this.out.pulses;
    this.nPulses = 0;
    for (const [name, p] of this.pulses) {
      const age = (v - p.v) / this.opts.pulseMs;
      if (age < 0 || age >= 1) continue;
      const node = this.nodes.get(name);
      if (!node) continue;
      let s: PulseSpec | undefined = list[this.nPulses];
      if (!s) {
        s = { node: '', x: 0, y: 0, age: 0, text: '' };
        list[this.nPulses] = s;
      }
      this.nPulses++;
      s.node = name;
      s.x = node.x;
      s.y = node.y;
      s.age = age;
      s.text = p.text;
    }
    list.length = this.nPulses;
  }

  // ------------------------------------------------------------------ picking

  /** What lies under layout point (x, y) in the last frame: a packet, a dropped packet, or a node. */
  hitTest(x: number, y: number, slop = 3): Hit | null {
    const r = this.glyph * 0.75 + slop;
    const packets = this.out.packets;
    for (let i = packets.length - 1; i >= 0; i--) {
      const p = packets[i]!;
      if ((p.x - x) ** 2 + (p.y - y) ** 2 <= r * r) return { kind: 'packet', id: p.id, event: p.event };
    }
    for (const d of this.out.drops) {
      if ((d.x - x) ** 2 + (d.y - y) ** 2 <= r * r) return { kind: 'drop', event: d.event };
    }
    for (const n of this.nodes.values()) {
      if (Math.abs(n.x - x) <= n.w / 2 && Math.abs(n.y - y) <= n.h / 2) return { kind: 'node', name: n.id };
    }
    return null;
  }

  /** The newest remembered hop sent at or before simulated time `t`, for stepping back. */
  lastHopBefore(t: number): LinkTx | undefined {
    return this.ring.findLast((r) => r.ev.t < t)?.ev;
  }

  /** Visual time at which everything scheduled so far has finished drawing. */
  get settledAt(): number {
    let end = this.lastV;
    this.ring.forEach((r) => {
      if (r.ve > end) end = r.ve;
    });
    return end;
  }
}

/** "830", "12.4k", "1.2M". */
export function formatRate(r: number): string {
  if (r < 10) return r.toFixed(1).replace(/\.0$/, '');
  if (r < 1000) return String(Math.round(r));
  if (r < 1e6) return `${(r / 1000).toFixed(r < 1e4 ? 1 : 0)}k`;
  return `${(r / 1e6).toFixed(1)}M`;
}

/**
 * Real-server ranks from a scenario: each address that belongs to exactly one `rs` node
 * (not the VIP every DR/TUN real server holds), ranked in scenario order. Colours by
 * server then match the order of the real servers in the topology.
 */
export function serverRanks(nodes: readonly { name: string; kind: string; ifaces: readonly { addrs: readonly (string | { addr: string })[] }[] }[]): Map<number, number> {
  const owners = new Map<number, Set<string>>();
  for (const n of nodes) {
    for (const f of n.ifaces) {
      for (const a of f.addrs) {
        const text = typeof a === 'string' ? a : a.addr;
        const key = parseEndpoint(`${text.split('/')[0]}:0`);
        if (key === undefined) continue;
        const addr = key / 65536;
        let set = owners.get(addr);
        if (!set) owners.set(addr, (set = new Set()));
        set.add(n.name);
      }
    }
  }
  const ranks = new Map<number, number>();
  const rsNames = nodes.filter((n) => n.kind === 'rs').map((n) => n.name);
  for (const [addr, set] of owners) {
    if (set.size !== 1) continue;
    const [name] = set;
    const rank = rsNames.indexOf(name!);
    if (rank >= 0) ranks.set(addr, rank);
  }
  return ranks;
}
