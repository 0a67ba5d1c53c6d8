import type { PinnedTile } from '@map-offline/entities';

/** Reads one keyset page: up to `limit` tiles after `after`, in (z, x, y) order. */
export type TilePageReader = (
  after: { z: number; x: number; y: number } | null,
  limit: number,
) => Promise<PinnedTile[]>;

/**
 * Every tile of a keyset-paged listing, reading the next page while the current one is consumed, so the
 * database round trip overlaps the object reads. Holds at most two pages.
 */
export async function* pagedListing(readPage: TilePageReader, pageSize: number): AsyncGenerator<PinnedTile> {
  let page = await readPage(null, pageSize);
  while (page.length > 0) {
    const last = page[page.length - 1];
    const next = page.length < pageSize ? Promise.resolve([]) : readPage(last, pageSize);
    // Handled here: if the consumer stops early the next page's outcome is not reported as unhandled.
    next.catch(() => undefined);
    yield* page;
    page = await next;
  }
}
