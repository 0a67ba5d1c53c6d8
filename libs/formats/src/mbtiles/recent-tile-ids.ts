/**
 * The MBTiles tile ids (uppercase hex MD5) of the bodies written most recently, by SHA-256. Real caches
 * repeat a few bodies very often (open sea, blank land): for those the writer skips both the MD5 and the
 * `images` insert. Two generations instead of a strict LRU: ids go into the young map; when it is full it
 * becomes the old one (the previous old map is dropped), and a hit in the old map moves the id back into
 * the young one. That keeps whatever repeats, with no deletes (a Map that churns deletes keeps rehashing).
 * At most `capacity` entries (about 200 bytes each) whatever the number of distinct bodies.
 */
export class RecentTileIds {
  private young = new Map<string, string>();
  private old = new Map<string, string>();

  constructor(private readonly capacity: number) {}

  get(sha256: string): string | undefined {
    const id = this.young.get(sha256);
    if (id !== undefined) return id;
    const aging = this.old.get(sha256);
    if (aging !== undefined) this.set(sha256, aging);
    return aging;
  }

  set(sha256: string, id: string): void {
    if (this.young.size >= this.capacity / 2) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(sha256, id);
  }
}
