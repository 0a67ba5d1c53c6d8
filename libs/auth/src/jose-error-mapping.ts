import { errors } from 'jose';
import { AuthError, AuthErrorCode } from './auth-error';

/**
 * Maps an error thrown by jose's jwtVerify to an AuthError, by error class and claim name (never by
 * message text). jose's own errors are not kept as `cause`: claim errors carry the token's payload.
 * Anything that is not a jose or auth error is a bug and is rethrown unchanged (a 500, not a 401).
 */
export function authErrorFromJose(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof errors.JWTExpired) return new AuthError(AuthErrorCode.EXPIRED);
  if (error instanceof errors.JWTClaimValidationFailed) return claimError(error.claim, error.reason);
  if (error instanceof errors.JOSEAlgNotAllowed) return new AuthError(AuthErrorCode.WRONG_ALGORITHM);
  if (error instanceof errors.JOSENotSupported) return new AuthError(AuthErrorCode.WRONG_ALGORITHM);
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new AuthError(AuthErrorCode.INVALID_SIGNATURE);
  if (error instanceof errors.JWKSNoMatchingKey) return new AuthError(AuthErrorCode.UNKNOWN_KEY);
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return new AuthError(AuthErrorCode.MALFORMED_TOKEN);
  }
  if (error instanceof errors.JWKInvalid || error instanceof errors.JWKSInvalid) {
    return new AuthError(AuthErrorCode.KEYS_UNAVAILABLE, 'the configured signing keys are invalid', [], {
      cause: error,
    });
  }
  if (error instanceof errors.JOSEError) return new AuthError(AuthErrorCode.MALFORMED_TOKEN);
  throw error;
}

function claimError(claim: string, reason: string): AuthError {
  if (reason === 'check_failed' || (reason === 'missing' && (claim === 'iss' || claim === 'aud'))) {
    switch (claim) {
      case 'iss':
        return new AuthError(AuthErrorCode.WRONG_ISSUER);
      case 'aud':
        return new AuthError(AuthErrorCode.WRONG_AUDIENCE);
      case 'nbf':
        return new AuthError(AuthErrorCode.NOT_YET_VALID);
      case 'exp':
        return new AuthError(AuthErrorCode.EXPIRED);
    }
  }
  return new AuthError(
    AuthErrorCode.MALFORMED_TOKEN,
    `the token's "${claim}" claim is ${reason.replace('_', ' ')}`,
  );
}
