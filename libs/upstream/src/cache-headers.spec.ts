import { isSendableEtag, MAX_ETAG_LENGTH, readCacheValidators, readEtag, readExpiry } from './cache-headers';

describe('cache headers', () => {
  const now = Date.UTC(2025, 5, 1, 12, 0, 0);

  it('keeps strong and weak ETags as they are', () => {
    expect(readEtag({ etag: '"abc123"' })).toBe('"abc123"');
    expect(readEtag({ etag: 'W/"v2"' })).toBe('W/"v2"');
    expect(readEtag({ etag: ['"first"', '"second"'] })).toBe('"first"');
  });

  it('drops ETags that cannot be sent back or stored', () => {
    expect(readEtag({})).toBeUndefined();
    expect(readEtag({ etag: '' })).toBeUndefined();
    expect(readEtag({ etag: `"${'a'.repeat(MAX_ETAG_LENGTH)}"` })).toBeUndefined();
    expect(readEtag({ etag: '"has space"' })).toBeUndefined();
    expect(isSendableEtag('"ok"')).toBe(true);
    expect(isSendableEtag('"bad\r\nX-Injected: 1"')).toBe(false);
  });

  it('takes max-age less Age, and s-maxage before max-age', () => {
    expect(readExpiry({ 'cache-control': 'public, max-age=86400' }, now)).toEqual(new Date(now + 86_400_000));
    expect(readExpiry({ 'cache-control': 'max-age=600', age: '100' }, now)).toEqual(new Date(now + 500_000));
    expect(readExpiry({ 'cache-control': 'max-age=600, s-maxage=60' }, now)).toEqual(new Date(now + 60_000));
    expect(readExpiry({ 'cache-control': 'max-age="120"' }, now)).toEqual(new Date(now + 120_000));
  });

  it('reads each Cache-Control anew when it differs from the tile before', () => {
    const inAMinute = new Date(now + 60_000);
    expect(readExpiry({ 'cache-control': 'public, max-age=60' }, now)).toEqual(inAMinute);
    expect(readExpiry({ 'cache-control': 'public, max-age=60' }, now)).toEqual(inAMinute);
    expect(readExpiry({ 'cache-control': 'no-store' }, now)).toEqual(new Date(now));
    expect(readExpiry({ 'cache-control': 'public, max-age=60' }, now + 1000)).toEqual(new Date(now + 61_000));
  });

  it('treats no-store and no-cache as stale at once', () => {
    expect(readExpiry({ 'cache-control': 'no-cache' }, now)).toEqual(new Date(now));
    expect(readExpiry({ 'cache-control': 'private, no-store, max-age=600' }, now)).toEqual(new Date(now));
  });

  it('falls back to Expires; an unreadable Expires means already expired', () => {
    expect(readExpiry({ expires: 'Sun, 01 Jun 2025 13:00:00 GMT' }, now)).toEqual(
      new Date(Date.UTC(2025, 5, 1, 13)),
    );
    expect(readExpiry({ expires: '0' }, now)).toEqual(new Date(now));
    expect(readExpiry({ 'cache-control': 'public', expires: 'Sun, 01 Jun 2025 13:00:00 GMT' }, now)).toEqual(
      new Date(Date.UTC(2025, 5, 1, 13)),
    );
  });

  it('says nothing when the upstream says nothing', () => {
    expect(readCacheValidators({ 'content-type': 'image/png' }, now)).toEqual({
      etag: undefined,
      expiresAt: undefined,
    });
  });
});
