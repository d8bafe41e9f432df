// A bounded memo of rows the store wrote itself, newest kept. A Durable Object is the only writer
// of its storage, so a row it committed stays what it wrote until it writes it again: reading it
// back from memory is exact. What it bounds is memory, not correctness: an evicted row is read
// from SQLite as before.

export class RecentRows<V> {
  private readonly rows = new Map<string, V>();
  private readonly capacity: number;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`"capacity" expected integer >= 1, got ${capacity}`);
    this.capacity = capacity;
  }

  get size(): number {
    return this.rows.size;
  }

  /** The row as last written, or undefined when it was never written or was evicted. */
  get(key: string): V | undefined {
    return this.rows.get(key);
  }

  /** Records a committed write; the oldest rows leave once the memo is full. */
  set(key: string, value: V): void {
    // Delete first, so a rewritten row counts as the newest in the map's insertion order.
    this.rows.delete(key);
    this.rows.set(key, value);
    if (this.rows.size > this.capacity) this.rows.delete(this.rows.keys().next().value!);
  }
}
