import { GraphQLError, GraphQLScalarType, Kind, ObjectValueNode, ValueNode } from 'graphql';

/**
 * A JSON object (e.g. a GeoJSON geometry). Validated further by whoever consumes it; this scalar only
 * guarantees an object, so resolvers never see a string or a list where they expect a document.
 */
export const JsonObjectScalar = new GraphQLScalarType<Record<string, unknown>, Record<string, unknown>>({
  name: 'JSONObject',
  description: 'A JSON object, such as a GeoJSON (RFC 7946) geometry.',
  serialize: (value) => asObject(value),
  parseValue: (value) => asObject(value),
  parseLiteral: (ast, variables) => {
    if (ast.kind !== Kind.OBJECT) throw new GraphQLError('JSONObject must be an object');
    return literalObject(ast, variables);
  },
});

function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GraphQLError('JSONObject must be an object');
  }
  return value as Record<string, unknown>;
}

function literalObject(
  ast: ObjectValueNode,
  variables?: Record<string, unknown> | null,
): Record<string, unknown> {
  return Object.fromEntries(
    ast.fields.map((field) => [field.name.value, literalValue(field.value, variables)]),
  );
}

function literalValue(ast: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.OBJECT:
      return literalObject(ast, variables);
    case Kind.LIST:
      return ast.values.map((value) => literalValue(value, variables));
    case Kind.NULL:
      return null;
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
    default:
      throw new GraphQLError(`unsupported literal in JSONObject: ${ast.kind}`);
  }
}
