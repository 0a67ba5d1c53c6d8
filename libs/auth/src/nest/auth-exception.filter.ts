import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { GqlContextType } from '@nestjs/graphql';
import { AuthError } from '../auth-error';
import { bearerChallenge, graphqlErrorFromAuthError, httpBodyFromAuthError } from './auth-error-responses';

/**
 * Turns an AuthError into a 401/403: a JSON body with a WWW-Authenticate header over HTTP, a GraphQLError
 * with `extensions.http.status` in GraphQL. Thrown from a filter, the GraphQLError is not logged again
 * by Nest's exception handler (which logs every unfiltered non-HTTP error at error level).
 */
@Catch(AuthError)
export class AuthExceptionFilter implements ExceptionFilter<AuthError> {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: AuthError, host: ArgumentsHost): void {
    if (host.getType<GqlContextType>() === 'graphql') throw graphqlErrorFromAuthError(error);
    if (host.getType() !== 'http') throw error;
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    const body = httpBodyFromAuthError(error);
    adapter.setHeader(response, 'WWW-Authenticate', bearerChallenge(error));
    adapter.reply(response, body, body.statusCode);
  }
}
