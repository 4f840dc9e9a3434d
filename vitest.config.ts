import { join } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

/**
 * Two projects, both running in Node:
 * - unit: fast tests of pure code (core, layout, parsers). `npm run test:unit`.
 * - browser: end-to-end tests that serve the built dist/ with `vite preview` and drive the
 *   system Chromium through playwright-core (test/browser/harness.ts). `npm run test:browser`
 *   builds first.
 *
 * When LAB_TEST_REPORT_DIR is set (.ci/run sets it), each run also writes vitest's JSON
 * report there, so CI can count test cases across projects.
 */
const reportDir = process.env.LAB_TEST_REPORT_DIR;

export default defineConfig({
  // Compiles runes in `*.svelte.ts` state modules, so UI state classes are unit-testable in Node.
  plugins: [svelte()],
  test: {
    reporters: reportDir ? ['default', 'json'] : ['default'],
    ...(reportDir ? { outputFile: { json: join(reportDir, `vitest-${process.pid}-${Date.now()}.json`) } } : {}),
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/browser/**/*.test.ts'],
          // One Chromium at a time: the machines have 2 cores and software GL.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
