import { Lab } from './src/core/lab';
import { heavyScenario } from './test/bench/scenarios';
const lab = Lab.of(heavyScenario({ mode: 'route', servers: 16, rate: 10000, serviceMs: 1, workers: 1000 }));
lab.advance(3_000_000);
const s = lab.traffic!.stats; console.log(s.ok, s.failed, [...s.byError], lab.world.engine.executed, lab.links.reduce((a,l)=>a+l.txFrames,0));
