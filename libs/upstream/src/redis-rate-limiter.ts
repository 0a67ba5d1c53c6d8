import type { Redis } from 'ioredis';
import { abortReason, UpstreamClock } from './clock.port';
import {
  DEFAULT_RATE_LIMIT_SHAPE,
  isLimitingRate,
  RateLimitShapeSettings,
  rateLimitShape,
  UpstreamRateLimiter,
} from './rate-limiter.port';

/**
 * A token bucket in one Redis hash per source, refilled by elapsed time on Redis's own clock (TIME), so
 * every process agrees on "now". Takes up to ARGV[3] tokens at once and answers {granted, waitMs};
 * waitMs is how long until one token is back when nothing could be granted.
 *   KEYS[1] bucket key   ARGV[1] tokens per second   ARGV[2] capacity   ARGV[3] tokens wanted
 * Tokens are stored as a decimal string: a Lua number handed to Redis would lose its fraction.
 */
export const TOKEN_BUCKET_SCRIPT = `
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1])
local updated = tonumber(state[2])
if tokens == nil or updated == nil then
  tokens = capacity
  updated = now
end
if now > updated then
  tokens = math.min(capacity, tokens + (now - updated) * rate / 1000)
end
local granted = math.min(wanted, math.floor(tokens))
if granted < 0 then granted = 0 end
tokens = tokens - granted
local wait = 0
if granted == 0 then
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'updated', string.format('%.3f', now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * 1000 / rate) + 1000)
return {granted, wait}
`;

const COMMAND_NAME = 'mapOfflineUpstreamTokenBucket';

type TokenBucketCommand = (
  key: string,
  rate: string,
  capacity: string,
  wanted: string,
) => Promise<[number, number]>;

export interface RedisRateLimiterSettings extends RateLimitShapeSettings {
  /** prefix of every key, e.g. "map-offline:"; tests use a unique one */
  keyPrefix: string;
  /**
   * milliseconds a locally held token stays usable. Tokens taken in a chunk but not used soon are
   * dropped, so a process that stalls cannot later spend an old chunk on top of the fresh budget.
   */
  tokenLifetimeMilliseconds: number;
}

export const DEFAULT_REDIS_RATE_LIMITER_SETTINGS: RedisRateLimiterSettings = {
  ...DEFAULT_RATE_LIMIT_SHAPE,
  keyPrefix: 'map-offline:',
  tokenLifetimeMilliseconds: 1000,
};

class LocalTokens {
  available = 0;
  /** monotonic milliseconds when the tokens in hand were granted */
  grantedAt = 0;
  refill: Promise<void> | undefined;
}

/**
 * The rate limit shared by every seeder process. Tokens are taken from Redis a chunk at a time
 * (about `chunkMilliseconds` of traffic), so at 1,600 requests/s a process makes tens of round trips
 * per second, not one per tile. Unused tokens are simply lost, which errs on the polite side.
 */
export class RedisRateLimiter extends UpstreamRateLimiter {
  private readonly settings: RedisRateLimiterSettings;
  private readonly tokens = new Map<string, LocalTokens>();
  private readonly takeTokens: TokenBucketCommand;

  constructor(
    redis: Redis,
    private readonly clock: UpstreamClock,
    settings: Partial<RedisRateLimiterSettings> = {},
  ) {
    super();
    this.settings = { ...DEFAULT_REDIS_RATE_LIMITER_SETTINGS, ...settings };
    // defineCommand sends EVALSHA and falls back to EVAL when Redis does not know the script yet.
    redis.defineCommand(COMMAND_NAME, { numberOfKeys: 1, lua: TOKEN_BUCKET_SCRIPT });
    const command = (redis as unknown as Record<string, TokenBucketCommand>)[COMMAND_NAME];
    this.takeTokens = command.bind(redis);
  }

  bucketKey(key: string): string {
    return `${this.settings.keyPrefix}upstream:rate:${key}`;
  }

  async acquire(key: string, ratePerSecond: number | undefined, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw abortReason(signal);
    if (!isLimitingRate(ratePerSecond)) return;
    let state = this.tokens.get(key);
    if (state === undefined) {
      state = new LocalTokens();
      this.tokens.set(key, state);
    }
    for (;;) {
      if (state.available > 0) {
        if (this.clock.monotonicNow() - state.grantedAt <= this.settings.tokenLifetimeMilliseconds) {
          state.available -= 1;
          return;
        }
        state.available = 0;
      }
      // One refill in flight per key; everyone waiting shares its result.
      state.refill ??= this.refill(key, state, ratePerSecond).finally(() => {
        if (state !== undefined) state.refill = undefined;
      });
      await waitUnlessAborted(state.refill, signal);
    }
  }

  private async refill(key: string, state: LocalTokens, ratePerSecond: number): Promise<void> {
    const { capacity, chunk } = rateLimitShape(ratePerSecond, this.settings);
    for (;;) {
      const [granted, waitMs] = await this.takeTokens(
        this.bucketKey(key),
        String(ratePerSecond),
        String(capacity),
        String(chunk),
      );
      if (granted > 0) {
        state.available += granted;
        state.grantedAt = this.clock.monotonicNow();
        return;
      }
      await this.clock.sleep(Math.max(1, waitMs));
    }
  }
}

function waitUnlessAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
