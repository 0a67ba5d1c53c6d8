import { LocalRateLimiter } from './local-rate-limiter';
import { rateLimitShape } from './rate-limiter.port';
import { InstantClock } from '../test/upstream-fakes';

describe('rate limit shape', () => {
  it('sizes the bucket to the burst window and the chunk to the chunk window, at least 1 each', () => {
    expect(rateLimitShape(1600)).toEqual({ capacity: 400, chunk: 64 });
    expect(rateLimitShape(100)).toEqual({ capacity: 25, chunk: 5 });
    expect(rateLimitShape(2)).toEqual({ capacity: 1, chunk: 1 });
    expect(rateLimitShape(0.1)).toEqual({ capacity: 1, chunk: 1 });
  });
});

describe('LocalRateLimiter', () => {
  it('lets a burst of `capacity` through, then spaces requests by 1/rate', async () => {
    const clock = new InstantClock(0);
    const limiter = new LocalRateLimiter(clock, {
      burstMilliseconds: 100,
      chunkMilliseconds: 50,
      maxChunk: 64,
    });
    // 50/s: capacity 5, then one every 20 ms
    const started: number[] = [];
    for (let request = 0; request < 10; request += 1) {
      await limiter.acquire('s', 50);
      started.push(clock.now());
    }
    expect(started).toEqual([0, 0, 0, 0, 0, 20, 40, 60, 80, 100]);
  });

  it('is unlimited for 0, undefined and non-finite rates', async () => {
    const clock = new InstantClock(0);
    const limiter = new LocalRateLimiter(clock);
    for (const rate of [0, undefined, Number.POSITIVE_INFINITY, -1]) {
      for (let request = 0; request < 100; request += 1) await limiter.acquire('s', rate);
    }
    expect(clock.sleeps).toEqual([]);
  });

  it('holds the long-run rate with many concurrent callers', async () => {
    const clock = new InstantClock(0);
    const limiter = new LocalRateLimiter(clock);
    await Promise.all(Array.from({ length: 1000 }, () => limiter.acquire('s', 200)));
    // 1000 requests at 200/s with a 50-request burst: the last starts at (1000 - 50) / 200 s
    expect(clock.now()).toBe(4_750);
  });

  it('does not bank unused time beyond one burst', async () => {
    const clock = new InstantClock(0);
    const limiter = new LocalRateLimiter(clock, {
      burstMilliseconds: 100,
      chunkMilliseconds: 50,
      maxChunk: 64,
    });
    await limiter.acquire('s', 10);
    clock.current += 60_000;
    const before = clock.now();
    for (let request = 0; request < 3; request += 1) await limiter.acquire('s', 10);
    // capacity 1 at 10/s: after a long idle only one request is free, then one per 100 ms
    expect(clock.now() - before).toBe(200);
  });
});
