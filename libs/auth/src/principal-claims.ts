import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorCode } from './auth-error';
import { Principal } from './principal';
import { isScope, Scope } from './scope';

/** The `gty` (grant type) value some identity providers put in client-credentials tokens. */
const CLIENT_CREDENTIALS_GRANT = 'client-credentials';

/**
 * Builds the Principal from claims whose signature, issuer, audience and lifetime were already checked.
 * Scopes come from `scope` (space-separated, RFC 6749/8693) and/or `scp` (an array, or a space-separated
 * string as some providers send it); unknown scopes are dropped.
 */
export function principalFromClaims(claims: JWTPayload): Principal {
  const subject = nonEmptyString(claims.sub);
  if (subject === undefined) {
    throw new AuthError(AuthErrorCode.MALFORMED_TOKEN, 'the token has no subject ("sub" claim)');
  }
  const organisationId = nonEmptyString(claims['org']);
  if (organisationId === undefined) throw new AuthError(AuthErrorCode.MISSING_ORGANISATION);

  const clientId = nonEmptyString(claims['client_id']) ?? nonEmptyString(claims['azp']);
  const isService =
    claims['gty'] === CLIENT_CREDENTIALS_GRANT || (clientId !== undefined && subject === clientId);
  const tokenId = nonEmptyString(claims.jti);
  return {
    subject,
    organisationId,
    scopes: scopesFromClaims(claims),
    isService,
    ...(clientId === undefined ? {} : { clientId }),
    ...(tokenId === undefined ? {} : { tokenId }),
  };
}

export function scopesFromClaims(claims: JWTPayload): Set<Scope> {
  const names = [...scopeNames(claims['scope']), ...scopeNames(claims['scp'])];
  return new Set(names.filter(isScope));
}

function scopeNames(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter((name) => name !== '');
  if (Array.isArray(value)) return value.filter((name): name is string => typeof name === 'string');
  return [];
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
