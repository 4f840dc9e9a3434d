/**
 * What every simulated object shares: the clock and event queue, the seeded random
 * streams and the trace. One World per lab, so two labs can run side by side.
 */
import { Engine } from './engine';
import { RandomStreams } from './random';
import { Trace } from './trace';

export class World {
  readonly engine = new Engine();
  readonly trace = new Trace();
  readonly random: RandomStreams;

  constructor(readonly seed: number) {
    this.random = new RandomStreams(seed);
  }

  get now(): number {
    return this.engine.now;
  }
}
