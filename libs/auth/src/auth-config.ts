import type { JWK } from 'jose';

/** A public JSON Web Key, as jose types it or as parsed from JSON by the config library. */
export type PublicJsonWebKey = JWK | Readonly<Record<string, unknown>>;

export type KeySource =
  /** The identity provider's JWKS endpoint; keys are cached and refreshed on an unknown `kid`. */
  | { kind: 'jwks'; url: string; cooldownMs?: number; cacheMaxAgeMs?: number; timeoutMs?: number }
  /** Public keys given in configuration (air-gapped deployments without a reachable identity provider). */
  | { kind: 'static'; publicKeysJwks: readonly PublicJsonWebKey[] }
  /** A local ES256 key pair generated once into keyDirectory; never in production. */
  | { kind: 'development'; keyDirectory?: string };

/** What the gateway's configuration provides. Omitted fields take the defaults below. */
export interface AuthConfig {
  issuer: string;
  audience: string;
  /** Accepted JWS algorithms (asymmetric only); default ['ES256', 'RS256']. */
  algorithms?: readonly string[];
  /** Allowed clock skew for `exp` and `nbf`, seconds; default 30. */
  clockToleranceSeconds?: number;
  keys: KeySource;
}

export type AsymmetricAlgorithm =
  'ES256' | 'ES384' | 'ES512' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'EdDSA';

const ASYMMETRIC_ALGORITHMS: ReadonlySet<string> = new Set<AsymmetricAlgorithm>([
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
]);

export const DEFAULT_ALGORITHMS: readonly AsymmetricAlgorithm[] = ['ES256', 'RS256'];
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
/** Minimum time between two JWKS fetches triggered by unknown `kid`s or by failures, milliseconds. */
export const DEFAULT_JWKS_COOLDOWN_MS = 30_000;
/** How long fetched keys are trusted before they are fetched again, milliseconds. */
export const DEFAULT_JWKS_CACHE_MAX_AGE_MS = 600_000;
/** How long one JWKS request may take, milliseconds. */
export const DEFAULT_JWKS_TIMEOUT_MS = 5_000;
export const DEFAULT_DEVELOPMENT_KEY_DIRECTORY = '.data/dev-jwt';
/** Issuer and audience of development tokens; they match the config library's defaults. */
export const DEVELOPMENT_ISSUER = 'map-offline-dev';
export const DEFAULT_AUDIENCE = 'map-offline';

export type ResolvedKeySource =
  | { kind: 'jwks'; url: URL; cooldownMs: number; cacheMaxAgeMs: number; timeoutMs: number }
  | { kind: 'static'; publicKeysJwks: readonly JWK[] }
  | { kind: 'development'; keyDirectory: string };

export interface ResolvedAuthConfig {
  issuer: string;
  audience: string;
  algorithms: readonly AsymmetricAlgorithm[];
  clockToleranceSeconds: number;
  keys: ResolvedKeySource;
}

export class AuthConfigError extends Error {
  override readonly name = 'AuthConfigError';
}

/** Applies defaults and refuses unsafe settings (alg `none`, HMAC algorithms, private keys). */
export function resolveAuthConfig(config: AuthConfig): ResolvedAuthConfig {
  const problems: string[] = [];
  if (config.issuer.trim() === '') problems.push('issuer must not be empty');
  if (config.audience.trim() === '') problems.push('audience must not be empty');
  const algorithms = resolveAlgorithms(config.algorithms ?? DEFAULT_ALGORITHMS, problems);
  const clockToleranceSeconds = config.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  if (!Number.isFinite(clockToleranceSeconds) || clockToleranceSeconds < 0) {
    problems.push('clockToleranceSeconds must be a number of seconds >= 0');
  }
  const keys = resolveKeySource(config.keys, problems);
  if (problems.length > 0 || keys === undefined) {
    throw new AuthConfigError(`invalid auth configuration: ${problems.join('; ')}`);
  }
  return { issuer: config.issuer, audience: config.audience, algorithms, clockToleranceSeconds, keys };
}

