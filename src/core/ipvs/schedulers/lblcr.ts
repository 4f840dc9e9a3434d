/**
 * lblcr — Locality-Based Least-Connection with Replication (ip_vs_lblcr.c). Like lblc, but
 * each destination address maps to a set of dests that grows under load and sheds its most
 * loaded member once it has gone `lblcr_expiration` without change.
 */
import type { Dest } from '../dest';
import { HZ } from '../kernel';
import { lblcOverloaded } from './lblc';
import { LOCALITY_HARD_LIMIT, LocalityTable, type LocalityEntry } from './locality-table';
import {
  EXACT_PRODUCTS,
  exactGreater,
  jiffies,
  type PacketView,
  type SchedContext,
  type SchedService,
  type Scheduler,
} from './scheduler';
import { wlcLeast } from './wlc';

interface LblcrEntry extends LocalityEntry {
  /** struct ip_vs_dest_set: newest member first (list_add_rcu). */
  set: Dest[];
  /** Jiffies of the last insertion or removal. */
  lastmod: number;
}

export class LocalityLeastConnectionReplication implements Scheduler {
  readonly name = 'lblcr';
  table: LocalityTable<LblcrEntry>;

  constructor(private readonly ctx: SchedContext) {
    this.table = this.newTable();
  }

  private newTable(): LocalityTable<LblcrEntry> {
    return new LocalityTable<LblcrEntry>(
      this.ctx,
      () => this.ctx.sysctl.lblcrExpiration * HZ,
      (e) => {
        for (const d of e.set) d.refcnt--;
        e.set.length = 0;
      },
    );
  }

  initService(): void {
    this.table = this.newTable();
    this.table.start();
  }

  doneService(): void {
    this.table.stop();
  }

  /** ip_vs_lblcr_schedule. */
  schedule(svc: SchedService, pkt: PacketView): Dest | null {
    const t = this.table;
    const now = jiffies(this.ctx);
    const en = t.get(pkt.daddr);
    if (en === undefined) {
      const d = wlcLeast(svc);
      // No cache entry and nothing to pick: the kernel only IP_VS_DBGs here, no log line.
      if (d === null) return null;
      if (!t.dead && !(svc.kernel === '6.12' && t.entries >= LOCALITY_HARD_LIMIT)) {
        d.refcnt++;
        t.hash({ addr: pkt.daddr, lastuse: now, set: [d], lastmod: now });
      }
      return d;
    }
    en.lastuse = now;
    const k612 = svc.kernel === '6.12';
    const least = setMin(en.set, k612);
    // Shrink a set unchanged for longer than the expiration; `least` is still used even
    // if it is the member just removed.
    if (en.set.length > 1 && now > en.lastmod + this.ctx.sysctl.lblcrExpiration * HZ) {
      const m = setMax(en.set, k612);
      if (m !== null) {
        en.set.splice(en.set.indexOf(m), 1);
        m.refcnt--;
        en.lastmod = now;
      }
    }
    if (least !== null && !lblcOverloaded(least, svc.dests)) return least;
    const d = wlcLeast(svc);
    if (d === null) {
      svc.schedulerErr('no destination available');
      return null;
    }
    // ip_vs_dest_set_insert(check = true): only an actual insertion touches lastmod.
    if (!t.dead && !en.set.includes(d)) {
      d.refcnt++;
      en.set.unshift(d);
      en.lastmod = now;
    }
    return d;
  }
}

/**
 * ip_vs_dest_set_min: weighted least-connection member. The first candidate needs no
 * OVERLOAD, weight > 0 and AVAILABLE; later ones no OVERLOAD and AVAILABLE.
 */
function setMin(set: readonly Dest[], k612: boolean): Dest | null {
  const n = set.length;
  let i = 0;
  let least: Dest | null = null;
  for (; i < n; i++) {
    const d = set[i]!;
    if (d.overload) continue;
    if (d.weight > 0 && d.available) {
      least = d;
      break;
    }
  }
  if (least === null) return null;
  let loh = least.overhead();
  for (i++; i < n; i++) {
    const d = set[i]!;
    if (d.overload) continue;
    const doh = ((d.activeConns << 8) + (k612 ? d.totalConns : d.inactConns)) | 0; // Dest.overhead
    const p = loh * d.weight;
    const q = doh * least.weight;
    if ((p > q || (p === q && p >= EXACT_PRODUCTS && exactGreater(loh, d.weight, doh, least.weight))) && d.available) {
      least = d;
      loh = doh;
    }
  }
  return least;
}

/**
 * ip_vs_dest_set_max: weighted most-connection member among weight > 0, ignoring OVERLOAD
 * and AVAILABLE; strict compare, so a tie keeps the earlier (newer) member.
 */
function setMax(set: readonly Dest[], k612: boolean): Dest | null {
  const n = set.length;
  let i = 0;
  let most: Dest | null = null;
  for (; i < n; i++) {
    const d = set[i]!;
    if (d.weight > 0) {
      most = d;
      break;
    }
  }
  if (most === null) return null;
  let moh = most.overhead();
  for (i++; i < n; i++) {
    const d = set[i]!;
    const doh = ((d.activeConns << 8) + (k612 ? d.totalConns : d.inactConns)) | 0; // Dest.overhead
    // moh·w_d < doh·w_most
    const p = doh * most.weight;
    const q = moh * d.weight;
    if ((p > q || (p === q && p >= EXACT_PRODUCTS && exactGreater(doh, most.weight, moh, d.weight))) && d.weight > 0) {
      most = d;
      moh = doh;
    }
  }
  return most;
}
