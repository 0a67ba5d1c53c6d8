import { Inject, Injectable, OnApplicationShutdown, Provider } from '@nestjs/common';
import { AppConfig } from '@map-offline/config';
import { QueueProducer } from '@map-offline/queue';
import { APP_CONFIG } from '@map-offline/runtime';
import {
  createAddressPolicy,
  createUpstreamTileClient,
  tileKey as upstreamTileKey,
  UpstreamTileClient,
} from '@map-offline/upstream';
import { SeederMetrics } from './seeder.metrics';
import { TileFetcher, TileFetchRequest, TileFetchResult } from './tile-fetcher.port';

export const UPSTREAM_TILE_CLIENT = Symbol('UPSTREAM_TILE_CLIENT');

/** Adapts the upstream client (undici, politeness, retries) to the seeder's port and records its metrics. */
@Injectable()
export class UpstreamTileFetcher extends TileFetcher implements OnApplicationShutdown {
  constructor(
    @Inject(UPSTREAM_TILE_CLIENT) private readonly client: UpstreamTileClient,
    private readonly metrics: SeederMetrics,
  ) {
    super();
  }

  async fetchBatch(request: TileFetchRequest): Promise<TileFetchResult[]> {
    const previousEtags = new Map<string, string>();
    for (const tile of request.tiles) {
      const etag = request.previousEtags.get(`${tile.x}/${tile.y}`);
      if (etag) previousEtags.set(upstreamTileKey(tile), etag);
    }
    const { results, statistics } = await this.client.fetchTiles(request.source, request.tiles, {
      previousEtags,
      signal: request.signal,
    });
    for (const [status, count] of Object.entries(statistics.statusCounts)) {
      this.metrics.upstreamResponses.inc({ status }, count);
    }
    for (const [kind, count] of Object.entries(statistics.transportErrors)) {
      this.metrics.upstreamResponses.inc({ status: kind }, count);
    }
    for (const milliseconds of statistics.latencyMilliseconds)
      this.metrics.upstreamLatency.observe(milliseconds / 1000);
    return results.map((result) => ({
      tile: result.tile,
      outcome: result.outcome,
      bytes: result.bytes,
      contentType: result.contentType,
      etag: result.etag ?? null,
      expiresAt: result.expiresAt ?? null,
      failureReason: result.failure?.reason,
    }));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

export const upstreamFetcherProvider: Provider[] = [
  {
    provide: UPSTREAM_TILE_CLIENT,
    inject: [QueueProducer, APP_CONFIG],
    // The rate limit of a source is shared by every seeder through Redis; every connection's resolved
    // address is checked against the SSRF policy, so a template (or a DNS answer) cannot reach internal services.
    useFactory: (producer: QueueProducer, config: AppConfig) =>
      createUpstreamTileClient({
        redis: producer.redis(),
        checkAddress: createAddressPolicy(config.caching.allowedInternalCidrs),
      }),
  },
  { provide: TileFetcher, useClass: UpstreamTileFetcher },
];
