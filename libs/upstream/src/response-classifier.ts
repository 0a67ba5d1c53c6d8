import { headerValue, readCacheValidators } from './cache-headers';
import { TransportErrorKind, TransportResponse, UpstreamTransportError } from './http-transport.port';
import { redactUrl } from './redact-url';
import { parseRetryAfter } from './retry-after';
import { checkTileBody } from './tile-body-check';
import { TileFailure, TileFailureCode, TileFetchResult } from './tile-fetch-result';
import type { UpstreamTileFormat } from './tile-source';

/** What one attempt produced: a result without tile and attempts, plus the wait the upstream asked for. */
export interface AttemptResult {
  result: Omit<TileFetchResult, 'tile' | 'attempts'>;
  /** milliseconds from Retry-After (already capped); only on retryable failures */
  retryAfterMs?: number;
}

export interface ResponseContext {
  format: UpstreamTileFormat;
  /** the If-None-Match sent, if any */
  sentEtag?: string;
  /** milliseconds since the epoch */
  now: number;
  /** milliseconds */
  maxRetryAfterMs: number;
  /** of the request; only its redacted form (no query string) goes into a failure */
  origin: string;
  path: string;
}

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

export function isRedirectStatus(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

/**
 * Decides a response by status code (and, for 200, the body's magic bytes):
 * 200/203 -> FETCHED (or EMPTY for a zero-length body, or a retryable INVALID_BODY), 204/404 -> EMPTY,
 * 304 -> NOT_MODIFIED, 408/429/5xx -> retryable, other 4xx and anything unexpected -> permanent.
 */
export function classifyResponse(response: TransportResponse, context: ResponseContext): AttemptResult {
  const { status, headers } = response;
  const fail = (code: TileFailureCode, reason: string, retryable: boolean): AttemptResult => {
    const failure: TileFailure = {
      code,
      reason,
      status,
      retryable,
      url: redactUrl(context.origin, context.path),
    };
    if (!retryable) return { result: { outcome: 'FAILED', failure } };
    return {
      result: { outcome: 'FAILED', failure },
      retryAfterMs: parseRetryAfter(headers['retry-after'], context.now, context.maxRetryAfterMs),
    };
  };

  if (status === 200 || status === 203) {
    const contentType = headerValue(headers, 'content-type');
    const validators = readCacheValidators(headers, context.now);
    if (response.body.length === 0) return { result: { outcome: 'EMPTY', ...validators } };
    const check = checkTileBody(context.format, response.body, contentType);
    // An error page served as 200 is usually transient (a proxy or CDN hiccup): retry it like a 5xx.
    if (!check.acceptable) return fail(TileFailureCode.INVALID_BODY, check.reason, true);
    return {
      result: {
        outcome: 'FETCHED',
        bytes: response.body,
        contentType,
        contentEncoding: headerValue(headers, 'content-encoding'),
        ...validators,
      },
    };
  }
  if (status === 204 || status === 404) {
    return { result: { outcome: 'EMPTY', ...readCacheValidators(headers, context.now) } };
  }
  if (status === 304) {
    if (context.sentEtag === undefined) {
      return fail(
        TileFailureCode.UNEXPECTED_STATUS,
        'HTTP 304 from upstream to an unconditional request',
        false,
      );
    }
    const validators = readCacheValidators(headers, context.now);
    return {
      result: {
        outcome: 'NOT_MODIFIED',
        etag: validators.etag ?? context.sentEtag,
        expiresAt: validators.expiresAt,
      },
    };
  }
  if (isRedirectStatus(status)) {
    const location = headerValue(headers, 'location');
    return fail(
      TileFailureCode.REDIRECT,
      `upstream redirected (HTTP ${status})${location === undefined ? ' without a Location' : ''}; redirects are not followed`,
      false,
    );
  }
  if (status === 408) return fail(TileFailureCode.TIMEOUT, 'HTTP 408 from upstream (request timeout)', true);
  if (status === 429)
    return fail(TileFailureCode.RATE_LIMITED, 'HTTP 429 from upstream (too many requests)', true);
  if (status >= 500 && status <= 599)
    return fail(TileFailureCode.SERVER_ERROR, `HTTP ${status} from upstream`, true);
  if (status >= 400 && status <= 499)
    return fail(TileFailureCode.CLIENT_ERROR, `HTTP ${status} from upstream`, false);
  return fail(TileFailureCode.UNEXPECTED_STATUS, `unexpected HTTP ${status} from upstream`, false);
}

const TRANSPORT_FAILURES: Record<TransportErrorKind, { code: TileFailureCode; retryable: boolean }> = {
  [TransportErrorKind.TIMEOUT]: { code: TileFailureCode.TIMEOUT, retryable: true },
  [TransportErrorKind.CONNECTION]: { code: TileFailureCode.CONNECTION, retryable: true },
  [TransportErrorKind.BODY_TOO_LARGE]: { code: TileFailureCode.BODY_TOO_LARGE, retryable: false },
  [TransportErrorKind.ADDRESS_NOT_ALLOWED]: { code: TileFailureCode.ADDRESS_NOT_ALLOWED, retryable: false },
  [TransportErrorKind.ABORTED]: { code: TileFailureCode.ABORTED, retryable: true },
  [TransportErrorKind.INVALID_REQUEST]: { code: TileFailureCode.INVALID_REQUEST, retryable: false },
};

/** Timeouts and connection errors are retried; a refused address, an oversized body or a bad request are not. */
export function classifyTransportError(error: UpstreamTransportError): AttemptResult {
  const { code, retryable } = TRANSPORT_FAILURES[error.kind];
  return {
    result: { outcome: 'FAILED', failure: { code, reason: error.detail, retryable, url: error.url } },
  };
}
