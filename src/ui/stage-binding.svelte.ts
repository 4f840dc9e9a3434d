/**
 * The canvas, bound to the page: creates the stage (src/render/stage.ts, lazily, so pixi
 * loads after the first paint) for the current session, recreates it when the session
 * changes, hands it the transport, and passes on looks (packet colours, reduced motion)
 * and highlights. A click on the canvas selects the event in the Event list.
 *
 * The stage's API is documented at the top of src/render/stage.ts.
 */
import { untrack } from 'svelte';
import type { LabApp } from './app-state.svelte';
import type { ColourMode, LabStage, Selection } from '../render/stage';

export type PacketColours = ColourMode;
export type StageHandle = LabStage;

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
    let unSelect: (() => void) | undefined;
    import('../render/stage')
      .then((mod) =>
        mod.createStage(host, {
          session,
          playing: false,
          speed: untrack(() => app.ctl.speed),
          colourMode: untrack(() => app.packetColours),
          reducedMotion: untrack(() => app.reducedMotion),
        }),
      )
      .then((s) => {
        if (disposed) return s.destroy();
        created = s;
        untrack(() => {
          this.stage = s;
          this.failure = '';
          app.ctl.attachStage(s);
          unSelect = s.onSelect((sel) => this.selected(sel));
        });
        this.onReady?.(s);
      })
      .catch((err: unknown) => {
        if (!disposed) this.failure = err instanceof Error ? err.message : String(err);
      });
    return () => {
      disposed = true;
      unSelect?.();
      if (created) {
        untrack(() => app.ctl.attachStage(undefined));
        created.destroy();
      }
      this.stage = undefined;
    };
  }

  setLooks(colours: PacketColours, reducedMotion: boolean): void {
    const s = this.stage;
    s?.setColourMode(colours);
    s?.setReducedMotion(reducedMotion);
  }

  highlight(h: { nodes: readonly string[]; conn?: string }): void {
    this.stage?.highlight({ node: h.conn ? null : (h.nodes[0] ?? null), conn: h.conn ?? null });
  }

  /** The canvas picked something: a packet or drop selects its event, a node filters nothing but lights it. */
  private selected(sel: Selection): void {
    if (!sel) return;
    if (sel.kind === 'packet' || sel.kind === 'drop') {
      if (this.app.events.selectEvent(sel.event)) this.app.setPanelBottom();
    } else {
      this.app.highlight([sel.name]);
    }
  }
}
