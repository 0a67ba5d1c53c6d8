import { createHmac, randomUUID } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, JWK, JWTPayload, KeyLike, SignJWT } from 'jose';

export const TEST_ISSUER = 'https://id.test.map-offline/';
export const TEST_AUDIENCE = 'map-offline';

export interface TestSigningKey {
  kid: string;
  algorithm: 'ES256' | 'RS256';
  privateKey: KeyLike;
  publicJwk: JWK;
  /** The public key as PEM (SPKI), the bytes an algorithm-confusion attacker would use as an HMAC secret. */
  publicPem: string;
}

export async function createSigningKey(
  algorithm: 'ES256' | 'RS256' = 'ES256',
  kid = randomUUID(),
): Promise<TestSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(algorithm);
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: algorithm, use: 'sig' };
  return { kid, algorithm, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) };
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Claims of a good token; each test overrides what it breaks. */
export function goodClaims(overrides: JWTPayload = {}): JWTPayload {
  const now = nowSeconds();
  return {
    iss: TEST_ISSUER,
    aud: TEST_AUDIENCE,
    sub: 'alice',
    org: 'demo',
    scope: 'cache:read',
    jti: randomUUID(),
    iat: now,
    exp: now + 300,
    ...overrides,
  };
}

export async function signToken(
  key: TestSigningKey,
  claims: JWTPayload = goodClaims(),
  header: { kid?: string } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.algorithm, kid: header.kid ?? key.kid, typ: 'at+jwt' })
    .sign(key.privateKey);
}

function base64urlJson(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An unsecured JWT (RFC 7519 section 6): `alg: none` and an empty signature. */
export function unsecuredToken(claims: JWTPayload = goodClaims()): string {
  return `${base64urlJson({ alg: 'none', typ: 'JWT' })}.${base64urlJson(claims)}.`;
}

/** HS256 "signed" with the public key bytes: accepted by a verifier that lets the token pick the algorithm. */
export function algorithmConfusionToken(key: TestSigningKey, claims: JWTPayload = goodClaims()): string {
  const signingInput = `${base64urlJson({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${base64urlJson(claims)}`;
  const signature = createHmac('sha256', key.publicPem).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}
