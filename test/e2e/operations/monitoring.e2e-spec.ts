import { FixtureTileServer, startFixtureTileServer } from '@map-offline/fixture-tiles';
import { RunningProcess } from '@map-offline/runtime';
import {
  createTestWorld,
  eventually,
  GraphqlClient,
  startInProcess,
  TestWorld,
  tokenFor,
} from '@map-offline/testing';

jest.setTimeout(120_000);

describe('monitoring: metrics, queue statistics and the queue dashboard', () => {
  let world: TestWorld;
  let fixture: FixtureTileServer;
  let gateway: RunningProcess;
  let seeder: RunningProcess;
  let baseUrl: string;
  let admin: GraphqlClient;

  beforeAll(async () => {
    fixture = await startFixtureTileServer();
    world = await createTestWorld({ TILE_SOURCE_ALLOWED_HOSTS: '127.0.0.1' });
    gateway = await startInProcess('gateway', world.env);
    seeder = await startInProcess('tile-seeder', world.env);
    baseUrl = `http://127.0.0.1:${gateway.port}`;
    admin = new GraphqlClient(baseUrl, await tokenFor('ops-org', ['admin']));
  });

  afterAll(async () => {
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

  it('moves the counters of the gateway and the seeder after a small caching job', async () => {
    const before = await scrape(`http://127.0.0.1:${seeder.port}/metrics`);
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
    const { createCacheRegion } = await admin.data<{ createCacheRegion: { id: string } }>(
      `mutation ($input: CreateCacheRegionInput!) { createCacheRegion(input: $input) { id } }`,
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

    const after = await scrape(`http://127.0.0.1:${seeder.port}/metrics`);
    const fetched = 'mapoffline_seeder_tiles_total{outcome="fetched",app="tile-seeder"}';
    expect((after.get(fetched) ?? 0) - (before.get(fetched) ?? 0)).toBeGreaterThan(0);
    const completed =
      'mapoffline_queue_completed_total{queue="tile-seeding",job_name="seed-batch",app="tile-seeder"}';
    expect(after.get(completed) ?? 0).toBeGreaterThan(before.get(completed) ?? 0);
    expect(
      after.get('mapoffline_seeder_upstream_responses_total{status="200",app="tile-seeder"}') ?? 0,
    ).toBeGreaterThan(0);

    const gatewayMetrics = await scrape(`${baseUrl}/metrics`);
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
});

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
