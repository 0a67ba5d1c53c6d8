import { TileCoord } from '@map-offline/geo';
import { IndexedTile } from '@map-offline/entities';

export interface BatchClassification {
  /** Already cached and fresh enough: only linked to the region. */
  settled: { x: number; y: number }[];
  /** To fetch (missing, failed before, or stale in a refresh). */
  toFetch: TileCoord[];
  /** ETags of stale tiles, for conditional requests, by "x/y". */
  previousEtags: Map<string, string>;
  /** Blob of each stale tile, to tell an unchanged body from a new one, by "x/y". */
  previousBlobs: Map<string, string | null>;
}

export function tileKey(x: number, y: number): string {
  return `${x}/${y}`;
}

/**
 * Decides per tile what the batch must do. A tile cached by any region of the same source is reused;
 * failed tiles are always tried again; a refresh re-fetches tiles fetched before its instant.
 */
export function classifyBatch(
  tiles: TileCoord[],
  indexed: IndexedTile[],
  refreshOlderThan?: Date,
): BatchClassification {
  const byKey = new Map(indexed.map((entry) => [tileKey(entry.x, entry.y), entry]));
  const result: BatchClassification = {
    settled: [],
    toFetch: [],
    previousEtags: new Map(),
    previousBlobs: new Map(),
  };
  for (const tile of tiles) {
    const key = tileKey(tile.x, tile.y);
    const entry = byKey.get(key);
    if (!entry || entry.status === 'failed') {
      result.toFetch.push(tile);
      continue;
    }
    const stale = refreshOlderThan !== undefined && entry.fetchedAt.getTime() < refreshOlderThan.getTime();
    if (!stale) {
      result.settled.push({ x: tile.x, y: tile.y });
      continue;
    }
    result.toFetch.push(tile);
    if (entry.etag) result.previousEtags.set(key, entry.etag);
    result.previousBlobs.set(key, entry.blobSha256);
  }
  return result;
}
