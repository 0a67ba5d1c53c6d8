import * as fc from 'fast-check';
import { createLocalJWKSet, exportJWK, generateKeyPair, JWK, JWTPayload, KeyLike, SignJWT } from 'jose';
import { AuthError, AuthErrorCode } from './auth-error';
import { JoseTokenVerifier } from './jose-token-verifier';

// Pure verification logic against an in-memory key set; the HTTP/JWKS paths are integration tests.
const settings = {
  issuer: 'https://id.test/',
  audience: 'map-offline',
  algorithms: ['ES256', 'RS256'] as const,
  clockToleranceSeconds: 30,
};

interface TestKey {
  privateKey: KeyLike;
  publicJwk: JWK;
}

async function testKey(): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { privateKey, publicJwk: await exportJWK(publicKey) };
}

async function sign(key: KeyLike, claims: JWTPayload, kid?: string): Promise<string> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const defaults = {
    iss: settings.issuer,
    aud: settings.audience,
    sub: 'alice',
    iat: nowSeconds,
    exp: nowSeconds + 300,
  };
  return new SignJWT({ ...defaults, org: 'demo', scope: 'cache:read', ...claims })
    .setProtectedHeader({ alg: 'ES256', ...(kid === undefined ? {} : { kid }) })
    .sign(key);
}

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (error: unknown) {
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error('expected the verification to fail');
}

describe('JoseTokenVerifier (in-memory keys)', () => {
  let first: TestKey;
  let second: TestKey;
  let stranger: TestKey;
  let verifier: JoseTokenVerifier;

  beforeAll(async () => {
    [first, second, stranger] = await Promise.all([testKey(), testKey(), testKey()]);
    // No kid on the keys: a token without kid matches both, exercising the candidate loop.
    verifier = new JoseTokenVerifier(
      settings,
      createLocalJWKSet({ keys: [first.publicJwk, second.publicJwk] }),
    );
  });

  it('verifies a token signed by either key of the set', async () => {
    await expect(verifier.verify(await sign(first.privateKey, {}))).resolves.toMatchObject({
      subject: 'alice',
      organisationId: 'demo',
    });
    await expect(verifier.verify(await sign(second.privateKey, { scope: 'admin' }))).resolves.toMatchObject({
      scopes: new Set(['admin']),
    });
  });

  it('refuses a token signed by a key outside the set', async () => {
    await expect(rejection(verifier.verify(await sign(stranger.privateKey, {})))).resolves.toMatchObject({
      code: AuthErrorCode.INVALID_SIGNATURE,
    });
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const token = await sign(first.privateKey, {});
    const [header, , signature] = token.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({
        iss: settings.issuer,
        aud: settings.audience,
        sub: 'alice',
        org: 'other',
        exp: 9999999999,
      }),
    ).toString('base64url');
    await expect(
      rejection(verifier.verify(`${header}.${forgedPayload}.${signature}`)),
    ).resolves.toMatchObject({
      code: AuthErrorCode.INVALID_SIGNATURE,
    });
  });

  it('refuses a token without exp (it would never expire)', async () => {
    const token = await new SignJWT({ org: 'demo' })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setSubject('alice')
      .sign(first.privateKey);
    await expect(rejection(verifier.verify(token))).resolves.toMatchObject({
      code: AuthErrorCode.MALFORMED_TOKEN,
    });
  });

  it('accepts expiry within the clock tolerance and refuses it beyond', async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    await expect(
      verifier.verify(await sign(first.privateKey, { exp: nowSeconds - 10 })),
    ).resolves.toBeDefined();
    await expect(
      rejection(verifier.verify(await sign(first.privateKey, { exp: nowSeconds - 60 }))),
    ).resolves.toMatchObject({ code: AuthErrorCode.EXPIRED });
  });

  it('answers every arbitrary string with an AuthError that does not repeat it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 300 }), async (input) => {
        const error = await rejection(verifier.verify(input));
        expect(Object.values(AuthErrorCode)).toContain(error.code);
        if (input.length >= 12) expect(error.message).not.toContain(input);
      }),
      { numRuns: 300 },
    );
  });

  it('answers arbitrary three-part base64url strings with an AuthError', async () => {
    const segment = fc.string({ maxLength: 80 }).map((text) => Buffer.from(text).toString('base64url'));
    const jsonSegment = fc
      .jsonValue()
      .map((value) => Buffer.from(JSON.stringify(value)).toString('base64url'));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(segment, jsonSegment),
        fc.oneof(segment, jsonSegment),
        segment,
        async (h, p, s) => {
          const error = await rejection(verifier.verify(`${h}.${p}.${s}`));
          expect(error).toBeInstanceOf(AuthError);
        },
      ),
      { numRuns: 300 },
    );
  });
});
