import { TransportErrorKind, UpstreamTransportError } from './http-transport.port';
import { classifyResponse, classifyTransportError, ResponseContext } from './response-classifier';
import { TileFailureCode } from './tile-fetch-result';

const NOW = Date.UTC(2025, 0, 1);
const CONTEXT: ResponseContext = {
  format: 'png',
  now: NOW,
  maxRetryAfterMs: 60_000,
  origin: 'https://tiles.example.org',
  path: '/1/2/3.png?key=SECRET',
};
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2]);

const classify = (
  status: number,
  headers: Record<string, string> = {},
  body = Buffer.alloc(0),
  context = CONTEXT,
) => classifyResponse({ status, headers, body }, context);

describe('response classification', () => {
  it('decides retryability by status code', () => {
    const table = [200, 203, 204, 404, 408, 429, 500, 502, 503, 504, 400, 401, 403, 410, 206, 101].map(
      (status) => {
        const { result } = classify(status, {}, status === 200 || status === 203 ? PNG : Buffer.alloc(0));
        return [status, result.outcome, result.failure?.code, result.failure?.retryable];
      },
    );
    expect(table).toEqual([
      [200, 'FETCHED', undefined, undefined],
      [203, 'FETCHED', undefined, undefined],
      [204, 'EMPTY', undefined, undefined],
      [404, 'EMPTY', undefined, undefined],
      [408, 'FAILED', TileFailureCode.TIMEOUT, true],
      [429, 'FAILED', TileFailureCode.RATE_LIMITED, true],
      [500, 'FAILED', TileFailureCode.SERVER_ERROR, true],
      [502, 'FAILED', TileFailureCode.SERVER_ERROR, true],
      [503, 'FAILED', TileFailureCode.SERVER_ERROR, true],
      [504, 'FAILED', TileFailureCode.SERVER_ERROR, true],
      [400, 'FAILED', TileFailureCode.CLIENT_ERROR, false],
      [401, 'FAILED', TileFailureCode.CLIENT_ERROR, false],
      [403, 'FAILED', TileFailureCode.CLIENT_ERROR, false],
      [410, 'FAILED', TileFailureCode.CLIENT_ERROR, false],
      [206, 'FAILED', TileFailureCode.UNEXPECTED_STATUS, false],
      [101, 'FAILED', TileFailureCode.UNEXPECTED_STATUS, false],
    ]);
  });

  it('carries Retry-After on retryable failures only, and the URL without its query string', () => {
    expect(classify(429, { 'retry-after': '3' }).retryAfterMs).toBe(3_000);
    expect(classify(503, { 'retry-after': 'Wed, 01 Jan 2025 00:00:10 GMT' }).retryAfterMs).toBe(10_000);
    expect(classify(403, { 'retry-after': '3' }).retryAfterMs).toBeUndefined();
    expect(classify(500).result.failure?.url).toBe('https://tiles.example.org/1/2/3.png');
  });

  it('maps a 200 with an empty body to EMPTY and a wrong body to a retryable INVALID_BODY', () => {
    expect(classify(200).result.outcome).toBe('EMPTY');
    const html = classify(200, { 'content-type': 'text/html' }, Buffer.from('<html></html>'));
    expect(html.result.failure).toMatchObject({
      code: TileFailureCode.INVALID_BODY,
      status: 200,
      retryable: true,
      reason: 'upstream returned text/html instead of a PNG tile',
    });
  });

  it('answers 304 with NOT_MODIFIED only for a conditional request, keeping the sent ETag when none comes back', () => {
    expect(classify(304, {}, Buffer.alloc(0), { ...CONTEXT, sentEtag: '"a"' }).result).toEqual({
      outcome: 'NOT_MODIFIED',
      etag: '"a"',
      expiresAt: undefined,
    });
    expect(classify(304, { etag: '"b"' }, Buffer.alloc(0), { ...CONTEXT, sentEtag: '"a"' }).result.etag).toBe(
      '"b"',
    );
    expect(classify(304).result.failure?.code).toBe(TileFailureCode.UNEXPECTED_STATUS);
  });

  it('keeps the content encoding of a gzip vector tile', () => {
    const gzip = Buffer.from([0x1f, 0x8b, 8, 0]);
    const { result } = classify(
      200,
      { 'content-encoding': 'gzip', 'content-type': 'application/x-protobuf' },
      gzip,
      {
        ...CONTEXT,
        format: 'mvt',
      },
    );
    expect(result).toMatchObject({
      outcome: 'FETCHED',
      contentEncoding: 'gzip',
      contentType: 'application/x-protobuf',
    });
  });

  it('retries timeouts and connection errors, not refused addresses, oversized bodies or bad requests', () => {
    const kinds = Object.values(TransportErrorKind).map((kind) => {
      const { result } = classifyTransportError(
        new UpstreamTransportError(kind, 'https://x/1.png', 'detail'),
      );
      return [kind, result.failure?.retryable];
    });
    expect(Object.fromEntries(kinds)).toEqual({
      TIMEOUT: true,
      CONNECTION: true,
      BODY_TOO_LARGE: false,
      ADDRESS_NOT_ALLOWED: false,
      ABORTED: true,
      INVALID_REQUEST: false,
    });
  });
});
