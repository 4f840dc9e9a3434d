import { Lab } from './src/core/lab';
import { heavyScenario } from './test/bench/scenarios';
import v8 from 'node:v8';
import fs from 'node:fs';
const lab = Lab.of(heavyScenario({ mode: 'route', servers: 16, rate: 10000, serviceMs: 60000, workers: 100000 }));
lab.advance(2_000_000);
const file = v8.writeHeapSnapshot('/tmp/h.heapsnapshot');
const snap = JSON.parse(fs.readFileSync(file, 'utf8'));
const f = snap.snapshot.meta.node_fields; const types = snap.snapshot.meta.node_types[0];
const nf = f.length; const nodes = snap.nodes; const strings = snap.strings;
const agg = new Map<string, [number, number]>();
for (let i = 0; i < nodes.length; i += nf) {
  const type = types[nodes[i]]; const name = strings[nodes[i+1]]; const size = nodes[i+3];
  const k = type === 'object' || type === 'closure' ? `${type}:${name}` : type;
  const a = agg.get(k) ?? [0, 0]; a[0] += size; a[1]++; agg.set(k, a);
}
[...agg].sort((a, b) => b[1][0] - a[1][0]).slice(0, 25).forEach(([k, [s, n]]) => console.log((s/1e6).toFixed(1).padStart(6), 'MB', String(n).padStart(8), k));
