import { createLocalJWKSet, JWTVerifyGetKey } from 'jose';
import { AuthConfig, resolveAuthConfig, ResolvedAuthConfig, ResolvedKeySource } from './auth-config';
import { loadOrCreateDevelopmentSigningKey } from './development-keys';
import { JoseTokenVerifier } from './jose-token-verifier';
import { RemoteJwksKeyResolver } from './remote-jwks-key-resolver';
import { TokenVerifier } from './token-verifier';

/** Validates the config and builds the verifier for its key source (generating development keys if needed). */
export async function createTokenVerifier(config: AuthConfig): Promise<TokenVerifier> {
  return createTokenVerifierFromResolvedConfig(resolveAuthConfig(config));
}

export async function createTokenVerifierFromResolvedConfig(
  config: ResolvedAuthConfig,
): Promise<TokenVerifier> {
  return new JoseTokenVerifier(config, await createKeyResolver(config.keys));
}

export async function createKeyResolver(source: ResolvedKeySource): Promise<JWTVerifyGetKey> {
  switch (source.kind) {
    case 'jwks':
      return new RemoteJwksKeyResolver(source).resolve;
    case 'static':
      return createLocalJWKSet({ keys: [...source.publicKeysJwks] });
    case 'development': {
      const key = await loadOrCreateDevelopmentSigningKey(source.keyDirectory);
      return createLocalJWKSet({ keys: [key.publicJwk] });
    }
    default:
      return assertUnreachable(source);
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unknown key source ${JSON.stringify(value)}`);
}
