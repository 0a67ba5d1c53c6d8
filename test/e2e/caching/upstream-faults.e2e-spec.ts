// What the seeder does with a misbehaving upstream, driven through GraphQL against the fixture server's
// fault modes: 404 -> empty tile, 5xx storm -> retried to completion, 429 + Retry-After -> waited out,
// a tile that never recovers -> recorded as failed with its reason, an HTML page with 200 -> never stored.
import { createHash } from 'node:crypto';
import { bboxToGeometry, BBox, planCover, TileCoord } from '@map-offline/geo';
import { blobKeyForSha256 } from '@map-offline/storage';
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

/** The fixture answers 404 above this zoom, as a real server does past its data. */
const FIXTURE_MAX_ZOOM = 5;

function coverOf(bbox: BBox, minZoom: number, maxZoom: number): TileCoord[] {
  return [...planCover(bboxToGeometry(bbox), { minZoom, maxZoom }).tiles()];
}

describe('upstream faults end as documented (e2e)', () => {
  let stack: CachingWorld;

  beforeAll(async () => {
    stack = await startCachingWorld({ fixture: { maxZoom: FIXTURE_MAX_ZOOM } });
  });

  afterAll(async () => {
    await stack?.close();
  });

  beforeEach(() => {
    stack.fixture.setFaults({});
    stack.fixture.resetStats();
  });

  /** A source of its own per test: the index is per source, so every test fetches its whole cover. */
  const newSource = (): Promise<string> => registerSource(stack.api, stack.fixture.templates.png);

  it('404 above the upstream max zoom: recorded as empty tiles, not errors', async () => {
    const bbox: BBox = [0, 40, 20, 55];
    const tiles = coverOf(bbox, 4, 6);
    const beyond = tiles.filter((tile) => tile.z > FIXTURE_MAX_ZOOM);
    expect(beyond.length).toBeGreaterThan(0);
    const sourceId = await newSource();

    const handle = await createRegion(stack.api, sourceId, { bbox, minZoom: 4, maxZoom: 6 });
    const finished = await waitForJob(stack.api, handle.id, 60_000);
    expect(finished.state).toBe('COMPLETED');
    expect(finished.progress.errors).toBe(0);

    expect(stack.fixture.stats().byStatus).toEqual({
      '200': tiles.length - beyond.length,
      '404': beyond.length,
    });
    const stats = await cacheStats(stack.api, handle.subjectId ?? '');
    expect(stats).toMatchObject({
      tiles: tiles.length,
      emptyTiles: beyond.length,
      storedTiles: tiles.length - beyond.length,
      failedTiles: 0,
      failureReasons: [],
    });
    expect(stats.perZoom.find((zoom) => zoom.zoom === 6)).toMatchObject({
      emptyTiles: beyond.length,
      storedTiles: 0,
    });
    const region = await cacheRegion(stack.api, handle.subjectId ?? '');
    expect(region).toMatchObject({
      status: 'completed',
      tilesEmpty: beyond.length,
      tilesFailed: 0,
      tilesDone: tiles.length,
    });
    const [empty] = await stack.sql<{ status: string; blob_sha256: string | null }>(
      `SELECT status, blob_sha256 FROM tile WHERE source_id = $1 AND z = $2 AND x = $3 AND y = $4`,
      [sourceId, beyond[0].z, beyond[0].x, beyond[0].y],
    );
    expect(empty).toEqual({ status: 'empty', blob_sha256: null });

    // The gateway answers an empty tile with 204 (known to be empty), not 404 (not cached).
    const served = await fetch(
      `${stack.gatewayUrl}/tiles/${sourceId}/${beyond[0].z}/${beyond[0].x}/${beyond[0].y}`,
      { headers: { authorization: `Bearer ${stack.token}` } },
    );
    expect(served.status).toBe(204);
  });

  it('a 500 storm on known tiles is retried until every tile is cached', async () => {
    const bbox: BBox = [-80, 20, -60, 40];
    const tiles = coverOf(bbox, 3, 5);
    // Every tile of zoom 5 fails twice before it is served: far more retries than one batch's budget.
    const stormed = tiles.filter((tile) => tile.z === 5);
    const failuresPerTile = 2;
    stack.fixture.setFaults({ failTiles: [{ tiles: stormed, times: failuresPerTile, status: 500 }] });
    const sourceId = await newSource();

    const handle = await createRegion(stack.api, sourceId, { bbox, minZoom: 3, maxZoom: 5 });
    const finished = await waitForJob(stack.api, handle.id, 90_000);
    expect(finished.state).toBe('COMPLETED');

    expect(stack.fixture.stats().byStatus).toEqual({
      '200': tiles.length,
      '500': stormed.length * failuresPerTile,
    });
    const stats = await cacheStats(stack.api, handle.subjectId ?? '');
    expect(stats).toMatchObject({
      tiles: tiles.length,
      storedTiles: tiles.length,
      failedTiles: 0,
      emptyTiles: 0,
    });
    const held = await regionTileKeys(stack.sql, handle.subjectId ?? '');
    expect(held).toEqual(new Set(tiles.map(tileKeyOf)));
  });

  it('429 with Retry-After is honoured: the job waits at least that long and completes', async () => {
    const retryAfterSeconds = 3;
    const bbox: BBox = [100, -40, 120, -20];
    const tiles = coverOf(bbox, 2, 5);
    const limited = tiles.filter((tile) => tile.z === 4).slice(0, 3);
    stack.fixture.setFaults({ retryAfterSeconds, failTiles: [{ tiles: limited, times: 1, status: 429 }] });
    const sourceId = await newSource();

    const started = Date.now();
    const handle = await createRegion(stack.api, sourceId, { bbox, minZoom: 2, maxZoom: 5 });
    const finished = await waitForJob(stack.api, handle.id, 60_000);
    const elapsedMs = Date.now() - started;
    expect(finished.state).toBe('COMPLETED');
    expect(elapsedMs).toBeGreaterThanOrEqual(retryAfterSeconds * 1000);

    expect(stack.fixture.stats().byStatus).toEqual({ '200': tiles.length, '429': limited.length });
    for (const tile of limited) expect(stack.fixture.tileRequestCount(tile)).toBe(2);
    const stats = await cacheStats(stack.api, handle.subjectId ?? '');
    expect(stats).toMatchObject({ tiles: tiles.length, storedTiles: tiles.length, failedTiles: 0 });
  });

  it('a tile that always fails is recorded with its reason; the job completes with the rest cached', async () => {
    const bbox: BBox = [30, -10, 45, 5];
    const tiles = coverOf(bbox, 3, 5);
    const broken = tiles.filter((tile) => tile.z === 5)[1];
    stack.fixture.setFaults({ failTiles: [{ tiles: [broken], times: 1_000_000, status: 503 }] });
    const sourceId = await newSource();

    const handle = await createRegion(stack.api, sourceId, { bbox, minZoom: 3, maxZoom: 5 });
    const finished = await waitForJob(stack.api, handle.id, 90_000);
    // Partial, not failed: every other tile is cached and the failure is on record.
    expect(finished.state).toBe('COMPLETED');
    expect(finished.progress.errors).toBe(1);

    const stats = await cacheStats(stack.api, handle.subjectId ?? '');
    expect(stats).toMatchObject({
      tiles: tiles.length,
      storedTiles: tiles.length - 1,
      failedTiles: 1,
      emptyTiles: 0,
    });
    expect(stats.failureReasons).toHaveLength(1);
    expect(stats.failureReasons[0].tiles).toBe(1);
    expect(stats.failureReasons[0].reason).toMatch(/503/);
    const region = await cacheRegion(stack.api, handle.subjectId ?? '');
    expect(region).toMatchObject({ status: 'completed', tilesFailed: 1, tilesDone: tiles.length - 1 });
    const [row] = await stack.sql<{ status: string; failure_reason: string }>(
      `SELECT status, failure_reason FROM tile WHERE source_id = $1 AND z = $2 AND x = $3 AND y = $4`,
      [sourceId, broken.z, broken.x, broken.y],
    );
    expect(row.status).toBe('failed');
    expect(row.failure_reason).toBe(stats.failureReasons[0].reason);
    // Only the broken tile was asked for more than once.
    const retried = tiles.filter((tile) => stack.fixture.tileRequestCount(tile) > 1);
    expect(retried.map(tileKeyOf)).toEqual([tileKeyOf(broken)]);

    const served = await fetch(`${stack.gatewayUrl}/tiles/${sourceId}/${broken.z}/${broken.x}/${broken.y}`, {
      headers: { authorization: `Bearer ${stack.token}` },
    });
    expect(served.status).toBe(404);
  });

  it('an HTML error page answered with 200 is never stored; the tiles are fetched again', async () => {
    // What the error page looks like, from the fixture itself.
    stack.fixture.setFaults({ htmlErrorRate: 1 });
    const page = Buffer.from(await (await fetch(`${stack.fixture.url}/basic/1/0/0.png`)).arrayBuffer());
    expect(page.subarray(0, 15).toString()).toBe('<!DOCTYPE html>');
    const pageSha256 = createHash('sha256').update(page).digest('hex');

    const bbox: BBox = [-60, -40, -40, -20];
    const tiles = coverOf(bbox, 2, 5);
    stack.fixture.setFaults({ htmlErrorRate: 0.3, seed: 11 });
    stack.fixture.resetStats();
    const sourceId = await newSource();

    const handle = await createRegion(stack.api, sourceId, { bbox, minZoom: 2, maxZoom: 5 });
    const finished = await waitForJob(stack.api, handle.id, 90_000);
    expect(finished.state).toBe('COMPLETED');

    const htmlPages = stack.fixture.stats().requests - tiles.length;
    expect(htmlPages).toBeGreaterThan(0);
    expect(stack.fixture.stats().byStatus).toEqual({ '200': tiles.length + htmlPages });
    const stats = await cacheStats(stack.api, handle.subjectId ?? '');
    expect(stats).toMatchObject({ tiles: tiles.length, storedTiles: tiles.length, failedTiles: 0 });

    const blobs = await stack.sql<{ sha256: string; content_type: string }>(
      `SELECT sha256, content_type FROM tile_blob`,
    );
    expect(blobs.map((blob) => blob.sha256)).not.toContain(pageSha256);
    expect(new Set(blobs.map((blob) => blob.content_type))).toEqual(new Set(['image/png']));
    await expect(stack.bucket.exists(blobKeyForSha256(pageSha256))).resolves.toBe(false);
    // Every stored object is a PNG (signature bytes 1-3 spell "PNG").
    for (const blob of blobs) {
      const bytes = await stack.bucket.get(blobKeyForSha256(blob.sha256));
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(blob.sha256);
    }
  });
});
