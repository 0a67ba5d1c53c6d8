import {
  BREAK,
  DocumentNode,
  GraphQLError,
  GraphQLSchema,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

/**
 * Complexities of documents whose cost does not depend on their variables, by schema, document and
 * operation name. Apollo hands every request with the same query text the same parsed DocumentNode
 * (its document store), so a hit skips getComplexity, which would otherwise coerce every variable
 * again (a 100-change push: as much work as the execution's own coercion). Weak keys: documents
 * evicted from Apollo's store are collected.
 */
const variableFreeComplexities = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, number>>>();

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
  const complexity = operationComplexity(schema, document, variables, operationName);
  if (complexity > maxComplexity) {
    throw new GraphQLError(`query complexity ${complexity} is over the limit of ${maxComplexity}`, {
      extensions: { code: 'QUERY_TOO_COMPLEX', limit: maxComplexity, http: { status: 400 } },
    });
  }
}

function operationComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
): number {
  let byDocument = variableFreeComplexities.get(schema);
  if (byDocument === undefined) {
    byDocument = new WeakMap();
    variableFreeComplexities.set(schema, byDocument);
  }
  // Operation names are GraphQL names, so the empty string cannot collide with a real one.
  const operationKey = operationName ?? '';
  const cached = byDocument.get(document)?.get(operationKey);
  if (cached !== undefined) return cached;

  const complexity = getComplexity({
    schema,
    query: document,
    variables: variables ?? {},
    operationName,
    estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
  });
  // Cached only after a successful computation, so invalid variables are still reported here.
  if (!complexityReadsVariables(schema, document)) {
    const byOperation = byDocument.get(document) ?? new Map<string, number>();
    byOperation.set(operationKey, complexity);
    byDocument.set(document, byOperation);
  }
  return complexity;
}

/**
 * Whether a variable can change the document's complexity: through @include/@skip (or any other
 * directive), or through the arguments of a field that declares its own complexity (a number or an
 * estimator function in its extensions). Every other field costs 1 plus its children whatever the
 * variables hold.
 */
export function complexityReadsVariables(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let reads = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Directive(node) {
        if (containsVariable(node)) {
          reads = true;
          return BREAK;
        }
        return undefined;
      },
      Field(node) {
        const definition = typeInfo.getFieldDef();
        // An unknown field never gets here (validation refuses it); counted as reading, to be safe.
        const declaresComplexity =
          definition === null || definition === undefined
            ? true
            : definition.extensions['complexity'] !== undefined;
        if (declaresComplexity && (node.arguments ?? []).some(containsVariable)) {
          reads = true;
          return BREAK;
        }
        return undefined;
      },
    }),
  );
  return reads;
}

function containsVariable(node: Parameters<typeof visit>[0]): boolean {
  let found = false;
  visit(node, {
    Variable() {
      found = true;
      return BREAK;
    },
  });
  return found;
}
