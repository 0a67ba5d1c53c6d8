import { Redis } from 'ioredis';

export class RedisEvictionPolicyError extends Error {
  constructor(policy: string) {
    super(
      `Redis maxmemory-policy is "${policy}"; BullMQ needs "noeviction" or Redis may silently drop jobs. ` +
        'Set "maxmemory-policy noeviction" in redis.conf (or CONFIG SET maxmemory-policy noeviction).',
    );
    this.name = 'RedisEvictionPolicyError';
  }
}

/** Start-up refuses a Redis that may evict keys: an evicted job is a lost job. */
export async function assertNoEvictionPolicy(redis: Redis): Promise<void> {
  const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
  const policy = reply[1] ?? 'unknown';
  if (policy !== 'noeviction') throw new RedisEvictionPolicyError(policy);
}
