import { createLocalJWKSet, createRemoteJWKSet, errors, JWTVerifyGetKey, KeyLike } from 'jose';
import { AuthError, AuthErrorCode } from './auth-error';

export interface RemoteJwksOptions {
  url: URL;
  /** Minimum time between two fetches, after a success (jose) and after a failure (here), milliseconds. */
  cooldownMs: number;
  /** Keys older than this are fetched again before use, milliseconds. */
  cacheMaxAgeMs: number;
  /** One fetch may take this long, milliseconds. */
  timeoutMs: number;
}

type RemoteKeySet = ReturnType<typeof createRemoteJWKSet>;
type LocalKeySet = ReturnType<typeof createLocalJWKSet>;

/**
 * Keys from the identity provider's JWKS endpoint. jose's remote set caches the keys for cacheMaxAgeMs
 * and refetches on an unknown `kid` at most once per cooldownMs. jose retries a failed fetch on every
 * call, so a flood of tokens while the provider is down would become a flood of fetches; this wrapper
 * fails fast with KEYS_UNAVAILABLE for cooldownMs after a failure (still serving keys that are fresh).
 */
export class RemoteJwksKeyResolver {
  private readonly remote: RemoteKeySet;
  /** Date.now() of the last failed fetch, milliseconds; undefined after a success. */
  private failedAtMs: number | undefined;
  /** Keys of the last good fetch, used while a failure cools down. */
  private lastGoodKeys: LocalKeySet | undefined;

  constructor(private readonly options: RemoteJwksOptions) {
    this.remote = createRemoteJWKSet(options.url, {
      cooldownDuration: options.cooldownMs,
      cacheMaxAge: options.cacheMaxAgeMs,
      timeoutDuration: options.timeoutMs,
    });
  }

  readonly resolve: JWTVerifyGetKey = async (protectedHeader, token): Promise<KeyLike> => {
    if (this.isCoolingDownAfterFailure()) {
      if (this.lastGoodKeys !== undefined && this.remote.fresh)
        return this.lastGoodKeys(protectedHeader, token);
      throw keysUnavailable('the JWKS endpoint failed recently; not asking again during the cool-down');
    }
    try {
      const key = await this.remote(protectedHeader, token);
      this.failedAtMs = undefined;
      return key;
    } catch (error: unknown) {
      if (isKeyLookupError(error)) throw error;
      this.failedAtMs = Date.now();
      const keySet = this.remote.jwks();
      this.lastGoodKeys = keySet === undefined ? undefined : createLocalJWKSet(keySet);
      throw keysUnavailable('the JWKS endpoint could not be read', error);
    }
  };

  private isCoolingDownAfterFailure(): boolean {
    return this.failedAtMs !== undefined && Date.now() - this.failedAtMs < this.options.cooldownMs;
  }
}

/** Errors about the token's key choice, not about reaching the key set. */
function isKeyLookupError(error: unknown): boolean {
  return (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys ||
    error instanceof errors.JOSENotSupported
  );
}

function keysUnavailable(message: string, cause?: unknown): AuthError {
  return new AuthError(
    AuthErrorCode.KEYS_UNAVAILABLE,
    message,
    [],
    cause === undefined ? undefined : { cause },
  );
}
