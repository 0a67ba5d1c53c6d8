import { Pool } from 'pg';
import { FixtureTileServer, startFixtureTileServer } from '@map-offline/fixture-tiles';
import { planCover, bboxToGeometry } from '@map-offline/geo';
import { RunningProcess } from '@map-offline/runtime';
import {
  createTestWorld,
  eventually,
  freePort,
  GraphqlClient,
  PrivateRedis,
  spawnApp,
  startInProcess,
  startPrivateRedis,
  TestWorld,
  tokenFor,
} from '@map-offline/testing';

jest.setTimeout(240_000);

// about 3,600 tiles: at 25 ms per request and 8 in flight the job runs ~10 s, long enough to interrupt.
const AREA = { bbox: [5, 45, 9, 48], minZoom: 0, maxZoom: 12 };
const TOTAL_TILES = planCover(bboxToGeometry(AREA.bbox as [number, number, number, number]), AREA).total;

interface Stack {
  world: TestWorld;
  fixture: FixtureTileServer;
  gateway: RunningProcess;
  api: GraphqlClient;
  sql: Pool;
  sourceId: string;
}

async function startStack(env: Record<string, string>): Promise<Stack> {
  const fixture = await startFixtureTileServer({ resolution: '110m', faults: { latencyMs: 25 } });
  const world = await createTestWorld({
    TILE_SOURCE_ALLOWED_HOSTS: '127.0.0.1',
    SEED_BATCH_SIZE: '60',
    ...env,
  });
  const gateway = await startInProcess('gateway', world.env);
  const api = new GraphqlClient(`http://127.0.0.1:${gateway.port}`, await tokenFor('ops', ['admin']));
  const { registerTileSource } = await api.data<{ registerTileSource: { id: string } }>(
    `mutation ($input: RegisterTileSourceInput!) { registerTileSource(input: $input) { id } }`,
    {
      input: {
        name: 'fixture',
        urlTemplate: `${fixture.url}/basic/{z}/{x}/{y}.png`,
        format: 'PNG',
        maxConcurrentRequests: 8,
        maxRequestsPerSecond: 0,
      },
    },
  );
  return {
    world,
    fixture,
    gateway,
    api,
    sql: new Pool({ connectionString: world.database.url, max: 2 }),
    sourceId: registerTileSource.id,
  };
}

async function stopStack(stack: Stack | undefined): Promise<void> {
  if (!stack) return;
  await stack.gateway.stop();
  await stack.sql.end();
  await stack.fixture.close();
  await stack.world.close();
}

async function createRegion(stack: Stack): Promise<string> {
  const { createCacheRegion } = await stack.api.data<{ createCacheRegion: { id: string } }>(
    `mutation ($input: CreateCacheRegionInput!) { createCacheRegion(input: $input) { id } }`,
    { input: { name: 'resilience', sourceId: stack.sourceId, area: AREA } },
  );
  return createCacheRegion.id;
}

async function progressOf(stack: Stack, jobId: string): Promise<{ state: string; done: number }> {
  const { job } = await stack.api.data<{ job: { state: string; progress: { doneUnits: number } } }>(
    `query ($id: ID!) { job(id: $id) { state progress { doneUnits } } }`,
    { id: jobId },
  );
  return { state: job.state, done: job.progress.doneUnits };
}

async function indexedTiles(stack: Stack): Promise<number> {
  const [row] = (
    await stack.sql.query<{ count: string }>(`SELECT count(*) FROM tile WHERE status = 'stored'`)
  ).rows;
  return Number(row.count);
}

describe('resilience', () => {
  it('a seeder stopped with SIGTERM mid-job finishes its active batches; another completes the job; no tile is fetched twice', async () => {
    const stack = await startStack({ WORKER_CONCURRENCY: '2' });
    try {
      const port = await freePort();
      const first = spawnApp('tile-seeder', {
        ...stack.world.env,
        HEALTH_PORT: String(port),
        LOG_LEVEL: 'info',
      });
      const jobId = await createRegion(stack);
      await eventually(
        async () => ((await progressOf(stack, jobId)).done >= TOTAL_TILES / 4 ? true : undefined),
        120_000,
        50,
      );
      first.kill('SIGTERM');
      await expect(first.exited).resolves.toBe(0);
      const afterDrain = await progressOf(stack, jobId);
      expect(afterDrain.done).toBeLessThan(TOTAL_TILES);

      const second = spawnApp('tile-seeder', { ...stack.world.env, HEALTH_PORT: String(await freePort()) });
      try {
        await eventually(
          async () => ((await progressOf(stack, jobId)).state === 'COMPLETED' ? true : undefined),
          180_000,
          200,
        );
      } finally {
        second.kill('SIGTERM');
        await second.exited;
      }
      expect(await indexedTiles(stack)).toBe(TOTAL_TILES);
      expect(stack.fixture.stats().requests).toBe(TOTAL_TILES);
      expect(first.output()).toContain('stopped cleanly');
    } finally {
      await stopStack(stack);
    }
  });

  it('Redis going away mid-job: producers fail fast with a retryable error, workers reconnect, the job completes exactly', async () => {
    const redis: PrivateRedis = await startPrivateRedis();
    const stack = await startStack({ REDIS_URL: redis.url });
    let seeder: RunningProcess | undefined;
    try {
      seeder = await startInProcess('tile-seeder', stack.world.env);
      const jobId = await createRegion(stack);
      await eventually(
        async () => ((await progressOf(stack, jobId)).done > 0 ? true : undefined),
        60_000,
        50,
      );

      await redis.stop();
      const started = Date.now();
      const during = await stack.api.request(
        `mutation ($input: CreateCacheRegionInput!) { createCacheRegion(input: $input) { id } }`,
        {
          input: {
            name: 'during-outage',
            sourceId: stack.sourceId,
            area: { bbox: [0, 0, 1, 1], minZoom: 0, maxZoom: 2 },
          },
        },
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(during.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(during.errors?.[0].extensions?.retryAfterSeconds).toBe(5);

      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await redis.start();
      await eventually(
        async () => ((await progressOf(stack, jobId)).state === 'COMPLETED' ? true : undefined),
        180_000,
        250,
      );
      expect(await indexedTiles(stack)).toBeGreaterThanOrEqual(TOTAL_TILES);
      const [members] = (
        await stack.sql.query<{ count: string }>(
          `SELECT count(*) FROM region_tile r JOIN job_run j ON j.subject_id = r.region_id WHERE j.id = $1`,
          [jobId],
        )
      ).rows;
      expect(Number(members.count)).toBe(TOTAL_TILES);
      // The request accepted during the outage was recorded, not lost: it waits as a queued run for the reconciler.
      const [queued] = (
        await stack.sql.query<{ count: string }>(`SELECT count(*) FROM job_run WHERE state = 'queued'`)
      ).rows;
      expect(Number(queued.count)).toBe(1);
    } finally {
      await seeder?.stop();
      await stopStack(stack);
      await redis.close();
    }
  });
});
