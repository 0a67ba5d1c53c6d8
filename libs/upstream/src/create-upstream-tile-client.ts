import type { Redis } from 'ioredis';
import type { AddressCheck } from './address-check';
import { MathRandomSource, RandomSource, SystemClock, UpstreamClock } from './clock.port';
import { LocalConcurrencyLimiter, UpstreamConcurrencyLimiter } from './concurrency-limiter';
import type { TileHttpTransport } from './http-transport.port';
import { LocalRateLimiter } from './local-rate-limiter';
import { DEFAULT_RATE_LIMIT_SHAPE, UpstreamRateLimiter } from './rate-limiter.port';
import { RedisRateLimiter, RedisRateLimiterSettings } from './redis-rate-limiter';
import { UndiciHttpTransport, UndiciTransportSettings } from './undici-http-transport';
import type { UpstreamClientSettings } from './upstream-client-settings';
import { UpstreamTileClient } from './upstream-tile-client';

export interface CreateUpstreamTileClientOptions {
  /** Shares each source's request rate across processes; without it the limit is per process. */
  redis?: Redis;
  rateLimiter?: Partial<RedisRateLimiterSettings>;
  /** SSRF hook called with every resolved address at connect time; allows everything by default. */
  checkAddress?: AddressCheck;
  transport?: Partial<Omit<UndiciTransportSettings, 'checkAddress'>>;
  client?: Partial<UpstreamClientSettings>;
  /** Replace any port (tests, or a process that already owns one). */
  overrides?: {
    transport?: TileHttpTransport;
    concurrencyLimiter?: UpstreamConcurrencyLimiter;
    rateLimiter?: UpstreamRateLimiter;
    clock?: UpstreamClock;
    random?: RandomSource;
  };
}

/** Wires the real adapters: undici, an in-process semaphore, Redis (or local) rate limiting, the system clock. */
export function createUpstreamTileClient(options: CreateUpstreamTileClientOptions = {}): UpstreamTileClient {
  const overrides = options.overrides ?? {};
  const clock = overrides.clock ?? new SystemClock();
  const rateLimiter =
    overrides.rateLimiter ??
    (options.redis
      ? new RedisRateLimiter(options.redis, clock, options.rateLimiter)
      : new LocalRateLimiter(clock, { ...DEFAULT_RATE_LIMIT_SHAPE, ...options.rateLimiter }));
  const transportSettings = options.checkAddress
    ? { ...options.transport, checkAddress: options.checkAddress }
    : { ...options.transport };
  return new UpstreamTileClient(
    {
      transport: overrides.transport ?? new UndiciHttpTransport(transportSettings),
      concurrencyLimiter: overrides.concurrencyLimiter ?? new LocalConcurrencyLimiter(),
      rateLimiter,
      clock,
      random: overrides.random ?? new MathRandomSource(),
    },
    options.client,
  );
}
