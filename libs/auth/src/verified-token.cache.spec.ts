import { Principal } from './principal';
import { MAX_CACHED_TOKEN_AGE_MS, VerifiedTokenCache } from './verified-token.cache';

const principal: Principal = {
  subject: 'tablet-01',
  organisationId: 'demo',
  scopes: new Set(['sync:read']),
  isService: false,
};

describe('VerifiedTokenCache', () => {
  let nowMs: number;
  const clock = (): number => nowMs;

  beforeEach(() => {
    nowMs = 1_700_000_000_000;
  });

  it('returns a cached principal until the token expires', () => {
    const cache = new VerifiedTokenCache(clock);
    cache.set('token-a', principal, nowMs / 1000 + 60);
    expect(cache.get('token-a')).toBe(principal);
    nowMs += 59_999;
    expect(cache.get('token-a')).toBe(principal);
    nowMs += 1;
    expect(cache.get('token-a')).toBeUndefined();
  });

  it('trusts a long-lived token for at most MAX_CACHED_TOKEN_AGE_MS', () => {
    const cache = new VerifiedTokenCache(clock);
    cache.set('token-a', principal, nowMs / 1000 + 86_400);
    nowMs += MAX_CACHED_TOKEN_AGE_MS;
    expect(cache.get('token-a')).toBeUndefined();
  });

  it('does not cache tokens without exp or already expired', () => {
    const cache = new VerifiedTokenCache(clock);
    cache.set('no-exp', principal, undefined);
    cache.set('expired', principal, nowMs / 1000 - 1);
    expect(cache.get('no-exp')).toBeUndefined();
    expect(cache.get('expired')).toBeUndefined();
  });

  it('keys by the exact token text and drops the oldest entry when full', () => {
    const cache = new VerifiedTokenCache(clock, 2);
    cache.set('first', principal, nowMs / 1000 + 60);
    cache.set('second', principal, nowMs / 1000 + 60);
    cache.set('third', principal, nowMs / 1000 + 60);
    expect(cache.get('first')).toBeUndefined();
    expect(cache.get('second')).toBe(principal);
    expect(cache.get('third')).toBe(principal);
    expect(cache.get('THIRD')).toBeUndefined();
  });
});
