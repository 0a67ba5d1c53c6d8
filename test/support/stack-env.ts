// Connection settings for the local stack (`npm run stack:up`), as tests see them. The defaults are the
// stack script's own (scripts/stack/stack-defaults.json); the same STACK_*_PORT variables move both.
// An explicit REDIS_URL / DATABASE_URL / S3_* variable wins, e.g. to test against another server.
import stackDefaults from '../../scripts/stack/stack-defaults.json';

export interface StackSettings {
  redis: { host: string; port: number; url: string };
  postgres: { host: string; port: number; user: string; password: string; database: string; url: string };
  s3: {
    endpoint: string;
    bucket: string;
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
    forcePathStyle: boolean;
  };
}

function portFrom(env: NodeJS.ProcessEnv, variable: string, fallback: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${variable}=${raw} is not a port number (a whole number between 1 and 65535)`);
  }
  return port;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

export function readStackSettings(env: NodeJS.ProcessEnv = process.env): StackSettings {
  const host = stackDefaults.host;
  const redisUrl = new URL(
    nonEmpty(env.REDIS_URL) ??
      `redis://${host}:${portFrom(env, 'STACK_REDIS_PORT', stackDefaults.redis.port)}`,
  );
  const { user, password, database } = stackDefaults.postgres;
  const postgresUrl = new URL(
    nonEmpty(env.DATABASE_URL) ??
      `postgres://${user}:${password}@${host}:${portFrom(env, 'STACK_POSTGRES_PORT', stackDefaults.postgres.port)}/${database}`,
  );
  const s3Port = portFrom(env, 'STACK_S3_PORT', stackDefaults.s3.port);
  return {
    redis: {
      host: redisUrl.hostname,
      port: Number(redisUrl.port || 6379),
      url: redisUrl.toString().replace(/\/$/, ''),
    },
    postgres: {
      host: postgresUrl.hostname,
      port: Number(postgresUrl.port || 5432),
      user: decodeURIComponent(postgresUrl.username),
      password: decodeURIComponent(postgresUrl.password),
      database: postgresUrl.pathname.replace(/^\//, ''),
      url: postgresUrl.toString(),
    },
    s3: {
      endpoint: nonEmpty(env.S3_ENDPOINT) ?? `http://${host}:${s3Port}`,
      bucket: nonEmpty(env.S3_BUCKET) ?? stackDefaults.s3.bucket,
      region: nonEmpty(env.S3_REGION) ?? stackDefaults.s3.region,
      accessKeyId: nonEmpty(env.S3_ACCESS_KEY_ID) ?? stackDefaults.s3.accessKeyId,
      secretAccessKey: nonEmpty(env.S3_SECRET_ACCESS_KEY) ?? stackDefaults.s3.secretAccessKey,
      forcePathStyle: (nonEmpty(env.S3_FORCE_PATH_STYLE) ?? 'true') !== 'false',
    },
  };
}

/** The variables apps read (docs/ports-and-env.md), pointing at the stack these settings describe. */
export function stackEnvironment(settings: StackSettings): Record<string, string> {
  return {
    REDIS_URL: settings.redis.url,
    DATABASE_URL: settings.postgres.url,
    STORAGE_DRIVER: 's3',
    S3_ENDPOINT: settings.s3.endpoint,
    S3_BUCKET: settings.s3.bucket,
    S3_REGION: settings.s3.region,
    S3_ACCESS_KEY_ID: settings.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: settings.s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: String(settings.s3.forcePathStyle),
  };
}
