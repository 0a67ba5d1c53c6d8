// kill -9 a seeder in the middle of a job and start another: the job finishes and everything stored equals
// a run of the same area without a crash. Two seeders on one job share it and fetch no tile twice.
// The seeders run from dist as real processes (`npm run build` first; `npm test` builds).
import { BBox, bboxToGeometry, planCover } from '@map-offline/geo';
import { FixtureTileServer, startFixtureTileServer } from '@map-offline/fixture-tiles';
import { eventually } from '@map-offline/testing';
import {
  cacheRegion,
  CacheRegionView,
  cacheStats,
  CacheStatsView,
  createRegion,
  job,
  JobView,
  registerSource,
  waitForJob,
} from './support/caching-api';
import { CachingWorld, startCachingWorld } from './support/caching-world';
import { assertBuildIsCurrent, spawnSeeder, SpawnedSeeder } from './support/spawned-seeder';

jest.setTimeout(180_000);

// About 2,800 tiles (the eastern Atlantic and the Iberian coast, z0-z9); at 20 ms per request the job runs
// for seconds. Mostly sea: a couple of hundred distinct blobs keep the fixture's rendering and the uploads
// cheap, while the coast still gives distinct tiles to compare.
const AREA: BBox = [-35, 25, -5, 50];
const ZOOMS = { minZoom: 0, maxZoom: 9 };
const TOTAL = planCover(bboxToGeometry(AREA), ZOOMS).total;

// The killed worker's batches keep their BullMQ locks until they expire; with BullMQ's defaults (30 s lock,
// 30 s stalled check) the new seeder would take them back only after up to a minute. These settings
// (libs/config WORKER_LOCK_DURATION_MS / WORKER_STALLED_INTERVAL_MS) make that about 7 s. The lock is
// still renewed every 2.5 s by a live worker, far more often than a busy event loop could miss.
const WORLD_ENV = {
  SEED_BATCH_SIZE: '100',
  WORKER_CONCURRENCY: '4',
  WORKER_LOCK_DURATION_MS: '5000',
  WORKER_STALLED_INTERVAL_MS: '2000',
};

interface Snapshot {
  tiles: Map<string, string>;
  members: string[];
  blobs: string[];
  objects: string[];
  region: Omit<CacheRegionView, 'id' | 'completedAt'>;
  stats: CacheStatsView;
  job: Pick<JobView, 'state'> & { doneUnits: number; totalUnits: number; bytes: number; errors: number };
  finishedBatches: number;
}

/** Everything a run leaves behind, keyed by content (ids and timestamps differ between worlds). */
async function snapshot(
  world: CachingWorld,
  sourceId: string,
  regionId: string,
  jobId: string,
): Promise<Snapshot> {
  const tiles = await world.sql<{ key: string; value: string }>(
    `SELECT z || '/' || x || '/' || y AS key,
            status || ' ' || COALESCE(blob_sha256, '-') || ' ' || COALESCE(etag, '-') || ' ' || COALESCE(failure_reason, '-') AS value
       FROM tile WHERE source_id = $1`,
    [sourceId],
  );
  const members = await world.sql<{ key: string }>(
    `SELECT z || '/' || x || '/' || y AS key FROM region_tile WHERE region_id = $1 ORDER BY 1`,
    [regionId],
  );
  const blobs = await world.sql<{ row: string }>(
    `SELECT sha256 || ' ' || size_bytes || ' ' || content_type AS row FROM tile_blob ORDER BY 1`,
  );
  const [{ batches }] = await world.sql<{ batches: string }>(
    `SELECT count(*) AS batches FROM job_batch WHERE job_run_id = $1`,
    [jobId],
  );
  const { id: _id, completedAt: _completedAt, ...region } = await cacheRegion(world.api, regionId);
  const finished = await job(world.api, jobId);
  return {
    tiles: new Map(tiles.map((row) => [row.key, row.value])),
    members: members.map((row) => row.key),
    blobs: blobs.map((row) => row.row),
    objects: (await world.bucket.keys('blobs/')).sort(),
    region,
    stats: await cacheStats(world.api, regionId),
    job: {
      state: finished.state,
      doneUnits: finished.progress.doneUnits,
      totalUnits: finished.progress.totalUnits,
      bytes: finished.progress.bytes,
      errors: finished.progress.errors,
    },
    finishedBatches: Number(batches),
  };
}

