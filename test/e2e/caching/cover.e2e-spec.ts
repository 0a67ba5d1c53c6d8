// A polygon with a hole and a bbox across the antimeridian cache exactly their cover, each tile is
// fetched once, sea tiles are stored once, and the gateway serves what the upstream sent.
import type { MultiPolygon, Polygon } from 'geojson';
import { lonLatToTile, planCover, PolygonalGeometry, TileCoord } from '@map-offline/geo';
import {
  cacheRegion,
  cacheStats,
  createRegion,
  registerSource,
  regionTileKeys,
  tileKeyOf,
  waitForJob,
} from './support/caching-api';
import { CachingWorld, startCachingWorld } from './support/caching-world';

jest.setTimeout(120_000);

// West Africa and the Atlantic (lots of identical sea tiles) with a 20 x 20 degree hole.
const POLYGON_WITH_HOLE: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [-30, -20],
      [20, -20],
      [20, 30],
      [-30, 30],
      [-30, -20],
    ],
    [
      [-20, -10],
      [0, -10],
      [0, 10],
      [-20, 10],
      [-20, -10],
    ],
  ],
};
const POLYGON_ZOOMS = { minZoom: 2, maxZoom: 7 };

// Fiji and the Pacific around the antimeridian: west > east.
const ANTIMERIDIAN_BBOX = [170, -20, -170, 0];
const ANTIMERIDIAN_ZOOMS = { minZoom: 0, maxZoom: 6 };
// The same area written independently as two rectangles, one on each side of 180 degrees.
const ANTIMERIDIAN_AS_GEOMETRY: MultiPolygon = {
  type: 'MultiPolygon',
  coordinates: [
    [
      [
        [170, -20],
        [180, -20],
        [180, 0],
        [170, 0],
        [170, -20],
      ],
    ],
    [
      [
        [-180, -20],
        [-170, -20],
        [-170, 0],
        [-180, 0],
        [-180, -20],
      ],
    ],
  ],
};

function coverKeys(geometry: PolygonalGeometry, zooms: { minZoom: number; maxZoom: number }): Set<string> {
  return new Set([...planCover(geometry, zooms).tiles()].map((tile) => tileKeyOf(tile)));
}

