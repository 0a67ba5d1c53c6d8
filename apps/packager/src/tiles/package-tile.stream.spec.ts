import { createHash } from 'node:crypto';
import type { PinnedTile } from '@map-offline/entities';
import { BlobCache } from './blob-cache';
import { packageTileStream } from './package-tile.stream';
import { pagedListing } from './paged-listing';
import { TileBodies } from './tile-bodies';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

/** 10 x 10 tiles at zoom 4, every third one "sea". */
const TILES: PinnedTile[] = Array.from({ length: 100 }, (_, index) => {
  const tile = { z: 4, x: Math.floor(index / 10), y: index % 10 };
  return { ...tile, sha256: sha(index % 3 === 0 ? 'sea' : `land ${tile.x}/${tile.y}`) };
});
const bodyText = (tile: { x: number; y: number }): string =>
  (tile.x * 10 + tile.y) % 3 === 0 ? 'sea' : `land ${tile.x}/${tile.y}`;
const BODIES = new Map(TILES.map((tile) => [tile.sha256, bodyText(tile)]));

function storage(options: { failOn?: string } = {}) {
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    maxInFlight: () => maxInFlight,
    get: async (key: string): Promise<Buffer> => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight -= 1;
      const hash = key.slice(key.lastIndexOf('/') + 1);
      if (hash === options.failOn) throw new Error('storage failed');
      return Buffer.from(BODIES.get(hash) ?? '');
    },
  };
}

function pages(pageSize: number) {
  return pagedListing(async (after, limit) => {
    const start =
      after === null ? 0 : TILES.findIndex((tile) => tile.x === after.x && tile.y === after.y) + 1;
    return TILES.slice(start, start + limit);
  }, pageSize);
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of source) items.push(item);
  return items;
}

describe('packageTileStream', () => {
  it('yields every tile in listing order with its own body, reading each distinct body once', async () => {
    const store = storage();
    const bodies = new TileBodies(store, new BlobCache(1024 * 1024, 1024));
    const tiles = await collect(packageTileStream(pages(16), bodies, { concurrency: 4 }));
    expect(tiles.map((tile) => tile.tile)).toEqual(TILES.map(({ z, x, y }) => ({ z, x, y })));
    for (const tile of tiles) expect(sha(tile.bytes.toString())).toBe(tile.sha256);
    expect(bodies.reads).toBe(new Set(TILES.map((tile) => tile.sha256)).size);
    expect(store.maxInFlight()).toBeLessThanOrEqual(4);
  });

  it('stops between pages when the signal fires', async () => {
    const controller = new AbortController();
    const bodies = new TileBodies(storage(), new BlobCache(1024 * 1024, 1024));
    const seen: number[] = [];
    const run = (async () => {
      for await (const tile of packageTileStream(pages(10), bodies, {
        concurrency: 2,
        signal: controller.signal,
      })) {
        seen.push(tile.tile.x);
        if (seen.length === 15) controller.abort(new Error('cancelled by the test'));
      }
    })();
    await expect(run).rejects.toThrow('cancelled by the test');
    expect(seen.length).toBeLessThanOrEqual(20);
  });

  it('fails with the storage error and does not yield past the page that failed', async () => {
    const bodies = new TileBodies(storage({ failOn: TILES[45].sha256 }), new BlobCache(1024 * 1024, 1024));
    const seen: PinnedTile[] = [];
    const run = (async () => {
      for await (const tile of packageTileStream(pages(10), bodies, { concurrency: 3 }))
        seen.push({ ...tile.tile, sha256: tile.sha256 });
    })();
    await expect(run).rejects.toThrow('storage failed');
    expect(seen.length).toBeLessThanOrEqual(40);
  });
});
