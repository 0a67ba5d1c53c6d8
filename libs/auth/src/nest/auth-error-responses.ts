import { GraphQLError } from 'graphql';
import { AuthError, authErrorHttpStatus, authFailureKind } from '../auth-error';

/** RFC 6750 section 3: the challenge a 401 or 403 answer carries. */
export function bearerChallenge(error: AuthError): string {
  if (authFailureKind(error.code) === 'forbidden') {
    const scope = error.missingScopes.length > 0 ? `, scope="${error.missingScopes.join(' ')}"` : '';
    return `Bearer error="insufficient_scope"${scope}`;
  }
  return 'Bearer error="invalid_token"';
}

/**
 * The GraphQL form of an AuthError. Apollo Server reads `extensions.http` to set the HTTP status and
 * headers, then removes it from the response. (@nestjs/apollo resets the status to 200 for execution
 * errors unless the driver is configured with `preserveHttpStatusForExecutionErrors: false`.)
 */
export function graphqlErrorFromAuthError(error: AuthError): GraphQLError {
  const status = authErrorHttpStatus(error.code);
  return new GraphQLError(error.message, {
    extensions: {
      code: status === 403 ? 'FORBIDDEN' : 'UNAUTHENTICATED',
      reason: error.code,
      http: { status, headers: new Map([['www-authenticate', bearerChallenge(error)]]) },
    },
  });
}

export interface AuthErrorHttpBody {
  statusCode: 401 | 403;
  error: 'Unauthorized' | 'Forbidden';
  code: string;
  message: string;
}

export function httpBodyFromAuthError(error: AuthError): AuthErrorHttpBody {
  const statusCode = authErrorHttpStatus(error.code);
  return {
    statusCode,
    error: statusCode === 403 ? 'Forbidden' : 'Unauthorized',
    code: error.code,
    message: error.message,
  };
}
