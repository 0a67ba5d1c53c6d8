// The gateway refuses what it must before anything is recorded or queued, names the field of every bad
// input, and makes bulk submission idempotent. No seeder runs here: whatever is queued stays in Redis,
// where the test can count it.
import { Redis } from 'ioredis';
import { QueueName } from '@map-offline/contracts';
import { bboxToGeometry, BBox, planCover } from '@map-offline/geo';
import { GraphqlClient, GraphqlResponse } from '@map-offline/testing';
import { CREATE_REGION, registerSource } from './support/caching-api';
import { CachingWorld, startCachingWorld } from './support/caching-world';

jest.setTimeout(60_000);

const TILE_LIMIT = 50;
// z0-z6 over Europe: about a hundred tiles, over the limit. z0-z3: a handful, under it.
const BIG_AREA = { bbox: [-10, 35, 30, 60], minZoom: 0, maxZoom: 6 };
const SMALL_AREA = { bbox: [-10, 35, 30, 60], minZoom: 0, maxZoom: 3 };
const BIG_AREA_TILES = planCover(bboxToGeometry(BIG_AREA.bbox as BBox), BIG_AREA).total;

const SUBMIT = `mutation ($inputs: [CreateCacheRegionInput!]!, $key: String!) {
  submitCacheJobs(inputs: $inputs, idempotencyKey: $key) {
    idempotencyKey created accepted rejected
    results { index regionId job { id state } error { code message } } } }`;

interface Submission {
  submitCacheJobs: {
    created: boolean;
    accepted: number;
    rejected: number;
    results: {
      index: number;
      regionId: string | null;
      job: { id: string; state: string } | null;
      error: { code: string; message: string } | null;
    }[];
  };
}

function firstError(response: GraphqlResponse): {
  message: string;
  code: unknown;
  field: unknown;
  limit: unknown;
} {
  expect(response.errors).toBeDefined();
  const [error] = response.errors ?? [];
  return {
    message: error.message,
    code: error.extensions?.code,
    field: error.extensions?.field,
    limit: error.extensions?.limit,
  };
}

