import IORedis from 'ioredis';
import { assertNoEvictionPolicy, RedisEvictionPolicyError } from '@map-offline/queue';
import { PrivateRedis, startPrivateRedis } from '@map-offline/testing';

describe('start-up refuses a Redis that may evict keys', () => {
  let server: PrivateRedis;

  beforeAll(async () => {
    server = await startPrivateRedis(['--maxmemory-policy', 'allkeys-lru']);
  });

  afterAll(async () => {
    await server.close();
  });

  it('names the policy and the fix', async () => {
    const redis = new IORedis(server.url);
    try {
      await expect(assertNoEvictionPolicy(redis)).rejects.toThrow(RedisEvictionPolicyError);
      await expect(assertNoEvictionPolicy(redis)).rejects.toThrow(/"allkeys-lru".*noeviction/);
      await redis.config('SET', 'maxmemory-policy', 'noeviction');
      await expect(assertNoEvictionPolicy(redis)).resolves.toBeUndefined();
    } finally {
      redis.disconnect();
    }
  });
});
