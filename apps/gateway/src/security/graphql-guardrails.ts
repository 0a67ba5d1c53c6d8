import { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, GraphQLSchema, parse, specifiedRules, validate, ValidationRule } from 'graphql';
import { assertComplexityWithin } from './query-complexity';
import { aliasLimitRule, depthLimitRule, QueryLimits } from './query-limit.rules';

/**
 * The same limits for GraphQL over HTTP (Apollo validation rules and a plugin) and over graphql-ws
 * (checked in onSubscribe): depth, aliases, complexity. Batched HTTP requests stay off (Apollo's default).
 */
export class GraphqlGuardrails {
  private schema?: GraphQLSchema;

  constructor(private readonly limits: QueryLimits) {}

  validationRules(): ValidationRule[] {
    return [depthLimitRule(this.limits.maxDepth), aliasLimitRule(this.limits.maxAliases)];
  }

  /** Checks complexity once variables are known, and keeps the schema for WebSocket checks. */
  plugin(): ApolloServerPlugin {
    return {
      serverWillStart: async ({ schema }) => {
        this.schema = schema;
      },
      requestDidStart: async () => ({
        didResolveOperation: async ({ request, document, schema }) => {
          assertComplexityWithin(
            schema,
            document,
            request.variables,
            request.operationName,
            this.limits.maxComplexity,
          );
        },
      }),
    };
  }

  /** For graphql-ws: the errors to send back, or undefined when the subscription may proceed. */
  checkSubscription(
    query: string,
    variables: Record<string, unknown> | undefined,
    operationName?: string,
  ): GraphQLError[] | undefined {
    if (!this.schema) return [new GraphQLError('the server is starting; try again')];
    let document;
    try {
      document = parse(query);
    } catch (error) {
      return [error instanceof GraphQLError ? error : new GraphQLError('the document could not be parsed')];
    }
    const errors = validate(this.schema, document, [...specifiedRules, ...this.validationRules()]);
    if (errors.length > 0) return [...errors];
    try {
      assertComplexityWithin(this.schema, document, variables, operationName, this.limits.maxComplexity);
    } catch (error) {
      if (error instanceof GraphQLError) return [error];
      throw error;
    }
    return undefined;
  }
}
