import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { loadAppConfig } from '@map-offline/config';
import { FieldDevice, FunctionClock } from '@map-offline/crdt';
import { FixtureTileServer, startFixtureTileServer } from '@map-offline/fixture-tiles';
import {
  createTestWorld,
  eventually,
  GraphqlClient,
  RunningApp,
  startInProcess,
  TestWorld,
  tokenFor,
} from '@map-offline/testing';
import { SyncApi } from '../sync/support/sync-api';

jest.setTimeout(120_000);

describe('monitoring: metrics, queue statistics and the queue dashboard', () => {
  let world: TestWorld;
  let fixture: FixtureTileServer;
  let gateway: RunningApp;
  let seeder: RunningApp;
  let packager: RunningApp;
  let merger: RunningApp;
  let baseUrl: string;
  let admin: GraphqlClient;
  /** the region the caching test fills, packaged by the packaging test */
  let regionId: string | undefined;

  beforeAll(async () => {
    fixture = await startFixtureTileServer();
    world = await createTestWorld({ TILE_SOURCE_ALLOWED_HOSTS: '127.0.0.1' });
    gateway = await startInProcess('gateway', world.env);
    seeder = await startInProcess('tile-seeder', world.env);
    packager = await startInProcess('packager', world.env);
    merger = await startInProcess('sync-merger', world.env);
    baseUrl = `http://127.0.0.1:${gateway.port}`;
    admin = new GraphqlClient(baseUrl, await tokenFor('ops-org', ['admin']));
  });

  afterAll(async () => {
    await merger?.stop();
    await packager?.stop();
    await seeder?.stop();
    await gateway?.stop();
    await fixture?.close();
    await world?.close();
  });

  it('refuses the queue dashboard without a token (401) and without the admin scope (403)', async () => {
    expect((await fetch(`${baseUrl}/admin/queues`)).status).toBe(401);
    const reader = await tokenFor('ops-org', ['queue:read', 'cache:read']);
    expect(
      (await fetch(`${baseUrl}/admin/queues`, { headers: { authorization: `Bearer ${reader}` } })).status,
    ).toBe(403);
    const adminToken = await tokenFor('ops-org', ['admin']);
    const page = await fetch(`${baseUrl}/admin/queues`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(page.status).toBe(200);
    const api = await fetch(`${baseUrl}/admin/queues/api/queues`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string }[] };
    expect(body.queues.map((queue) => queue.name).sort()).toEqual([
      'packaging',
      'sync-merge',
      'tile-seeding',
    ]);
  });

  it('serves the gateway metrics on the internal port only: the public port answers 404', async () => {
    expect(gateway.metricsPort).not.toBe(gateway.port);
    const publicMetrics = await fetch(`${baseUrl}/metrics`);
    expect(publicMetrics.status).toBe(404);
    expect(await publicMetrics.text()).not.toContain('mapoffline_queue_jobs');
    // The probes stay on the public port, where Kubernetes and load balancers ask.
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
    const internal = await fetch(`http://127.0.0.1:${gateway.metricsPort}/metrics`);
    expect(internal.status).toBe(200);
    expect(internal.headers.get('content-type')).toContain('text/plain');
    expect(await internal.text()).toContain('process_resident_memory_bytes{app="gateway"}');
  });

  it('moves the counters of the gateway and the seeder after a small caching job', async () => {
    const before = await scrape(`http://127.0.0.1:${seeder.metricsPort}/metrics`);
    const { registerTileSource } = await admin.data<{ registerTileSource: { id: string } }>(
      `mutation ($input: RegisterTileSourceInput!) { registerTileSource(input: $input) { id } }`,
      {
        input: {
          name: 'ops-fixture',
          urlTemplate: `${fixture.url}/basic/{z}/{x}/{y}.png`,
          format: 'PNG',
          maxRequestsPerSecond: 0,
        },
      },
    );
    const { createCacheRegion } = await admin.data<{ createCacheRegion: { id: string; subjectId: string } }>(
      `mutation ($input: CreateCacheRegionInput!) { createCacheRegion(input: $input) { id subjectId } }`,
      {
        input: {
          name: 'ops',
          sourceId: registerTileSource.id,
          area: { bbox: [10, 50, 11, 51], minZoom: 0, maxZoom: 8 },
        },
      },
    );
    await eventually(async () => {
      const { job } = await admin.data<{ job: { state: string } }>(
        `query ($id: ID!) { job(id: $id) { state } }`,
        {
          id: createCacheRegion.id,
        },
      );
      return job.state === 'COMPLETED' ? true : undefined;
    }, 60_000);
    regionId = createCacheRegion.subjectId;

    const after = await scrape(`http://127.0.0.1:${seeder.metricsPort}/metrics`);
    const fetched = 'mapoffline_seeder_tiles_total{outcome="fetched",app="tile-seeder"}';
    expect((after.get(fetched) ?? 0) - (before.get(fetched) ?? 0)).toBeGreaterThan(0);
    const completed =
      'mapoffline_queue_completed_total{queue="tile-seeding",job_name="seed-batch",app="tile-seeder"}';
    expect(after.get(completed) ?? 0).toBeGreaterThan(before.get(completed) ?? 0);
    expect(
      after.get('mapoffline_seeder_upstream_responses_total{status="200",app="tile-seeder"}') ?? 0,
    ).toBeGreaterThan(0);

    const gatewayMetrics = await scrape(`http://127.0.0.1:${gateway.metricsPort}/metrics`);
    expect(
      gatewayMetrics.get('mapoffline_queue_jobs{queue="tile-seeding",state="completed",app="gateway"}') ?? 0,
    ).toBeGreaterThan(0);
    expect(
      gatewayMetrics.has('mapoffline_queue_oldest_waiting_seconds{queue="packaging",app="gateway"}'),
    ).toBe(true);

    const { queueStats } = await admin.data<{
      queueStats: { queue: string; completed: number; completedPerMinute: { last5Minutes: number } }[];
    }>('{ queueStats { queue completed completedPerMinute { last5Minutes } } }');
    const seeding = queueStats.find((entry) => entry.queue === 'tile-seeding');
    expect(seeding?.completed).toBeGreaterThan(0);
    expect(seeding?.completedPerMinute.last5Minutes).toBeGreaterThan(0);
    expect(queueStats.map((entry) => entry.queue).sort()).toEqual([
      'packaging',
      'sync-merge',
      'tile-seeding',
    ]);
  });

  it('moves the packager counters after building a small MBTiles package', async () => {
    if (regionId === undefined) throw new Error('the caching test did not leave a region to package');
    const metricsUrl = `http://127.0.0.1:${packager.metricsPort}/metrics`;
    const before = await scrape(metricsUrl);
    const { buildPackage } = await admin.data<{ buildPackage: { id: string; subjectId: string } }>(
      `mutation ($input: BuildPackageInput!) { buildPackage(input: $input) { id subjectId } }`,
      {
        input: {
          name: 'ops package',
          format: 'MBTILES',
          regionIds: [regionId],
          packageId: 'org.example.ops',
        },
      },
    );
    const built = await eventually(async () => {
      const data = await admin.data<{ package: { state: string; sizeBytes: number | null } }>(
        `query ($id: ID!) { package(id: $id) { state sizeBytes } }`,
        { id: buildPackage.subjectId },
      );
      if (data.package.state === 'FAILED' || data.package.state === 'CANCELLED')
        throw new Error(`the package build ended ${data.package.state}`);
      return data.package.state === 'READY' ? data.package : undefined;
    }, 120_000);
    expect(built.sizeBytes).toBeGreaterThan(0);

    // The counters move after the record is ready (the job's end): wait for them rather than race the job.
    const after = await eventually(async () => {
      const values = await scrape(metricsUrl);
      return delta(before, values, PACKAGES_BUILT) > 0 ? values : undefined;
    }, 10_000);
    expect(delta(before, after, PACKAGES_BUILT)).toBe(1);
    expect(
      delta(before, after, 'mapoffline_packager_package_bytes_total{format="mbtiles",app="packager"}'),
    ).toBe(built.sizeBytes);
    expect(
      delta(
        before,
        after,
        // histograms print the default label (app) first
        'mapoffline_packager_build_duration_seconds_count{app="packager",format="mbtiles",result="built"}',
      ),
    ).toBe(1);
    expect(
      delta(before, after, 'mapoffline_packager_builds_failed_total{format="mbtiles",app="packager"}'),
    ).toBe(0);
  });

  it('moves the sync counters after a push with one conflicting change, counting each field it disputes', async () => {
    const metricsUrl = `http://127.0.0.1:${merger.metricsPort}/metrics`;
    const before = await scrape(metricsUrl);
    const api = new SyncApi(admin);
    const layer = await api.createLayer({
      name: `ops-layer-${randomUUID()}`,
      conflictPolicy: 'AUTO_MERGE',
      deleteRule: 'REVIEW',
    });
    const deviceA = new FieldDevice('ops-tablet-a', new FunctionClock(() => Date.now()));
    const deviceB = new FieldDevice('ops-tablet-b', new FunctionClock(() => Date.now()));
    const featureId = randomUUID();
    const created = deviceA.create(
      featureId,
      { type: 'Point', coordinates: [36.8, -1.28] },
      {
        name: 'oak',
        height: 12,
      },
    );
    await api.pushAndWait(layer.id, deviceA.id, randomUUID(), [created]);
    deviceB.learn(featureId, created.clock);
    // Both devices edit the same two fields offline: B's change is one CONFLICT opening two conflicts.
    await api.pushAndWait(layer.id, deviceA.id, randomUUID(), [
      deviceA.update(featureId, { set: { name: 'pine', height: 13 } }),
    ]);
    const conflicting = await api.pushAndWait(layer.id, deviceB.id, randomUUID(), [
      deviceB.update(featureId, { set: { name: 'cedar', height: 14 } }),
    ]);
    expect(conflicting.changes.map((change) => change.outcome)).toEqual(['CONFLICT']);
    expect(conflicting.changes[0].conflictIds).toHaveLength(2);

    const after = await eventually(async () => {
      const values = await scrape(metricsUrl);
      return delta(before, values, SYNC_CONFLICTS_OPENED) >= 2 ? values : undefined;
    }, 10_000);
    expect(delta(before, after, SYNC_CONFLICTS_OPENED)).toBe(2);
    expect(delta(before, after, 'mapoffline_sync_changes_total{outcome="CONFLICT",app="sync-merger"}')).toBe(
      1,
    );
    expect(delta(before, after, 'mapoffline_sync_changes_total{outcome="APPLIED",app="sync-merger"}')).toBe(
      2,
    );
    expect(
      delta(
        before,
        after,
        'mapoffline_queue_completed_total{queue="sync-merge",job_name="merge-batch",app="sync-merger"}',
      ),
    ).toBe(3);
    // Exported at 0 from the start, so the stalled-jobs alert's increase() sees the first stall.
    expect(after.get('mapoffline_queue_stalled_total{queue="sync-merge",app="sync-merger"}')).toBeDefined();
  });
});

