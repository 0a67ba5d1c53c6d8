import { pickResponseHeaders } from './raw-response-headers';

function raw(...pairs: [string, string][]): Buffer[] {
  return pairs.flatMap(([name, value]) => [Buffer.from(name, 'latin1'), Buffer.from(value, 'utf8')]);
}

describe('pickResponseHeaders', () => {
  it('keeps the headers the classifier reads, under lower-case names', () => {
    expect(
      pickResponseHeaders(
        raw(
          ['Content-Type', 'image/png'],
          ['Content-Length', '1234'],
          ['ETag', '"v1"'],
          ['Cache-Control', 'max-age=60'],
          ['Age', '5'],
          ['Expires', 'Sun, 01 Jun 2025 13:00:00 GMT'],
          ['Retry-After', '7'],
          ['Location', '/moved'],
          ['Content-Encoding', 'gzip'],
        ),
      ),
    ).toEqual({
      'content-type': 'image/png',
      'content-length': '1234',
      etag: '"v1"',
      'cache-control': 'max-age=60',
      age: '5',
      expires: 'Sun, 01 Jun 2025 13:00:00 GMT',
      'retry-after': '7',
      location: '/moved',
      'content-encoding': 'gzip',
    });
  });

  it('skips every other header, short or long names alike', () => {
    expect(
      pickResponseHeaders(
        raw(
          ['X', '1'],
          ['Date', 'Sun, 01 Jun 2025'],
          ['Access-Control-Allow-Origin', '*'],
          ['Vary', 'Accept'],
        ),
      ),
    ).toEqual({});
  });

  it('keeps the first of repeated headers and decodes values as UTF-8', () => {
    expect(
      pickResponseHeaders(raw(['etag', '"first"'], ['ETag', '"second"'], ['location', '/karte/straße'])),
    ).toEqual({ etag: '"first"', location: '/karte/straße' });
  });

  it('ignores a name without a value', () => {
    expect(pickResponseHeaders([Buffer.from('etag')])).toEqual({});
  });
});
