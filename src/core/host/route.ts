/**
 * The main routing table with longest-prefix match, as `ip route` shows it.
 * Connected routes (proto kernel, scope link) come and go with addresses and links;
 * static routes are added by scenarios and the shell. The local table (the host's own
 * addresses) is not stored here: the host answers "is this address mine?" itself.
 */
import type { Ip } from '../net/addr';
import { inPrefix, networkOf } from '../net/addr';
import type { Iface } from './iface';

export interface Route {
  dst: Ip;
  len: number;
  via?: Ip;
  dev: Iface;
  src?: Ip;
  proto: 'kernel' | 'static' | 'boot';
  scope: 'link' | 'global';
  metric: number;
}

export class RouteTable {
  routes: Route[] = [];
  /** Lookups by destination since the last change (every forwarded packet looks up). */
  private cache = new Map<Ip, Route | null>();
  /** Bumped on every change, so callers can cache what they derive from lookups. */
  version = 0;

  /** Forget cached lookups: called on every change, including interface state. */
  invalidate(): void {
    this.cache.clear();
    this.version++;
  }

  /** Longest prefix, then lowest metric, then first added; skips routes over downed interfaces. */
  lookup(dst: Ip): Route | undefined {
    // Keyed by the address as a signed 32-bit value: a small integer to V8, where an
    // unsigned one above 2^31 would be a boxed double (slower to hash).
    const key = dst | 0;
    const c = this.cache.get(key);
    if (c !== undefined) return c ?? undefined;
    const r = this.scan(dst);
    if (this.cache.size > 65536) this.cache.clear();
    this.cache.set(key, r ?? null);
    return r;
  }

  private scan(dst: Ip): Route | undefined {
    let best: Route | undefined;
    for (const r of this.routes) {
      if (!r.dev.adminUp) continue;
      if (!inPrefix(dst, r.dst, r.len)) continue;
      if (!best || r.len > best.len || (r.len === best.len && r.metric < best.metric)) best = r;
    }
    return best;
  }

  find(dst: Ip, len: number, metric?: number): Route | undefined {
    return this.routes.find((r) => r.dst === networkOf(dst, len) && r.len === len && (metric === undefined || r.metric === metric));
  }

  add(r: Route): boolean {
    const dst = networkOf(r.dst, r.len);
    if (this.routes.some((x) => x.dst === dst && x.len === r.len && x.metric === r.metric)) return false;
    this.routes.push({ ...r, dst });
    this.cache.clear();
    this.version++;
    return true;
  }

  remove(pred: (r: Route) => boolean): Route[] {
    const gone = this.routes.filter(pred);
    this.routes = this.routes.filter((r) => !pred(r));
    this.cache.clear();
    this.version++;
    return gone;
  }

  /** Order in which `ip route show` lists routes: default first, then by prefix address. */
  listed(): Route[] {
    return [...this.routes].sort((a, b) => {
      if (a.len === 0 && b.len !== 0) return -1;
      if (b.len === 0 && a.len !== 0) return 1;
      return a.dst - b.dst || a.len - b.len || a.metric - b.metric;
    });
  }
}
