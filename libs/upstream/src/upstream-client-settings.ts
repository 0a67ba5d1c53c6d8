import { BackoffSettings, DEFAULT_BACKOFF } from './backoff';
import { DEFAULT_MAX_RETRY_AFTER_MS } from './retry-after';
import { DEFAULT_RETRY_BUDGET, RetryBudgetSettings } from './retry-budget';
import { DEFAULT_USER_AGENT } from './user-agent';

export interface UpstreamClientSettings {
  /** requests per tile, the first included */
  maxAttemptsPerTile: number;
  retryBudget: RetryBudgetSettings;
  backoff: BackoffSettings;
  /** milliseconds; a longer Retry-After is cut down to this */
  maxRetryAfterMs: number;
  /** bytes; a larger tile fails as BODY_TOO_LARGE (not retried) */
  maxBodyBytes: number;
  /** redirects followed per attempt; 0 makes any 3xx a failure. Followed hops are address-checked again. */
  followRedirects: number;
  userAgent: string;
  /**
   * Tiles a batch works on at once, as a multiple of the source's concurrency limit. Above 1 so tiles
   * waiting out a backoff do not leave request slots idle.
   */
  tilesInProgressPerSlot: number;
}

export const DEFAULT_UPSTREAM_CLIENT_SETTINGS: UpstreamClientSettings = {
  maxAttemptsPerTile: 5,
  retryBudget: DEFAULT_RETRY_BUDGET,
  backoff: DEFAULT_BACKOFF,
  maxRetryAfterMs: DEFAULT_MAX_RETRY_AFTER_MS,
  maxBodyBytes: 4 * 1024 * 1024,
  followRedirects: 0,
  userAgent: DEFAULT_USER_AGENT,
  tilesInProgressPerSlot: 2,
};

/** Accept per format: what a polite client asks for (servers that negotiate pick the right one). */
export const ACCEPT_HEADERS = {
  png: 'image/png,image/*;q=0.8',
  jpeg: 'image/jpeg,image/*;q=0.8',
  webp: 'image/webp,image/*;q=0.8',
  mvt: 'application/vnd.mapbox-vector-tile,application/x-protobuf;q=0.9,*/*;q=0.5',
} as const;
