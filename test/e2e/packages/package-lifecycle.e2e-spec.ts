// Around a package's life through GraphQL: another tenant sees nothing, deleting a region keeps the
// package's tiles, deleting the package releases them, a failed build leaves no object, and an area
// is cached before it is packaged.
import { blobKeyForSha256 } from '@map-offline/storage';
import { eventually, GraphqlClient } from '@map-offline/testing';
import { createRegion, registerSource, waitForJob } from '../caching/support/caching-api';
import { buildPackage, getPackage, waitForPackage } from './support/packages-api';
import { PACKAGE_SCOPES, PackagesWorld, startPackagesWorld } from './support/packages-world';

jest.setTimeout(300_000);

const ORGANISATION = 'org-e2e-package-life';
const BBOX = [-17.6, 14.5, -17.0, 14.9];
const ZOOMS = { minZoom: 4, maxZoom: 11 };

describe('offline package lifecycle (e2e)', () => {
  let world: PackagesWorld;
  let sourceId: string;
  let regionId: string;
  let packageId: string;
  let stranger: GraphqlClient;

  beforeAll(async () => {
    world = await startPackagesWorld(ORGANISATION);
    stranger = await world.stack.clientWith(PACKAGE_SCOPES, 'org-e2e-stranger');
    sourceId = await registerSource(world.api, world.stack.fixture.templates.png);
    const job = await createRegion(world.api, sourceId, { bbox: BBOX, ...ZOOMS }, 'Dakar');
    const done = await waitForJob(world.api, job.id, 120_000);
    if (done.state !== 'COMPLETED') throw new Error(`caching ended ${done.state}: ${done.error}`);
    regionId = job.subjectId ?? '';
    packageId = (await buildPackage(world.api, { name: 'Dakar', format: 'PMTILES', regionIds: [regionId] }))
      .packageId;
    const built = await waitForPackage(world.api, packageId);
    if (built.state !== 'READY') throw new Error(`package ended ${built.state}: ${built.failureReason}`);
  });

  afterAll(async () => {
    await world?.close();
  });

  async function storedTiles(): Promise<{ key: string; sha256: string }[]> {
    const rows = await world.stack.sql<{ z: number; x: number; y: number; blob_sha256: string }>(
      `SELECT z, x, y, blob_sha256 FROM tile WHERE source_id = $1 AND status = 'stored' ORDER BY z, x, y`,
      [sourceId],
    );
    return rows.map((row) => ({ key: `${row.z}/${row.x}/${row.y}`, sha256: row.blob_sha256.trim() }));
  }

  it("answers another organisation's requests for the package with 'not found'", async () => {
    const read = await stranger.request(`query ($id: ID!) { package(id: $id) { id } }`, { id: packageId });
    expect(read.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const listed = await stranger.data<{ packages: { id: string }[] }>(`{ packages { id } }`);
    expect(listed.packages).toEqual([]);
    const deleted = await stranger.request(`mutation ($id: ID!) { deletePackage(id: $id) { id } }`, {
      id: packageId,
    });
    expect(deleted.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const rotated = await stranger.request(`mutation ($id: ID!) { rotatePackageLink(id: $id) { id } }`, {
      id: packageId,
    });
    expect(rotated.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const fromForeignRegion = await stranger.request(
      `mutation ($input: BuildPackageInput!) { buildPackage(input: $input) { id } }`,
      { input: { name: 'Not mine', format: 'MBTILES', regionIds: [regionId] } },
    );
    expect(fromForeignRegion.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const estimate = await stranger.request(
      `query ($input: EstimatePackageInput!) { estimatePackage(input: $input) { tiles } }`,
      { input: { format: 'MBTILES', regionIds: [regionId] } },
    );
    expect(estimate.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('needs package:write to build, and cache:write as well to cache an area first', async () => {
    const reader = await world.stack.clientWith(['package:read', 'cache:read']);
    const refused = await reader.request(
      `mutation ($input: BuildPackageInput!) { buildPackage(input: $input) { id } }`,
      {
        input: { name: 'No', format: 'MBTILES', regionIds: [regionId] },
      },
    );
    expect(refused.status).toBe(403);
    const packagerOnly = await world.stack.clientWith(['package:write', 'package:read']);
    const area = await packagerOnly.request(
      `mutation ($input: BuildPackageInput!) { buildPackage(input: $input) { id } }`,
      {
        input: {
          name: 'No',
          format: 'MBTILES',
          area: { sourceId, area: { bbox: BBOX, minZoom: 4, maxZoom: 5 } },
        },
      },
    );
    expect(area.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('fails a build whose layers fail (without continueOnErrors): per-layer errors, no object', async () => {
    const { packageId: failingId, jobId } = await buildPackage(world.api, {
      name: 'Broken layers',
      format: 'CYBERTRACKER_ZIP',
      regionIds: [regionId],
      layers: [
        { name: 'Not GeoJSON', geojson: { type: 'Topology' } },
        {
          name: 'Bad symbol',
          geojson: { type: 'FeatureCollection', features: [] },
          symbol: { 'marker-style': 'star' },
        },
      ],
    });
    const failed = await waitForPackage(world.api, failingId);
    expect(failed.state).toBe('FAILED');
    expect(failed.errors.map((error) => error.layer)).toEqual(['Not GeoJSON', 'Bad symbol']);
    expect(failed.errors[1].message).toContain('marker-style');
    expect(failed.failureReason).toContain('2 layer(s) failed');
    expect(failed.downloadUrl).toBeNull();
    await expect(world.stack.bucket.keys(`packages/${ORGANISATION}/${failingId}/`)).resolves.toEqual([]);
    const job = await world.api.data<{ job: { state: string; error: string } }>(
      `query ($id: ID!) { job(id: $id) { state error } }`,
      { id: jobId },
    );
    expect(job.job.state).toBe('FAILED');
    const download = await fetch(failed.stableDownloadUrl, { redirect: 'manual' });
    expect(download.status).toBe(409);
  });

  it('caches an area first when given one, then packages it', async () => {
    const { packageId: areaPackageId } = await buildPackage(world.api, {
      name: 'Gorée',
      format: 'MBTILES',
      area: {
        sourceId,
        area: { bbox: [-17.42, 14.66, -17.38, 14.69], minZoom: 10, maxZoom: 13 },
        regionName: 'Gorée',
      },
    });
    const built = await waitForPackage(world.api, areaPackageId);
    expect(built.state).toBe('READY');
    expect(built.regionIds).toHaveLength(1);
    expect([built.minZoom, built.maxZoom]).toEqual([10, 13]);
    expect(built.tileCount).toBeGreaterThan(0);
    const regions = await world.stack.sql<{ name: string; status: string }>(
      `SELECT name, status FROM cache_region WHERE id = $1`,
      [built.regionIds[0]],
    );
    expect(regions).toEqual([{ name: 'Gorée', status: 'completed' }]);
  });

  it("keeps the package's tiles when its region is deleted, and releases them when the package is deleted", async () => {
    const before = await storedTiles();
    const pinned = await world.stack.sql<{ count: string }>(
      `SELECT count(*) AS count FROM offline_package_tile WHERE package_id = $1`,
      [packageId],
    );
    expect(Number(pinned[0].count)).toBeGreaterThan(0);
    const pinnedKeys = new Set(
      (
        await world.stack.sql<{ z: number; x: number; y: number }>(
          `SELECT z, x, y FROM offline_package_tile WHERE package_id = $1`,
          [packageId],
        )
      ).map((row) => `${row.z}/${row.x}/${row.y}`),
    );

    const deletion = await world.api.data<{ deleteCacheRegion: { id: string } }>(
      `mutation ($id: ID!) { deleteCacheRegion(id: $id) { id } }`,
      { id: regionId },
    );
    const released = await waitForJob(world.api, deletion.deleteCacheRegion.id, 120_000);
    expect(released.state).toBe('COMPLETED');
    const afterRegionDelete = await storedTiles();
    const stillThere = new Set(afterRegionDelete.map((tile) => tile.key));
    for (const key of pinnedKeys) expect(stillThere.has(key)).toBe(true);
    for (const tile of before.filter((candidate) => pinnedKeys.has(candidate.key))) {
      await expect(world.stack.bucket.exists(blobKeyForSha256(tile.sha256))).resolves.toBe(true);
    }
    // The package still downloads and still names its (now deleted) region.
    const view = await getPackage(world.api, packageId);
    expect(view.regionIds).toEqual([regionId]);
    expect((await fetch(view.stableDownloadUrl, { redirect: 'manual' })).status).toBe(302);

    const deleting = await world.api.data<{ deletePackage: { state: string } }>(
      `mutation ($id: ID!) { deletePackage(id: $id) { state } }`,
      { id: packageId },
    );
    expect(deleting.deletePackage.state).toBe('DELETING');
    await eventually(async () => {
      const result = await world.api.request(`query ($id: ID!) { package(id: $id) { id } }`, {
        id: packageId,
      });
      return result.errors?.[0].extensions?.code === 'NOT_FOUND' ? true : undefined;
    }, 60_000);
    const afterPackageDelete = new Set((await storedTiles()).map((tile) => tile.key));
    // Zooms 4-9 were held only by the package once the region was gone: all released.
    const shallow = [...pinnedKeys].filter((key) => Number(key.split('/')[0]) < 10);
    expect(shallow.length).toBeGreaterThan(0);
    expect(shallow.filter((key) => afterPackageDelete.has(key))).toEqual([]);
    for (const key of pinnedKeys) {
      // Tiles of the area package's region (Gorée) stay; everything only the package held is gone.
      if (afterPackageDelete.has(key)) {
        const holders = await world.stack.sql(
          `SELECT 1 FROM region_tile WHERE source_id = $1 AND z || '/' || x || '/' || y = $2
           UNION ALL SELECT 1 FROM offline_package_tile WHERE source_id = $1 AND z || '/' || x || '/' || y = $2`,
          [sourceId, key],
        );
        expect(holders.length).toBeGreaterThan(0);
      }
    }
    await expect(world.stack.bucket.keys(`packages/${ORGANISATION}/${packageId}/`)).resolves.toEqual([]);
    expect((await fetch(view.stableDownloadUrl, { redirect: 'manual' })).status).toBe(404);
  });
});
