import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Scope } from '../scope';

/** Reflect-metadata key of @Public and @RequireScopes; one key so a method's declaration replaces its class's. */
export const ACCESS_METADATA_KEY = 'map-offline:auth:access';

export type AccessDeclaration =
  | { kind: 'public' }
  /** Every listed scope is needed (admin implies all); an empty list means "any valid token". */
  | { kind: 'scopes'; scopes: readonly Scope[] };

/** The handler's declaration, else its class's, else undefined (which the guard refuses). */
export function readAccessDeclaration(
  reflector: Reflector,
  context: ExecutionContext,
): AccessDeclaration | undefined {
  return reflector.getAllAndOverride<AccessDeclaration | undefined>(ACCESS_METADATA_KEY, [
    context.getHandler(),
    context.getClass(),
  ]);
}
