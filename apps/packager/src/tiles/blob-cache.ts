/** Bytes a cached entry costs besides its body: the Map slot, the key string and the Buffer object. */
const ENTRY_OVERHEAD_BYTES = 256;

/**
 * A least-recently-used cache of tile bodies by SHA-256, bounded in bytes (per-entry overhead counted).
 * Real caches repeat a few bodies very often (open sea, blank land, one colour at high zoom), so keeping
 * them saves most repeated object reads at a fixed memory cost.
 */
export class BlobCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  /**
   * @param capacityBytes total bytes the cache may hold
   * @param maxEntryBytes bodies larger than this are never cached (they rarely repeat)
   */
  constructor(
    private readonly capacityBytes: number,
    private readonly maxEntryBytes: number,
  ) {}

  get(sha256: string): Buffer | undefined {
    const body = this.entries.get(sha256);
    if (body === undefined) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    // Re-insert to mark as most recently used (Map keeps insertion order).
    this.entries.delete(sha256);
    this.entries.set(sha256, body);
    return body;
  }

  set(sha256: string, body: Buffer): void {
    const cost = body.length + ENTRY_OVERHEAD_BYTES;
    if (body.length > this.maxEntryBytes || cost > this.capacityBytes) return;
    const previous = this.entries.get(sha256);
    if (previous !== undefined) {
      this.entries.delete(sha256);
      this.bytes -= previous.length + ENTRY_OVERHEAD_BYTES;
    }
    this.entries.set(sha256, body);
    this.bytes += cost;
    for (const [oldest, oldestBody] of this.entries) {
      if (this.bytes <= this.capacityBytes) break;
      this.entries.delete(oldest);
      this.bytes -= oldestBody.length + ENTRY_OVERHEAD_BYTES;
    }
  }

  get sizeBytes(): number {
    return this.bytes;
  }
}
