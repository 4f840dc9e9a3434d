/**
 * `npm run bench`: every benchmark, printed as a table (and as JSON with --json).
 * Run from a bundled build (see package.json) so the numbers are what the browser's
 * bundle would do, without the TypeScript loader in the way.
 */
import { benchSchedulers, type BenchResult } from './schedulers';
import { benchMemory, benchThroughput } from './lab';

const json = process.argv.includes('--json');
const results: BenchResult[] = [];
const section = (title: string, rows: BenchResult[]) => {
  results.push(...rows);
  if (json) return;
  console.log(`\n${title}`);
  for (const r of rows) console.log(`  ${r.name.padEnd(58)} ${String(r.value).padStart(12)} ${r.unit}`);
};
section('Core throughput (heavy load)', benchThroughput());
section('Memory', benchMemory());
section('Schedulers', benchSchedulers());
if (json) console.log(JSON.stringify(results, null, 1));
