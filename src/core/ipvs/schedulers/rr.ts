/**
 * rr — Round Robin (ip_vs_rr.c). Weights matter only as 0 / > 0.
 * State: a cursor on a list position, initially the list head.
 */
import type { Dest } from '../dest';
import type { PacketView, SchedService, Scheduler } from './scheduler';

export class RoundRobin implements Scheduler {
  readonly name = 'rr';
  /** svc->sched_data: the dest last returned, or null for the list head. */
  private cursor: Dest | null = null;
  /** Where the cursor sat last time; re-found when adds at the head shift the list. */
  private cursorPos = -1;

  /** ip_vs_rr_init_svc: sched_data = &svc->destinations. */
  initService(): void {
    this.cursor = null;
    this.cursorPos = -1;
  }

  /**
   * ip_vs_rr_del_dest: a cursor on the deleted dest moves to `p->next->prev`, i.e. the entry
   * that preceded it (or the head), so the next pick is the entry that followed it.
   */
  delDest(svc: SchedService, dest: Dest, pos: number): void {
    if (this.cursor !== dest) return;
    this.cursor = pos > 0 ? (svc.dests[pos - 1] ?? null) : null;
    this.cursorPos = pos - 1;
  }

  /**
   * ip_vs_rr_schedule: walk from the entry after the cursor to the end, wrap, and stop after
   * the cursor entry itself (the last candidate). From the head there is one pass only.
   */
  schedule(svc: SchedService, _pkt: PacketView): Dest | null {
    const ds = svc.dests;
    const n = ds.length;
    let last = -1;
    if (this.cursor !== null) {
      last = this.cursorPos;
      if (ds[last] !== this.cursor) last = this.cursorPos = ds.indexOf(this.cursor);
    }
    for (let i = last + 1; i < n; i++) {
      const d = ds[i]!;
      if (!d.overload && d.weight > 0) return this.hit(d, i);
    }
    for (let i = 0; i <= last; i++) {
      const d = ds[i]!;
      if (!d.overload && d.weight > 0) return this.hit(d, i);
    }
    svc.schedulerErr('no destination available');
    return null;
  }

  private hit(d: Dest, i: number): Dest {
    this.cursor = d;
    this.cursorPos = i;
    return d;
  }
}
