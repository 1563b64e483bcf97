/**
 * A small least-recently-used cache: compiled formulas and templates are kept by source text.
 *
 * Recency is kept by second chance: a hit only marks its entry (moving it to the end of the Map
 * on every hit cost more than the lookup), and eviction moves marked entries to the end,
 * unmarked, instead of dropping them. Entries used since they last came up for eviction stay.
 */
interface Entry<V> {
  value: V;
  used: boolean;
}

export class BoundedCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    entry.used = true;
    return entry.value;
  }

  set(key: string, value: V): void {
    const existing = this.entries.get(key);
    if (existing) {
      existing.value = value;
      existing.used = true;
      return;
    }
    // Room is made before the new entry goes in, so entries given a second chance queue before it.
    while (this.entries.size >= this.capacity && this.entries.size > 0) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, Entry<V>];
      this.entries.delete(oldestKey);
      if (!oldest.used) break;
      oldest.used = false;
      this.entries.set(oldestKey, oldest);
    }
    this.entries.set(key, { value, used: false });
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