describe('limits, input errors and idempotent submission (e2e)', () => {
  let stack: CachingWorld;
  let redis: Redis;
  let sourceId: string;

  const queueKeys = async (): Promise<string[]> => (await redis.keys(`${stack.world.queuePrefix}:*`)).sort();
  const rowCounts = async (): Promise<Record<string, number>> => {
    const [row] = await stack.sql<Record<string, string>>(
      `SELECT (SELECT count(*) FROM job_run) AS job_run, (SELECT count(*) FROM cache_region) AS cache_region,
              (SELECT count(*) FROM cache_submission) AS cache_submission`,
    );
    return Object.fromEntries(Object.entries(row).map(([table, count]) => [table, Number(count)]));
  };
  /** Jobs BullMQ holds for the world's queue, read from its keys (waiting, active, delayed, parents). */
  const queuedJobs = async (): Promise<number> => {
    const key = (suffix: string): string => `${stack.world.queuePrefix}:${QueueName.TileSeeding}:${suffix}`;
    const counts = await Promise.all([
      redis.llen(key('wait')),
      redis.llen(key('active')),
      redis.zcard(key('delayed')),
      redis.zcard(key('prioritized')),
      redis.zcard(key('waiting-children')),
    ]);
    return counts.reduce((sum, count) => sum + count, 0);
  };
  const jobExists = async (jobId: string): Promise<boolean> =>
    (await redis.exists(`${stack.world.queuePrefix}:${QueueName.TileSeeding}:${jobId}`)) === 1;
  const create = (
    client: GraphqlClient,
    area: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) => client.request(CREATE_REGION, { input: { name: 'limits', sourceId, area, ...extra } });

  beforeAll(async () => {
    stack = await startCachingWorld({ seeder: false, env: { CACHE_MAX_TILES_PER_JOB: String(TILE_LIMIT) } });
    redis = new Redis(stack.env.REDIS_URL);
    sourceId = await registerSource(stack.api, stack.fixture.templates.png, { maxZoom: 10 });
  });

  afterAll(async () => {
    await redis?.quit();
    await stack?.close();
  });

  it('a job over the tile limit is refused with the count and the limit, and nothing is recorded or queued', async () => {
    expect(BIG_AREA_TILES).toBeGreaterThan(TILE_LIMIT);
    const keysBefore = await queueKeys();

    const error = firstError(await create(stack.api, BIG_AREA));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toContain(String(BIG_AREA_TILES));
    expect(error.message).toContain(String(TILE_LIMIT));
    expect(error.limit).toBe(TILE_LIMIT);
    expect(error.field).toBe('input.area');

    // overrideTileLimit without the admin scope changes nothing but the message.
    const notAdmin = firstError(await create(stack.api, BIG_AREA, { overrideTileLimit: true }));
    expect(notAdmin.code).toBe('LIMIT_EXCEEDED');
    expect(notAdmin.message).toContain('admin');

    await expect(queueKeys()).resolves.toEqual(keysBefore);
    await expect(queuedJobs()).resolves.toBe(0);
    await expect(rowCounts()).resolves.toEqual({ job_run: 0, cache_region: 0, cache_submission: 0 });

    // The estimate says the same before anyone tries.
    const estimate = await stack.api.data<{
      estimateCache: { totalTiles: number; exceedsLimit: boolean; tileLimit: number };
    }>(
      `query ($input: EstimateCacheInput!) { estimateCache(input: $input) { totalTiles exceedsLimit tileLimit } }`,
      { input: { sourceId, area: BIG_AREA } },
    );
    expect(estimate.estimateCache).toEqual({
      totalTiles: BIG_AREA_TILES,
      exceedsLimit: true,
      tileLimit: TILE_LIMIT,
    });
  });

  it('an admin may override the limit', async () => {
    const admin = await stack.clientWith(['admin']);
    const response = await create(admin, BIG_AREA, { overrideTileLimit: true });
    expect(response.errors).toBeUndefined();
    const handle = (response.data as { createCacheRegion: { id: string; progress: { totalUnits: number } } })
      .createCacheRegion;
    expect(handle.progress.totalUnits).toBe(BIG_AREA_TILES);
    await expect(rowCounts()).resolves.toEqual({ job_run: 1, cache_region: 1, cache_submission: 0 });
    await expect(queuedJobs()).resolves.toBe(1);
    await expect(jobExists(`cache-region_${handle.id}`)).resolves.toBe(true);
  });

  it.each([
    [
      'a zoom above 30',
      { bbox: [0, 0, 1, 1], minZoom: 0, maxZoom: 31 },
      'BAD_USER_INPUT',
      /^input\.area\.maxZoom/,
    ],
    [
      'a negative zoom',
      { bbox: [0, 0, 1, 1], minZoom: -1, maxZoom: 2 },
      'BAD_USER_INPUT',
      /^input\.area\.minZoom/,
    ],
    [
      'minZoom above maxZoom',
      { bbox: [0, 0, 1, 1], minZoom: 5, maxZoom: 2 },
      'BAD_USER_INPUT',
      /^input\.area\.minZoom/,
    ],
    [
      'zooms the source does not serve',
      { bbox: [0, 0, 1, 1], minZoom: 0, maxZoom: 12 },
      'BAD_USER_INPUT',
      /^input\.area\.maxZoom/,
    ],
    [
      'a bbox of three numbers',
      { bbox: [0, 0, 1], minZoom: 0, maxZoom: 2 },
      'BAD_USER_INPUT',
      /^input\.area\.bbox$/,
    ],
    [
      'a bbox with south above north',
      { bbox: [0, 10, 1, 5], minZoom: 0, maxZoom: 2 },
      'BAD_USER_INPUT',
      /^input\.area\.bbox\[1\]$/,
    ],
    [
      'a ring of three positions',
      {
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [0, 0],
            ],
          ],
        },
        minZoom: 0,
        maxZoom: 2,
      },
      'BAD_USER_INPUT',
      /^input\.area\.geometry\.coordinates\[0\]$/,
    ],
    [
      'a ring that is not closed',
      {
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 1],
            ],
          ],
        },
        minZoom: 0,
        maxZoom: 2,
      },
      'BAD_USER_INPUT',
      /^input\.area\.geometry\.coordinates\[0\]/,
    ],
    [
      'a LineString',
      {
        geometry: {
          type: 'LineString',
          coordinates: [
            [0, 0],
            [1, 1],
          ],
        },
        minZoom: 0,
        maxZoom: 2,
      },
      'BAD_USER_INPUT',
      /^input\.area\.geometry/,
    ],
    [
      'both bbox and geometry',
      { bbox: [0, 0, 1, 1], geometry: bboxToGeometry([0, 0, 1, 1]), minZoom: 0, maxZoom: 2 },
      'BAD_USER_INPUT',
      /^input\.area$/,
    ],
  ])('%s is refused naming the field', async (_name, area, code, field) => {
    const error = firstError(await create(stack.api, area));
    expect(error.code).toBe(code);
    expect(error.field).toMatch(field);
    expect(error.message).toContain(String(error.field));
  });

  it("an unknown source is NOT_FOUND, and so is another organisation's source", async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const response = await stack.api.request(CREATE_REGION, {
        input: { name: 'x', sourceId: id, area: SMALL_AREA },
      });
      expect(firstError(response).code).toBe('NOT_FOUND');
    }
    const stranger = await stack.clientWith(['cache:read', 'cache:write'], 'org-someone-else');
    const response = await stranger.request(CREATE_REGION, {
      input: { name: 'x', sourceId, area: SMALL_AREA },
    });
    expect(firstError(response).code).toBe('NOT_FOUND');
  });

  it('a source whose host is not on the allow-list is refused naming urlTemplate', async () => {
    const response = await stack.api.request(
      `mutation ($input: RegisterTileSourceInput!) { registerTileSource(input: $input) { id } }`,
      {
        input: { name: 'elsewhere', urlTemplate: 'https://tiles.example.org/{z}/{x}/{y}.png', format: 'PNG' },
      },
    );
    const error = firstError(response);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.field).toBe('urlTemplate');
    expect(error.message).toContain('tiles.example.org');
    const [{ count }] = await stack.sql<{ count: string }>(
      `SELECT count(*) AS count FROM tile_source WHERE name = 'elsewhere'`,
    );
    expect(Number(count)).toBe(0);
  });

  it('submitCacheJobs: the same key returns the same jobs and creates nothing twice; a different request is a CONFLICT', async () => {
    const before = await rowCounts();
    const jobsBefore = await queuedJobs();
    const inputs = [
      { name: 'first', sourceId, area: SMALL_AREA },
      { name: 'broken', sourceId, area: { bbox: [0, 0, 1], minZoom: 0, maxZoom: 2 } },
      { name: 'too big', sourceId, area: BIG_AREA },
      { name: 'third', sourceId, area: { ...SMALL_AREA, maxZoom: 2 } },
    ];
    const first = (await stack.api.data<Submission>(SUBMIT, { inputs, key: 'batch-2026-11-22' }))
      .submitCacheJobs;
    expect(first).toMatchObject({ created: true, accepted: 2, rejected: 2 });
    expect(first.results.map((result) => result.index)).toEqual([0, 1, 2, 3]);
    expect(first.results[1].job).toBeNull();
    expect(first.results[1].error?.code).toBe('INVALID_INPUT');
    expect(first.results[1].error?.message).toContain('inputs[1].area.bbox');
    expect(first.results[2].error?.code).toBe('LIMIT_EXCEEDED');
    expect(first.results[2].error?.message).toContain('inputs[2].area');
    expect(first.results[2].error?.message).toContain(String(TILE_LIMIT));
    expect(first.results[0].job?.state).toBe('QUEUED');
    expect(first.results[3].job?.state).toBe('QUEUED');

    const afterFirst = await rowCounts();
    expect(afterFirst).toEqual({
      job_run: before.job_run + 2,
      cache_region: before.cache_region + 2,
      cache_submission: before.cache_submission + 1,
    });
    await expect(queuedJobs()).resolves.toBe(jobsBefore + 2);

    const again = (await stack.api.data<Submission>(SUBMIT, { inputs, key: 'batch-2026-11-22' }))
      .submitCacheJobs;
    expect(again.created).toBe(false);
    expect(again.results.map((result) => result.job?.id ?? null)).toEqual(
      first.results.map((result) => result.job?.id ?? null),
    );
    expect(again.results.map((result) => result.regionId)).toEqual(
      first.results.map((result) => result.regionId),
    );
    await expect(rowCounts()).resolves.toEqual(afterFirst);
    await expect(queuedJobs()).resolves.toBe(jobsBefore + 2);

    const changed = [...inputs.slice(0, 3), { ...inputs[3], name: 'renamed' }];
    const conflict = firstError(
      await stack.api.request(SUBMIT, { inputs: changed, key: 'batch-2026-11-22' }),
    );
    expect(conflict.code).toBe('CONFLICT');
    expect(conflict.field).toBe('idempotencyKey');
    await expect(rowCounts()).resolves.toEqual(afterFirst);
  });
});
