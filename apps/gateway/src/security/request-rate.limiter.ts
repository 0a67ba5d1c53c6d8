import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';

export interface RateDecision {
  allowed: boolean;
  /** seconds until the window resets, for Retry-After */
  retryAfterSeconds: number;
  remaining: number;
}

/** milliseconds per window */
const WINDOW_MS = 60_000;

/**
 * A fixed one-minute window per caller, counted in Redis so every gateway replica shares it. The caller is
 * the bearer token (hashed: the token itself never becomes a key) or, without one, the client address.
 */
export class RequestRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly requestsPerMinute: number,
  ) {}

  static callerKey(authorization: string | undefined, address: string | undefined): string {
    if (authorization)
      return `token:${createHash('sha256').update(authorization).digest('hex').slice(0, 32)}`;
    return `address:${address ?? 'unknown'}`;
  }

  async take(caller: string, now = Date.now()): Promise<RateDecision> {
    const window = Math.floor(now / WINDOW_MS);
    const key = `${this.prefix}:rate:${caller}:${window}`;
    const results = await this.redis
      .multi()
      .incr(key)
      .pexpire(key, WINDOW_MS + 1_000)
      .exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    const retryAfterSeconds = Math.ceil(((window + 1) * WINDOW_MS - now) / 1000);
    return {
      allowed: count <= this.requestsPerMinute,
      retryAfterSeconds,
      remaining: Math.max(0, this.requestsPerMinute - count),
    };
  }
}
