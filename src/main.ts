import { mount } from 'svelte';
import App from './ui/App.svelte';
import { LabApp, type PageEnv } from './ui/app-state.svelte';
import type { StageHandle } from './ui/stage-binding.svelte';
import { ipvsadmText } from './ui/ipvs-tables';
import { directorOf } from './ui/ipvs-config';
import { traceHashOf } from './core/trace-hash';
import { PRESETS } from './core/scenario/presets';

/** What the page exposes for end-to-end tests and for poking at from the devtools console. */
export interface LabHandle {
  /** The canvas has drawn its first frame. */
  ready: boolean;
  /** The lab the page opened with is loaded (link, saved lab or default). */
  uiReady: boolean;
  ui: LabApp;
  /** The canvas and its pixi Application: set once `ready` is true. */
  app: StageHandle['app'];
  stage: StageHandle;
  /** The canvas picture read back through pixi. */
  pixels(): { width: number; height: number; pixels: Uint8ClampedArray };
  /** `ipvsadm ARGS` on the director, without logging (what the Tables panel shows). */
  ipvsadm(args: string[]): string;
  /** Run a preset headless for `seconds` and hash its trace (determinism across Node and browser). */
  traceHash(preset: string, seconds: number, seed?: number): { hash: string; events: number };
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
  uiReady: false,
  ui: app,
  app: undefined as unknown as StageHandle['app'],
  stage: undefined as unknown as StageHandle,
  pixels: () => {
    if (!handle.ready) throw new Error('the canvas is not ready');
    return handle.stage.pixels();
  },
  ipvsadm: (args) => {
    const lab = app.ctl.lab;
    const d = directorOf(lab);
    return (d && ipvsadmText(lab, d, args)?.text) ?? '';
  },
  traceHash: (preset, seconds, seed) => {
    const make = PRESETS[preset];
    if (!make) throw new Error(`no preset ${preset}`);
    return traceHashOf({ ...make(), ...(seed !== undefined ? { seed } : {}) }, seconds * 1_000_000);
  },
};
window.__lab = handle;

mount(App, {
  target,
  props: {
    app,
    onready(stage: StageHandle) {
      handle.stage = stage;
      handle.app = stage.app;
      handle.ready = true;
    },
  },
});

void app.open().then(() => {
  handle.uiReady = true;
});
