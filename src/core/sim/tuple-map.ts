/**
 * A map keyed by an address/port 4-tuple (plus a small discriminator such as the
 * protocol), with a numeric hash instead of a string key: socket and connection lookups
 * happen on every packet, and building a string per lookup was a measurable share of
 * the simulator's time. Collisions are chained and compared field by field.
 */

interface Entry<V> {
  a: number;
  ap: number;
  b: number;
  bp: number;
  d: number;
  v: V;
  next: Entry<V> | undefined;
}

/**
 * A 30-bit mix of the tuple: small enough to be a V8 small integer, so the Map key is
 * neither boxed nor slow to hash. Collisions are chained.
 */
function hash(a: number, ap: number, b: number, bp: number, d: number): number {
  let h = Math.imul(a ^ (d << 24), 0x9e3779b1);
  h = Math.imul(h ^ b ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (ap << 16) ^ bp ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & 0x3fffffff;
}

export class TupleMap<V> {
  private m = new Map<number, Entry<V>>();
  private n = 0;

  get size(): number {
    return this.n;
  }

  get(a: number, ap: number, b: number, bp: number, d = 0): V | undefined {
    // Addresses are kept as signed 32-bit values: small integers to V8, never boxed.
    a |= 0;
    b |= 0;
    let e = this.m.get(hash(a, ap, b, bp, d));
    while (e) {
      if (e.a === a && e.ap === ap && e.b === b && e.bp === bp && e.d === d) return e.v;
      e = e.next;
    }
    return undefined;
  }

  has(a: number, ap: number, b: number, bp: number, d = 0): boolean {
    return this.get(a, ap, b, bp, d) !== undefined;
  }

  set(a: number, ap: number, b: number, bp: number, v: V, d = 0): void {
    a |= 0;
    b |= 0;
    const h = hash(a, ap, b, bp, d);
    const head = this.m.get(h);
    for (let e = head; e; e = e.next) {
      if (e.a === a && e.ap === ap && e.b === b && e.bp === bp && e.d === d) {
        e.v = v;
        return;
      }
    }
    this.m.set(h, { a, ap, b, bp, d, v, next: head });
    this.n++;
  }

  /** Delete the entry, only if it currently maps to `v` when `v` is given. */
  delete(a: number, ap: number, b: number, bp: number, d = 0, v?: V): boolean {
    a |= 0;
    b |= 0;
    const h = hash(a, ap, b, bp, d);
    let prev: Entry<V> | undefined;
    for (let e = this.m.get(h); e; prev = e, e = e.next) {
      if (e.a === a && e.ap === ap && e.b === b && e.bp === bp && e.d === d) {
        if (v !== undefined && e.v !== v) return false;
        if (prev) prev.next = e.next;
        else if (e.next) this.m.set(h, e.next);
        else this.m.delete(h);
        this.n--;
        return true;
      }
    }
    return false;
  }

  *values(): IterableIterator<V> {
    for (const head of this.m.values()) for (let e: Entry<V> | undefined = head; e; e = e.next) yield e.v;
  }

  clear(): void {
    this.m.clear();
    this.n = 0;
  }
}
