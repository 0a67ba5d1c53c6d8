import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertKeySourceAllowed,
  AuthErrorCode,
  createTokenVerifier,
  DEFAULT_AUDIENCE,
  DEVELOPMENT_ISSUER,
  DEVELOPMENT_PRIVATE_KEY_FILE,
  loadOrCreateDevelopmentSigningKey,
  signDevelopmentToken,
} from '@map-offline/auth';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { authFailure } from './support/auth-failure';

describe('development signing keys', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'map-offline-dev-jwt-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('generates an ES256 key pair once, private file mode 0600, and reuses it', async () => {
    const keyDirectory = join(root, 'nested', 'dev-jwt');
    const first = await loadOrCreateDevelopmentSigningKey(keyDirectory);
    const keyFile = join(keyDirectory, DEVELOPMENT_PRIVATE_KEY_FILE);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(keyDirectory)).mode & 0o777).toBe(0o700);
    const stored: unknown = JSON.parse(await readFile(keyFile, 'utf8'));
    expect(stored).toMatchObject({ kty: 'EC', crv: 'P-256', kid: first.kid, alg: 'ES256' });
    expect(first.publicJwk).not.toHaveProperty('d');

    const second = await loadOrCreateDevelopmentSigningKey(keyDirectory);
    expect(second.kid).toBe(first.kid);
    expect(second.publicJwk).toEqual(first.publicJwk);
  });

  it('ends with one key when several processes start on a fresh directory at once', async () => {
    const keyDirectory = join(root, 'dev-jwt');
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => loadOrCreateDevelopmentSigningKey(keyDirectory)),
    );
    expect(new Set(keys.map((key) => key.kid)).size).toBe(1);
    expect(await readdir(keyDirectory)).toEqual([DEVELOPMENT_PRIVATE_KEY_FILE]);
  });

  it('signs tokens the development verifier accepts', async () => {
    const keyDirectory = join(root, 'dev-jwt');
    const verifier = await createTokenVerifier({
      issuer: DEVELOPMENT_ISSUER,
      audience: DEFAULT_AUDIENCE,
      keys: { kind: 'development', keyDirectory },
    });
    const userToken = await signDevelopmentToken({
      organisationId: 'demo',
      scopes: ['cache:read', 'cache:write'],
      subject: 'alice',
      keyDirectory,
    });
    await expect(verifier.verify(userToken)).resolves.toEqual({
      subject: 'alice',
      organisationId: 'demo',
      scopes: new Set(['cache:read', 'cache:write']),
      isService: false,
      tokenId: decodeJwt(userToken).jti,
    });
    expect(decodeProtectedHeader(userToken)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });

    const serviceToken = await signDevelopmentToken({
      organisationId: 'demo',
      scopes: ['queue:submit'],
      clientId: 'bulk-importer',
      ttlSeconds: 60,
      keyDirectory,
    });
    await expect(verifier.verify(serviceToken)).resolves.toMatchObject({
      subject: 'bulk-importer',
      clientId: 'bulk-importer',
      isService: true,
    });
    const claims = decodeJwt(serviceToken);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(60);
  });

  it('refuses a token signed with the key of another directory', async () => {
    const verifier = await createTokenVerifier({
      issuer: DEVELOPMENT_ISSUER,
      audience: DEFAULT_AUDIENCE,
      keys: { kind: 'development', keyDirectory: join(root, 'gateway') },
    });
    const token = await signDevelopmentToken({
      organisationId: 'demo',
      scopes: ['admin'],
      keyDirectory: join(root, 'elsewhere'),
    });
    await expect(authFailure(verifier.verify(token))).resolves.toMatchObject({
      code: AuthErrorCode.UNKNOWN_KEY,
    });
  });

  it('is refused in production', () => {
    expect(() => assertKeySourceAllowed({ keys: { kind: 'development' } }, 'production')).toThrow(
      /NODE_ENV=production/,
    );
  });
});
