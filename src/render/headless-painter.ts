/**
 * The adapter's headless twin (after v86's dummy_screen.js, which returns the text "on
 * screen"): same interface as the pixi painter, but it keeps a readable copy of what would
 * be drawn. Used by the Node tests of the controller, the scene and the LOD rules.
 */
import type { Layout } from './layout';
import type { Painter, ServerSwatch } from './painter';
import { describeFrame } from './scene/classify';
import { nodeOfPort } from './scene/lanes';
import type { SceneFrame } from './scene/types';

export interface ScreenItem {
  kind: 'packet' | 'stream' | 'drop' | 'pulse';
  /** "client1>internet", or the node for drops and pulses. */
  where: string;
  text: string;
  x: number;
  y: number;
  colour: number;
  shape?: string;
  progress?: number;
  alpha?: number;
  rate?: number;
  id?: number;
}

export class HeadlessPainter implements Painter {
  layout: Layout | undefined;
  servers: readonly ServerSwatch[] = [];
  layouts = 0;
  draws = 0;
  private items: ScreenItem[] = [];
  highlightNode: string | null = null;
  selectedNode: string | null = null;

  setLayout(layout: Layout, servers: readonly ServerSwatch[]): void {
    this.layout = layout;
    this.servers = servers;
    this.layouts++;
  }

  draw(frame: SceneFrame): void {
    this.draws++;
    const items: ScreenItem[] = [];
    for (const p of frame.packets) {
      const where = `${nodeOfPort(p.event.from)}>${nodeOfPort(p.event.to)}`;
      items.push({
        kind: 'packet',
        where,
        text: describeFrame(p.event.frame),
        x: p.x,
        y: p.y,
        colour: p.colour,
        shape: p.inner ? `${p.shape}(${p.inner})` : p.shape,
        progress: p.progress,
        alpha: p.alpha,
        id: p.id,
      });
    }
    for (const s of frame.streams) {
      items.push({ kind: 'stream', where: `${s.from}>${s.to}`, text: `${s.label} ${s.why}`, x: s.labelX, y: s.labelY, colour: s.dots[0]?.colour ?? -1, rate: s.rate, alpha: s.alpha });
    }
    for (const d of frame.drops) {
      items.push({ kind: 'drop', where: d.node, text: d.label || d.event.reason, x: d.x, y: d.y, colour: d.colour, shape: d.shape, alpha: d.alpha, id: d.id });
    }
    for (const p of frame.pulses) items.push({ kind: 'pulse', where: p.node, text: p.text, x: p.x, y: p.y, colour: -1 });
    this.items = items;
    this.highlightNode = frame.highlightNode;
    this.selectedNode = frame.selectedNode;
  }

  /** Everything drawn in the last frame. */
  onScreen(): readonly ScreenItem[] {
    return this.items;
  }

  /** One line per item, like a screen dump: handy in test failure messages. */
  text(): string {
    return this.items.map((i) => `${i.kind} ${i.where} ${i.shape ?? ''} c${i.colour} ${i.text}`).join('\n');
  }
}
