import { parseHttpDate, parseRetryAfter } from './retry-after';

describe('Retry-After', () => {
  const now = Date.UTC(2025, 5, 1, 12, 0, 0);

  it('reads delay-seconds as milliseconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('2', now)).toBe(2_000);
    expect(parseRetryAfter(' 30 ', now)).toBe(30_000);
  });

  it('reads an HTTP date relative to now, and a past date as 0', () => {
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 11:00:00 GMT', now)).toBe(0);
    // the obsolete RFC 850 form
    expect(parseRetryAfter('Sunday, 01-Jun-25 12:00:10 GMT', now)).toBe(10_000);
  });

  it('caps long waits (seconds and dates) at the maximum', () => {
    expect(parseRetryAfter('3600', now)).toBe(60_000);
    expect(parseRetryAfter('3600', now, 5_000)).toBe(5_000);
    expect(parseRetryAfter('99999999999999999999', now)).toBe(60_000);
    expect(parseRetryAfter('Mon, 02 Jun 2025 12:00:00 GMT', now)).toBe(60_000);
  });

  it('ignores what it cannot read, so the caller falls back to its backoff', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('Someday, 99 Foo 2025 99:99:99 GMT', now)).toBeUndefined();
  });

  it('takes the first of repeated headers', () => {
    expect(parseRetryAfter(['3', '9'], now)).toBe(3_000);
  });

  it('parses the IMF-fixdate form exactly', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });
});
