import { BBox, lonLatToTile, MAX_LATITUDE, TileCoord } from '@map-offline/geo';
import { TileFormat } from './tile-request.parser';
import { TileStore } from './tile-store';
import { TileStyleName } from './tile-style';

export interface PrerenderOptions {
  minZoom: number;
  maxZoom: number;
  /** [west, south, east, north] in degrees; the whole world when absent */
  bbox?: BBox;
  formats?: TileFormat[];
  styles?: TileStyleName[];
}

// A start-up prerender is for warming a benchmark or demo area, not for rendering the planet.
const MAX_PRERENDER_TILES = 200_000;
// Renders at once: sharp runs on libvips threads, so two keep both cores busy without queuing memory.
const PRERENDER_CONCURRENCY = 4;

export async function prerenderTiles(
  store: TileStore,
  options: PrerenderOptions,
  limits: { minZoom: number; maxZoom: number },
): Promise<number> {
  const minZoom = Math.max(options.minZoom, limits.minZoom);
  const maxZoom = Math.min(options.maxZoom, limits.maxZoom);
  const bbox: BBox = options.bbox ?? [-180, -MAX_LATITUDE, 180, MAX_LATITUDE];
  const formats = options.formats ?? ['png', 'mvt'];
  const styles = options.styles ?? ['basic'];
  const jobs = countTilesInBBox(bbox, minZoom, maxZoom) * formats.length * styles.length;
  if (jobs > MAX_PRERENDER_TILES) {
    throw new Error(
      `prerender would render ${jobs} tiles; at most ${MAX_PRERENDER_TILES}: narrow bbox or zooms`,
    );
  }
  const tiles = tilesInBBox(bbox, minZoom, maxZoom);
  const work: Array<() => Promise<unknown>> = [];
  for (const tile of tiles) {
    for (const format of formats) {
      for (const style of styles) {
        const wanted = { style, format, tile, version: '' };
        work.push(() => store.load(store.keyOf(wanted), wanted));
      }
    }
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < work.length) {
      const job = work[next];
      next += 1;
      await job();
    }
  };
  await Promise.all(Array.from({ length: PRERENDER_CONCURRENCY }, () => worker()));
  return jobs;
}

function countTilesInBBox(bbox: BBox, minZoom: number, maxZoom: number): number {
  const [west, south, east, north] = bbox;
  let count = 0;
  for (let zoom = minZoom; zoom <= maxZoom; zoom += 1) {
    const topLeft = lonLatToTile(west, north, zoom);
    const bottomRight = lonLatToTile(east, south, zoom);
    count += (bottomRight.x - topLeft.x + 1) * (bottomRight.y - topLeft.y + 1);
  }
  return count;
}

export function tilesInBBox(bbox: BBox, minZoom: number, maxZoom: number): TileCoord[] {
  const [west, south, east, north] = bbox;
  const tiles: TileCoord[] = [];
  for (let zoom = minZoom; zoom <= maxZoom; zoom += 1) {
    const topLeft = lonLatToTile(west, north, zoom);
    const bottomRight = lonLatToTile(east, south, zoom);
    for (let x = topLeft.x; x <= bottomRight.x; x += 1) {
      for (let y = topLeft.y; y <= bottomRight.y; y += 1) tiles.push({ z: zoom, x, y });
    }
  }
  return tiles;
}
