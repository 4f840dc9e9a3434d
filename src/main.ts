import { mount } from 'svelte';
import App from './ui/App.svelte';
import type { LabStage, StagePixels } from './render/stage';

/** What the page exposes for end-to-end tests and for poking at from the devtools console. */
export interface LabHandle {
  ready: true;
  app: LabStage['app'];
  stage: LabStage;
  /** The canvas picture read back through pixi. */
  pixels(): StagePixels;
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
      window.__lab = { ready: true, app: stage.app, stage, pixels: () => stage.pixels() };
    },
  },
});
