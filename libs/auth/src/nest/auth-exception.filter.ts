import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { GqlArgumentsHost, GqlContextType } from '@nestjs/graphql';
import { AuthError } from '../auth-error';
import { bearerChallenge, graphqlErrorFromAuthError, httpBodyFromAuthError } from './auth-error-responses';
import { AuthGraphqlContext } from './request-credentials';

/**
 * Turns an AuthError into a 401/403: a JSON body with a WWW-Authenticate header over HTTP, a GraphQLError
 * with `extensions.http.status` in GraphQL. Thrown from a filter, the GraphQLError is not logged again
 * by Nest's exception handler (which logs every unfiltered non-HTTP error at error level).
 */
@Catch(AuthError)
export class AuthExceptionFilter implements ExceptionFilter<AuthError> {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: AuthError, host: ArgumentsHost): void {
    if (host.getType<GqlContextType>() === 'graphql') {
      const context = GqlArgumentsHost.create(host).getContext<AuthGraphqlContext>();
      throw graphqlErrorFromAuthError(error, isHttpRequest(context.req) ? 'http' : 'websocket');
    }
    if (host.getType() !== 'http') throw error;
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    const body = httpBodyFromAuthError(error);
    adapter.setHeader(response, 'WWW-Authenticate', bearerChallenge(error));
    adapter.reply(response, body, body.statusCode);
  }
}

/** Over HTTP the GraphQL context holds the HTTP request; over graphql-ws it holds the socket context. */
function isHttpRequest(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'headers' in value && 'method' in value;
}
