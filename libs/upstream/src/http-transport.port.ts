import type { ResponseHeaders } from './cache-headers';

/** Why a request got no HTTP response. Callers branch on the kind, never on the message. */
export enum TransportErrorKind {
  /** connect, response headers or body took too long */
  TIMEOUT = 'TIMEOUT',
  /** refused, reset, DNS failure, TLS failure, malformed response */
  CONNECTION = 'CONNECTION',
  /** the body grew past the size limit (bytes) */
  BODY_TOO_LARGE = 'BODY_TOO_LARGE',
  /** the address check refused the resolved address (SSRF policy) */
  ADDRESS_NOT_ALLOWED = 'ADDRESS_NOT_ALLOWED',
  /** the request was cancelled */
  ABORTED = 'ABORTED',
  /** the request itself is malformed (a bug or a bad source): retrying cannot help */
  INVALID_REQUEST = 'INVALID_REQUEST',
}

/** A failed request. The message names the URL without its query string and never contains headers. */
export class UpstreamTransportError extends Error {
  override readonly name = 'UpstreamTransportError';

  constructor(
    readonly kind: TransportErrorKind,
    /** redacted: origin and path, no query string */
    readonly url: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${detail} (${url})`, options);
  }
}

export interface TransportRequest {
  /** scheme://host[:port] */
  origin: string;
  /** path and query, starting with '/' */
  path: string;
  headers: Readonly<Record<string, string>>;
  /** bytes; a larger body fails with BODY_TOO_LARGE while streaming */
  maxBodyBytes: number;
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  /** lower-case names */
  headers: ResponseHeaders;
  /** The whole body for 2xx statuses other than 204; empty otherwise (it is discarded unread). */
  body: Buffer;
}

/** One GET to an upstream tile server. The undici adapter is the real one; unit tests use fakes. */
export abstract class TileHttpTransport {
  /** Resolves with any HTTP status; rejects with UpstreamTransportError (anything else is a bug). */
  abstract get(request: TransportRequest): Promise<TransportResponse>;
  abstract close(): Promise<void>;
}
