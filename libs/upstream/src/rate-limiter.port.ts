/**
 * Bounds the request rate per key (a tile source). The Redis implementation shares the budget across
 * every seeder process; the local one bounds a single process.
 */
export abstract class UpstreamRateLimiter {
  /**
   * Resolves when one more request for `key` may start at `ratePerSecond` (requests per second).
   * A rate of 0, negative or not finite means unlimited. Rejects with the signal's reason on abort.
   */
  abstract acquire(key: string, ratePerSecond: number | undefined, signal?: AbortSignal): Promise<void>;
}

export interface RateLimitShape {
  /** requests granted at once from a full bucket */
  capacity: number;
  /** requests reserved per round trip to the shared store */
  chunk: number;
}

export interface RateLimitShapeSettings {
  /** milliseconds of traffic a full bucket may release at once (the burst) */
  burstMilliseconds: number;
  /** milliseconds of traffic fetched from Redis per round trip */
  chunkMilliseconds: number;
  /** at most this many requests per round trip, so one process cannot hoard the budget */
  maxChunk: number;
}

export const DEFAULT_RATE_LIMIT_SHAPE: RateLimitShapeSettings = {
  burstMilliseconds: 250,
  chunkMilliseconds: 50,
  maxChunk: 64,
};

/** True when `ratePerSecond` actually limits anything. */
export function isLimitingRate(ratePerSecond: number | undefined): ratePerSecond is number {
  return ratePerSecond !== undefined && Number.isFinite(ratePerSecond) && ratePerSecond > 0;
}

/** Bucket size and chunk size for a rate: at least one request each; the chunk never exceeds the bucket. */
export function rateLimitShape(
  ratePerSecond: number,
  settings: RateLimitShapeSettings = DEFAULT_RATE_LIMIT_SHAPE,
): RateLimitShape {
  const capacity = Math.max(1, Math.floor((ratePerSecond * settings.burstMilliseconds) / 1000));
  const chunk = Math.min(
    capacity,
    settings.maxChunk,
    Math.max(1, Math.floor((ratePerSecond * settings.chunkMilliseconds) / 1000)),
  );
  return { capacity, chunk };
}
