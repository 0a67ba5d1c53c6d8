import { Type } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { RESOLVER_NAME_METADATA, RESOLVER_TYPE_METADATA } from '@nestjs/graphql';
import { ACCESS_METADATA_KEY, AccessDeclaration } from './access-declaration';

export type RootOperationType = 'Query' | 'Mutation' | 'Subscription';

const ROOT_OPERATION_TYPES: ReadonlySet<string> = new Set<RootOperationType>([
  'Query',
  'Mutation',
  'Subscription',
]);

export interface OperationAccess {
  operationType: RootOperationType;
  /** The field name in the schema (the decorator's name option, else the method name). */
  fieldName: string;
  resolverClass: string;
  methodName: string;
  /** What the guard will apply: the method's declaration, else the class's; undefined means refused. */
  access: AccessDeclaration | undefined;
}

/**
 * Every top-level Query, Mutation and Subscription handler of the given resolver classes with the
 * access rule it declares, read from the same metadata the ScopesGuard reads. A test can fail on any
 * entry whose `access` is undefined.
 */
export function listOperationAccess(resolverClasses: readonly Type[]): OperationAccess[] {
  return resolverClasses.flatMap((resolverClass) =>
    methods(resolverClass).flatMap(([methodName, method]): OperationAccess[] => {
      const operationType: unknown = Reflect.getMetadata(RESOLVER_TYPE_METADATA, method);
      if (typeof operationType !== 'string' || !isRootOperationType(operationType)) return [];
      const declaredName: unknown = Reflect.getMetadata(RESOLVER_NAME_METADATA, method);
      const access =
        (Reflect.getMetadata(ACCESS_METADATA_KEY, method) as AccessDeclaration | undefined) ??
        (Reflect.getMetadata(ACCESS_METADATA_KEY, resolverClass) as AccessDeclaration | undefined);
      return [
        {
          operationType,
          fieldName: typeof declaredName === 'string' ? declaredName : methodName,
          resolverClass: resolverClass.name,
          methodName,
          access,
        },
      ];
    }),
  );
}

/** The same list for every provider of a running application (inject Nest's DiscoveryService). */
export function listApplicationOperationAccess(discovery: DiscoveryService): OperationAccess[] {
  const classes = discovery
    .getProviders()
    .map((wrapper) => wrapper.metatype)
    .filter(
      (metatype): metatype is Type => typeof metatype === 'function' && metatype.prototype !== undefined,
    );
  return listOperationAccess([...new Set(classes)]);
}

/** Entries that would be refused at run time because they declare nothing. */
export function undeclaredOperations(operations: readonly OperationAccess[]): OperationAccess[] {
  return operations.filter((operation) => operation.access === undefined);
}

function isRootOperationType(value: string): value is RootOperationType {
  return ROOT_OPERATION_TYPES.has(value);
}

/**
 * Own and inherited methods, nearest class first. Read through property descriptors, never by
 * property access: some providers (Nest's ModuleRef) have prototype getters that fail without an instance.
 */
function methods(resolverClass: Type): [string, (...args: unknown[]) => unknown][] {
  const found = new Map<string, (...args: unknown[]) => unknown>();
  let prototype: object | null = resolverClass.prototype as object;
  while (prototype !== null && prototype !== Object.prototype) {
    for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(prototype))) {
      const value: unknown = descriptor.value;
      if (name !== 'constructor' && !found.has(name) && typeof value === 'function') {
        found.set(name, value as (...args: unknown[]) => unknown);
      }
    }
    prototype = Object.getPrototypeOf(prototype) as object | null;
  }
  return [...found];
}
