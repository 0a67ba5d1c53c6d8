import { Agent, buildConnector, Dispatcher, errors } from 'undici';
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

const EMPTY_BODY = Buffer.alloc(0);

// Node system error codes that are timeouts rather than refusals.
const TIMEOUT_CODES: ReadonlySet<string> = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/**
 * GETs with undici's request() through one Agent, which keeps one Pool per origin: keep-alive on,
 * pipelining off (one request per connection at a time, so a slow tile never blocks another), a bounded
 * number of connections per origin. Bodies are read only for 2xx, with the size limit enforced while
 * streaming; other bodies are discarded so the connection can be reused.
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

  async get(request: TransportRequest): Promise<TransportResponse> {
    let response: Dispatcher.ResponseData;
    try {
      response = await this.agent.request({
        origin: request.origin,
        path: request.path,
        method: 'GET',
        headers: request.headers,
        signal: request.signal,
      });
    } catch (error) {
      throw translateError(error, request);
    }
    const { statusCode, headers, body } = response;
    if (statusCode < 200 || statusCode >= 300 || statusCode === 204) {
      // Error pages and redirects are not needed; dump() reads a little to keep the connection reusable.
      await body.dump().catch(() => undefined);
      return { status: statusCode, headers, body: EMPTY_BODY };
    }
    const declaredLength = Number(headers['content-length']);
    if (Number.isFinite(declaredLength) && declaredLength > request.maxBodyBytes) {
      discard(body);
      throw tooLarge(request, `Content-Length ${declaredLength}`);
    }
    if (Number.isFinite(declaredLength)) {
      // Length known and within the limit: let undici collect the body in one piece.
      try {
        return { status: statusCode, headers, body: Buffer.from(await body.arrayBuffer()) };
      } catch (error) {
        throw translateError(error, request);
      }
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > request.maxBodyBytes) {
          discard(body);
          throw tooLarge(request, `more than ${size - chunk.length} bytes`);
        }
        chunks.push(chunk);
      }
    } catch (error) {
      throw error instanceof UpstreamTransportError ? error : translateError(error, request);
    }
    const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
    return { status: statusCode, headers, body: bytes };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Drops the connection under a body we will not read; the abort error it raises has nobody to tell. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function tooLarge(request: TransportRequest, received: string): UpstreamTransportError {
  return new UpstreamTransportError(
    TransportErrorKind.BODY_TOO_LARGE,
    redactUrl(request.origin, request.path),
    `response body too large: ${received}, the limit is ${request.maxBodyBytes} bytes`,
  );
}

/** By error class and code, never by message text. Errors this cannot place are bugs and pass through. */
function translateError(error: unknown, request: TransportRequest): unknown {
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
  return error;
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
