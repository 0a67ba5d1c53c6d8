import { AuthErrorCode, createTokenVerifier, extractBearerToken, TokenVerifier } from '@map-offline/auth';
import { authFailure, expectNoTokenIn } from './support/auth-failure';
import { JwksTestServer } from './support/jwks-test-server';
import {
  algorithmConfusionToken,
  createSigningKey,
  goodClaims,
  nowSeconds,
  signToken,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TestSigningKey,
  unsecuredToken,
} from './support/test-tokens';

// Every bad token kind against a real JWKS endpoint served over HTTP on 127.0.0.1.
describe('TokenVerifier with a JWKS endpoint: bad tokens', () => {
  const server = new JwksTestServer();
  let ecKey: TestSigningKey;
  let rsaKey: TestSigningKey;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    [ecKey, rsaKey] = await Promise.all([createSigningKey('ES256'), createSigningKey('RS256')]);
    server.setKeys([ecKey.publicJwk, rsaKey.publicJwk]);
    await server.start();
    verifier = await createTokenVerifier({
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
      clockToleranceSeconds: 30,
      keys: { kind: 'jwks', url: server.url, cooldownMs: 60_000 },
    });
  });

  afterAll(async () => {
    await server.stop();
  });

  /** Verifies, expects the code, and checks the message never carries the token. */
  async function expectRefused(token: string, code: AuthErrorCode): Promise<void> {
    const error = await authFailure(verifier.verify(token));
    expect(error.code).toBe(code);
    expectNoTokenIn(`${error.message} ${String(error.stack)} ${JSON.stringify(error)}`, token);
  }

  it('accepts a good ES256 token and a good RS256 token', async () => {
    await expect(verifier.verify(await signToken(ecKey))).resolves.toMatchObject({
      subject: 'alice',
      organisationId: 'demo',
      scopes: new Set(['cache:read']),
      isService: false,
    });
    await expect(
      verifier.verify(await signToken(rsaKey, goodClaims({ sub: 'svc', client_id: 'svc' }))),
    ).resolves.toMatchObject({
      isService: true,
      clientId: 'svc',
    });
  });

  it('refuses no token at all', async () => {
    expect(() => extractBearerToken(undefined)).toThrow(
      expect.objectContaining({ code: AuthErrorCode.MISSING_TOKEN }),
    );
    await expectRefused('', AuthErrorCode.MISSING_TOKEN);
  });

  it.each(['not-a-jwt', 'a.b', 'a.b.c', 'bm90IGpzb24.e30.c2ln', `${'x'.repeat(40)}.${'y'.repeat(40)}.`])(
    'refuses the malformed token %p',
    async (token) => {
      await expectRefused(token, AuthErrorCode.MALFORMED_TOKEN);
    },
  );

  it('refuses alg "none" before looking up any key', async () => {
    const before = server.requestCount;
    await expectRefused(unsecuredToken(), AuthErrorCode.WRONG_ALGORITHM);
    expect(server.requestCount).toBe(before);
  });

  it('refuses HS256 signed with the public key bytes (algorithm confusion)', async () => {
    await expectRefused(algorithmConfusionToken(ecKey), AuthErrorCode.WRONG_ALGORITHM);
    await expectRefused(algorithmConfusionToken(rsaKey), AuthErrorCode.WRONG_ALGORITHM);
  });

  it('refuses an algorithm outside the configured list', async () => {
    const esOnly = await createTokenVerifier({
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
      algorithms: ['ES256'],
      keys: { kind: 'static', publicKeysJwks: [ecKey.publicJwk, rsaKey.publicJwk] },
    });
    await expect(authFailure(esOnly.verify(await signToken(rsaKey)))).resolves.toMatchObject({
      code: AuthErrorCode.WRONG_ALGORITHM,
    });
  });

  it('refuses a wrong or missing issuer', async () => {
    await expectRefused(
      await signToken(ecKey, goodClaims({ iss: 'https://evil.test/' })),
      AuthErrorCode.WRONG_ISSUER,
    );
    await expectRefused(await signToken(ecKey, goodClaims({ iss: undefined })), AuthErrorCode.WRONG_ISSUER);
  });

  it('refuses a wrong or missing audience', async () => {
    await expectRefused(
      await signToken(ecKey, goodClaims({ aud: 'another-api' })),
      AuthErrorCode.WRONG_AUDIENCE,
    );
    await expectRefused(await signToken(ecKey, goodClaims({ aud: undefined })), AuthErrorCode.WRONG_AUDIENCE);
    await expect(
      verifier.verify(await signToken(ecKey, goodClaims({ aud: ['other', TEST_AUDIENCE] }))),
    ).resolves.toBeDefined();
  });

  it('refuses an expired token beyond the 30 s clock tolerance and accepts one within it', async () => {
    await expectRefused(
      await signToken(ecKey, goodClaims({ exp: nowSeconds() - 31 - 5 })),
      AuthErrorCode.EXPIRED,
    );
    await expect(
      verifier.verify(await signToken(ecKey, goodClaims({ exp: nowSeconds() - 20 }))),
    ).resolves.toBeDefined();
  });

  it('refuses a token that is not valid yet beyond the tolerance and accepts one within it', async () => {
    await expectRefused(
      await signToken(ecKey, goodClaims({ nbf: nowSeconds() + 120 })),
      AuthErrorCode.NOT_YET_VALID,
    );
    await expect(
      verifier.verify(await signToken(ecKey, goodClaims({ nbf: nowSeconds() + 20 }))),
    ).resolves.toBeDefined();
  });

  it('refuses a token signed with an unknown kid', async () => {
    const stranger = await createSigningKey('ES256');
    await expectRefused(await signToken(stranger), AuthErrorCode.UNKNOWN_KEY);
  });

  it('refuses a token whose kid is known but whose signature is not', async () => {
    const stranger = await createSigningKey('ES256');
    await expectRefused(
      await signToken(stranger, goodClaims(), { kid: ecKey.kid }),
      AuthErrorCode.INVALID_SIGNATURE,
    );
  });

  it('refuses a token without an organisation', async () => {
    await expectRefused(
      await signToken(ecKey, goodClaims({ org: undefined })),
      AuthErrorCode.MISSING_ORGANISATION,
    );
  });
});