describe('caching exactly the cover of an area (e2e)', () => {
  let stack: CachingWorld;
  let sourceId: string;
  let polygonRegionId: string;
  const polygonCover = coverKeys(POLYGON_WITH_HOLE, POLYGON_ZOOMS);

  beforeAll(async () => {
    stack = await startCachingWorld();
    sourceId = await registerSource(stack.api, stack.fixture.templates.png);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('a polygon with a hole: the index holds exactly its cover, each tile fetched once', async () => {
    // The hole matters: a tile well inside it is not part of the cover at the highest zoom.
    const insideHole = lonLatToTile(-10, 0, POLYGON_ZOOMS.maxZoom);
    expect(polygonCover.has(tileKeyOf(insideHole))).toBe(false);
    expect(polygonCover.has(tileKeyOf(lonLatToTile(-25, 25, POLYGON_ZOOMS.maxZoom)))).toBe(true);

    stack.fixture.resetStats();
    const handle = await createRegion(stack.api, sourceId, { geometry: POLYGON_WITH_HOLE, ...POLYGON_ZOOMS });
    expect(handle.progress.totalUnits).toBe(polygonCover.size);
    const finished = await waitForJob(stack.api, handle.id, 60_000);
    expect(finished.state).toBe('COMPLETED');
    expect(finished.progress.doneUnits).toBe(polygonCover.size);
    polygonRegionId = handle.subjectId ?? '';

    const held = await regionTileKeys(stack.sql, polygonRegionId);
    expect([...held].sort()).toEqual([...polygonCover].sort());
    const indexed = await stack.sql<{ z: number; x: number; y: number; status: string }>(
      `SELECT z, x, y, status FROM tile WHERE source_id = $1`,
      [sourceId],
    );
    expect(new Set(indexed.map((tile) => tileKeyOf(tile)))).toEqual(polygonCover);
    expect(indexed.every((tile) => tile.status === 'stored')).toBe(true);

    // One upstream request per tile: no retries, no duplicates.
    expect(stack.fixture.stats().requests).toBe(polygonCover.size);
    expect(stack.fixture.stats().byStatus).toEqual({ '200': polygonCover.size });

    const region = await cacheRegion(stack.api, polygonRegionId);
    expect(region).toMatchObject({
      status: 'completed',
      tileCount: polygonCover.size,
      tilesDone: polygonCover.size,
      tilesEmpty: 0,
      tilesFailed: 0,
    });
    const stats = await cacheStats(stack.api, polygonRegionId);
    expect(stats.tiles).toBe(polygonCover.size);
    expect(stats.storedTiles).toBe(polygonCover.size);
    // Open sea renders to the same bytes everywhere: far fewer blobs than tiles.
    expect(stats.uniqueBlobs).toBeLessThan(polygonCover.size);
    expect(stats.deduplicationRatio).toBeGreaterThan(1);
    const [{ blobs }] = await stack.sql<{ blobs: string }>(`SELECT count(*) AS blobs FROM tile_blob`);
    expect(Number(blobs)).toBe(stats.uniqueBlobs);
    const perZoom = planCover(POLYGON_WITH_HOLE, POLYGON_ZOOMS).zoomCounts;
    expect(stats.perZoom.map((zoom) => ({ zoom: zoom.zoom, count: zoom.tiles }))).toEqual(perZoom);
  });

  it('an antimeridian bbox (west > east): exactly its cover; tiles another region holds are not fetched again', async () => {
    const cover = coverKeys(ANTIMERIDIAN_AS_GEOMETRY, ANTIMERIDIAN_ZOOMS);
    // Both edges of the world are in, the middle is not.
    const maxIndex = 2 ** ANTIMERIDIAN_ZOOMS.maxZoom - 1;
    const row = lonLatToTile(175, -10, ANTIMERIDIAN_ZOOMS.maxZoom).y;
    expect(cover.has(`${ANTIMERIDIAN_ZOOMS.maxZoom}/0/${row}`)).toBe(true);
    expect(cover.has(`${ANTIMERIDIAN_ZOOMS.maxZoom}/${maxIndex}/${row}`)).toBe(true);
    expect(cover.has(`${ANTIMERIDIAN_ZOOMS.maxZoom}/${(maxIndex + 1) / 2}/${row}`)).toBe(false);
    const alreadyHeld = [...cover].filter((key) => polygonCover.has(key));

    stack.fixture.resetStats();
    const handle = await createRegion(stack.api, sourceId, {
      bbox: ANTIMERIDIAN_BBOX,
      ...ANTIMERIDIAN_ZOOMS,
    });
    expect(handle.progress.totalUnits).toBe(cover.size);
    const finished = await waitForJob(stack.api, handle.id, 60_000);
    expect(finished.state).toBe('COMPLETED');

    const held = await regionTileKeys(stack.sql, handle.subjectId ?? '');
    expect([...held].sort()).toEqual([...cover].sort());
    expect(stack.fixture.stats().requests).toBe(cover.size - alreadyHeld.length);
    for (const key of alreadyHeld) {
      const [z, x, y] = key.split('/').map(Number);
      expect(stack.fixture.tileRequestCount({ z, x, y })).toBe(0);
    }

    const stats = await cacheStats(stack.api, handle.subjectId ?? '');
    expect(stats.tiles).toBe(cover.size);
    expect(stats.deduplicationRatio).toBeGreaterThan(1);
    // Across both regions the index holds the union, each tile once.
    const [{ tiles }] = await stack.sql<{ tiles: string }>(`SELECT count(*) AS tiles FROM tile`);
    expect(Number(tiles)).toBe(new Set([...cover, ...polygonCover]).size);
  });

  it('estimateCache totals equal the cover; once cached, nothing is left to fetch', async () => {
    const data = await stack.api.data<{
      estimateCache: {
        totalTiles: number;
        alreadyCached: number;
        upstreamRequests: number;
        perZoom: { zoom: number; tiles: number; alreadyCached: number }[];
        bytesEstimateBasis: string;
      };
    }>(
      `query ($input: EstimateCacheInput!) { estimateCache(input: $input) {
         totalTiles alreadyCached upstreamRequests bytesEstimateBasis perZoom { zoom tiles alreadyCached } } }`,
      { input: { sourceId, area: { geometry: POLYGON_WITH_HOLE, ...POLYGON_ZOOMS } } },
    );
    const region = await cacheRegion(stack.api, polygonRegionId);
    expect(data.estimateCache.totalTiles).toBe(polygonCover.size);
    expect(data.estimateCache.totalTiles).toBe(region.tileCount);
    expect(data.estimateCache.alreadyCached).toBe(polygonCover.size);
    expect(data.estimateCache.upstreamRequests).toBe(0);
    expect(data.estimateCache.bytesEstimateBasis).toBe('CACHED_TILES');
    expect(data.estimateCache.perZoom.reduce((sum, zoom) => sum + zoom.tiles, 0)).toBe(polygonCover.size);
  });

  it('GET /tiles/{sourceId}/{z}/{x}/{y} serves the upstream bytes with an ETag, and 304 on If-None-Match', async () => {
    const tiles: TileCoord[] = [lonLatToTile(-25, 25, 7), lonLatToTile(5, 5, 6), { z: 2, x: 1, y: 1 }];
    for (const tile of tiles) {
      expect(polygonCover.has(tileKeyOf(tile))).toBe(true);
      const url = `${stack.gatewayUrl}/tiles/${sourceId}/${tile.z}/${tile.x}/${tile.y}`;
      const served = await fetch(url, { headers: { authorization: `Bearer ${stack.token}` } });
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/png');
      const etag = served.headers.get('etag');
      expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
      const servedBytes = Buffer.from(await served.arrayBuffer());
      const upstream = await fetch(`${stack.fixture.url}/basic/${tile.z}/${tile.x}/${tile.y}.png`);
      expect(servedBytes.equals(Buffer.from(await upstream.arrayBuffer()))).toBe(true);

      const again = await fetch(url, {
        headers: { authorization: `Bearer ${stack.token}`, 'if-none-match': etag ?? '' },
      });
      expect(again.status).toBe(304);
      expect((await again.arrayBuffer()).byteLength).toBe(0);
    }
    const notCached = await fetch(`${stack.gatewayUrl}/tiles/${sourceId}/12/0/0`, {
      headers: { authorization: `Bearer ${stack.token}` },
    });
    expect(notCached.status).toBe(404);
  });
});
