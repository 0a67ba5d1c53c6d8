// Refresh writes only what changed upstream; deleting one of two overlapping regions keeps the shared
// tiles and their objects, releases the rest, and the collector removes exactly the unreferenced blobs.
import { BBox, bboxToGeometry, lonLatToTile, planCover, TileCoord } from '@map-offline/geo';
import { blobKeyForSha256 } from '@map-offline/storage';
import {
  cacheRegion,
  cacheStats,
  createRegion,
  job,
  registerSource,
  regionTileKeys,
  tileKeyOf,
  waitForJob,
  waitUntilStable,
} from './support/caching-api';
import { CachingWorld, startCachingWorld } from './support/caching-world';
import { eventually } from '@map-offline/testing';

jest.setTimeout(120_000);

const ZOOMS = { minZoom: 2, maxZoom: 6 };
// Two overlapping areas over western Europe and the Atlantic (land and sea tiles, shared low zooms).
const AREA_A: BBox = [-20, 35, 10, 55];
const AREA_B: BBox = [0, 45, 25, 62];

interface TileRow {
  z: number;
  x: number;
  y: number;
  blob_sha256: string | null;
}

function coverKeys(bbox: BBox): Set<string> {
  return new Set([...planCover(bboxToGeometry(bbox), ZOOMS).tiles()].map(tileKeyOf));
}

