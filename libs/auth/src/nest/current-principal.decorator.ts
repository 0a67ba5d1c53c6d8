import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AuthError, AuthErrorCode } from '../auth-error';
import { Principal } from '../principal';
import { rememberedPrincipal } from './principal-store';
import { requestCredentials } from './request-credentials';

/**
 * The authenticated caller, in GraphQL resolvers and HTTP controllers alike. The ScopesGuard resolves it
 * first, so it is there for every @RequireScopes handler; on a @Public handler there is none and the
 * call is answered 401.
 */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const credentials = requestCredentials(context);
    const principal = credentials.principal ?? rememberedPrincipal(credentials.carrier);
    if (principal === undefined) {
      throw new AuthError(AuthErrorCode.MISSING_TOKEN, 'this handler needs an authenticated caller');
    }
    return principal;
  },
);
