import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { FixtureTileServer, startFixtureTileServer } from '@map-offline/fixture-tiles';
import { readStackSettings } from '@map-offline/testing';
import {
  createUpstreamTileClient,
  rateLimitShape,
  RedisRateLimiter,
  SystemClock,
  UpstreamTileSource,
} from '@map-offline/upstream';

/** Calls acquire in `workers` loops until `durationMs` passes; returns grant times (ms since start). */
async function hammer(
  limiter: RedisRateLimiter,
  key: string,
  rate: number,
  workers: number,
  durationMs: number,
  start: number,
) {
  const granted: number[] = [];
  const loop = async () => {
    for (;;) {
      await limiter.acquire(key, rate);
      const at = performance.now() - start;
      if (at >= durationMs) return;
      granted.push(at);
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
  return granted;
}

describe('Redis rate limiter (shared token bucket)', () => {
  const settings = readStackSettings();
  let first: Redis;
  let second: Redis;
  let prefix: string;

  beforeAll(async () => {
    first = new Redis(settings.redis.url, { maxRetriesPerRequest: 1 });
    second = new Redis(settings.redis.url, { maxRetriesPerRequest: 1 });
    await Promise.all([first.ping(), second.ping()]);
  });

  afterAll(async () => {
    await Promise.all([first.quit(), second.quit()]);
  });

  beforeEach(() => {
    prefix = `test:upstream:${randomUUID()}:`;
  });

  afterEach(async () => {
    const keys = await first.keys(`${prefix}*`);
    if (keys.length > 0) await first.del(...keys);
  });

  it('holds the rate across two limiter instances (two processes) within one burst and a chunk each', async () => {
    const rate = 100; // requests per second
    const durationMs = 2_000;
    const clock = new SystemClock();
    const limiters = [
      new RedisRateLimiter(first, clock, { keyPrefix: prefix }),
      new RedisRateLimiter(second, clock, { keyPrefix: prefix }),
    ];
    const start = performance.now();
    const [a, b] = await Promise.all(
      limiters.map((limiter) => hammer(limiter, 'source-a', rate, 8, durationMs, start)),
    );
    const total = a.length + b.length;
    const { capacity, chunk } = rateLimitShape(rate);

    expect(total).toBeLessThanOrEqual((rate * durationMs) / 1000 + capacity + 2 * chunk);
    expect(total).toBeGreaterThanOrEqual(0.9 * ((rate * durationMs) / 1000));
    // both instances got a share
    expect(a.length).toBeGreaterThan(total * 0.25);
    expect(b.length).toBeGreaterThan(total * 0.25);
    // the steady state (after the first burst) never runs ahead of the rate by more than a burst
    const steady = [...a, ...b].filter((at) => at >= 1_000).length;
    expect(steady).toBeLessThanOrEqual(rate + capacity);
  });

  it('keeps sources apart and lets the bucket key expire', async () => {
    const limiter = new RedisRateLimiter(first, new SystemClock(), { keyPrefix: prefix });
    await limiter.acquire('source-a', 10);
    await limiter.acquire('source-b', 10);
    const keys = (await first.keys(`${prefix}*`)).sort();
    expect(keys).toEqual([limiter.bucketKey('source-a'), limiter.bucketKey('source-b')]);
    const ttl = await first.pttl(limiter.bucketKey('source-a'));
    // capacity 2 at 10/s refills in 200 ms; the key lives that long plus a second
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_200);
  });

  it('rejects a waiting acquire when its signal aborts', async () => {
    const limiter = new RedisRateLimiter(first, new SystemClock(), { keyPrefix: prefix });
    await limiter.acquire('slow', 0.5); // takes the only token; the next is 2 s away
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    await expect(limiter.acquire('slow', 0.5, controller.signal)).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('two tile clients sharing a source rate limit through Redis', () => {
  const settings = readStackSettings();
  let server: FixtureTileServer;
  const connections: Redis[] = [];

  beforeAll(async () => {
    server = await startFixtureTileServer({ resolution: '110m', maxZoom: 12 });
  });

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.quit()));
    await server.close();
  });

  it('keeps the combined request rate of both at the source limit', async () => {
    const prefix = `test:upstream:${randomUUID()}:`;
    const rate = 100;
    const clients = [0, 1].map(() => {
      const redis = new Redis(settings.redis.url, { maxRetriesPerRequest: 1 });
      connections.push(redis);
      return createUpstreamTileClient({ redis, rateLimiter: { keyPrefix: prefix } });
    });
    const source: UpstreamTileSource = {
      id: `rate-${randomUUID()}`,
      urlTemplate: server.templates.png,
      scheme: 'xyz',
      format: 'png',
      maxConcurrentRequests: 8,
      maxRequestsPerSecond: rate,
    };
    const side = 2 ** 9;
    const tiles = (offset: number) =>
      Array.from({ length: 150 }, (_, index) => ({ z: 9, x: (offset + index) % side, y: 7 }));
    const started = performance.now();
    const batches = await Promise.all([
      clients[0].fetchTiles(source, tiles(0)),
      clients[1].fetchTiles(source, tiles(150)),
    ]);
    const elapsedMs = performance.now() - started;
    await Promise.all(clients.map((client) => client.close()));

    expect(batches.flatMap((batch) => batch.results).every((result) => result.outcome === 'FETCHED')).toBe(
      true,
    );
    expect(server.stats().requests).toBe(300);
    const { capacity, chunk } = rateLimitShape(rate);
    // 300 requests at 100/s, of which one burst (and a chunk per client) may go at once
    expect(elapsedMs).toBeGreaterThanOrEqual(((300 - capacity - 2 * chunk) / rate) * 1000);
    expect(elapsedMs).toBeLessThan((300 / rate) * 1000 * 1.3);
  });
});
