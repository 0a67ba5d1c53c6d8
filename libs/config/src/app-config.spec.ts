import { ConfigError } from './config-error';
import { loadAppConfig } from './app-config';

describe('loadAppConfig', () => {
  it('starts with local defaults and no variables at all', () => {
    const config = loadAppConfig('gateway', {});
    expect(config.gateway.port).toBe(4000);
    expect(config.redis.url).toBe('redis://127.0.0.1:56379');
    expect(config.database.url).toContain('127.0.0.1:55432');
    expect(config.storage.driver).toBe('s3');
    expect(config.auth.keys.kind).toBe('development');
    expect(config.health.port).toBe(4100);
  });

  it('gives each worker its own health port by default', () => {
    expect(loadAppConfig('tile-seeder', {}).health.port).toBe(4101);
    expect(loadAppConfig('packager', {}).health.port).toBe(4102);
    expect(loadAppConfig('sync-merger', {}).health.port).toBe(4103);
  });

  it('refuses a gateway whose internal metrics port is its public port', () => {
    expect(() => loadAppConfig('gateway', { GATEWAY_PORT: '4100' })).toThrow(
      /HEALTH_PORT: must differ from GATEWAY_PORT \(4100\)/,
    );
    expect(() => loadAppConfig('gateway', { GATEWAY_PORT: '5000', HEALTH_PORT: '5000' })).toThrow(
      ConfigError,
    );
    // 0 asks the system for a free port each time, so both may be 0 (tests do this).
    expect(loadAppConfig('gateway', { GATEWAY_PORT: '0', HEALTH_PORT: '0' }).health.port).toBe(0);
    // A worker has no public port: GATEWAY_PORT does not concern it.
    expect(loadAppConfig('packager', { GATEWAY_PORT: '4102' }).health.port).toBe(4102);
  });

  it('lists every bad variable in one error', () => {
    const env = {
      GATEWAY_PORT: 'abc',
      REDIS_URL: 'http://nope',
      STORAGE_DRIVER: 'ftp',
      QUEUE_PREFIX: 'plain',
    };
    let caught: unknown;
    try {
      loadAppConfig('gateway', env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.map((problem) => problem.variable).sort();
    expect(problems).toEqual(['GATEWAY_PORT', 'QUEUE_PREFIX', 'REDIS_URL', 'STORAGE_DRIVER']);
    expect((caught as ConfigError).message).toContain(
      'GATEWAY_PORT: must be a whole number between 0 and 65535',
    );
  });

  it('treats an empty variable as unset', () => {
    expect(loadAppConfig('gateway', { GATEWAY_PORT: '' }).gateway.port).toBe(4000);
  });

  it('refuses development keys and the default signing secret in production', () => {
    expect(() => loadAppConfig('gateway', { NODE_ENV: 'production', STORAGE_DRIVER: 'filesystem' })).toThrow(
      /AUTH_JWKS_URL: production needs[\s\S]*STORAGE_URL_SIGNING_SECRET: is required/,
    );
  });

  it('accepts a static JSON Web Key Set and rejects private keys in it', () => {
    const publicKey = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' };
    const config = loadAppConfig('gateway', { AUTH_PUBLIC_KEYS: JSON.stringify({ keys: [publicKey] }) });
    expect(config.auth.keys).toEqual({ kind: 'static', publicKeysJwks: [publicKey] });
    expect(() =>
      loadAppConfig('gateway', {
        AUTH_PUBLIC_KEYS: JSON.stringify({ keys: [{ ...publicKey, d: 'secret' }] }),
      }),
    ).toThrow(/AUTH_PUBLIC_KEYS/);
  });
});
