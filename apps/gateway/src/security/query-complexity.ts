import { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

/**
 * Each field costs 1 unless it declares more; the operation's total must stay under the limit. Computed
 * after variables are known, so a `first: 10000` in a variable counts like one in the document.
 */
export function assertComplexityWithin(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
  maxComplexity: number,
): void {
  const complexity = getComplexity({
    schema,
    query: document,
    variables: variables ?? {},
    operationName,
    estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
  });
  if (complexity > maxComplexity) {
    throw new GraphQLError(`query complexity ${complexity} is over the limit of ${maxComplexity}`, {
      extensions: { code: 'QUERY_TOO_COMPLEX', limit: maxComplexity, http: { status: 400 } },
    });
  }
}
