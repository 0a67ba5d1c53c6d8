import { GraphQLError, GraphQLScalarType, Kind, ValueNode } from 'graphql';

/**
 * Any JSON value (string, number, boolean, null, list or object): a property value, a field's value
 * in a conflict. Checked further by whoever consumes it (libs/crdt validates property values).
 */
export const JsonValueScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSONValue',
  description: 'Any JSON value: a string, number, boolean, null, list or object.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => literalValue(ast, variables),
});

function literalValue(ast: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((value) => literalValue(value, variables));
    case Kind.OBJECT:
      return Object.fromEntries(
        ast.fields.map((field) => [field.name.value, literalValue(field.value, variables)]),
      );
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
    default:
      throw new GraphQLError(`unsupported literal in JSONValue: ${ast.kind}`);
  }
}
