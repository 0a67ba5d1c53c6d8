import IORedis, { Redis, RedisOptions } from 'ioredis';

export type RedisRole = 'worker' | 'producer';

/**
 * Workers block on Redis and must retry forever (BullMQ requires maxRetriesPerRequest: null).
 * Producers sit behind API requests, so they fail fast while Redis is down instead of queueing
 * commands in memory, and the caller gets a retryable error.
 */
export function createRedisConnection(url: string, role: RedisRole, connectionName: string): Redis {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 5_000 };
  return new IORedis(url, {
    ...options,
    connectionName,
    // milliseconds between reconnect attempts, growing to 2 s, so Redis coming back is noticed quickly
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    lazyConnect: false,
  });
}
