import {
  assertKeySourceAllowed,
  AuthConfig,
  AuthConfigError,
  DEFAULT_JWKS_CACHE_MAX_AGE_MS,
  DEFAULT_JWKS_COOLDOWN_MS,
  resolveAuthConfig,
  usesDevelopmentKeys,
} from './auth-config';

const base: AuthConfig = {
  issuer: 'https://id.example.org/',
  audience: 'map-offline',
  keys: { kind: 'jwks', url: 'https://id.example.org/.well-known/jwks.json' },
};

describe('resolveAuthConfig', () => {
  it('applies the defaults', () => {
    const resolved = resolveAuthConfig(base);
    expect(resolved.algorithms).toEqual(['ES256', 'RS256']);
    expect(resolved.clockToleranceSeconds).toBe(30);
    expect(resolved.keys).toMatchObject({
      kind: 'jwks',
      cooldownMs: DEFAULT_JWKS_COOLDOWN_MS,
      cacheMaxAgeMs: DEFAULT_JWKS_CACHE_MAX_AGE_MS,
    });
    expect(resolveAuthConfig({ ...base, keys: { kind: 'development' } }).keys).toEqual({
      kind: 'development',
      keyDirectory: '.data/dev-jwt',
    });
  });

  it.each([
    [['none'], /"none" is never accepted/],
    [['ES256', 'NONE'], /"none" is never accepted/],
    [['HS256'], /symmetric algorithm HS256/],
    [['RS256', 'HS256'], /symmetric algorithm HS256/],
    [['ES257'], /unknown algorithm "ES257"/],
    [[], /at least one algorithm/],
  ])('refuses algorithms %p', (algorithms, message) => {
    expect(() => resolveAuthConfig({ ...base, algorithms })).toThrow(AuthConfigError);
    expect(() => resolveAuthConfig({ ...base, algorithms })).toThrow(message);
  });

  it('accepts any asymmetric algorithm list', () => {
    expect(resolveAuthConfig({ ...base, algorithms: ['PS256', 'EdDSA', 'ES384'] }).algorithms).toEqual([
      'PS256',
      'EdDSA',
      'ES384',
    ]);
  });

  it('refuses private, symmetric and empty static keys', () => {
    const privateKey = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' };
    expect(() =>
      resolveAuthConfig({ ...base, keys: { kind: 'static', publicKeysJwks: [privateKey] } }),
    ).toThrow(/private key/);
    expect(() =>
      resolveAuthConfig({
        ...base,
        keys: { kind: 'static', publicKeysJwks: [{ kty: 'oct', k: 'c2VjcmV0' }] },
      }),
    ).toThrow(/EC, RSA or OKP/);
    expect(() => resolveAuthConfig({ ...base, keys: { kind: 'static', publicKeysJwks: [] } })).toThrow(
      /at least one/,
    );
  });

  it('refuses a JWKS location that is not an http(s) URL, and negative durations', () => {
    expect(() => resolveAuthConfig({ ...base, keys: { kind: 'jwks', url: 'not a url' } })).toThrow(
      /not a URL/,
    );
    expect(() => resolveAuthConfig({ ...base, keys: { kind: 'jwks', url: 'file:///etc/keys' } })).toThrow(
      /http/,
    );
    expect(() =>
      resolveAuthConfig({
        ...base,
        keys: { kind: 'jwks', url: 'https://id.example.org/jwks', cooldownMs: -1 },
      }),
    ).toThrow(/cooldownMs/);
  });

  it('lists every problem in one error', () => {
    expect(() => resolveAuthConfig({ ...base, issuer: '', audience: ' ', algorithms: ['none'] })).toThrow(
      /issuer.*audience.*none/,
    );
  });
});

describe('development key refusal', () => {
  const development: Pick<AuthConfig, 'keys'> = { keys: { kind: 'development' } };

  it('refuses development keys in production only', () => {
    expect(usesDevelopmentKeys(development)).toBe(true);
    expect(() => assertKeySourceAllowed(development, 'production')).toThrow(AuthConfigError);
    expect(() => assertKeySourceAllowed(development, 'development')).not.toThrow();
    expect(() => assertKeySourceAllowed(development, undefined)).not.toThrow();
    expect(() => assertKeySourceAllowed(base, 'production')).not.toThrow();
  });
});
