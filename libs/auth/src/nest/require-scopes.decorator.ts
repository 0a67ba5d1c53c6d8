import { SetMetadata } from '@nestjs/common';
import { isScope, Scope } from '../scope';
import { ACCESS_METADATA_KEY, AccessDeclaration } from './access-declaration';

/**
 * The caller needs a valid token holding every listed scope (`admin` holds all). With no scopes, any
 * valid token will do. On a class it covers every handler; a handler's own declaration replaces it.
 */
export function RequireScopes(...scopes: Scope[]): ClassDecorator & MethodDecorator {
  // Also checked at run time: decorators are evaluated when the class is loaded, so a typo fails at boot.
  const unknown = scopes.filter((scope) => !isScope(scope));
  if (unknown.length > 0) throw new TypeError(`@RequireScopes: unknown scope(s) ${unknown.join(', ')}`);
  const declaration: AccessDeclaration = { kind: 'scopes', scopes: [...new Set(scopes)] };
  return SetMetadata(ACCESS_METADATA_KEY, declaration);
}
