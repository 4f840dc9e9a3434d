/**
 * The canvas, bound to the page: creates the stage (src/render/stage.ts, lazily, so pixi
 * loads after the first paint) for the current session, recreates it when the session
 * changes, hands it the transport, and passes on looks (packet colours, reduced motion)
 * and highlights. A click on the canvas selects the event in the Event list.
 *
 * The stage is typed here by what the page uses, every capability optional, so the page
 * keeps working with a stage that has fewer of them (the static topology view).
 */
import { untrack } from 'svelte';
import type { LabSession } from '../core/session';
import type { LabApp } from './app-state.svelte';
import type { StageTransport } from './lab-controller.svelte';

export type PacketColours = 'connection' | 'server';

export interface StageHandle extends StageTransport {
  pixels(): { width: number; height: number; pixels: Uint8ClampedArray };
  destroy(): void;
  readonly app?: unknown;
  readonly layout?: { nodes: readonly unknown[] };
  highlight?(h: { node?: string | null; conn?: string | null }): void;
  setColourMode?(mode: PacketColours): void;
  setReducedMotion?(on: boolean): void;
  onSelect?(fn: (sel: unknown) => void): (() => void) | void;
}

type CreateStage = (host: HTMLElement, opts: unknown) => Promise<StageHandle>;

export class StageBinding {
  stage: StageHandle | undefined = $state.raw(undefined);
  failure = $state('');
  /** Called each time a stage is ready (tests hook `window.__lab` here). */
  onReady: ((stage: StageHandle) => void) | undefined;

  constructor(private readonly app: LabApp) {}

  /** Create the stage in `host` for the current session; returns the teardown. */
  mount(host: HTMLElement): () => void {
    const app = this.app;
    const session = untrack(() => app.ctl.session);
    let disposed = false;
    let created: StageHandle | undefined;
    let unSelect: (() => void) | void;
    import('../render/stage')
      .then((mod) => (mod.createStage as unknown as CreateStage)(host, stageOptions(session, app)))
      .then((s) => {
        if (disposed) return s.destroy();
        created = s;
        untrack(() => {
          this.stage = s;
          this.failure = '';
          s.setReducedMotion?.(app.reducedMotion);
          app.ctl.attachStage(s);
          unSelect = s.onSelect?.((sel) => this.selected(sel));
          if (app.ready && !app.ctl.playing && !s.play) app.ctl.sync();
        });
        this.onReady?.(s);
      })
      .catch((err: unknown) => {
        if (!disposed) this.failure = err instanceof Error ? err.message : String(err);
      });
    return () => {
      disposed = true;
      if (typeof unSelect === 'function') unSelect();
      if (created) {
        untrack(() => app.ctl.attachStage(undefined));
        created.destroy();
      }
      this.stage = undefined;
    };
  }

  setLooks(colours: PacketColours, reducedMotion: boolean): void {
    const s = this.stage;
    s?.setColourMode?.(colours);
    s?.setReducedMotion?.(reducedMotion);
  }

  highlight(h: { nodes: readonly string[]; conn?: string }): void {
    this.stage?.highlight?.({ node: h.conn ? null : (h.nodes[0] ?? null), conn: h.conn ?? null });
  }

  /** The canvas picked something: a packet or drop selects its event, a node filters nothing but lights it. */
  private selected(sel: unknown): void {
    if (!sel || typeof sel !== 'object') return;
    const s = sel as { kind?: string; event?: unknown; name?: string };
    if ((s.kind === 'packet' || s.kind === 'drop') && s.event) {
      if (this.app.events.selectEvent(s.event)) this.app.setPanelBottom();
    } else if (s.kind === 'node' && typeof s.name === 'string') {
      this.app.highlight([s.name]);
    }
  }
}

/** Options for both stage generations: `{ session, … }` (live) and a Topology (`nodes`, `links`). */
function stageOptions(session: LabSession, app: LabApp): Record<string, unknown> {
  const topo = session.lab.topology();
  return {
    session,
    nodes: topo.nodes,
    links: topo.links,
    playing: false,
    speed: app.ctl.speed,
    colourMode: app.packetColours,
    reducedMotion: app.reducedMotion,
  };
}
