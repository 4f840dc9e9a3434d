// Bundle the benchmarks into one plain-JS file (no TypeScript loader at run time).
import { build } from 'esbuild';
await build({ entryPoints: ['test/bench/run.ts'], bundle: true, platform: 'node', format: 'esm', outfile: '.bench/run.mjs', logLevel: 'warning' });
