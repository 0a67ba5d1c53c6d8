import type { PinnedTile } from '@map-offline/entities';

/** Reads one keyset page: up to `limit` tiles after `after`, in (z, x, y) order. */
export type TilePageReader = (
  after: { z: number; x: number; y: number } | null,
  limit: number,
) => Promise<PinnedTile[]>;

/** Every page of a keyset-paged listing, until a short page. */
export async function* pagedListing(
  readPage: TilePageReader,
  pageSize: number,
): AsyncGenerator<PinnedTile[]> {
  let after: PinnedTile | null = null;
  for (;;) {
    const page = await readPage(after, pageSize);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    after = page[page.length - 1];
  }
}
