/**
 * The pixi drawing of a scene frame: the still picture (cables, node boxes) redrawn only on
 * layout changes, and per frame a pool of sprites for packets and stream dots, a few
 * bitmap-text labels, and two Graphics (stream bands, pulses). Nothing here decides what to
 * show: the scene model did (scene/scene.ts); this only flushes specs to sprites, as v86's
 * screen marks rows dirty and redraws them on the next animation frame.
 *
 * Costs on the project's machines (STACK.md): ~2,000 sprites keep 60 fps in software GL;
 * the scene caps packets at 1,500 (plus an inner sprite per IP-in-IP packet).
 */
import type { BitmapText, Container, Graphics, Renderer, Sprite, Texture } from 'pixi.js';
import type { Layout } from './layout';
import type { Painter, ServerSwatch } from './painter';
import { DROP_COLOUR, GLYPH_OUTLINE, KIND_STYLE, LABEL_COLOUR, LINK_COLOUR, PACKET_COLOURS, SHAPES, nodeLabel, type Shape } from './palette';
import type { SceneFrame } from './scene/types';

type Pixi = typeof import('./pixi');

/** Stream rate labels are re-set every this many frames. */
const LABEL_EVERY = 15;

/** Glyph textures are drawn this big (layout px) and scaled to the scene's glyph size. */
const TEX = 24;

function drawShape(g: Graphics, shape: Shape): void {
  const c = TEX / 2;
  const outline = { width: 2, color: GLYPH_OUTLINE, alpha: 0.85 };
  switch (shape) {
    case 'square':
      g.roundRect(3, 3, TEX - 6, TEX - 6, 4).fill(0xffffff).stroke(outline);
      return;
    case 'circle':
      g.circle(c, c, c - 3).fill(0xffffff).stroke(outline);
      return;
    case 'diamond':
      g.poly([c, 2, TEX - 2, c, c, TEX - 2, 2, c]).fill(0xffffff).stroke(outline);
      return;
    case 'triangle':
      g.poly([c, 2, TEX - 2, TEX - 3, 2, TEX - 3]).fill(0xffffff).stroke(outline);
      return;
    case 'hexagon': {
      const pts: number[] = [];
      for (let i = 0; i < 6; i++) pts.push(c + (c - 2) * Math.cos((Math.PI / 3) * i), c + (c - 2) * Math.sin((Math.PI / 3) * i));
      g.poly(pts).fill(0xffffff).stroke(outline);
      return;
    }
    case 'frame':
      // Hollow: the outer header is a thick tinted border; the inner packet sits in the hole.
      g.roundRect(1, 1, TEX - 2, TEX - 2, 4).stroke({ width: 1.5, color: GLYPH_OUTLINE, alpha: 0.85 });
      g.roundRect(3.5, 3.5, TEX - 7, TEX - 7, 3).stroke({ width: 4, color: 0xffffff });
      g.roundRect(6, 6, TEX - 12, TEX - 12, 2).stroke({ width: 1, color: GLYPH_OUTLINE, alpha: 0.6 });
      return;
  }
}

export class PixiPainter implements Painter {
  readonly world: Container;
  private readonly still: Container;
  private readonly bands: Graphics;
  private readonly pulses: Graphics;
  private readonly marks: Graphics;
  private readonly spriteLayer: Container;
  private readonly labelLayer: Container;
  private readonly textures = new Map<Shape, Texture>();
  private sprites: Sprite[] = [];
  private used = 0;
  private labels: BitmapText[] = [];
  private labelsUsed = 0;
  private readonly overflow: BitmapText;
  private layout: Layout | undefined;
  private marked = '';
  private bandKey = '';
  private pulsesDrawn = false;
  private frames = 0;

