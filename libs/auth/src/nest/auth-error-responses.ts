import type { Enhancer } from '@nestjs/graphql';
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
 * The GraphQL form of an AuthError. Over HTTP, Apollo Server reads `extensions.http` to set the HTTP
 * status and headers, then removes it from the response; over a WebSocket nothing would remove it, so
 * it is left out there. (@nestjs/apollo resets the status to 200 for execution errors unless the driver
 * has `preserveHttpStatusForExecutionErrors: false`; see authGraphqlDriverOptions.)
 */
export function graphqlErrorFromAuthError(
  error: AuthError,
  transport: 'http' | 'websocket' = 'http',
): GraphQLError {
  const status = authErrorHttpStatus(error.code);
  const http = { status, headers: new Map([['www-authenticate', bearerChallenge(error)]]) };
  return new GraphQLError(error.message, {
    extensions: {
      code: status === 403 ? 'FORBIDDEN' : 'UNAUTHENTICATED',
      reason: error.code,
      ...(transport === 'http' ? { http } : {}),
    },
  });
}

/**
 * Options the gateway must spread into its Apollo driver config:
 * - `preserveHttpStatusForExecutionErrors: false`, or @nestjs/apollo 13 answers 200 instead of 401/403;
 * - `fieldResolverEnhancers: ['guards', 'filters']`, or @RequireScopes on a @ResolveField is not
 *   enforced (no guard) or its refusal becomes INTERNAL_SERVER_ERROR (no filter).
 */
export function authGraphqlDriverOptions(): {
  preserveHttpStatusForExecutionErrors: false;
  fieldResolverEnhancers: Enhancer[];
} {
  return { preserveHttpStatusForExecutionErrors: false, fieldResolverEnhancers: ['guards', 'filters'] };
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
