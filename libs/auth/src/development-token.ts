import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { DEFAULT_AUDIENCE, DEVELOPMENT_ISSUER } from './auth-config';
import { DEVELOPMENT_KEY_ALGORITHM, loadOrCreateDevelopmentSigningKey } from './development-keys';
import { Scope } from './scope';

export const DEFAULT_DEVELOPMENT_TOKEN_TTL_SECONDS = 3600;

export interface DevelopmentTokenRequest {
  organisationId: string;
  scopes: readonly Scope[];
  /** Defaults to the clientId for a service token, else 'developer'. */
  subject?: string;
  /** With a clientId and no subject the token is a client-credentials (service) token. */
  clientId?: string;
  /** Lifetime, seconds; default 3600. */
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
  keyDirectory?: string;
}

/** Signs an access token with the local development key, shaped like an identity provider's. */
export async function signDevelopmentToken(request: DevelopmentTokenRequest): Promise<string> {
  const ttlSeconds = request.ttlSeconds ?? DEFAULT_DEVELOPMENT_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0)
    throw new RangeError('ttlSeconds must be a positive integer');
  if (request.organisationId.trim() === '') throw new RangeError('organisationId must not be empty');
  const key = await loadOrCreateDevelopmentSigningKey(request.keyDirectory);
  const nowSeconds = Math.floor(Date.now() / 1000);
  const isService =
    request.clientId !== undefined && (request.subject ?? request.clientId) === request.clientId;
  const claims: Record<string, unknown> = {
    org: request.organisationId,
    scope: [...new Set(request.scopes)].join(' '),
    ...(request.clientId === undefined ? {} : { client_id: request.clientId }),
    ...(isService ? { gty: 'client-credentials' } : {}),
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: DEVELOPMENT_KEY_ALGORITHM, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(request.issuer ?? DEVELOPMENT_ISSUER)
    .setAudience(request.audience ?? DEFAULT_AUDIENCE)
    .setSubject(request.subject ?? request.clientId ?? 'developer')
    .setJti(randomUUID())
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + ttlSeconds)
    .sign(key.privateKey);
}
