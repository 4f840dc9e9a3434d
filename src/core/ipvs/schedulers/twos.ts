/**
 * twos — Power of Two Choices (ip_vs_twos.c): two weighted random picks, keep the less
 * loaded (by overhead/weight). Randomness comes from the context, so a run replays.
 */
import type { Dest } from '../dest';
import type { PacketView, SchedContext, SchedService, Scheduler } from './scheduler';

export class PowerOfTwoChoices implements Scheduler {
  readonly name = 'twos';

  constructor(private readonly ctx: SchedContext) {}

  /** ip_vs_twos_schedule. C `int` arithmetic throughout, hence the `| 0` and Math.imul. */
  schedule(svc: SchedService, _pkt: PacketView): Dest | null {
    const ds = svc.dests;
    const n = ds.length;
    let total = 0;
    let choice1: Dest | null = null;
    for (let i = 0; i < n; i++) {
      const d = ds[i]!;
      if (!d.overload && d.weight > 0) {
        total = (total + d.weight) | 0;
        choice1 = d;
      }
    }
    if (choice1 === null) {
      svc.schedulerErr('no destination available');
      return null;
    }
    // Inclusive of total: the first eligible dest gets (w+1)/(total+1), a slight bias.
    total = (total + 1) | 0;
    let r1 = this.ctx.randomBelow(total) | 0;
    let r2 = this.ctx.randomBelow(total) | 0;
    let choice2: Dest | null = null;
    let w1 = -1, w2 = -1, oh1 = 0, oh2 = 0;
    for (let i = 0; i < n; i++) {
      const d = ds[i]!;
      if (d.overload) continue;
      const w = d.weight;
      if (w <= 0) continue;
      r1 = (r1 - w) | 0;
      r2 = (r2 - w) | 0;
      if (r1 <= 0 && w1 === -1) {
        choice1 = d;
        w1 = w;
        oh1 = d.overhead();
      }
      if (r2 <= 0 && w2 === -1) {
        choice2 = d;
        w2 = w;
        oh2 = d.overhead();
      }
      if (w1 !== -1 && w2 !== -1) break;
    }
    if (choice2 !== null && Math.imul(w2, oh1) > Math.imul(w1, oh2)) return choice2;
    return choice1;
  }
}
