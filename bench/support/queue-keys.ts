import IORedis from 'ioredis';

/**
 * Removes every Redis key of a bench's queue prefix (jobs, events, metrics). Each bench run uses a
 * fresh prefix; left behind, they piled up to hundreds of MB in the stack's Redis, whose append-only
 * file and snapshots then cost CPU during later runs.
 */
export async function deleteQueueKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new IORedis(redisUrl, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