describe('crash safety of tile seeding (e2e, spawned seeders)', () => {
  let upstream: FixtureTileServer;
  let crashed: CachingWorld;
  let clean: CachingWorld;
  const seeders: SpawnedSeeder[] = [];
  let afterCrash: Snapshot;

  const spawn = async (world: CachingWorld): Promise<SpawnedSeeder> => {
    const seeder = await spawnSeeder(world.env);
    seeders.push(seeder);
    return seeder;
  };

  beforeAll(async () => {
    assertBuildIsCurrent();
    upstream = await startFixtureTileServer({ resolution: '110m', faults: { latencyMs: 20 } });
    crashed = await startCachingWorld({ upstream, seeder: false, env: WORLD_ENV });
    clean = await startCachingWorld({ upstream, seeder: false, env: WORLD_ENV });
  });

  afterAll(async () => {
    for (const seeder of seeders) {
      if (seeder.app.child.exitCode === null && seeder.app.child.signalCode === null)
        seeder.app.kill('SIGKILL');
    }
    await Promise.all(seeders.map((seeder) => seeder.app.exited));
    await crashed?.close();
    await clean?.close();
    await upstream?.close();
  });

  it('kill -9 a third of the way through: a new seeder finishes the job', async () => {
    const sourceId = await registerSource(crashed.api, upstream.templates.png, { maxConcurrentRequests: 16 });
    const first = await spawn(crashed);
    const handle = await createRegion(crashed.api, sourceId, { bbox: AREA, ...ZOOMS });
    expect(handle.progress.totalUnits).toBe(TOTAL);

    const doneAtKill = await eventually(
      async () => {
        const done = (await job(crashed.api, handle.id)).progress.doneUnits;
        return done >= TOTAL / 3 ? done : undefined;
      },
      60_000,
      50,
    );
    first.app.kill('SIGKILL');
    await expect(first.app.exited).resolves.toBe('SIGKILL');
    expect(doneAtKill).toBeLessThan(TOTAL);
    // Mid-way for real: the index holds part of the cover when the process dies.
    const [{ tiles }] = await crashed.sql<{ tiles: string }>(`SELECT count(*) AS tiles FROM tile`);
    expect(Number(tiles)).toBeLessThan(TOTAL);
    await expect(job(crashed.api, handle.id)).resolves.toMatchObject({ state: 'ACTIVE' });

    const second = await spawn(crashed);
    const finished = await waitForJob(crashed.api, handle.id, 120_000);
    expect(finished.state).toBe('COMPLETED');
    expect(finished.progress.doneUnits).toBe(TOTAL);
    // The second process did the rest.
    await expect(second.counter('mapoffline_seeder_tiles_total')).resolves.toBeGreaterThan(0);
    await second.stop();
    afterCrash = await snapshot(crashed, sourceId, handle.subjectId ?? '', handle.id);
  });

  it('what the crashed run stored equals a run of the same area without a crash', async () => {
    expect(afterCrash).toBeDefined();
    const sourceId = await registerSource(clean.api, upstream.templates.png, { maxConcurrentRequests: 16 });
    const seeder = await spawn(clean);
    const handle = await createRegion(clean.api, sourceId, { bbox: AREA, ...ZOOMS });
    await expect(waitForJob(clean.api, handle.id, 120_000)).resolves.toMatchObject({ state: 'COMPLETED' });
    await seeder.stop();
    const reference = await snapshot(clean, sourceId, handle.subjectId ?? '', handle.id);

    expect(reference.tiles.size).toBe(TOTAL);
    expect(afterCrash.tiles.size).toBe(TOTAL);
    // Compared entry by entry first, so a failure names the tiles that differ.
    const differing = [...reference.tiles].filter(([key, value]) => afterCrash.tiles.get(key) !== value);
    expect(differing.slice(0, 10)).toEqual([]);
    expect(afterCrash.members).toEqual(reference.members);
    expect(afterCrash.blobs).toEqual(reference.blobs);
    // Storage holds exactly the blobs of the index, in both worlds: no object left by the killed process.
    expect(afterCrash.objects).toEqual(reference.objects);
    expect(reference.objects).toHaveLength(reference.blobs.length);
    expect(afterCrash.region).toEqual(reference.region);
    expect(afterCrash.region).toMatchObject({ status: 'completed', tileCount: TOTAL, tilesDone: TOTAL });
    expect(afterCrash.stats).toEqual(reference.stats);
    expect(afterCrash.job).toEqual(reference.job);
    expect(afterCrash.finishedBatches).toBe(reference.finishedBatches);
  });

  it('two seeder processes on one job share the work and fetch no tile twice', async () => {
    // A new source: nothing of it is cached, so every tile is fetched exactly once.
    const sourceId = await registerSource(clean.api, upstream.templates.png, { maxConcurrentRequests: 16 });
    const pair = [await spawn(clean), await spawn(clean)];
    upstream.resetStats();
    const handle = await createRegion(clean.api, sourceId, { bbox: AREA, ...ZOOMS });
    await expect(waitForJob(clean.api, handle.id, 120_000)).resolves.toMatchObject({
      state: 'COMPLETED',
      progress: expect.objectContaining({ doneUnits: TOTAL }) as unknown,
    });

    expect(upstream.stats().requests).toBe(TOTAL);
    expect(upstream.stats().byStatus).toEqual({ '200': TOTAL });
    const fetchedBy = await Promise.all(
      pair.map((seeder) => seeder.counter('mapoffline_seeder_tiles_total', 'outcome="fetched"')),
    );
    const batchesBy = await Promise.all(
      pair.map((seeder) => seeder.counter('mapoffline_seeder_batch_duration_seconds_count')),
    );
    // Both took batches, and together they fetched each tile once.
    expect(fetchedBy[0]).toBeGreaterThan(0);
    expect(fetchedBy[1]).toBeGreaterThan(0);
    expect(batchesBy[0]).toBeGreaterThan(0);
    expect(batchesBy[1]).toBeGreaterThan(0);
    expect(fetchedBy[0] + fetchedBy[1]).toBe(TOTAL);
    await Promise.all(pair.map((seeder) => seeder.stop()));
  });
});
