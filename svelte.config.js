import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/vite-plugin-svelte').SvelteConfig} */
export default {
  // TypeScript in <script lang="ts"> is handled by Vite; this keeps <style> preprocessing working too.
  preprocess: vitePreprocess(),
  compilerOptions: {
    runes: true,
  },
};
