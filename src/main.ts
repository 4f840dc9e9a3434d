import { mount } from 'svelte';
import App from './ui/App.svelte';
import type { LabStage, StagePixels } from './render/stage';
import { traceHashOf } from './core/trace-hash';
import { PRESETS } from './core/scenario/presets';

/** What the page exposes for end-to-end tests and for poking at from the devtools console. */
export interface LabHandle {
  ready: true;
  app: LabStage['app'];
  stage: LabStage;
  /** The canvas picture read back through pixi. */
  pixels(): StagePixels;
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

mount(App, {
  target,
  props: {
    onready(stage: LabStage) {
      window.__lab = {
        ready: true,
        app: stage.app,
        stage,
        pixels: () => stage.pixels(),
        traceHash: (preset, seconds, seed) => {
          const make = PRESETS[preset];
          if (!make) throw new Error(`no preset ${preset}`);
          return traceHashOf({ ...make(), ...(seed !== undefined ? { seed } : {}) }, seconds * 1_000_000);
        },
      };
    },
  },
});