describe('refresh and delete of cache regions (e2e)', () => {
  let stack: CachingWorld;
  let sourceId: string;
  let regionA: string;
  let regionB: string;

  const tileBlobs = async (): Promise<Map<string, string | null>> => {
    const rows = await stack.sql<TileRow>(`SELECT z, x, y, blob_sha256 FROM tile WHERE source_id = $1`, [
      sourceId,
    ]);
    return new Map(rows.map((row) => [tileKeyOf(row), row.blob_sha256?.trim() ?? null]));
  };
  const blobRows = async (): Promise<Set<string>> =>
    new Set((await stack.sql<{ sha256: string }>(`SELECT sha256 FROM tile_blob`)).map((row) => row.sha256));
  /** The in-process seeder's counter of objects it really created in storage. */
  const uploadsSoFar = async (): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${stack.seeder?.port ?? 0}/metrics`)).text();
    const match = /^mapoffline_seeder_blobs_uploaded_total(?:\{[^}]*\})? (\d+)/m.exec(text);
    return Number(match?.[1] ?? 'NaN');
  };

  beforeAll(async () => {
    stack = await startCachingWorld();
    sourceId = await registerSource(stack.api, stack.fixture.templates.png);
    const first = await createRegion(stack.api, sourceId, { bbox: AREA_A, ...ZOOMS }, 'A');
    await expect(waitForJob(stack.api, first.id, 60_000)).resolves.toMatchObject({ state: 'COMPLETED' });
    regionA = first.subjectId ?? '';
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('refresh after the upstream changed a few tiles: only those get new blobs, the dropped ones are collected; 304s write nothing', async () => {
    const cover = coverKeys(AREA_A);
    const before = await tileBlobs();
    const blobsBefore = await blobRows();
    const keysBefore = new Set(await stack.bucket.keys('blobs/'));
    expect(keysBefore).toEqual(new Set([...blobsBefore].map(blobKeyForSha256)));
    const uploadsBefore = await uploadsSoFar();

    // Land tiles at the highest zoom (each renders differently) and one open-sea tile.
    const changed: TileCoord[] = [
      [2.35, 48.85], // Paris
      [-3.7, 40.4], // Madrid
      [-0.6, 44.8], // Bordeaux
      [-6.3, 53.3], // Dublin
      [-18, 40], // open Atlantic
    ].map(([longitude, latitude]) => lonLatToTile(longitude, latitude, ZOOMS.maxZoom));
    for (const tile of changed) expect(cover.has(tileKeyOf(tile))).toBe(true);
    stack.fixture.changeTiles(changed, 'v2');
    stack.fixture.resetStats();

    const olderThan = new Date().toISOString();
    const refresh = await stack.api.data<{ refreshCacheRegion: { id: string; kind: string } }>(
      `mutation ($id: ID!, $olderThan: DateTime!) { refreshCacheRegion(id: $id, olderThan: $olderThan) { id kind } }`,
      { id: regionA, olderThan },
    );
    expect(refresh.refreshCacheRegion.kind).toBe('refresh-region');
    await expect(waitForJob(stack.api, refresh.refreshCacheRegion.id, 60_000)).resolves.toMatchObject({
      state: 'COMPLETED',
    });

    // Every tile was asked for again, conditionally: the unchanged ones answered 304.
    expect(stack.fixture.stats().byStatus).toEqual({
      '200': changed.length,
      '304': cover.size - changed.length,
    });

    const after = await tileBlobs();
    const rewritten = [...cover].filter((key) => after.get(key) !== before.get(key));
    expect(rewritten.sort()).toEqual(changed.map(tileKeyOf).sort());
    const newHashes = new Set(rewritten.map((key) => after.get(key) ?? ''));
    const expectedNewBlobs = [...newHashes].filter((hash) => !blobsBefore.has(hash));
    expect(expectedNewBlobs.length).toBeGreaterThan(0);

    const blobsAfter = await blobRows();
    const addedRows = [...blobsAfter].filter((hash) => !blobsBefore.has(hash));
    expect(addedRows.sort()).toEqual(expectedNewBlobs.sort());
    // The versions the changed tiles dropped are collected at once unless another tile still uses them.
    const stillUsed = new Set(after.values());
    const dropped = [...new Set(rewritten.map((key) => before.get(key) ?? ''))].filter(
      (hash) => !stillUsed.has(hash),
    );
    expect(dropped.length).toBeGreaterThan(0);
    const removedRows = [...blobsBefore].filter((hash) => !blobsAfter.has(hash));
    expect(removedRows.sort()).toEqual(dropped.sort());
    const keysAfter = await stack.bucket.keys('blobs/');
    for (const hash of dropped) expect(keysAfter).not.toContain(blobKeyForSha256(hash));
    const addedKeys = keysAfter.filter((key) => !keysBefore.has(key));
    expect(addedKeys.sort()).toEqual(expectedNewBlobs.map(blobKeyForSha256).sort());
    await expect(uploadsSoFar()).resolves.toBe(uploadsBefore + expectedNewBlobs.length);

    // The gateway now serves the new upstream bytes.
    for (const tile of changed) {
      const served = await fetch(`${stack.gatewayUrl}/tiles/${sourceId}/${tile.z}/${tile.x}/${tile.y}`, {
        headers: { authorization: `Bearer ${stack.token}` },
      });
      const upstream = await fetch(`${stack.fixture.url}/basic/${tile.z}/${tile.x}/${tile.y}.png`);
      expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(await upstream.arrayBuffer()))).toBe(
        true,
      );
    }
    await expect(cacheRegion(stack.api, regionA)).resolves.toMatchObject({
      status: 'completed',
      tilesDone: cover.size,
      tilesFailed: 0,
    });
  });

  it('deleting one of two overlapping regions keeps shared tiles and objects and collects only unreferenced blobs', async () => {
    const second = await createRegion(stack.api, sourceId, { bbox: AREA_B, ...ZOOMS }, 'B');
    await expect(waitForJob(stack.api, second.id, 60_000)).resolves.toMatchObject({ state: 'COMPLETED' });
    regionB = second.subjectId ?? '';
    const heldA = await regionTileKeys(stack.sql, regionA);
    const heldB = await regionTileKeys(stack.sql, regionB);
    const shared = [...heldA].filter((key) => heldB.has(key));
    expect(shared.length).toBeGreaterThan(0);
    expect(heldA.size - shared.length).toBeGreaterThan(0);

    const index = await tileBlobs();
    const blobsOfB = new Set(
      [...heldB].map((key) => index.get(key)).filter((hash): hash is string => !!hash),
    );
    const blobsBefore = await blobRows();
    const doomed = [...blobsBefore].filter((hash) => !blobsOfB.has(hash));
    expect(doomed.length).toBeGreaterThan(0);

    const deletion = await stack.api.data<{ deleteCacheRegion: { id: string; kind: string } }>(
      `mutation ($id: ID!) { deleteCacheRegion(id: $id) { id kind } }`,
      { id: regionA },
    );
    expect(deletion.deleteCacheRegion.kind).toBe('delete-region');
    await expect(waitForJob(stack.api, deletion.deleteCacheRegion.id, 60_000)).resolves.toMatchObject({
      state: 'COMPLETED',
    });

    // The index keeps B's tiles (shared ones included) and nothing else.
    const remaining = await tileBlobs();
    expect(new Set(remaining.keys())).toEqual(heldB);
    for (const key of shared) expect(remaining.get(key)).toBe(index.get(key));
    await expect(regionTileKeys(stack.sql, regionA)).resolves.toEqual(new Set());
    await expect(regionTileKeys(stack.sql, regionB)).resolves.toEqual(heldB);

    // Every blob B uses is still there, row and object; every other blob is gone, row and object.
    await expect(blobRows()).resolves.toEqual(blobsOfB);
    for (const hash of blobsOfB)
      await expect(stack.bucket.exists(blobKeyForSha256(hash))).resolves.toBe(true);
    for (const hash of doomed) await expect(stack.bucket.exists(blobKeyForSha256(hash))).resolves.toBe(false);
    expect(new Set(await stack.bucket.keys('blobs/'))).toEqual(new Set([...blobsOfB].map(blobKeyForSha256)));

    // The deleted region is gone from the API; the other one is whole and still served.
    const gone = await stack.api.request(`query ($id: ID!) { cacheRegion(id: $id) { id } }`, { id: regionA });
    expect(gone.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const stats = await cacheStats(stack.api, regionB);
    expect(stats.tiles).toBe(heldB.size);
    const sharedTile = shared.find((key) => key.startsWith('6/')) ?? shared[0];
    const served = await fetch(`${stack.gatewayUrl}/tiles/${sourceId}/${sharedTile}`, {
      headers: { authorization: `Bearer ${stack.token}` },
    });
    expect(served.status).toBe(200);
  });

  it('deleting a region while its job runs: the job is cancelled and nothing of the region is left', async () => {
    // Slow upstream and a source of its own, so the job is mid-way when the deletion arrives.
    stack.fixture.setFaults({ latencyMs: 20 });
    const slowSource = await registerSource(stack.api, stack.fixture.templates.png, {
      maxConcurrentRequests: 4,
    });
    const running = await createRegion(
      stack.api,
      slowSource,
      { bbox: [-30, 30, 10, 60], minZoom: 0, maxZoom: 8 },
      'C',
    );
    await eventually(
      async () => ((await job(stack.api, running.id)).progress.doneUnits > 0 ? true : undefined),
      30_000,
    );

    const deletion = await stack.api.data<{ deleteCacheRegion: { id: string } }>(
      `mutation ($id: ID!) { deleteCacheRegion(id: $id) { id } }`,
      { id: running.subjectId },
    );
    await expect(waitForJob(stack.api, deletion.deleteCacheRegion.id, 60_000)).resolves.toMatchObject({
      state: 'COMPLETED',
    });
    await expect(waitForJob(stack.api, running.id, 60_000)).resolves.toMatchObject({ state: 'CANCELLED' });
    stack.fixture.setFaults({});
    // Let batches that were in flight finish or give up, then nothing may remain of the region.
    await waitUntilStable(() => stack.fixture.stats().requests, 1_500, 60_000);

    await expect(regionTileKeys(stack.sql, running.subjectId ?? '')).resolves.toEqual(new Set());
    const [{ tiles }] = await stack.sql<{ tiles: string }>(
      `SELECT count(*) AS tiles FROM tile WHERE source_id = $1`,
      [slowSource],
    );
    expect(Number(tiles)).toBe(0);
    const [{ regions }] = await stack.sql<{ regions: string }>(
      `SELECT count(*) AS regions FROM cache_region WHERE id = $1`,
      [running.subjectId],
    );
    expect(Number(regions)).toBe(0);
    // Every blob row is used by a tile and has its object; region B is whole.
    const unreferenced = await stack.sql<{ sha256: string }>(
      `SELECT sha256 FROM tile_blob b WHERE NOT EXISTS (SELECT 1 FROM tile t WHERE t.blob_sha256 = b.sha256)`,
    );
    expect(unreferenced).toEqual([]);
    const rows = await blobRows();
    const objects = new Set(await stack.bucket.keys('blobs/'));
    for (const hash of rows) expect(objects.has(blobKeyForSha256(hash))).toBe(true);
    // Batches in flight at the deletion uploaded objects they could not commit: those are collected too.
    // (Polled: a batch may still be between its last request and its commit.)
    const orphans = async (): Promise<string[]> => {
      const known = await blobRows();
      return (await stack.bucket.keys('blobs/')).filter((key) => !known.has(key.slice(-64)));
    };
    await eventually(async () => ((await orphans()).length === 0 ? true : undefined), 10_000).catch(
      async (error: Error) => {
        throw new Error(`${error.message}: ${(await orphans()).length} object(s) without a blob row`);
      },
    );
    await expect(cacheStats(stack.api, regionB)).resolves.toMatchObject({ failedTiles: 0 });
  });
});
