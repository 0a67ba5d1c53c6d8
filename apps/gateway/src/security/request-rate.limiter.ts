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
 * Counts one request and sets the window's expiry with its first one, in one atomic command (a
 * MULTI/INCR/PEXPIRE/EXEC was four commands per request). KEYS[1] the window key, ARGV[1] its
 * lifetime in milliseconds.
 */
const COUNT_SCRIPT = `local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;
const COUNT_SCRIPT_SHA1 = createHash('sha1').update(COUNT_SCRIPT).digest('hex');

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
    const count = await this.count(key, WINDOW_MS + 1_000);
    const retryAfterSeconds = Math.ceil(((window + 1) * WINDOW_MS - now) / 1000);
    return {
      allowed: count <= this.requestsPerMinute,
      retryAfterSeconds,
      remaining: Math.max(0, this.requestsPerMinute - count),
    };
  }

  private async count(key: string, lifetimeMs: number): Promise<number> {
    try {
      return Number(await this.redis.evalsha(COUNT_SCRIPT_SHA1, 1, key, lifetimeMs));
    } catch (error: unknown) {
      // Redis forgets scripts when it restarts or is flushed: send the script itself once more.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return Number(await this.redis.eval(COUNT_SCRIPT, 1, key, lifetimeMs));
    }
  }
}
