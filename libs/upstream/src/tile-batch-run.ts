import { isValidTile, MAX_ZOOM, TileCoord } from '@map-offline/geo';
import { fullJitterDelay } from './backoff';
import { BatchStatisticsRecorder } from './batch-statistics';
import { headerValue, isSendableEtag } from './cache-headers';
import { isAbortOf, RandomSource, UpstreamClock } from './clock.port';
import type { UpstreamConcurrencyLimiter } from './concurrency-limiter';
import { TileHttpTransport, TransportResponse, UpstreamTransportError } from './http-transport.port';
import { isLimitingRate, UpstreamRateLimiter } from './rate-limiter.port';
import { redactFullUrl, redactUrl } from './redact-url';
import {
  AttemptResult,
  classifyResponse,
  classifyTransportError,
  isRedirectStatus,
} from './response-classifier';
import { RetryBudget } from './retry-budget';
import type { SourceCoolDown } from './source-cool-down';
import { TileFailure, TileFailureCode, TileFetchResult } from './tile-fetch-result';
import { tileKey } from './tile-key';
import type { UpstreamTileSource } from './tile-source';
import type { UpstreamClientSettings } from './upstream-client-settings';
import type { CompiledUrlTemplate } from './url-template';

/** The ports and shared state a batch uses; one set per process, shared by all batches. */
export interface TileBatchDependencies {
  transport: TileHttpTransport;
  concurrencyLimiter: UpstreamConcurrencyLimiter;
  rateLimiter: UpstreamRateLimiter;
  clock: UpstreamClock;
  random: RandomSource;
  coolDown: SourceCoolDown;
  settings: UpstreamClientSettings;
}

export interface TileBatchInput {
  source: UpstreamTileSource;
  template: CompiledUrlTemplate;
  tiles: readonly TileCoord[];
  /** tileKey(tile) -> ETag from the previous fetch */
  previousEtags?: ReadonlyMap<string, string>;
  /** stops scheduling; requests already sent finish */
  signal: AbortSignal;
  /** the batch's start order: its tiles wait for a concurrency slot ahead of those of later batches */
  priority: number;
}

/**
 * One batch: a few lanes (about `tilesInProgressPerSlot` x the source's concurrency) each take the
 * next tile and see it through its attempts. Every request first waits for the source's cool-down,
 * a concurrency slot (shared by every batch of the process) and a rate-limit token; the slot is given
 * back before any backoff sleep, so sleeping tiles never hold the upstream's capacity.
 */
export class TileBatchRun {
  readonly statistics: BatchStatisticsRecorder;
  private readonly budget: RetryBudget;
  private readonly headers: Readonly<Record<string, string>>;
  /** without the source's secret headers: for redirects to hosts outside the template */
  private readonly publicHeaders: Readonly<Record<string, string>>;
  private nextIndex = 0;
  private readonly startedAt: number;

  constructor(
    private readonly dependencies: TileBatchDependencies,
    private readonly input: TileBatchInput,
    private readonly emit: (index: number, result: TileFetchResult) => void,
    acceptHeader: string,
  ) {
    const { settings } = dependencies;
    this.budget = RetryBudget.forBatch(input.tiles.length, settings.retryBudget);
    this.statistics = new BatchStatisticsRecorder(input.tiles.length, this.budget);
    this.publicHeaders = { 'user-agent': settings.userAgent, accept: acceptHeader };
    this.headers = { ...this.publicHeaders, ...(input.source.headers ?? {}) };
    this.startedAt = dependencies.clock.monotonicNow();
  }

