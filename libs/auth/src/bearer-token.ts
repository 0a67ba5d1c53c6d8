import { AuthError, AuthErrorCode } from './auth-error';

// RFC 6750 section 2.1: "Bearer" (any case), one or more spaces, then the b64token.
const BEARER_PATTERN = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * The token from an `Authorization` header value (HTTP header or graphql-ws connectionParams).
 * An absent or empty value is MISSING_TOKEN; any other scheme or shape is MALFORMED_TOKEN.
 */
export function extractBearerToken(authorization: unknown): string {
  if (authorization === undefined || authorization === null || authorization === '') {
    throw new AuthError(AuthErrorCode.MISSING_TOKEN);
  }
  if (typeof authorization !== 'string') {
    throw new AuthError(AuthErrorCode.MALFORMED_TOKEN, 'the authorization value must be a string');
  }
  const match = BEARER_PATTERN.exec(authorization.trim());
  if (match === null) {
    throw new AuthError(AuthErrorCode.MALFORMED_TOKEN, 'the authorization value must be "Bearer <token>"');
  }
  return match[1];
}
