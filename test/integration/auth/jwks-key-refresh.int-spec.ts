import { randomUUID } from 'node:crypto';
import { AuthErrorCode, createTokenVerifier, TokenVerifier } from '@map-offline/auth';
import { authFailure, expectNoTokenIn } from './support/auth-failure';
import { JwksTestServer } from './support/jwks-test-server';
import {
  createSigningKey,
  goodClaims,
  signToken,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TestSigningKey,
} from './support/test-tokens';

async function jwksVerifier(
  server: JwksTestServer,
  cooldownMs: number,
  cacheMaxAgeMs = 600_000,
): Promise<TokenVerifier> {
  return createTokenVerifier({
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    keys: { kind: 'jwks', url: server.url, cooldownMs, cacheMaxAgeMs, timeoutMs: 2_000 },
  });
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

describe('JWKS fetching, caching and cool-down', () => {
  let server: JwksTestServer;
  let key: TestSigningKey;
  let stranger: TestSigningKey;

  beforeAll(async () => {
    [key, stranger] = await Promise.all([createSigningKey('ES256'), createSigningKey('ES256')]);
  });

  beforeEach(async () => {
    server = new JwksTestServer();
    server.setKeys([key.publicJwk]);
    await server.start();
  });

  afterEach(async () => {
    await server.stop();
  });

  /** A token signed by a key the server does not publish, under a fresh random kid each time. */
  function randomKidToken(): Promise<string> {
    return signToken(stranger, goodClaims(), { kid: randomUUID() });
  }

  it('fetches the key set once and serves later tokens from the cache', async () => {
    const verifier = await jwksVerifier(server, 60_000);
    for (let index = 0; index < 20; index += 1) {
      await expect(verifier.verify(await signToken(key))).resolves.toMatchObject({ subject: 'alice' });
    }
    expect(server.requestCount).toBe(1);
  });

  it('makes no extra fetch for a flood of unknown kids inside the cool-down', async () => {
    const verifier = await jwksVerifier(server, 60_000);
    await expect(verifier.verify(await signToken(key))).resolves.toBeDefined();
    const tokens = await Promise.all(Array.from({ length: 300 }, () => randomKidToken()));
    // Half at once, half one after another: neither pattern may reach the identity provider.
    const parallel = await Promise.all(
      tokens.slice(0, 150).map((token) => authFailure(verifier.verify(token))),
    );
    const sequential = [];
    for (const token of tokens.slice(150)) sequential.push(await authFailure(verifier.verify(token)));
    expect(new Set([...parallel, ...sequential].map((error) => error.code))).toEqual(
      new Set([AuthErrorCode.UNKNOWN_KEY]),
    );
    expect(server.requestCount).toBe(1);
  });

  it('bounds fetches over time to one per cool-down while unknown kids keep coming', async () => {
    const cooldownMs = 200;
    const verifier = await jwksVerifier(server, cooldownMs);
    const startedAt = Date.now();
    let tokensTried = 0;
    while (Date.now() - startedAt < 1_000) {
      const error = await authFailure(verifier.verify(await randomKidToken()));
      expect(error.code).toBe(AuthErrorCode.UNKNOWN_KEY);
      tokensTried += 1;
    }
    const elapsedMs = Date.now() - startedAt;
    // One initial fetch, then at most one refresh per elapsed cool-down period.
    const bound = 1 + Math.ceil(elapsedMs / cooldownMs);
    expect(tokensTried).toBeGreaterThan(50);
    expect(server.requestCount).toBeGreaterThanOrEqual(2);
    expect(server.requestCount).toBeLessThanOrEqual(bound);
  });

  it('picks up a rotated key once the cool-down has passed', async () => {
    const cooldownMs = 300;
    const verifier = await jwksVerifier(server, cooldownMs);
    await expect(verifier.verify(await signToken(key))).resolves.toBeDefined();
    const rotated = await createSigningKey('ES256');
    server.setKeys([key.publicJwk, rotated.publicJwk]);
    const rotatedToken = await signToken(rotated);
    await expect(authFailure(verifier.verify(rotatedToken))).resolves.toMatchObject({
      code: AuthErrorCode.UNKNOWN_KEY,
    });
    expect(server.requestCount).toBe(1);
    await sleep(cooldownMs + 50);
    await expect(verifier.verify(rotatedToken)).resolves.toMatchObject({ organisationId: 'demo' });
    expect(server.requestCount).toBe(2);
  });

  it('fetches again when the cached keys are older than cacheMaxAge', async () => {
    const verifier = await jwksVerifier(server, 50, 200);
    await expect(verifier.verify(await signToken(key))).resolves.toBeDefined();
    await expect(verifier.verify(await signToken(key))).resolves.toBeDefined();
    expect(server.requestCount).toBe(1);
    await sleep(250);
    await expect(verifier.verify(await signToken(key))).resolves.toBeDefined();
    expect(server.requestCount).toBe(2);
  });

  it('answers KEYS_UNAVAILABLE, without the token, when the JWKS server is down', async () => {
    const verifier = await jwksVerifier(server, 60_000);
    await server.stop();
    const token = await signToken(key);
    const error = await authFailure(verifier.verify(token));
    expect(error.code).toBe(AuthErrorCode.KEYS_UNAVAILABLE);
    expect(error.cause).toMatchObject({ code: 'ECONNREFUSED' });
    expectNoTokenIn(`${error.message} ${String(error.cause)}`, token);
  });

  it('does not hammer a failing JWKS server and recovers after the cool-down', async () => {
    const cooldownMs = 300;
    const verifier = await jwksVerifier(server, cooldownMs);
    server.failWith(503);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => signToken(key)));
    for (const token of tokens) {
      await expect(authFailure(verifier.verify(token))).resolves.toMatchObject({
        code: AuthErrorCode.KEYS_UNAVAILABLE,
      });
    }
    expect(server.requestCount).toBe(1);
    server.failWith(undefined);
    await sleep(cooldownMs + 50);
    await expect(verifier.verify(tokens[0])).resolves.toMatchObject({ subject: 'alice' });
    expect(server.requestCount).toBe(2);
  });

  it('keeps verifying with fresh cached keys while the JWKS server fails', async () => {
    const cooldownMs = 200;
    const verifier = await jwksVerifier(server, cooldownMs);
    await expect(verifier.verify(await signToken(key))).resolves.toBeDefined();
    server.failWith(503);
    await sleep(cooldownMs + 50);
    // An unknown kid after the cool-down triggers one refresh, which fails.
    await expect(authFailure(verifier.verify(await randomKidToken()))).resolves.toMatchObject({
      code: AuthErrorCode.KEYS_UNAVAILABLE,
    });
    expect(server.requestCount).toBe(2);
    // Known keys still verify, unknown kids are refused, and the failing server is not asked again.
    await expect(verifier.verify(await signToken(key))).resolves.toMatchObject({ subject: 'alice' });
    await expect(authFailure(verifier.verify(await randomKidToken()))).resolves.toMatchObject({
      code: AuthErrorCode.UNKNOWN_KEY,
    });
    expect(server.requestCount).toBe(2);
  });
});
