import type { TileCoord } from '@map-offline/geo';

export type TileFetchOutcome = 'FETCHED' | 'EMPTY' | 'NOT_MODIFIED' | 'FAILED';

/** Why a tile failed. Callers branch on the code, never on the reason text. */
export enum TileFailureCode {
  /** 5xx */
  SERVER_ERROR = 'SERVER_ERROR',
  /** 429 */
  RATE_LIMITED = 'RATE_LIMITED',
  /** 4xx other than 404 and 429 (408 counts as TIMEOUT) */
  CLIENT_ERROR = 'CLIENT_ERROR',
  /** a status the client does not expect (1xx, 206, an unasked-for 304, ...) */
  UNEXPECTED_STATUS = 'UNEXPECTED_STATUS',
  /** 3xx while redirects are not followed, too many of them, or a Location that is not http(s) */
  REDIRECT = 'REDIRECT',
  /** a 200 whose body is not the source's format (an HTML error page, JSON, another image type) */
  INVALID_BODY = 'INVALID_BODY',
  BODY_TOO_LARGE = 'BODY_TOO_LARGE',
  TIMEOUT = 'TIMEOUT',
  CONNECTION = 'CONNECTION',
  /** the address check refused the upstream's address */
  ADDRESS_NOT_ALLOWED = 'ADDRESS_NOT_ALLOWED',
  /** the coordinates are outside the zoom's grid; nothing was requested */
  INVALID_TILE = 'INVALID_TILE',
  /** the request could not be built (bad header, bad path) */
  INVALID_REQUEST = 'INVALID_REQUEST',
  /** the batch was cancelled before this tile finished */
  ABORTED = 'ABORTED',
}

export interface TileFailure {
  code: TileFailureCode;
  /** For operators; never contains header values or the query string. */
  reason: string;
  /** the last HTTP status, when there was a response */
  status?: number;
  /** true when a later attempt (another batch run) may succeed */
  retryable: boolean;
  /** set when the client stopped retrying a retryable failure */
  gaveUp?: 'ATTEMPT_LIMIT' | 'RETRY_BUDGET';
  /** the last URL tried, without its query string */
  url?: string;
}

export interface TileFetchResult {
  /** XYZ, as requested */
  tile: TileCoord;
  outcome: TileFetchOutcome;
  /** FETCHED only: the body exactly as received */
  bytes?: Buffer;
  contentType?: string;
  /** e.g. "gzip" for a compressed vector tile; store it with the bytes */
  contentEncoding?: string;
  /** validator for the next conditional refresh (NOT_MODIFIED keeps the previous one unless a new one came) */
  etag?: string;
  /** when the upstream says this tile goes stale, from Cache-Control / Expires */
  expiresAt?: Date;
  /** HTTP requests made for this tile (0 when none was sent), redirects not counted */
  attempts: number;
  failure?: TileFailure;
}

/** Counters for one batch, for the caller's metrics. */
export interface UpstreamBatchStatistics {
  tiles: number;
  /** HTTP requests sent, each redirect hop included */
  requests: number;
  /** attempts beyond each tile's first */
  retries: number;
  retryBudget: { allowed: number; used: number };
  /** body bytes received (2xx bodies; other bodies are discarded unread) */
  bytesReceived: number;
  outcomes: Record<TileFetchOutcome, number>;
  /** status code -> responses, e.g. { "200": 480, "404": 20 } */
  statusCounts: Record<string, number>;
  /** transport error kind -> requests that got no response */
  transportErrors: Record<string, number>;
  /** milliseconds per request, from sending to the end of the body (or the error) */
  latencyMilliseconds: number[];
  /** milliseconds from the start of the batch to its last result */
  elapsedMilliseconds: number;
}

export interface UpstreamBatchResult {
  /** one per requested tile, in the order given */
  results: TileFetchResult[];
  statistics: UpstreamBatchStatistics;
}