describe('monitoring: jobs whose lock expires', () => {
  it('counts a job whose worker vanished in mapoffline_queue_stalled_total of the worker that finds it', async () => {
    // The stalled-job check runs every second here (at least 1000 ms, libs/config).
    const world = await createTestWorld({ WORKER_STALLED_INTERVAL_MS: '1000' });
    const redisUrl = loadAppConfig('sync-merger', world.env).redis.url;
    const connection = { url: redisUrl, maxRetriesPerRequest: null };
    const queue = new Queue('sync-merge', { connection, prefix: world.queuePrefix });
    // A worker that takes one job and disappears: its 1-second lock is never renewed.
    const vanishing = new Worker('sync-merge', null, {
      connection,
      prefix: world.queuePrefix,
      autorun: false,
      lockDuration: 1_000,
    });
    let merger: RunningApp | undefined;
    try {
      await queue.add('merge-batch', { organisationId: 'ops-org', batchId: randomUUID() });
      const taken = await vanishing.getNextJob('vanishing-token');
      expect(taken?.name).toBe('merge-batch');
      merger = await startInProcess('sync-merger', world.env);
      const metricsUrl = `http://127.0.0.1:${merger.metricsPort}/metrics`;
      const series = 'mapoffline_queue_stalled_total{queue="sync-merge",app="sync-merger"}';
      const stalled = await eventually(async () => {
        const value = (await scrape(metricsUrl)).get(series) ?? 0;
        return value > 0 ? value : undefined;
      }, 20_000);
      expect(stalled).toBe(1);
    } finally {
      await merger?.stop();
      await vanishing.close(true);
      await queue.obliterate({ force: true });
      await queue.close();
      await world.close();
    }
  });
});

const PACKAGES_BUILT = 'mapoffline_packager_packages_built_total{format="mbtiles",app="packager"}';
const SYNC_CONFLICTS_OPENED = 'mapoffline_sync_conflicts_opened_total{app="sync-merger"}';

/** How much a series grew between two scrapes (a series not yet exported counts as 0). */
function delta(before: Map<string, number>, after: Map<string, number>, series: string): number {
  return (after.get(series) ?? 0) - (before.get(series) ?? 0);
}

/** Prometheus text format to a map of "name{labels}" -> value (label order as the client prints it). */
async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(url)).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}
