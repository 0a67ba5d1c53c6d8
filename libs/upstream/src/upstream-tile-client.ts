import { setMaxListeners } from 'node:events';
import type { TileCoord } from '@map-offline/geo';
import { RandomSource, UpstreamClock } from './clock.port';
import { UpstreamConcurrencyLimiter } from './concurrency-limiter';
import { TileHttpTransport } from './http-transport.port';
import { UpstreamRateLimiter } from './rate-limiter.port';
import { ResultChannel } from './result-channel';
import { SourceCoolDown } from './source-cool-down';
import { TileBatchRun } from './tile-batch-run';
import type { TileFetchResult, UpstreamBatchResult, UpstreamBatchStatistics } from './tile-fetch-result';
import type { UpstreamTileSource } from './tile-source';
import { compileTileSource } from './tile-source-validation';
import {
  ACCEPT_HEADERS,
  DEFAULT_UPSTREAM_CLIENT_SETTINGS,
  UpstreamClientSettings,
} from './upstream-client-settings';

export interface FetchTilesOptions {
  /** tileKey(tile) ("z/x/y") -> ETag from the last fetch; those tiles are requested with If-None-Match */
  previousEtags?: ReadonlyMap<string, string>;
  /** Stops scheduling new requests; requests already sent finish; the rest come back FAILED/ABORTED. */
  signal?: AbortSignal;
}

/** Results as they complete (not in input order); statistics() is final once iteration ends. */
export interface UpstreamTileStream extends AsyncIterable<TileFetchResult> {
  statistics(): UpstreamBatchStatistics;
}

export interface UpstreamTileClientDependencies {
  transport: TileHttpTransport;
  concurrencyLimiter: UpstreamConcurrencyLimiter;
  rateLimiter: UpstreamRateLimiter;
  clock: UpstreamClock;
  random: RandomSource;
}

/**
 * Fetches batches of tiles from upstream XYZ/TMS servers. Create ONE per process: the concurrency limit
 * per source, the Retry-After cool-down and the connection pools are shared by every batch through it.
 */
export class UpstreamTileClient {
  private readonly settings: UpstreamClientSettings;
  private readonly coolDown: SourceCoolDown;
  /** batches started so far: each batch's priority for concurrency slots (older batches first) */
  private batchesStarted = 0;

  constructor(
    private readonly dependencies: UpstreamTileClientDependencies,
    settings: Partial<UpstreamClientSettings> = {},
  ) {
    this.settings = { ...DEFAULT_UPSTREAM_CLIENT_SETTINGS, ...settings };
    this.coolDown = new SourceCoolDown(dependencies.clock);
  }

  /**
   * Checks the source (throws UpstreamSourceError, a permanent failure, when it is invalid) and starts
   * fetching at once. Every tile gets exactly one result; iteration throws if a port (Redis) fails.
   */
  streamTiles(
    source: UpstreamTileSource,
    tiles: readonly TileCoord[],
    options: FetchTilesOptions = {},
  ): UpstreamTileStream {
    const channel = new ResultChannel<TileFetchResult>();
    const batch = this.startBatch(source, tiles, options, (_index, result) => channel.push(result));
    batch.done.then(
      () => channel.close(),
      (error: unknown) => channel.fail(error),
    );
    return {
      [Symbol.asyncIterator]: () => channel[Symbol.asyncIterator](),
      statistics: () => batch.run.statistics.snapshot(),
    };
  }

  /** The whole batch: results in the order of `tiles`, and its statistics. */
  async fetchTiles(
    source: UpstreamTileSource,
    tiles: readonly TileCoord[],
    options: FetchTilesOptions = {},
  ): Promise<UpstreamBatchResult> {
    const results = new Array<TileFetchResult>(tiles.length);
    const batch = this.startBatch(source, tiles, options, (index, result) => {
      results[index] = result;
    });
    await batch.done;
    return { results, statistics: batch.run.statistics.snapshot() };
  }

  /** Closes the connection pools; in-flight requests finish first. */
  async close(): Promise<void> {
    await this.dependencies.transport.close();
  }

  private startBatch(
    source: UpstreamTileSource,
    tiles: readonly TileCoord[],
    options: FetchTilesOptions,
    emit: (index: number, result: TileFetchResult) => void,
  ): { run: TileBatchRun; done: Promise<void> } {
    // Compiling is cheap (microseconds) next to a batch, so every batch sees the source as it is now.
    const template = compileTileSource(source);
    const controller = new AbortController();
    // Every waiting tile listens on this signal (semaphore, rate limiter, backoff): no listener cap.
    setMaxListeners(0, controller.signal);
    const external = options.signal;
    const onExternalAbort = (): void => controller.abort(external?.reason);
    if (external?.aborted) onExternalAbort();
    else external?.addEventListener('abort', onExternalAbort, { once: true });

    const run = new TileBatchRun(
      { ...this.dependencies, coolDown: this.coolDown, settings: this.settings },
      {
        source,
        template,
        tiles,
        previousEtags: options.previousEtags,
        signal: controller.signal,
        priority: this.batchesStarted++,
      },
      emit,
      ACCEPT_HEADERS[source.format],
    );
    const done = run
      .run(() => controller.abort(new BatchFailedError()))
      .finally(() => external?.removeEventListener('abort', onExternalAbort));
    return { run, done };
  }
}

/** The reason given to the batch's other lanes when one of them hit a broken port. */
class BatchFailedError extends Error {
  override readonly name = 'AbortError';

  constructor() {
    super('another tile of the batch failed with an unexpected error');
  }
}
