import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  build: {
    target: 'es2022',
    // pixi.js alone is ~500 kB minified before gzip; it is lazy-loaded, so the warning is noise.
    chunkSizeWarningLimit: 1000,
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