function resolveAlgorithms(requested: readonly string[], problems: string[]): AsymmetricAlgorithm[] {
  if (requested.length === 0) problems.push('algorithms must name at least one algorithm');
  const accepted: AsymmetricAlgorithm[] = [];
  for (const algorithm of requested) {
    if (isAsymmetricAlgorithm(algorithm)) {
      accepted.push(algorithm);
    } else if (algorithm.toLowerCase() === 'none') {
      problems.push('algorithm "none" is never accepted');
    } else if (/^HS\d+$/i.test(algorithm)) {
      // Keys come from a public key set; accepting HMAC would let a caller sign with the public key bytes.
      problems.push(`symmetric algorithm ${algorithm} is not accepted (only asymmetric algorithms)`);
    } else {
      problems.push(`unknown algorithm ${JSON.stringify(algorithm)}`);
    }
  }
  return accepted;
}

function isAsymmetricAlgorithm(value: string): value is AsymmetricAlgorithm {
  return ASYMMETRIC_ALGORITHMS.has(value);
}

function resolveKeySource(source: KeySource, problems: string[]): ResolvedKeySource | undefined {
  switch (source.kind) {
    case 'jwks':
      return resolveJwksSource(source, problems);
    case 'static':
      return resolveStaticSource(source.publicKeysJwks, problems);
    case 'development':
      return { kind: 'development', keyDirectory: source.keyDirectory ?? DEFAULT_DEVELOPMENT_KEY_DIRECTORY };
    default:
      return assertUnreachable(source);
  }
}

function resolveJwksSource(
  source: Extract<KeySource, { kind: 'jwks' }>,
  problems: string[],
): ResolvedKeySource | undefined {
  let url: URL;
  try {
    url = new URL(source.url);
  } catch {
    problems.push('keys.url is not a URL');
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push('keys.url must be an http(s) URL');
  }
  const durations = {
    cooldownMs: source.cooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS,
    cacheMaxAgeMs: source.cacheMaxAgeMs ?? DEFAULT_JWKS_CACHE_MAX_AGE_MS,
    timeoutMs: source.timeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS,
  };
  for (const [name, value] of Object.entries(durations)) {
    if (!Number.isFinite(value) || value < 0) problems.push(`keys.${name} must be milliseconds >= 0`);
  }
  return { kind: 'jwks', url, ...durations };
}

function resolveStaticSource(
  publicKeysJwks: readonly PublicJsonWebKey[],
  problems: string[],
): ResolvedKeySource | undefined {
  if (publicKeysJwks.length === 0) problems.push('keys.publicKeysJwks must hold at least one key');
  const keys: JWK[] = [];
  publicKeysJwks.forEach((key, index) => {
    const keyType = key.kty;
    if (keyType !== 'EC' && keyType !== 'RSA' && keyType !== 'OKP') {
      problems.push(`keys.publicKeysJwks[${index}] must be an EC, RSA or OKP public key`);
    } else if ('d' in key || 'p' in key) {
      problems.push(`keys.publicKeysJwks[${index}] is a private key; configure the public half only`);
    } else {
      // Shape checked above; jose checks the rest of the parameters when it imports the key.
      keys.push(key as JWK);
    }
  });
  return { kind: 'static', publicKeysJwks: keys };
}

/** True when tokens are checked against the local development key; the gateway refuses it in production. */
export function usesDevelopmentKeys(config: Pick<AuthConfig, 'keys'>): boolean {
  return config.keys.kind === 'development';
}

/** Call at boot with NODE_ENV: throws when development keys would be trusted in production. */
export function assertKeySourceAllowed(
  config: Pick<AuthConfig, 'keys'>,
  nodeEnvironment: string | undefined,
): void {
  if (nodeEnvironment === 'production' && usesDevelopmentKeys(config)) {
    throw new AuthConfigError(
      'development signing keys are refused when NODE_ENV=production; configure a JWKS URL or static public keys',
    );
  }
}

function assertUnreachable(value: never): never {
  throw new AuthConfigError(`unknown key source ${JSON.stringify(value)}`);
}