  constructor(
    private readonly PIXI: Pixi,
    renderer: Renderer,
    parent: Container,
  ) {
    const { Container, Graphics, Rectangle, BitmapText } = PIXI;
    this.world = new Container();
    this.still = new Container();
    this.bands = new Graphics();
    this.pulses = new Graphics();
    this.marks = new Graphics();
    this.spriteLayer = new Container();
    this.labelLayer = new Container();
    this.world.addChild(this.still, this.bands, this.pulses, this.marks, this.spriteLayer, this.labelLayer);
    parent.addChild(this.world);
    this.overflow = new BitmapText({ text: '', style: { fontFamily: 'sans-serif', fontSize: 12, fill: DROP_COLOUR } });
    this.overflow.position.set(8, 6);
    parent.addChild(this.overflow);
    for (const s of SHAPES) {
      const g = new Graphics();
      drawShape(g, s);
      this.textures.set(s, renderer.generateTexture({ target: g, frame: new Rectangle(0, 0, TEX, TEX), resolution: 2, antialias: true }));
      g.destroy();
    }
  }

  setLayout(layout: Layout, servers: readonly ServerSwatch[]): void {
    const { Graphics, Text } = this.PIXI;
    this.layout = layout;
    this.marked = '';
    this.bandKey = '';
    for (const old of this.still.removeChildren()) old.destroy({ children: true });
    const links = new Graphics();
    for (const k of layout.links) links.moveTo(k.x1, k.y1).lineTo(k.x2, k.y2);
    links.stroke({ width: 2, color: LINK_COLOUR });
    this.still.addChild(links);

    // Fit "real server" (the longest caption, ~6 em wide at this font) inside the box.
    const first = layout.nodes[0];
    const fontSize = Math.max(9, Math.min(15, first ? Math.min(first.h * 0.34, first.w / 6) : 14));
    const swatch = new Map(servers.map((s) => [s.node, s.colour]));
    for (const n of layout.nodes) {
      const style = KIND_STYLE[n.kind];
      const box = new Graphics()
        .roundRect(n.x - n.w / 2, n.y - n.h / 2, n.w, n.h, Math.min(10, n.h / 4))
        .fill({ color: style.fill })
        .stroke({ width: 2, color: style.stroke });
      const colour = swatch.get(n.id);
      if (colour !== undefined) {
        // The colour this server's packets take in "colour by server" mode: the legend.
        box.circle(n.x + n.w / 2 - 9, n.y - n.h / 2 + 9, 5).fill({ color: PACKET_COLOURS[colour] ?? 0 }).stroke({ width: 1, color: GLYPH_OUTLINE });
      }
      const label = new Text({
        text: nodeLabel(n.id, n.kind),
        style: { fontFamily: 'system-ui, sans-serif', fontSize, fill: LABEL_COLOUR, align: 'center', lineHeight: fontSize * 1.15 },
      });
      label.anchor.set(0.5);
      label.position.set(n.x, n.y);
      this.still.addChild(box, label);
    }
  }

  private sprite(shape: Shape): Sprite {
    let s = this.sprites[this.used];
    if (!s) {
      s = new this.PIXI.Sprite({ texture: this.textures.get(shape)!, anchor: 0.5 });
      this.sprites.push(s);
      this.spriteLayer.addChild(s);
    } else {
      s.texture = this.textures.get(shape)!;
    }
    s.visible = true;
    this.used++;
    return s;
  }

  private label(text: string, x: number, y: number, colour: number, size: number, alpha: number, refresh = true): void {
    let t = this.labels[this.labelsUsed];
    if (!t) {
      t = new this.PIXI.BitmapText({ text: '', style: { fontFamily: 'sans-serif', fontSize: 11, fill: 0xffffff } });
      this.labels.push(t);
      this.labelLayer.addChild(t);
    }
    this.labelsUsed++;
    if (t.text !== text && (refresh || !t.visible || t.text === '')) t.text = text;
    t.visible = true;
    t.tint = colour;
    t.alpha = alpha;
    t.scale.set(size / 11);
    t.position.set(x, y);
  }

