// What happens around a build: tile pins outlive a deleted region and go with the package; a failed or
// cancelled build leaves no object, no temporary files and no pins; a build waits for its regions.
import { readdir } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { dataSourceOptions, RegionReleaseRepository, releaseInChunks } from '@map-offline/entities';
import type { BBox } from '@map-offline/geo';
import { blobKeyForSha256 } from '@map-offline/storage';
import { eventually } from '@map-offline/testing';
import { PACKAGER_TEMPORARY_ROOT } from '../../../apps/packager/src/build/temporary-workspace';
import {
  buildPackage,
  insertSource,
  packageRow,
  PackagerWorld,
  seedRegion,
  startPackagerWorld,
  storeTiles,
  waitForPackage,
} from './support/packager-world';

jest.setTimeout(240_000);

const BBOX: BBox = [20, -10, 24, -6];
const ZOOMS = { minZoom: 4, maxZoom: 8 };

describe('package pins, failures and cancellation (integration)', () => {
  let world: PackagerWorld;
  let dataSource: DataSource;

  beforeAll(async () => {
    world = await startPackagerWorld();
    dataSource = new DataSource(dataSourceOptions({ url: world.world.database.url, poolSize: 2 }));
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await world?.close();
  });

  async function tileKeys(sourceId: string): Promise<Set<string>> {
    const rows = await world.sql<{ z: number; x: number; y: number }>(
      `SELECT z, x, y FROM tile WHERE source_id = $1`,
      [sourceId],
    );
    return new Set(rows.map((row) => `${row.z}/${row.x}/${row.y}`));
  }

  async function pinCount(packageId: string): Promise<number> {
    const [row] = await world.sql<{ count: string }>(
      `SELECT count(*) AS count FROM offline_package_tile WHERE package_id = $1`,
      [packageId],
    );
    return Number(row.count);
  }

  async function workspacesOf(packageId: string): Promise<string[]> {
    const entries = await readdir(PACKAGER_TEMPORARY_ROOT).catch(() => [] as string[]);
    return entries.filter((entry) => entry.startsWith(packageId));
  }

  /** What the release-region job does, chunk by chunk. */
  async function releaseRegion(regionId: string, sourceId: string): Promise<void> {
    const release = new RegionReleaseRepository(dataSource);
    await releaseInChunks(
      50,
      (after) => release.releaseChunk(regionId, sourceId, 50, after),
      async () => undefined,
    );
    await release.deleteRegionRecord(regionId);
  }

  it('keeps the tiles of a package when its region is deleted, and releases them with the package', async () => {
    const sourceId = await insertSource(world);
    const region = await seedRegion(world, { sourceId, bbox: BBOX, ...ZOOMS });
    // A second region holds the tiles of the deepest zoom too: those must outlive the package.
    const [other] = await world.sql<{ id: string }>(
      `INSERT INTO cache_region (organisation_id, name, source_id, area, min_zoom, max_zoom, status, tile_count)
       VALUES ('org-packager-int', 'other', $1, ST_Multi(ST_MakeEnvelope(20, -10, 24, -6, 4326)), 8, 8, 'completed', 0)
       RETURNING id`,
      [sourceId],
    );
    const deepest = region.tiles.filter((tile) => tile.tile.z === ZOOMS.maxZoom);
    await storeTiles(world, sourceId, other.id, deepest);

    const { packageId } = await buildPackage(world, {
      format: 'pmtiles',
      sourceId,
      regionIds: [region.regionId],
    });
    const built = await waitForPackage(world, packageId);
    expect(built.state).toBe('ready');
    await expect(pinCount(packageId)).resolves.toBe(region.tiles.length);

    await releaseRegion(region.regionId, sourceId);
    const afterRegionDelete = await tileKeys(sourceId);
    for (const tile of region.tiles)
      expect(afterRegionDelete.has(`${tile.tile.z}/${tile.tile.x}/${tile.tile.y}`)).toBe(true);
    for (const sha256 of new Set(region.tiles.map((tile) => tile.sha256))) {
      await expect(world.bucket.exists(blobKeyForSha256(sha256))).resolves.toBe(true);
    }

    await world.sql(`UPDATE offline_package SET state = 'deleting' WHERE id = $1`, [packageId]);
    await world.producer.enqueue(
      { name: 'delete-package', data: { organisationId: 'org-packager-int', packageId } },
      { jobId: `delete-package_${packageId}` },
    );
    await eventually(async () => ((await packageRow(world, packageId)) ? undefined : true), 60_000);
    await expect(world.bucket.exists(built.object_key ?? '')).resolves.toBe(false);
    await expect(pinCount(packageId)).resolves.toBe(0);
    const afterPackageDelete = await tileKeys(sourceId);
    expect([...afterPackageDelete].sort()).toEqual(
      deepest.map((tile) => `${tile.tile.z}/${tile.tile.x}/${tile.tile.y}`).sort(),
    );
    // Blobs only the released tiles used are collected; the deepest zoom's stay.
    const kept = new Set(deepest.map((tile) => tile.sha256));
    for (const sha256 of new Set(region.tiles.map((tile) => tile.sha256))) {
      await expect(world.bucket.exists(blobKeyForSha256(sha256))).resolves.toBe(kept.has(sha256));
    }
  });

  it('fails a build whose tile body is missing: no object, no temporary files, no pins, and why', async () => {
    const sourceId = await insertSource(world);
    const region = await seedRegion(world, { sourceId, bbox: BBOX, minZoom: 5, maxZoom: 7 });
    const victim = region.tiles[region.tiles.length - 1];
    await world.storage.delete(blobKeyForSha256(victim.sha256));

    const { packageId, jobRunId } = await buildPackage(world, {
      format: 'mbtiles',
      sourceId,
      regionIds: [region.regionId],
    });
    const failed = await waitForPackage(world, packageId);
    expect(failed.state).toBe('failed');
    expect(failed.failure_reason).toContain('NOT_FOUND');
    await expect(world.bucket.keys(`packages/org-packager-int/${packageId}/`)).resolves.toEqual([]);
    await expect(pinCount(packageId)).resolves.toBe(0);
    await expect(workspacesOf(packageId)).resolves.toEqual([]);
    const [run] = await world.sql<{ state: string; error: string }>(
      `SELECT state, error FROM job_run WHERE id = $1`,
      [jobRunId],
    );
    expect(run.state).toBe('failed');
    expect(run.error).toContain('NOT_FOUND');
  });

  it('waits while its region is still caching and builds once the region completes', async () => {
    const sourceId = await insertSource(world);
    const region = await seedRegion(world, {
      sourceId,
      bbox: BBOX,
      minZoom: 4,
      maxZoom: 6,
      status: 'running',
    });
    const { packageId } = await buildPackage(world, {
      format: 'mbtiles',
      sourceId,
      regionIds: [region.regionId],
    });
    await eventually(
      async () => ((await packageRow(world, packageId))?.state === 'waiting' ? true : undefined),
      30_000,
    );
    await world.sql(`UPDATE cache_region SET status = 'completed' WHERE id = $1`, [region.regionId]);
    const built = await waitForPackage(world, packageId);
    expect(built.state).toBe('ready');
    expect(Number(built.tile_count)).toBe(region.tiles.length);
  });

  it('stops a cancelled build: no object, no temporary files, no pins', async () => {
    const sourceId = await insertSource(world);
    // The whole world at zooms 0..9 (349,525 tiles) with three bodies: long enough to cancel mid-way.
    const seeded = await seedRegion(world, { sourceId, bbox: [-1, -1, 1, 1], minZoom: 0, maxZoom: 1 });
    const bodies = [...new Set(seeded.tiles.map((tile) => tile.sha256))];
    await world.sql(
      `INSERT INTO tile (source_id, z, x, y, status, blob_sha256, fetched_at)
       SELECT $1, z, x, y, 'stored', ($2::char(64)[])[1 + (x + y) % cardinality($2::char(64)[])], now()
         FROM generate_series(0, 9) z
         CROSS JOIN LATERAL generate_series(0, (1 << z) - 1) x
         CROSS JOIN LATERAL generate_series(0, (1 << z) - 1) y
       ON CONFLICT DO NOTHING`,
      [sourceId, bodies],
    );
    await world.sql(
      `INSERT INTO region_tile (region_id, z, x, y, source_id)
       SELECT $1, z, x, y, $2 FROM tile WHERE source_id = $2 ON CONFLICT DO NOTHING`,
      [seeded.regionId, sourceId],
    );
    await world.sql(`UPDATE cache_region SET max_zoom = 9 WHERE id = $1`, [seeded.regionId]);

    const { packageId, jobRunId } = await buildPackage(world, {
      format: 'mbtiles',
      sourceId,
      regionIds: [seeded.regionId],
    });
    await eventually(
      async () => {
        const [run] = await world.sql<{ done_units: string; progress: { phase?: string } }>(
          `SELECT done_units, progress FROM job_run WHERE id = $1`,
          [jobRunId],
        );
        return run.progress.phase === 'writing' && Number(run.done_units) > 0 ? true : undefined;
      },
      120_000,
      50,
    );
    await world.sql(`UPDATE job_run SET state = 'cancelled', finished_at = now() WHERE id = $1`, [jobRunId]);

    const cancelled = await waitForPackage(world, packageId);
    expect(cancelled.state).toBe('cancelled');
    await expect(world.bucket.keys(`packages/org-packager-int/${packageId}/`)).resolves.toEqual([]);
    await expect(workspacesOf(packageId)).resolves.toEqual([]);
    await eventually(async () => ((await pinCount(packageId)) === 0 ? true : undefined), 60_000);
  });
});
