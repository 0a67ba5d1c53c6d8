import { ApolloDriverConfig } from '@nestjs/apollo';
import { AppConfig } from '@map-offline/config';
import {
  AuthError,
  authenticateConnectionParams,
  authGraphqlDriverOptions,
  Principal,
  TokenVerifier,
} from '@map-offline/auth';

interface WebSocketExtra {
  principal?: Principal;
}

/**
 * Code-first schema (the TypeScript models are the source), GraphQL over HTTP at /graphql and
 * subscriptions over graphql-ws on the same path. Introspection is off in production.
 */
export function graphqlOptions(config: AppConfig, verifier: TokenVerifier): ApolloDriverConfig {
  return {
    // Keeps 401/403 as real HTTP statuses and runs guards on field resolvers too.
    ...authGraphqlDriverOptions(),
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    introspection: !config.isProduction,
    playground: false,
    includeStacktraceInErrorResponses: !config.isProduction,
    subscriptions: {
      'graphql-ws': {
        path: '/graphql',
        // Browsers cannot set headers on a WebSocket, so the token comes in connectionParams.
        onConnect: async (context) => {
          try {
            const principal = await authenticateConnectionParams(verifier, context.connectionParams);
            (context.extra as WebSocketExtra).principal = principal;
            return true;
          } catch (error) {
            if (error instanceof AuthError) return false;
            throw error;
          }
        },
      },
    },
    context: (input: {
      req?: unknown;
      res?: unknown;
      extra?: WebSocketExtra;
      connectionParams?: unknown;
    }) => {
      if (input.extra) return { principal: input.extra.principal, connectionParams: input.connectionParams };
      return { req: input.req, res: input.res };
    },
  };
}
