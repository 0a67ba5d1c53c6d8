import { ConfigError, ConfigProblem } from './config-error';
import { Environment, environmentSchema } from './env-schema';

export type AppName = 'gateway' | 'tile-seeder' | 'packager' | 'sync-merger';

/**
 * The internal health/metrics port each process uses when HEALTH_PORT is not set (docs/ports-and-env.md). The
 * gateway serves /metrics only there, never on its public port.
 */
const DEFAULT_HEALTH_PORTS: Record<AppName, number> = {
  gateway: 4100,
  'tile-seeder': 4101,
  packager: 4102,
  'sync-merger': 4103,
};

/** Jobs each worker runs at once when WORKER_CONCURRENCY is not set. */
const DEFAULT_WORKER_CONCURRENCY: Record<AppName, number> = {
  gateway: 1,
  // several batches in flight keep the per-source request limit busy while one batch commits
  'tile-seeder': 8,
  packager: 1,
  'sync-merger': 4,
};

// Only for local runs: production must set STORAGE_URL_SIGNING_SECRET (checked below).
const DEVELOPMENT_URL_SIGNING_SECRET = 'map-offline-development-url-signing-secret-not-for-production';

export type StorageSettings =
  | {
      driver: 's3';
      endpoint?: string;
      region: string;
      bucket: string;
      accessKeyId: string;
      secretAccessKey: string;
      forcePathStyle: boolean;
      multipartPartSizeBytes: number;
      /** 'when-required' for S3-compatible servers that store aws-chunked framing (s3rver, some MinIO) */
      checksumMode: 'aws' | 'when-required';
      /** The endpoint presigned URLs name, when clients reach storage by another address than the apps. */
      presignEndpoint?: string;
    }
  | { driver: 'filesystem'; rootDirectory: string; presignSecret: string; publicBaseUrl: string };

export type AuthKeySettings =
  | { kind: 'jwks'; url: string }
  | { kind: 'static'; publicKeysJwks: Record<string, unknown>[] }
  | { kind: 'development'; keyDirectory: string };

export interface AppConfig {
  app: AppName;
  environment: Environment['NODE_ENV'];
  isProduction: boolean;
  logLevel: Environment['LOG_LEVEL'];
  database: { url: string; poolSize: number };
  redis: { url: string; queuePrefix: string };
  storage: StorageSettings;
  gateway: {
    host: string;
    port: number;
    publicBaseUrl: string;
    maxQueryDepth: number;
    maxQueryAliases: number;
    maxQueryComplexity: number;
    requestsPerMinute: number;
  };
  health: { host: string; port: number };
  auth: {
    issuer: string;
    audience: string;
    algorithms: string[];
    clockToleranceSeconds: number;
    keys: AuthKeySettings;
  };
  worker: {
    concurrency: number;
    shutdownGraceMs: number;
    /** milliseconds; see WORKER_LOCK_DURATION_MS and WORKER_STALLED_INTERVAL_MS */
    lockDurationMs: number;
    stalledIntervalMs: number;
  };
  caching: {
    allowedSourceHosts: string[];
    /** internal CIDRs upstream connections may reach; everything internal is refused otherwise */
    allowedInternalCidrs: string[];
    maxTilesPerJob: number;
    seedBatchSize: number;
    pausedBatchRecheckMs: number;
  };
}

/**
 * Parses and validates the environment once, at boot. Every problem is collected and thrown together
 * as one ConfigError so an operator sees the whole list, not the first mistake.
 */
