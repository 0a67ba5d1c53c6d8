import {
  ASTVisitor,
  FragmentDefinitionNode,
  GraphQLError,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from 'graphql';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxComplexity: number;
}

/** Refuses documents nested deeper than maxDepth fields (fragments followed, introspection included). */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    return {
      OperationDefinition(operation: OperationDefinitionNode) {
        const depth = selectionDepth(withoutIntrospection(operation.selectionSet), fragments, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`query depth ${depth} is over the limit of ${maxDepth}`, {
              nodes: [operation],
              extensions: { code: 'QUERY_TOO_DEEP', limit: maxDepth },
            }),
          );
        }
      },
    };
  };
}

/**
 * Introspection (__schema, __type) is left out of the depth count: its shape is fixed by the spec (the
 * standard query nests TypeRef 15 deep, so it cannot recurse without bound), tools need it in development,
 * and production serves none.
 */
function withoutIntrospection(selectionSet: SelectionSetNode): SelectionSetNode {
  return {
    ...selectionSet,
    selections: selectionSet.selections.filter(
      (selection) => !(selection.kind === Kind.FIELD && selection.name.value.startsWith('__')),
    ),
  };
}

function selectionDepth(
  selectionSet: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  visiting: Set<string>,
): number {
  if (!selectionSet) return 0;
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      deepest = Math.max(deepest, 1 + selectionDepth(selection.selectionSet, fragments, visiting));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, selectionDepth(selection.selectionSet, fragments, visiting));
    } else {
      const name = selection.name.value;
      // A fragment that spreads itself is reported by the standard NoFragmentCycles rule.
      if (visiting.has(name)) continue;
      visiting.add(name);
      deepest = Math.max(deepest, selectionDepth(fragments.get(name)?.selectionSet, fragments, visiting));
      visiting.delete(name);
    }
  }
  return deepest;
}

/** Refuses documents with more than maxAliases aliased fields (the usual way to multiply one expensive field). */
export function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(field) {
        if (!field.alias) return;
        aliases += 1;
        if (aliases === maxAliases + 1) {
          context.reportError(
            new GraphQLError(`more than ${maxAliases} aliases in one document`, {
              nodes: [field],
              extensions: { code: 'TOO_MANY_ALIASES', limit: maxAliases },
            }),
          );
        }
      },
    };
  };
}
