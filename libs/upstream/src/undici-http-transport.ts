import { Agent, buildConnector, errors } from 'undici';
import {
  AddressCheck,
  AddressNotAllowedError,
  ALLOW_EVERY_ADDRESS,
  checkLiteralAddress,
  createCheckedLookup,
} from './address-check';
import {
  TileHttpTransport,
  TransportErrorKind,
  TransportRequest,
  TransportResponse,
  UpstreamTransportError,
} from './http-transport.port';
import { redactUrl } from './redact-url';
import { BodyLimitExceededError, TileResponseHandler } from './tile-response.handler';

export interface UndiciTransportSettings {
  /** milliseconds to establish TCP (and TLS) */
  connectTimeoutMs: number;
  /** milliseconds from sending the request to the end of the response headers */
  headersTimeoutMs: number;
  /** milliseconds of silence allowed between two body chunks */
  bodyTimeoutMs: number;
  /** milliseconds an idle connection is kept for the next tile (the server's Keep-Alive hint can lower it) */
  keepAliveTimeoutMs: number;
  /** connections per origin; the per-source concurrency limit normally keeps use below this */
  maxConnectionsPerOrigin: number;
  /** SSRF hook, called with every resolved address at connect time */
  checkAddress: AddressCheck;
}

export const DEFAULT_UNDICI_TRANSPORT_SETTINGS: UndiciTransportSettings = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  keepAliveTimeoutMs: 10_000,
  maxConnectionsPerOrigin: 128,
  checkAddress: ALLOW_EVERY_ADDRESS,
};

// Node system error codes that are timeouts rather than refusals.
const TIMEOUT_CODES: ReadonlySet<string> = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/**
 * GETs through one undici Agent, which keeps one Pool per origin: keep-alive on, pipelining off (one
 * request per connection at a time, so a slow tile never blocks another), a bounded number of connections
 * per origin. Requests go through dispatch() with a small handler (TileResponseHandler) rather than
 * request(), whose Readable body and full header object cost more CPU per tile than the tile's own work.
 * Bodies are kept only for 2xx, with the size limit enforced while receiving; other bodies are discarded
 * so the connection can be reused.
 */
export class UndiciHttpTransport extends TileHttpTransport {
  private readonly agent: Agent;

  constructor(settings: Partial<UndiciTransportSettings> = {}) {
    super();
    const resolved = { ...DEFAULT_UNDICI_TRANSPORT_SETTINGS, ...settings };
    const check = resolved.checkAddress;
    const connector = buildConnector({
      timeout: resolved.connectTimeoutMs,
      lookup: createCheckedLookup(check),
    });
    this.agent = new Agent({
      connections: resolved.maxConnectionsPerOrigin,
      pipelining: 1,
      keepAliveTimeout: resolved.keepAliveTimeoutMs,
      headersTimeout: resolved.headersTimeoutMs,
      bodyTimeout: resolved.bodyTimeoutMs,
      connect: (options, callback) => {
        // net.connect skips lookup for IP literals, so those are checked here.
        const refused = checkLiteralAddress(options.hostname, check);
        if (refused) {
          callback(refused, null);
          return;
        }
        connector(options, callback);
      },
    });
  }

  get(request: TransportRequest): Promise<TransportResponse> {
    if (request.signal?.aborted) {
      return Promise.reject(toTransportError(new errors.RequestAbortedError(), request));
    }
    // A plain promise settled by the handler: no async frame or await between the response and the caller.
    return new Promise<TransportResponse>((resolve, reject) => {
      const fail = (error: unknown): void => reject(toTransportError(error, request));
      try {
        this.agent.dispatch(
          { origin: request.origin, path: request.path, method: 'GET', headers: request.headers },
          new TileResponseHandler(request, resolve, fail),
        );
      } catch (error) {
        fail(error);
      }
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function toTransportError(error: unknown, request: TransportRequest): Error {
  if (error instanceof BodyLimitExceededError) return tooLarge(request, error.received);
  return translateError(error, request);
}

function tooLarge(request: TransportRequest, received: string): UpstreamTransportError {
  return new UpstreamTransportError(
    TransportErrorKind.BODY_TOO_LARGE,
    redactUrl(request.origin, request.path),
    `response body too large: ${received}, the limit is ${request.maxBodyBytes} bytes`,
  );
}

/** By error class and code, never by message text. Errors this cannot place are bugs and pass through. */
function translateError(error: unknown, request: TransportRequest): Error {
  const url = redactUrl(request.origin, request.path);
  const wrap = (kind: TransportErrorKind, detail: string): UpstreamTransportError =>
    new UpstreamTransportError(kind, url, detail, { cause: error });
  if (error instanceof AddressNotAllowedError)
    return wrap(TransportErrorKind.ADDRESS_NOT_ALLOWED, error.message);
  if (error instanceof errors.ConnectTimeoutError) return wrap(TransportErrorKind.TIMEOUT, 'connect timeout');
  if (error instanceof errors.HeadersTimeoutError)
    return wrap(TransportErrorKind.TIMEOUT, 'response headers timeout');
  if (error instanceof errors.BodyTimeoutError)
    return wrap(TransportErrorKind.TIMEOUT, 'response body timeout');
  if (error instanceof errors.RequestAbortedError || isAbortError(error)) {
    return wrap(TransportErrorKind.ABORTED, 'request aborted');
  }
  if (error instanceof errors.ResponseExceededMaxSizeError) {
    return wrap(TransportErrorKind.BODY_TOO_LARGE, 'response body too large');
  }
  if (error instanceof errors.InvalidArgumentError)
    return wrap(TransportErrorKind.INVALID_REQUEST, 'invalid request');
  if (error instanceof errors.UndiciError)
    return wrap(TransportErrorKind.CONNECTION, `connection failed (${error.code})`);
  const code = systemErrorCode(error);
  if (code !== undefined) {
    return TIMEOUT_CODES.has(code)
      ? wrap(TransportErrorKind.TIMEOUT, `connection timed out (${code})`)
      : wrap(TransportErrorKind.CONNECTION, `connection failed (${code})`);
  }
  // undici reports failures as Error objects, some from another realm under jest (instanceof fails).
  return error as Error;
}

/** ECONNREFUSED, ENOTFOUND, ERR_TLS_CERT_ALTNAME_INVALID ...: Node's network and TLS errors carry a code. */
function systemErrorCode(error: unknown): string | undefined {
  // Structural: errors raised inside Node's own realm fail `instanceof Error` under jest and in vm contexts.
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}
