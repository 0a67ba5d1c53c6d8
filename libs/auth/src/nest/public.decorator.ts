import { SetMetadata } from '@nestjs/common';
import { ACCESS_METADATA_KEY, AccessDeclaration } from './access-declaration';

/** Open to callers without a token (health checks). On a class it covers every handler without its own declaration. */
export function Public(): ClassDecorator & MethodDecorator {
  const declaration: AccessDeclaration = { kind: 'public' };
  return SetMetadata(ACCESS_METADATA_KEY, declaration);
}
