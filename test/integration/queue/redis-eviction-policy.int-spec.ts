import { ChildProcess, spawn } from 'node:child_process';
import IORedis from 'ioredis';
import { assertNoEvictionPolicy, RedisEvictionPolicyError } from '@map-offline/queue';
import { eventually, freePort } from '@map-offline/testing';

describe('start-up refuses a Redis that may evict keys', () => {
  let server: ChildProcess;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    // A throwaway Redis with an evicting policy, in memory only, on loopback.
    server = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'allkeys-lru',
      ],
      { stdio: 'ignore' },
    );
    await eventually(async () => {
      const probe = new IORedis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG' ? true : undefined;
      } finally {
        probe.disconnect();
      }
    }, 10_000);
  });

  afterAll(() => {
    server.kill('SIGKILL');
  });

  it('names the policy and the fix', async () => {
    const redis = new IORedis(port, '127.0.0.1');
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
