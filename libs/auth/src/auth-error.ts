/** Why a request was not authenticated or not authorised. Callers branch on the code, never the message. */
export enum AuthErrorCode {
  MISSING_TOKEN = 'MISSING_TOKEN',
  MALFORMED_TOKEN = 'MALFORMED_TOKEN',
  INVALID_SIGNATURE = 'INVALID_SIGNATURE',
  UNKNOWN_KEY = 'UNKNOWN_KEY',
  WRONG_ALGORITHM = 'WRONG_ALGORITHM',
  WRONG_ISSUER = 'WRONG_ISSUER',
  WRONG_AUDIENCE = 'WRONG_AUDIENCE',
  EXPIRED = 'EXPIRED',
  NOT_YET_VALID = 'NOT_YET_VALID',
  MISSING_ORGANISATION = 'MISSING_ORGANISATION',
  KEYS_UNAVAILABLE = 'KEYS_UNAVAILABLE',
  INSUFFICIENT_SCOPE = 'INSUFFICIENT_SCOPE',
}

const DEFAULT_MESSAGES: Record<AuthErrorCode, string> = {
  [AuthErrorCode.MISSING_TOKEN]: 'no bearer token was presented',
  [AuthErrorCode.MALFORMED_TOKEN]: 'the bearer token is not a well-formed JWT',
  [AuthErrorCode.INVALID_SIGNATURE]: 'the token signature does not verify',
  [AuthErrorCode.UNKNOWN_KEY]: 'the token was signed with a key the server does not know',
  [AuthErrorCode.WRONG_ALGORITHM]: 'the token uses an algorithm the server does not accept',
  [AuthErrorCode.WRONG_ISSUER]: 'the token was issued by an issuer the server does not trust',
  [AuthErrorCode.WRONG_AUDIENCE]: 'the token is meant for another audience',
  [AuthErrorCode.EXPIRED]: 'the token has expired',
  [AuthErrorCode.NOT_YET_VALID]: 'the token is not valid yet',
  [AuthErrorCode.MISSING_ORGANISATION]: 'the token has no organisation ("org" claim)',
  [AuthErrorCode.KEYS_UNAVAILABLE]: 'the signing keys could not be loaded; try again later',
  [AuthErrorCode.INSUFFICIENT_SCOPE]: 'the token lacks a scope this operation needs',
};

/**
 * Every authentication or authorisation failure. The message is written here and never contains the
 * token or its claims, so an AuthError is safe to log and to return to the client.
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';

  constructor(
    readonly code: AuthErrorCode,
    message: string = DEFAULT_MESSAGES[code],
    /** Scopes the caller lacked; only for INSUFFICIENT_SCOPE. */
    readonly missingScopes: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type AuthFailureKind = 'unauthenticated' | 'forbidden';

/** 401 for anything wrong with the credential, 403 for a good credential without the right scope. */
export function authFailureKind(code: AuthErrorCode): AuthFailureKind {
  switch (code) {
    case AuthErrorCode.INSUFFICIENT_SCOPE:
      return 'forbidden';
    case AuthErrorCode.MISSING_TOKEN:
    case AuthErrorCode.MALFORMED_TOKEN:
    case AuthErrorCode.INVALID_SIGNATURE:
    case AuthErrorCode.UNKNOWN_KEY:
    case AuthErrorCode.WRONG_ALGORITHM:
    case AuthErrorCode.WRONG_ISSUER:
    case AuthErrorCode.WRONG_AUDIENCE:
    case AuthErrorCode.EXPIRED:
    case AuthErrorCode.NOT_YET_VALID:
    case AuthErrorCode.MISSING_ORGANISATION:
    case AuthErrorCode.KEYS_UNAVAILABLE:
      return 'unauthenticated';
    default:
      return assertUnreachable(code);
  }
}

export function authErrorHttpStatus(code: AuthErrorCode): 401 | 403 {
  return authFailureKind(code) === 'forbidden' ? 403 : 401;
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled auth error code ${String(value)}`);
}