  /** Resolves when every tile has a result; rejects (after in-flight requests settle) on a port failure. */
  async run(onFatal: () => void): Promise<void> {
    const { source, tiles } = this.input;
    const laneCount = Math.min(
      tiles.length,
      Math.max(
        1,
        Math.ceil(source.maxConcurrentRequests * this.dependencies.settings.tilesInProgressPerSlot),
      ),
    );
    const lanes: Promise<void>[] = [];
    for (let lane = 0; lane < laneCount; lane += 1) {
      lanes.push(
        this.lane().catch((error: unknown) => {
          // A broken port (Redis down, a bug): stop the other lanes, then report it.
          onFatal();
          throw error;
        }),
      );
    }
    const settled = await Promise.allSettled(lanes);
    this.statistics.finish(this.dependencies.clock.monotonicNow() - this.startedAt);
    const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async lane(): Promise<void> {
    const { tiles } = this.input;
    for (;;) {
      const index = this.nextIndex;
      if (index >= tiles.length) return;
      this.nextIndex += 1;
      const result = await this.fetchTile(tiles[index]);
      this.statistics.outcome(result.outcome);
      this.emit(index, result);
    }
  }

  private async fetchTile(tile: TileCoord): Promise<TileFetchResult> {
    if (!isValidTile(tile)) {
      return failed(tile, 0, {
        code: TileFailureCode.INVALID_TILE,
        reason: `tile ${tileKey(tile)} is not on the grid of its zoom (zoom 0..${MAX_ZOOM}, 0 <= x, y < 2^zoom)`,
        retryable: false,
      });
    }
    const { source, signal } = this.input;
    const { concurrencyLimiter, rateLimiter, coolDown, clock, random, settings } = this.dependencies;
    const previousEtag = this.input.previousEtags?.get(tileKey(tile));
    const sentEtag = previousEtag !== undefined && isSendableEtag(previousEtag) ? previousEtag : undefined;
    let attempts = 0;
    let last: TileFailure | undefined;
    for (;;) {
      if (signal.aborted) return aborted(tile, attempts, last);
      let attempt: AttemptResult;
      try {
        // Fast paths skip a promise per request when nothing has to wait (thousands of tiles per second).
        if (coolDown.isPaused(source.id)) await coolDown.wait(source.id, signal);
        const release =
          concurrencyLimiter.tryAcquire(source.id, source.maxConcurrentRequests) ??
          (await concurrencyLimiter.acquire(
            source.id,
            source.maxConcurrentRequests,
            signal,
            this.input.priority,
          ));
        try {
          if (isLimitingRate(source.maxRequestsPerSecond)) {
            await rateLimiter.acquire(source.id, source.maxRequestsPerSecond, signal);
          }
          attempts += 1;
          attempt = await this.attempt(tile, sentEtag);
        } finally {
          release();
        }
      } catch (error) {
        if (isAbortOf(error, signal)) return aborted(tile, attempts, last);
        throw error;
      }
      const failure = attempt.result.failure;
      if (failure === undefined || !failure.retryable) return { tile, attempts, ...attempt.result };
      last = failure;
      if (attempts >= settings.maxAttemptsPerTile) {
        return failed(tile, attempts, {
          ...failure,
          reason: `${failure.reason}; gave up after ${attempts} attempts`,
          gaveUp: 'ATTEMPT_LIMIT',
        });
      }
      if (!this.budget.tryTake()) {
        return failed(tile, attempts, {
          ...failure,
          reason: `${failure.reason}; not retried: the batch's retry budget (${this.budget.allowed}) is spent`,
          gaveUp: 'RETRY_BUDGET',
        });
      }
      this.statistics.retry();
      const retryAfterMs = attempt.retryAfterMs ?? 0;
      if (retryAfterMs > 0) coolDown.pauseUntil(source.id, clock.monotonicNow() + retryAfterMs);
      const delayMs = Math.max(fullJitterDelay(attempts, random.next(), settings.backoff), retryAfterMs);
      try {
        await clock.sleep(delayMs, signal);
      } catch (error) {
        if (isAbortOf(error, signal)) return aborted(tile, attempts, last);
        throw error;
      }
    }
  }

  /** One attempt: a request, plus the redirects the settings allow (each hop address-checked at connect). */
  private async attempt(tile: TileCoord, sentEtag: string | undefined): Promise<AttemptResult> {
    const { source, template } = this.input;
    const { transport, clock, settings } = this.dependencies;
    let { origin, path } = template.expand(tile);
    let headers = this.headers;
    for (let hop = 0; ; hop += 1) {
      const requestHeaders = sentEtag === undefined ? headers : { ...headers, 'if-none-match': sentEtag };
      const started = clock.monotonicNow();
      let response: TransportResponse;
      try {
        response = await transport.get({
          origin,
          path,
          headers: requestHeaders,
          maxBodyBytes: settings.maxBodyBytes,
        });
      } catch (error) {
        if (!(error instanceof UpstreamTransportError)) throw error;
        this.statistics.transportError(error.kind, clock.monotonicNow() - started);
        return classifyTransportError(error);
      }
      this.statistics.response(response.status, response.body.length, clock.monotonicNow() - started);
      if (!isRedirectStatus(response.status) || settings.followRedirects === 0) {
        return classifyResponse(response, {
          format: source.format,
          sentEtag,
          now: clock.now(),
          maxRetryAfterMs: settings.maxRetryAfterMs,
          origin,
          path,
        });
      }
      const redirect = resolveRedirect(origin, path, headerValue(response.headers, 'location'));
      const redirectFailure = (reason: string): AttemptResult => ({
        result: {
          outcome: 'FAILED',
          failure: {
            code: TileFailureCode.REDIRECT,
            reason,
            status: response.status,
            retryable: false,
            url: redactUrl(origin, path),
          },
        },
      });
      if (hop >= settings.followRedirects) {
        return redirectFailure(
          `upstream redirected more than ${settings.followRedirects} times (HTTP ${response.status})`,
        );
      }
      if ('problem' in redirect) return redirectFailure(redirect.problem);
      origin = redirect.origin;
      path = redirect.path;
      // Secrets (API keys) go only to the hosts of the template, never to wherever a redirect points.
      if (!template.origins.includes(origin)) headers = this.publicHeaders;
    }
  }
}

function resolveRedirect(
  origin: string,
  path: string,
  location: string | undefined,
): { origin: string; path: string } | { problem: string } {
  if (location === undefined) return { problem: 'upstream redirected without a Location header' };
  let target: URL;
  try {
    target = new URL(location, `${origin}${path}`);
  } catch {
    return { problem: 'upstream redirected to an unreadable Location' };
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return { problem: `upstream redirected to a ${target.protocol} URL; only http and https are followed` };
  }
  if (target.username !== '' || target.password !== '') {
    return { problem: `upstream redirected to a URL with credentials (${redactFullUrl(target.href)})` };
  }
  return { origin: target.origin, path: `${target.pathname}${target.search}` };
}

function failed(tile: TileCoord, attempts: number, failure: TileFailure): TileFetchResult {
  return { tile, outcome: 'FAILED', attempts, failure };
}

function aborted(tile: TileCoord, attempts: number, last: TileFailure | undefined): TileFetchResult {
  return failed(tile, attempts, {
    code: TileFailureCode.ABORTED,
    reason:
      last === undefined
        ? 'the batch was cancelled before this tile was fetched'
        : `the batch was cancelled before this tile was retried (last failure: ${last.reason})`,
    status: last?.status,
    retryable: true,
    url: last?.url,
  });
}
