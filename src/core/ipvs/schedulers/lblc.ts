/**
 * lblc — Locality-Based Least-Connection (ip_vs_lblc.c). Keyed by the packet's destination
 * address: each address sticks to one dest until that dest is unusable or overloaded in the
 * lblc sense while another runs at under half its weight.
 */
import type { Dest } from '../dest';
import { HZ } from '../kernel';
import { LOCALITY_HARD_LIMIT, LocalityTable, type LocalityEntry } from './locality-table';
import { jiffies, type PacketView, type SchedContext, type SchedService, type Scheduler } from './scheduler';
import { wlcLeast } from './wlc';

interface LblcEntry extends LocalityEntry {
  dest: Dest;
}

/**
 * ip_vs_lblc.c / ip_vs_lblcr.c: is_overloaded. More active conns than weight, while some dest
 * in the service has active·2 < weight. The OVERLOAD flag itself is not looked at.
 */
export function lblcOverloaded(dest: Dest, ds: readonly Dest[]): boolean {
  if (dest.activeConns <= dest.weight) return false;
  for (let i = 0, n = ds.length; i < n; i++) {
    const m = ds[i]!;
    if (m.activeConns * 2 < m.weight) return true;
  }
  return false;
}

export class LocalityLeastConnection implements Scheduler {
  readonly name = 'lblc';
  table: LocalityTable<LblcEntry>;

  constructor(private readonly ctx: SchedContext) {
    this.table = this.newTable();
  }

  private newTable(): LocalityTable<LblcEntry> {
    return new LocalityTable<LblcEntry>(
      this.ctx,
      () => this.ctx.sysctl.lblcExpiration * HZ,
      (e) => {
        e.dest.refcnt--;
      },
    );
  }

  /** ip_vs_lblc_init_svc: a fresh table and its 60 s timer. */
  initService(): void {
    this.table = this.newTable();
    this.table.start();
  }

  doneService(): void {
    this.table.stop();
  }

  /** ip_vs_lblc_schedule. */
  schedule(svc: SchedService, pkt: PacketView): Dest | null {
    const t = this.table;
    const en = t.get(pkt.daddr);
    if (en !== undefined) {
      en.lastuse = jiffies(this.ctx);
      const d = en.dest;
      // A dest in the trash (not AVAILABLE) is skipped but stays cached: re-adding it
      // from the trash makes the entry usable again.
      if (d.available && d.weight > 0 && !lblcOverloaded(d, svc.dests)) return d;
    }
    const d = wlcLeast(svc);
    if (d === null) {
      svc.schedulerErr('no destination available');
      return null;
    }
    if (!t.dead) this.newEntry(svc, pkt.daddr, d);
    return d;
  }

  /**
   * ip_vs_lblc_new: keep an entry already on `dest`, else replace it with a new one.
   * 6.1 forgets to decrement `entries` on replacement, so its counter drifts upward
   * ("ipvs: fix missing counter decrement in lblc"); 6.12 also stops creating entries at
   * LOCALITY_HARD_LIMIT (where exactly that check sits relative to the replacement is not
   * verified; no vector comes near it).
   */
  private newEntry(svc: SchedService, addr: number, dest: Dest): void {
    const t = this.table;
    const old = t.get(addr);
    if (old !== undefined) {
      if (old.dest === dest) return;
      t.unlink(old);
      if (svc.kernel === '6.12') t.entries--;
    }
    if (svc.kernel === '6.12' && t.entries >= LOCALITY_HARD_LIMIT) return;
    dest.refcnt++;
    t.hash({ addr, lastuse: jiffies(this.ctx), dest });
  }
}
