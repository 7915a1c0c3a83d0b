/**
 * A Map bounded to `capacity` entries that evicts the least recently used one, so a flood of new keys pushes
 * out only stale entries instead of emptying the cache.
 */
export class BoundedLruCache<K, V> {
  private readonly entries = new Map<K, V>();
  /** The last key inserted or read: already at the end of the order (most callers reuse one key). */
  private mostRecent?: K;

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined || key === this.mostRecent) return value;
    // Re-inserting moves the key to the end of the Map's order: the most recently used.
    this.entries.delete(key);
    this.entries.set(key, value);
    this.mostRecent = key;
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    this.mostRecent = key;
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
  }

  delete(key: K): void {
    this.entries.delete(key);
    if (key === this.mostRecent) this.mostRecent = undefined;
  }

  get size(): number {
    return this.entries.size;
  }
}
