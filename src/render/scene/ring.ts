/**
 * A fixed-capacity ring: pushing onto a full ring overwrites the oldest item. The scene
 * keeps its recent events here, so a busy lab never grows the renderer's memory.
 */
export class Ring<T> {
  private items: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error('Ring capacity must be at least 1');
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Add an item; returns the one it pushed out, if the ring was full. */
  push(item: T): T | undefined {
    const old = this.count === this.capacity ? this.items[this.head] : undefined;
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    return old;
  }

  /** Oldest first. */
  forEach(fn: (item: T) => void): void {
    const start = (this.head - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) fn(this.items[(start + i) % this.capacity] as T);
  }

  /** Newest first, stopping when `fn` returns true. */
  findLast(fn: (item: T) => boolean): T | undefined {
    for (let i = 1; i <= this.count; i++) {
      const it = this.items[(this.head - i + this.capacity) % this.capacity] as T;
      if (fn(it)) return it;
    }
    return undefined;
  }

  clear(): void {
    this.items.fill(undefined);
    this.head = 0;
    this.count = 0;
  }
}
