/** Least-recently-used map bounded by entry count and by bytes (the caller says what an entry weighs). */
export class LruTileCache<Value> {
  // A Map iterates in insertion order: the first key is the least recently used one.
  private readonly entries = new Map<string, { value: Value; sizeBytes: number }>();
  private totalBytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get(key: string): Value | undefined {
    const found = this.entries.get(key);
    if (found === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, found);
    return found.value;
  }

  set(key: string, value: Value, sizeBytes: number): void {
    const previous = this.entries.get(key);
    if (previous) {
      this.totalBytes -= previous.sizeBytes;
      this.entries.delete(key);
    }
    if (sizeBytes > this.maxBytes) return;
    this.entries.set(key, { value, sizeBytes });
    this.totalBytes += sizeBytes;
    for (const [oldestKey, oldest] of this.entries) {
      if (this.totalBytes <= this.maxBytes && this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldestKey);
      this.totalBytes -= oldest.sizeBytes;
    }
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }
}
