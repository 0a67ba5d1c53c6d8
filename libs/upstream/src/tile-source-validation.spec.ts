import { inspectTileSource } from './tile-source-validation';
import type { UpstreamTileSource } from './tile-source';
import { UpstreamSourceErrorCode } from './upstream-error';

const VALID: UpstreamTileSource = {
  id: 'osm',
  urlTemplate: 'https://{s}.tile.example.org/{z}/{x}/{y}.png',
  scheme: 'xyz',
  format: 'png',
  subdomains: ['a', 'b'],
  maxRequestsPerSecond: 20,
  maxConcurrentRequests: 8,
  headers: { 'X-Api-Key': 'k' },
};

const codes = (source: UpstreamTileSource) =>
  inspectTileSource(source).problems.map((problem) => problem.code);

describe('tile source validation', () => {
  it('accepts a valid source and reports its hosts for the allow-list', () => {
    const { problems, template } = inspectTileSource(VALID);
    expect(problems).toEqual([]);
    expect(template?.hosts).toEqual(['a.tile.example.org', 'b.tile.example.org']);
  });

  it('checks scheme, format, limits and headers', () => {
    expect(codes({ ...VALID, scheme: 'wmts' as 'xyz' })).toEqual([UpstreamSourceErrorCode.SCHEME_INVALID]);
    expect(codes({ ...VALID, format: 'gif' as 'png' })).toEqual([UpstreamSourceErrorCode.FORMAT_INVALID]);
    expect(codes({ ...VALID, maxConcurrentRequests: 0 })).toEqual([
      UpstreamSourceErrorCode.CONCURRENCY_INVALID,
    ]);
    expect(codes({ ...VALID, maxConcurrentRequests: 2.5 })).toEqual([
      UpstreamSourceErrorCode.CONCURRENCY_INVALID,
    ]);
    expect(codes({ ...VALID, maxRequestsPerSecond: -1 })).toEqual([UpstreamSourceErrorCode.RATE_INVALID]);
    expect(codes({ ...VALID, maxRequestsPerSecond: 0 })).toEqual([]);
    expect(codes({ ...VALID, headers: { 'Bad Name': 'x' } })).toEqual([
      UpstreamSourceErrorCode.HEADER_INVALID,
    ]);
    expect(codes({ ...VALID, headers: { Host: 'evil.example' } })).toEqual([
      UpstreamSourceErrorCode.HEADER_INVALID,
    ]);
  });

  it('never echoes a header value in a problem', () => {
    const { problems } = inspectTileSource({ ...VALID, headers: { Authorization: 'Bearer SECRET\n' } });
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toBe('the value of header "Authorization" has control characters');
  });
});
