import {
  getNamedType,
  GraphQLField,
  GraphQLInputType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';

export type RootKind = 'query' | 'mutation' | 'subscription';

export interface RootOperation {
  kind: RootKind;
  field: string;
  /** A valid document for the field with placeholder arguments: it passes validation, so guards decide. */
  document: string;
}

/**
 * Every root field of the schema, each as a minimal valid operation. `idValue` fills every ID and String
 * argument (e.g. another tenant's object id, for the cross-tenant sweep).
 */
export function rootOperations(
  schema: GraphQLSchema,
  idValue = '00000000-0000-4000-8000-000000000000',
): RootOperation[] {
  const roots: [RootKind, ReturnType<GraphQLSchema['getQueryType']>][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ];
  const operations: RootOperation[] = [];
  for (const [kind, type] of roots) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      operations.push({ kind, field: field.name, document: `${kind} { ${fieldCall(field, idValue)} }` });
    }
  }
  return operations;
}

function fieldCall(field: GraphQLField<unknown, unknown>, idValue: string): string {
  const required = field.args.filter(
    (argument) => isNonNullType(argument.type) && argument.defaultValue === undefined,
  );
  const args = required
    .map((argument) => `${argument.name}: ${placeholder(argument.type, idValue)}`)
    .join(', ');
  const selection = isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
  return `${field.name}${args ? `(${args})` : ''}${selection}`;
}

function placeholder(type: GraphQLInputType, idValue: string): string {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return '[]';
  if (isEnumType(inner)) return inner.getValues()[0].name;
  if (isInputObjectType(inner)) {
    const fields = Object.values(inner.getFields()).filter(
      (field) => isNonNullType(field.type) && field.defaultValue === undefined,
    );
    return `{ ${fields.map((field) => `${field.name}: ${placeholder(field.type, idValue)}`).join(', ')} }`;
  }
  if (isScalarType(inner)) {
    switch (inner.name) {
      case 'Int':
      case 'Float':
        return '1';
      case 'Boolean':
        return 'false';
      case 'DateTime':
        return '"2026-01-01T00:00:00Z"';
      case 'JSONObject':
        return '{}';
      default:
        return JSON.stringify(idValue);
    }
  }
  throw new Error(`no placeholder for ${String(inner)}`);
}
