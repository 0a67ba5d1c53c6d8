import type { PackageTile } from '@map-offline/formats';
import type { PinnedTile } from '@map-offline/entities';
import { TileBodies } from './tile-bodies';

export interface PackageTileStreamOptions {
  /** object reads in flight at once */
  concurrency: number;
  /** checked between pages; the writer sees the abort and removes its partial output */
  signal?: AbortSignal;
}

/**
 * The tiles of a package with their bodies, in listing order. Works a page at a time: while the writer
 * takes the tiles of one page, the distinct bodies of the next page are read (at most `concurrency` reads
 * in flight), so reads overlap writing and cost one promise per distinct body rather than several per
 * tile. Memory: the bodies of two pages plus the body cache, whatever the number of tiles.
 */
export async function* packageTileStream(
  pages: AsyncIterable<PinnedTile[]>,
  bodies: TileBodies,
  options: PackageTileStreamOptions,
): AsyncGenerator<PackageTile> {
  const iterator = pages[Symbol.asyncIterator]();
  let next = readPage(iterator, bodies, options);
  try {
    for (;;) {
      const page = await next;
      if (page === undefined) return;
      options.signal?.throwIfAborted();
      next = readPage(iterator, bodies, options);
      // Handled here so a failure of the page read ahead is not reported as unhandled while this one drains.
      next.catch(() => undefined);
      for (const pinned of page.tiles) {
        yield {
          tile: { z: pinned.z, x: pinned.x, y: pinned.y },
          sha256: pinned.sha256,
          bytes: page.body(pinned.sha256),
        };
      }
    }
  } finally {
    await Promise.allSettled([next]);
    await iterator.return?.();
  }
}

interface ReadPage {
  tiles: PinnedTile[];
  body(sha256: string): Buffer;
}

async function readPage(
  iterator: AsyncIterator<PinnedTile[]>,
  bodies: TileBodies,
  options: PackageTileStreamOptions,
): Promise<ReadPage | undefined> {
  const result = await iterator.next();
  if (result.done === true) return undefined;
  const tiles = result.value;
  const uses = new Map<string, number>();
  for (const tile of tiles) uses.set(tile.sha256, (uses.get(tile.sha256) ?? 0) + 1);
  const found = new Map<string, Buffer>();
  const distinct: string[] = [];
  for (const sha256 of uses.keys()) {
    // Cached bodies (the sea) are taken at once: an await per tile would cost more than the lookup.
    const cached = bodies.cached(sha256);
    if (cached === undefined) distinct.push(sha256);
    else found.set(sha256, cached);
  }
  let position = 0;
  const worker = async (): Promise<void> => {
    while (position < distinct.length) {
      const sha256 = distinct[position];
      position += 1;
      found.set(sha256, await bodies.body(sha256, (uses.get(sha256) ?? 0) > 1));
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, distinct.length) }, worker));
  return {
    tiles,
    body: (sha256) => {
      const body = found.get(sha256);
      if (body === undefined) throw new Error(`no body was read for ${sha256}`);
      return body;
    },
  };
}