export function loadAppConfig(app: AppName, env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = environmentSchema.safeParse(withoutEmptyValues(env));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        message: issue.code === 'invalid_value' ? `${issue.message}` : issue.message,
      })),
    );
  }
  const values = parsed.data;
  const problems: ConfigProblem[] = [];
  const isProduction = values.NODE_ENV === 'production';

  const keys = authKeySettings(values, isProduction, problems);
  const storage = storageSettings(values, isProduction, problems);
  const healthPort = values.HEALTH_PORT ?? DEFAULT_HEALTH_PORTS[app];
  if (app === 'gateway' && healthPort !== 0 && healthPort === values.GATEWAY_PORT) {
    problems.push({
      variable: 'HEALTH_PORT',
      message: `must differ from GATEWAY_PORT (${values.GATEWAY_PORT}): the gateway serves /metrics on its own internal port`,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    app,
    environment: values.NODE_ENV,
    isProduction,
    logLevel: values.LOG_LEVEL,
    database: { url: values.DATABASE_URL, poolSize: values.DATABASE_POOL_SIZE },
    redis: { url: values.REDIS_URL, queuePrefix: values.QUEUE_PREFIX },
    storage,
    gateway: {
      host: values.GATEWAY_HOST,
      port: values.GATEWAY_PORT,
      publicBaseUrl: values.PUBLIC_BASE_URL,
      maxQueryDepth: values.GRAPHQL_MAX_DEPTH,
      maxQueryAliases: values.GRAPHQL_MAX_ALIASES,
      maxQueryComplexity: values.GRAPHQL_MAX_COMPLEXITY,
      requestsPerMinute: values.RATE_LIMIT_REQUESTS_PER_MINUTE,
    },
    health: { host: values.HEALTH_HOST, port: healthPort },
    auth: {
      issuer: values.AUTH_ISSUER,
      audience: values.AUTH_AUDIENCE,
      algorithms: values.AUTH_ALGORITHMS,
      clockToleranceSeconds: values.AUTH_CLOCK_TOLERANCE_SECONDS,
      keys: keys ?? { kind: 'development', keyDirectory: values.AUTH_DEV_KEY_DIR },
    },
    worker: {
      concurrency: values.WORKER_CONCURRENCY ?? DEFAULT_WORKER_CONCURRENCY[app],
      shutdownGraceMs: values.SHUTDOWN_GRACE_MS,
      lockDurationMs: values.WORKER_LOCK_DURATION_MS,
      stalledIntervalMs: values.WORKER_STALLED_INTERVAL_MS,
    },
    caching: {
      // Local runs fetch from the fixture server on loopback; production must list its upstreams.
      allowedSourceHosts:
        values.TILE_SOURCE_ALLOWED_HOSTS ?? (isProduction ? [] : ['127.0.0.1', 'localhost']),
      allowedInternalCidrs: values.UPSTREAM_ALLOWED_INTERNAL_CIDRS ?? (isProduction ? [] : ['127.0.0.0/8']),
      maxTilesPerJob: values.CACHE_MAX_TILES_PER_JOB,
      seedBatchSize: values.SEED_BATCH_SIZE,
      pausedBatchRecheckMs: values.PAUSED_BATCH_RECHECK_MS,
    },
  };
}

/** An empty variable (`FOO=`) means "not set", as in most twelve-factor tools. */
function withoutEmptyValues(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') result[name] = value;
  }
  return result;
}

function authKeySettings(
  values: Environment,
  isProduction: boolean,
  problems: ConfigProblem[],
): AuthKeySettings | undefined {
  if (values.AUTH_JWKS_URL && values.AUTH_PUBLIC_KEYS) {
    problems.push({
      variable: 'AUTH_PUBLIC_KEYS',
      message: 'set either AUTH_JWKS_URL or AUTH_PUBLIC_KEYS, not both',
    });
    return undefined;
  }
  if (values.AUTH_JWKS_URL) return { kind: 'jwks', url: values.AUTH_JWKS_URL };
  if (values.AUTH_PUBLIC_KEYS) {
    const keys = parsePublicKeys(values.AUTH_PUBLIC_KEYS);
    if (!keys) {
      problems.push({
        variable: 'AUTH_PUBLIC_KEYS',
        message: 'must be a JSON Web Key Set ({"keys": [...]}) with at least one public key',
      });
      return undefined;
    }
    return { kind: 'static', publicKeysJwks: keys };
  }
  if (isProduction) {
    problems.push({
      variable: 'AUTH_JWKS_URL',
      message: 'production needs AUTH_JWKS_URL or AUTH_PUBLIC_KEYS; development signing keys are refused',
    });
  }
  return undefined;
}

function parsePublicKeys(text: string): Record<string, unknown>[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || !('keys' in parsed) || !Array.isArray(parsed.keys)) {
      return undefined;
    }
    const keys = parsed.keys.filter(
      (key): key is Record<string, unknown> => typeof key === 'object' && key !== null && !('d' in key),
    );
    return keys.length > 0 && keys.length === parsed.keys.length ? keys : undefined;
  } catch {
    return undefined;
  }
}

function storageSettings(
  values: Environment,
  isProduction: boolean,
  problems: ConfigProblem[],
): StorageSettings {
  if (values.STORAGE_DRIVER === 'filesystem') {
    if (isProduction && !values.STORAGE_URL_SIGNING_SECRET) {
      problems.push({
        variable: 'STORAGE_URL_SIGNING_SECRET',
        message: 'is required in production with STORAGE_DRIVER=filesystem (at least 32 characters)',
      });
    }
    return {
      driver: 'filesystem',
      rootDirectory: values.STORAGE_FS_ROOT,
      presignSecret: values.STORAGE_URL_SIGNING_SECRET ?? DEVELOPMENT_URL_SIGNING_SECRET,
      publicBaseUrl: values.PUBLIC_BASE_URL,
    };
  }
  return {
    driver: 's3',
    endpoint: values.S3_ENDPOINT === 'aws' ? undefined : values.S3_ENDPOINT,
    region: values.S3_REGION,
    bucket: values.S3_BUCKET,
    accessKeyId: values.S3_ACCESS_KEY_ID,
    secretAccessKey: values.S3_SECRET_ACCESS_KEY,
    forcePathStyle: values.S3_FORCE_PATH_STYLE,
    multipartPartSizeBytes: values.S3_MULTIPART_PART_SIZE_BYTES,
    // AWS verifies checksums; other endpoints may mishandle the SDK's default streaming checksums.
    checksumMode: values.S3_CHECKSUM_MODE ?? (values.S3_ENDPOINT === 'aws' ? 'aws' : 'when-required'),
    presignEndpoint: values.S3_PRESIGN_ENDPOINT,
  };
}
