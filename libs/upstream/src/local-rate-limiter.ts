import { abortReason, UpstreamClock } from './clock.port';
import {
  DEFAULT_RATE_LIMIT_SHAPE,
  isLimitingRate,
  RateLimitShapeSettings,
  rateLimitShape,
  UpstreamRateLimiter,
} from './rate-limiter.port';

/**
 * In-process limiter: each acquire reserves the next free start time (a virtual schedule, the GCRA
 * idea), so waiters are served in arrival order and no timer polls. A full bucket allows `capacity`
 * immediate starts. For a single process, or when no Redis is configured.
 */
export class LocalRateLimiter extends UpstreamRateLimiter {
  /** key -> monotonic milliseconds at which the next request may start */
  private readonly nextStart = new Map<string, number>();

  constructor(
    private readonly clock: UpstreamClock,
    private readonly shape: RateLimitShapeSettings = DEFAULT_RATE_LIMIT_SHAPE,
  ) {
    super();
  }

  acquire(key: string, ratePerSecond: number | undefined, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (!isLimitingRate(ratePerSecond)) return Promise.resolve();
    const intervalMs = 1000 / ratePerSecond;
    const { capacity } = rateLimitShape(ratePerSecond, this.shape);
    const now = this.clock.monotonicNow();
    // A bucket that has been idle refills up to `capacity` requests, no more.
    const earliest = now - (capacity - 1) * intervalMs;
    const start = Math.max(this.nextStart.get(key) ?? earliest, earliest);
    this.nextStart.set(key, start + intervalMs);
    const waitMs = start - now;
    return waitMs <= 0 ? Promise.resolve() : this.clock.sleep(Math.ceil(waitMs), signal);
  }
}
