import { mount } from 'svelte';
import App from './ui/App.svelte';
import { LabApp, type PageEnv } from './ui/app-state.svelte';
import type { StageHandle } from './ui/stage-binding.svelte';
import { directorOf } from './ui/ipvs-config';

/** What the page exposes for end-to-end tests and for poking at from the devtools console. */
export interface LabHandle {
  /** The canvas has drawn its first frame. */
  ready: boolean;
  /** When it did (performance.now()): what was loaded by then is the first screen. */
  readyAt: number;
  /** The lab the page opened with is loaded (link, saved lab or default). */
  uiReady: boolean;
  ui: LabApp;
  /** The canvas and its pixi Application: set once `ready` is true. */
  app: StageHandle['app'];
  stage: StageHandle;
  /** The canvas picture read back through pixi. */
  pixels(): { width: number; height: number; pixels: Uint8ClampedArray };
  /** `ipvsadm ARGS` on the director, without logging (what the Tables panel shows; loads it). */
  ipvsadm(args: string[]): Promise<string>;
  /** Run a preset headless for `seconds` and hash its trace (determinism across Node and browser; loads every preset). */
  traceHash(preset: string, seconds: number, seed?: number): Promise<{ hash: string; events: number }>;
}

declare global {
  interface Window {
    __lab?: LabHandle;
  }
}

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

const env: PageEnv = {
  hash: () => location.hash,
  clearHash: () => history.replaceState(null, '', location.pathname + location.search),
  href: (fragment) => `${location.origin}${location.pathname}${location.search}#${fragment}`,
  copy: async (text) => {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      return false;
    }
  },
  languages: navigator.languages?.length ? navigator.languages : [navigator.language],
  prefersReducedMotion: matchMedia('(prefers-reduced-motion: reduce)').matches,
};

const app = new LabApp(env);

const handle: LabHandle = {
  ready: false,
  readyAt: 0,
  uiReady: false,
  ui: app,
  app: undefined as unknown as StageHandle['app'],
  stage: undefined as unknown as StageHandle,
  pixels: () => {
    if (!handle.ready) throw new Error('the canvas is not ready');
    return handle.stage.pixels();
  },
  ipvsadm: async (args) => {
    const { ipvsadmText } = await import('./ui/ipvs-tables');
    const lab = app.ctl.lab;
    const d = directorOf(lab);
    return (d && ipvsadmText(lab, d, args)?.text) ?? '';
  },
  traceHash: async (preset, seconds, seed) => {
    const [{ PRESETS }, { traceHashOf }] = await Promise.all([import('./core/scenario/presets'), import('./core/trace-hash')]);
    const make = PRESETS[preset];
    if (!make) throw new Error(`no preset ${preset}`);
    return traceHashOf({ ...make(), ...(seed !== undefined ? { seed } : {}) }, seconds * 1_000_000);
  },
};
window.__lab = handle;

// The page shows in its language from the start: a catalog other than English (a small
// chunk) is fetched before mounting.
void app.i18n.ready.then(() =>
  mount(App, {
    target,
    props: {
      app,
      onready(stage: StageHandle) {
        handle.stage = stage;
        handle.app = stage.app;
        if (!handle.ready) {
          handle.readyAt = performance.now();
          // The first screen is up: fetch what the next clicks will want (shell, share codec).
          app.preload();
        }
        handle.ready = true;
      },
    },
  }),
);

void app.open().then(() => {
  handle.uiReady = true;
});
