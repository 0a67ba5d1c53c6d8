export interface BackoffSettings {
  /** milliseconds; the ceiling of the first retry's delay */
  baseDelayMs: number;
  /** milliseconds; no delay ceiling grows past this */
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { baseDelayMs: 250, maxDelayMs: 15_000 };

/**
 * "Full jitter" exponential backoff: a uniform delay in [0, min(max, base * 2^(retry-1))).
 * Spreading retries over the whole window keeps many seeders from retrying in lock-step after a
 * shared outage. `retry` is 1 for the first retry; `random` is in [0, 1).
 */
export function fullJitterDelay(
  retry: number,
  random: number,
  settings: BackoffSettings = DEFAULT_BACKOFF,
): number {
  const exponent = Math.max(0, retry - 1);
  // 2^exponent overflows to Infinity long after min() has picked maxDelayMs, which is what we want.
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** exponent);
  const clamped = Math.min(Math.max(random, 0), 1);
  return Math.floor(ceiling * clamped);
}