  draw(f: SceneFrame): void {
    const prevUsed = this.used;
    const prevLabels = this.labelsUsed;
    this.used = 0;
    this.labelsUsed = 0;
    const scale = f.glyph / TEX;

    // The bands only change when the set of streams (or their dimming) does: rebuilding a
    // Graphics every frame costs a triangulation.
    let key = '';
    for (const st of f.streams) key += `${st.lane}:${st.alpha};`;
    const setChanged = key !== this.bandKey;
    if (setChanged) {
      this.bandKey = key;
      const bands = this.bands.clear();
      for (const st of f.streams) {
        const g = st.geometry;
        bands.moveTo(g.x1, g.y1).lineTo(g.x2, g.y2).stroke({ width: f.glyph * 0.9, color: LINK_COLOUR, alpha: 0.35 * st.alpha, cap: 'round' });
      }
    }
    // Rate labels change every frame; re-laying out bitmap text 60 times a second is waste.
    const refreshLabels = this.frames++ % LABEL_EVERY === 0 || setChanged;
    for (const s of f.streams) {
      for (const d of s.dots) {
        const sp = this.sprite('circle');
        sp.position.set(d.x, d.y);
        sp.scale.set(scale * 0.6);
        sp.tint = PACKET_COLOURS[d.colour] ?? 0;
        sp.alpha = s.alpha;
      }
      this.label(s.label, s.labelX, s.labelY, LABEL_COLOUR, 10, s.alpha, refreshLabels);
    }

    let ring: { x: number; y: number } | null = null;
    for (const p of f.packets) {
      const sp = this.sprite(p.shape);
      sp.position.set(p.x, p.y);
      sp.scale.set(p.inner ? scale * 1.35 : scale);
      sp.tint = PACKET_COLOURS[p.colour] ?? 0;
      sp.alpha = p.alpha;
      if (p.inner) {
        const inner = this.sprite(p.inner);
        inner.position.set(p.x, p.y);
        inner.scale.set(scale * 0.6);
        inner.tint = PACKET_COLOURS[p.innerColour] ?? 0;
        inner.alpha = p.alpha;
      }
      if (p.selected) ring = p;
    }

    for (const d of f.drops) {
      const sp = this.sprite(d.shape);
      sp.position.set(d.x, d.y);
      sp.scale.set(scale);
      sp.tint = PACKET_COLOURS[d.colour] ?? 0;
      sp.alpha = d.alpha;
      if (d.label) this.label(d.label, d.x + f.glyph, d.y - 6, DROP_COLOUR, 11, d.alpha);
    }

    if (f.pulses.length === 0 && !ring && !this.pulsesDrawn) {
      this.drawMarks(f);
      this.hideUnused(prevUsed, prevLabels, f);
      return;
    }
    const pulses = this.pulses.clear();
    this.pulsesDrawn = f.pulses.length > 0 || ring !== null;
    for (const p of f.pulses) {
      const n = this.layout?.nodes.find((m) => m.id === p.node);
      if (!n) continue;
      const grow = 4 + p.age * 10;
      pulses.roundRect(n.x - n.w / 2 - grow, n.y - n.h / 2 - grow, n.w + 2 * grow, n.h + 2 * grow, 10).stroke({ width: 3, color: KIND_STYLE[n.kind].stroke, alpha: 1 - p.age });
    }
    if (ring) pulses.circle(ring.x, ring.y, f.glyph * 1.1).stroke({ width: 2.5, color: GLYPH_OUTLINE });

    this.drawMarks(f);
    this.hideUnused(prevUsed, prevLabels, f);
  }

  private hideUnused(prevUsed: number, prevLabels: number, f: SceneFrame): void {
    for (let i = this.used; i < prevUsed; i++) this.sprites[i]!.visible = false;
    for (let i = this.labelsUsed; i < prevLabels; i++) this.labels[i]!.visible = false;
    const overflow = f.hiddenDrops > 0 ? `+${f.hiddenDrops} more drops` : '';
    if (this.overflow.text !== overflow) this.overflow.text = overflow;
  }

  /** Outline of the highlighted and the selected node: redrawn only when they change. */
  private drawMarks(f: SceneFrame): void {
    const key = `${f.highlightNode ?? ''}|${f.selectedNode ?? ''}`;
    if (key === this.marked) return;
    this.marked = key;
    const g = this.marks.clear();
    for (const [name, width, alpha] of [
      [f.highlightNode, 4, 0.5],
      [f.selectedNode, 3, 1],
    ] as const) {
      const n = name ? this.layout?.nodes.find((m) => m.id === name) : undefined;
      if (n) g.roundRect(n.x - n.w / 2 - 4, n.y - n.h / 2 - 4, n.w + 8, n.h + 8, 10).stroke({ width, color: GLYPH_OUTLINE, alpha });
    }
  }

  destroy(): void {
    for (const t of this.textures.values()) t.destroy(true);
  }
}
