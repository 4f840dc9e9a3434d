import { Lab } from './src/core/lab';
import { heavyScenario } from './test/bench/scenarios';
const lab = Lab.of(heavyScenario({ mode: 'route', servers: 16, rate: 10000, serviceMs: 1, workers: 1000 }));
lab.advance(6_000_000);
