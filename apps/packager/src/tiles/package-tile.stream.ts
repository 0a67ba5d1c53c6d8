import type { PackageTile } from '@map-offline/formats';
import type { PinnedTile } from '@map-offline/entities';
import { orderedConcurrentMap } from './ordered-concurrent-map';
import { TileBodies } from './tile-bodies';

export interface PackageTileStreamOptions {
  /** object reads in flight at once */
  concurrency: number;
  /** checked before each tile; the writer sees the abort and removes its partial output */
  signal?: AbortSignal;
}

/**
 * The tiles of a package with their bodies, in listing order: memory holds at most `concurrency` bodies
 * in flight plus the body cache, whatever the number of tiles.
 */
export function packageTileStream(
  listing: AsyncIterable<PinnedTile>,
  bodies: TileBodies,
  options: PackageTileStreamOptions,
): AsyncGenerator<PackageTile> {
  return orderedConcurrentMap(listing, options.concurrency, async (pinned) => {
    options.signal?.throwIfAborted();
    const bytes = await bodies.body(pinned.sha256);
    return { tile: { z: pinned.z, x: pinned.x, y: pinned.y }, sha256: pinned.sha256, bytes };
  });
}
