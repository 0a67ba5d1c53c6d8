import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLError } from 'graphql';
import { AppConfig } from '@map-offline/config';
import {
  AuthError,
  authenticateConnectionParams,
  authGraphqlDriverOptions,
  Principal,
  TokenVerifier,
} from '@map-offline/auth';
import { GraphqlGuardrails } from '../security/graphql-guardrails';
import { RequestRateLimiter } from '../security/request-rate.limiter';

interface WebSocketExtra {
  principal?: Principal;
  /** the Authorization value the connection authenticated with, for per-token rate limits */
  authorization?: string;
}

/**
 * Code-first schema (the TypeScript models are the source), GraphQL over HTTP at /graphql and
 * subscriptions over graphql-ws on the same path, with the same limits on both. Introspection is off
 * in production.
 */
export function graphqlOptions(
  config: AppConfig,
  verifier: TokenVerifier,
  limiter: RequestRateLimiter,
): ApolloDriverConfig {
  const guardrails = new GraphqlGuardrails({
    maxDepth: config.gateway.maxQueryDepth,
    maxAliases: config.gateway.maxQueryAliases,
    maxComplexity: config.gateway.maxQueryComplexity,
  });
  return {
    // Keeps 401/403 as real HTTP statuses and runs guards on field resolvers too.
    ...authGraphqlDriverOptions(),
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    introspection: !config.isProduction,
    playground: false,
    includeStacktraceInErrorResponses: !config.isProduction,
    validationRules: guardrails.validationRules(),
    // No type declares cache hints and responses are per caller: Apollo's default cache-control plugin
    // would only walk every resolved field to compute a policy nobody reads.
    plugins: [guardrails.plugin(), ApolloServerPluginCacheControlDisabled()],
    subscriptions: {
      'graphql-ws': {
        path: '/graphql',
        // Browsers cannot set headers on a WebSocket, so the token comes in connectionParams.
        onConnect: async (context) => {
          try {
            const principal = await authenticateConnectionParams(verifier, context.connectionParams);
            const extra = context.extra as WebSocketExtra;
            extra.principal = principal;
            const authorization = context.connectionParams?.authorization;
            extra.authorization = typeof authorization === 'string' ? authorization : '';
            return true;
          } catch (error) {
            if (error instanceof AuthError) return false;
            throw error;
          }
        },
        onSubscribe: async (context, _id, payload) => {
          const extra = context.extra as WebSocketExtra;
          const decision = await limiter
            .take(RequestRateLimiter.callerKey(extra.authorization, undefined))
            .catch(() => ({ allowed: true, retryAfterSeconds: 0 }));
          if (!decision.allowed) {
            return [
              new GraphQLError(`rate limit exceeded; retry after ${decision.retryAfterSeconds} s`, {
                extensions: { code: 'RATE_LIMITED', retryAfterSeconds: decision.retryAfterSeconds },
              }),
            ];
          }
          return guardrails.checkSubscription(
            payload.query,
            payload.variables ?? undefined,
            payload.operationName ?? undefined,
          );
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
