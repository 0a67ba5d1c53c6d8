import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { AuthError, AuthErrorCode } from '../auth-error';
import { extractBearerToken } from '../bearer-token';
import { Principal } from '../principal';
import { missingScopes } from '../scope';
import { TokenVerifier } from '../token-verifier';
import { readAccessDeclaration } from './access-declaration';
import { rememberPrincipal, rememberVerification } from './principal-store';
import { requestCredentials } from './request-credentials';

/**
 * Global guard (APP_GUARD), deny by default. A handler must declare @Public() or @RequireScopes(...)
 * (on itself or its class); an undeclared HTTP route or top-level GraphQL field is refused with 403 and
 * logged. GraphQL field resolvers below the top level inherit the decision made for their top-level
 * field unless they declare scopes themselves (they reach this guard only with the GraphQL module's
 * `fieldResolverEnhancers: ['guards']`). A missing or invalid token is an AuthError (401), a missing
 * scope an AuthError INSUFFICIENT_SCOPE (403); AuthExceptionFilter turns them into responses.
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  private readonly logger = new Logger(ScopesGuard.name);
  private readonly reportedUndeclared = new Set<string>();

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const declaration = readAccessDeclaration(this.reflector, context);
    if (declaration?.kind === 'public') return true;
    if (declaration === undefined) {
      if (isNestedGraphqlField(context)) return true;
      this.reportUndeclared(context);
      throw new AuthError(
        AuthErrorCode.INSUFFICIENT_SCOPE,
        'this operation declares no access rule and is refused by default',
      );
    }
    const principal = await this.authenticate(context);
    const missing = missingScopes(principal.scopes, declaration.scopes);
    if (missing.length > 0) {
      throw new AuthError(
        AuthErrorCode.INSUFFICIENT_SCOPE,
        `missing scope(s): ${missing.join(' ')}`,
        missing,
      );
    }
    return true;
  }

  private async authenticate(context: ExecutionContext): Promise<Principal> {
    const credentials = requestCredentials(context);
    if (credentials.principal !== undefined) {
      rememberPrincipal(credentials.carrier, credentials.principal);
      return credentials.principal;
    }
    try {
      return await rememberVerification(credentials.carrier, () =>
        this.verifier.verify(extractBearerToken(credentials.authorization)),
      );
    } catch (error: unknown) {
      if (error instanceof AuthError) this.logFailure(error, context);
      throw error;
    }
  }

  private logFailure(error: AuthError, context: ExecutionContext): void {
    // The token is never logged: an AuthError's message is written by this library, not taken from the token.
    const where = handlerName(context);
    if (error.code === AuthErrorCode.KEYS_UNAVAILABLE) {
      const cause = describeCause(error.cause);
      this.logger.error(`${where}: ${error.code} ${error.message}${cause}`);
    } else {
      this.logger.debug(`${where}: refused, ${error.code}`);
    }
  }

  private reportUndeclared(context: ExecutionContext): void {
    const where = handlerName(context);
    if (this.reportedUndeclared.has(where)) return;
    this.reportedUndeclared.add(where);
    this.logger.error(`${where} has neither @Public() nor @RequireScopes(...); every call is refused`);
  }
}

/** The cause's message (a network error, never the token); read by shape as it may come from another realm. */
function describeCause(cause: unknown): string {
  if (typeof cause !== 'object' || cause === null || !('message' in cause)) return '';
  return `: ${String(cause.message)}`;
}

function handlerName(context: ExecutionContext): string {
  return `${context.getClass().name}.${context.getHandler().name}`;
}

/** True for a GraphQL field resolver below Query, Mutation or Subscription. */
function isNestedGraphqlField(context: ExecutionContext): boolean {
  if (context.getType<GqlContextType>() !== 'graphql') return false;
  const info = GqlExecutionContext.create(context).getInfo<GraphQLResolveInfo | undefined>();
  if (info === undefined) return false;
  const rootTypes = [
    info.schema.getQueryType(),
    info.schema.getMutationType(),
    info.schema.getSubscriptionType(),
  ];
  return !rootTypes.includes(info.parentType);
}
