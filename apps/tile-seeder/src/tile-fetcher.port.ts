import { TileCoord } from '@map-offline/geo';
import { UpstreamTileSource } from '@map-offline/upstream';

export type TileFetchOutcome = 'FETCHED' | 'EMPTY' | 'NOT_MODIFIED' | 'FAILED';

export interface TileFetchResult {
  tile: TileCoord;
  outcome: TileFetchOutcome;
  bytes?: Buffer;
  contentType?: string;
  etag?: string | null;
  expiresAt?: Date | null;
  /** why a FAILED tile failed, for the index and the statistics (never contains secrets) */
  failureReason?: string;
}

export interface TileFetchRequest {
  source: UpstreamTileSource;
  tiles: TileCoord[];
  /** ETags of tiles being refreshed, by "x/y", for conditional requests */
  previousEtags: Map<string, string>;
  signal?: AbortSignal;
}

/** The seeder's view of the upstream: fetch a batch politely, one result per tile, never throw per tile. */
export abstract class TileFetcher {
  abstract fetchBatch(request: TileFetchRequest): Promise<TileFetchResult[]>;
}
