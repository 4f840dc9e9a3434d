/**
 * The pixi adapter: draws a Layout (layout.ts) on a canvas inside `host`. It holds no
 * lab state of its own; give it a new topology and it redraws.
 *
 * pixi.js is imported lazily so the page shell paints before the ~100 kB renderer loads,
 * and so importing this module type-only costs nothing in Node.
 *
 * The ticker is not started: a still picture is rendered on change and on resize only,
 * which keeps an idle tab (and headless Chromium on 2 cores) quiet. Packet animation will
 * start it when there is something moving.
 */
import type { Application, Container } from 'pixi.js';
import { layoutTopology, type Layout, type Topology } from './layout';
import { BACKGROUND, KIND_STYLE, LABEL_COLOUR, LINK_COLOUR, nodeLabel } from './palette';

export interface StagePixels {
  width: number;
  height: number;
  /** RGBA, row-major, `width * height * 4` bytes. */
  pixels: Uint8ClampedArray;
}

export interface LabStage {
  readonly app: Application;
  /** The layout currently drawn. */
  readonly layout: Layout;
  setTopology(topo: Topology): void;
  /**
   * The rendered picture read back through pixi (`renderer.extract`). Reading the WebGL
   * canvas through a 2D canvas returns blank pixels, see STACK.md.
   */
  pixels(): StagePixels;
  destroy(): void;
}

export async function createStage(host: HTMLElement, topology: Topology): Promise<LabStage> {
  const { Application, Container, Graphics, Text } = await import('pixi.js');
  const app = new Application();
  await app.init({
    background: BACKGROUND,
    resizeTo: host,
    antialias: true,
    autoDensity: true,
    resolution: Math.min(2, globalThis.devicePixelRatio || 1),
    autoStart: false,
  });
  app.canvas.setAttribute('aria-hidden', 'true');
  host.appendChild(app.canvas);

  const scene = new Container();
  app.stage.addChild(scene);
  let topo = topology;
  let layout = layoutTopology(topo, { width: app.screen.width, height: app.screen.height });

  function drawInto(target: Container, l: Layout): void {
    for (const old of target.removeChildren()) old.destroy({ children: true });
    const links = new Graphics();
    for (const k of l.links) links.moveTo(k.x1, k.y1).lineTo(k.x2, k.y2);
    links.stroke({ width: 2, color: LINK_COLOUR });
    target.addChild(links);

    const fontSize = Math.max(9, Math.min(15, l.nodes[0]?.h ? l.nodes[0].h * 0.34 : 14));
    for (const n of l.nodes) {
      const style = KIND_STYLE[n.kind];
      const box = new Graphics()
        .roundRect(n.x - n.w / 2, n.y - n.h / 2, n.w, n.h, Math.min(10, n.h / 4))
        .fill({ color: style.fill })
        .stroke({ width: 2, color: style.stroke });
      const label = new Text({
        text: nodeLabel(n.id, n.kind),
        style: { fontFamily: 'system-ui, sans-serif', fontSize, fill: LABEL_COLOUR, align: 'center', lineHeight: fontSize * 1.15 },
      });
      label.anchor.set(0.5);
      label.position.set(n.x, n.y);
      target.addChild(box, label);
    }
  }

  function redraw(): void {
    layout = layoutTopology(topo, { width: app.screen.width, height: app.screen.height });
    drawInto(scene, layout);
    app.render();
  }

  // resizeTo follows window resizes only; also follow the host box (panels opening, etc.).
  const observer = new ResizeObserver(() => app.resize());
  observer.observe(host);
  app.renderer.on('resize', redraw);
  redraw();

  return {
    app,
    get layout() {
      return layout;
    },
    setTopology(next) {
      topo = next;
      redraw();
    },
    pixels() {
      return app.renderer.extract.pixels({ target: app.stage, frame: app.screen, clearColor: BACKGROUND });
    },
    destroy() {
      observer.disconnect();
      app.renderer.off('resize', redraw);
      app.destroy({ removeView: true }, { children: true });
    },
  };
}
