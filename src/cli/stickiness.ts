/**
 * `lab stickiness [--clients N] [--seed N]`: when a real server dies and comes back, the
 * share of clients that changed server — persistence, sh and mh side by side
 * (src/core/ha/stickiness.ts).
 */
import { formatStickiness, stickinessReport } from '../core/ha/stickiness';
import type { Io } from './io';

export function runStickiness(argv: string[], io: Io): number {
  let clients = 100;
  let seed = 1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = Number(argv[i + 1]);
    if (a === '--clients' && Number.isInteger(v) && v >= 1 && v <= 150) {
      clients = v;
      i++;
    } else if (a === '--seed' && Number.isInteger(v) && v >= 0) {
      seed = v;
      i++;
    } else {
      io.err('usage: lab stickiness [--clients 1..150] [--seed N]');
      return 2;
    }
  }
  for (const l of formatStickiness(stickinessReport({ clients, seed }))) io.out(l);
  return 0;
}
