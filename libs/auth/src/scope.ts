/**
 * Every scope the API knows. Tokens may carry other scopes (`openid`, `profile`, scopes of other
 * APIs); those are ignored, never an error. `admin` implies every other scope.
 */
export const SCOPES = [
  'cache:read',
  'cache:write',
  'sources:admin',
  'package:read',
  'package:write',
  'sync:read',
  'sync:write',
  'sync:resolve',
  'queue:submit',
  'queue:read',
  'admin',
] as const;

export type Scope = (typeof SCOPES)[number];

export const ADMIN_SCOPE: Scope = 'admin';

const KNOWN_SCOPES: ReadonlySet<string> = new Set(SCOPES);

export function isScope(value: string): value is Scope {
  return KNOWN_SCOPES.has(value);
}

/** The required scopes the principal lacks; empty when access is granted. `admin` grants everything. */
export function missingScopes(granted: ReadonlySet<Scope>, required: readonly Scope[]): Scope[] {
  if (granted.has(ADMIN_SCOPE)) return [];
  return [...new Set(required)].filter((scope) => !granted.has(scope));
}

export function hasScopes(granted: ReadonlySet<Scope>, required: readonly Scope[]): boolean {
  return missingScopes(granted, required).length === 0;
}
