import { z } from 'zod';

// 0 asks the operating system for a free port (tests start many processes side by side).
const port = z.coerce
  .number({ error: 'must be a whole number between 0 and 65535' })
  .int('must be a whole number between 0 and 65535')
  .min(0, 'must be a whole number between 0 and 65535')
  .max(65535, 'must be a whole number between 0 and 65535');

const positiveInteger = (limit: number) =>
  z.coerce
    .number({ error: `must be a whole number between 1 and ${limit}` })
    .int(`must be a whole number between 1 and ${limit}`)
    .min(1, `must be a whole number between 1 and ${limit}`)
    .max(limit, `must be a whole number between 1 and ${limit}`);

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const urlWithProtocols = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: `must be a URL starting with ${protocols.map((protocol) => `${protocol}//`).join(' or ')}` },
  );

const commaSeparatedList = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

/**
 * Every environment variable any process reads, with the local defaults that match `npm run stack:up`
 * (docs/ports-and-env.md). Only libs/config reads process.env.
 */
export const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: urlWithProtocols(['postgres:', 'postgresql:']).default(
    'postgres://mapoffline:mapoffline@127.0.0.1:55432/mapoffline',
  ),
  DATABASE_POOL_SIZE: positiveInteger(200).default(10),

  REDIS_URL: urlWithProtocols(['redis:', 'rediss:']).default('redis://127.0.0.1:56379'),
  // Braces make every BullMQ key of one queue hash to the same Redis Cluster slot.
  QUEUE_PREFIX: z
    .string()
    .regex(/^\{[a-z0-9-]{1,32}\}$/, 'must be a Redis Cluster hash tag like {map-offline}')
    .default('{map-offline}'),

  STORAGE_DRIVER: z.enum(['s3', 'filesystem']).default('s3'),
  S3_ENDPOINT: z
    .union([z.literal(''), urlWithProtocols(['http:', 'https:'])])
    .default('http://127.0.0.1:59000'),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'must be a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)',
    )
    .default('map-offline'),
  S3_ACCESS_KEY_ID: z.string().default('S3RVER'),
  S3_SECRET_ACCESS_KEY: z.string().default('S3RVER'),
  S3_FORCE_PATH_STYLE: booleanFlag.default(true),
  // bytes; S3 requires at least 5 MiB per part except the last
  S3_MULTIPART_PART_SIZE_BYTES: positiveInteger(5 * 1024 ** 3)
    .min(5 * 1024 ** 2, 'must be at least 5242880 (5 MiB)')
    .default(8 * 1024 ** 2),
  S3_CHECKSUM_MODE: z.enum(['aws', 'when-required']).optional(),
  S3_PRESIGN_ENDPOINT: urlWithProtocols(['http:', 'https:']).optional(),
  STORAGE_FS_ROOT: z.string().min(1).default('.data/objects'),
  STORAGE_URL_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),

  PUBLIC_BASE_URL: urlWithProtocols(['http:', 'https:']).default('http://127.0.0.1:4000'),
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  GATEWAY_PORT: port.default(4000),
  // The internal port of /healthz, /readyz and /metrics (the gateway's /metrics is served only there).
  HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
  // default per app: gateway 4100, tile-seeder 4101, packager 4102, sync-merger 4103 (app-config.ts)
  HEALTH_PORT: port.optional(),

  AUTH_ISSUER: z.string().min(1).default('map-offline-dev'),
  AUTH_AUDIENCE: z.string().min(1).default('map-offline'),
  AUTH_JWKS_URL: urlWithProtocols(['http:', 'https:']).optional(),
  AUTH_PUBLIC_KEYS: z.string().optional(),
  AUTH_DEV_KEY_DIR: z.string().min(1).default('.data/dev-jwt'),
  AUTH_ALGORITHMS: commaSeparatedList.default(['ES256', 'RS256']),
  AUTH_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300, 'must be at most 300').default(30),

  // Hosts tile source URL templates may name; "*" allows any (not recommended). Empty = none.
  TILE_SOURCE_ALLOWED_HOSTS: commaSeparatedList.optional(),
  // Internal address ranges tile sources may reach (SSRF policy); public addresses are always allowed.
  UPSTREAM_ALLOWED_INTERNAL_CIDRS: commaSeparatedList.optional(),
  CACHE_MAX_TILES_PER_JOB: positiveInteger(1_000_000_000).default(2_000_000),
  // tiles per seed-batch job: a few hundred keeps retries cheap and index upserts efficient
  SEED_BATCH_SIZE: positiveInteger(1_000).default(500),
  // milliseconds between checks of a paused job's batches
  PAUSED_BATCH_RECHECK_MS: positiveInteger(60_000).default(2_000),

  // GraphQL abuse limits (per operation) and the per-token request rate shared by all gateway replicas
  GRAPHQL_MAX_DEPTH: positiveInteger(100).default(12),
  GRAPHQL_MAX_ALIASES: positiveInteger(1_000).default(30),
  GRAPHQL_MAX_COMPLEXITY: positiveInteger(1_000_000).default(2_000),
  RATE_LIMIT_REQUESTS_PER_MINUTE: positiveInteger(1_000_000).default(1_200),

  // milliseconds a stopping worker waits for active jobs before releasing them to another worker
  SHUTDOWN_GRACE_MS: positiveInteger(10 * 60 * 1000).default(30_000),
  WORKER_CONCURRENCY: positiveInteger(256).optional(),
  // milliseconds a worker's lock on an active job lasts (renewed at half this while the job runs), and
  // between its checks for jobs whose lock expired. A job of a worker that died (kill -9, OOM, lost node)
  // goes back to the queue within about their sum; lower them only where a crashed worker must be replaced
  // fast (the crash tests), since a worker too busy to renew in time has its jobs taken away.
  WORKER_LOCK_DURATION_MS: positiveInteger(10 * 60 * 1000)
    .min(1_000, 'must be at least 1000')
    .default(30_000),
  WORKER_STALLED_INTERVAL_MS: positiveInteger(10 * 60 * 1000)
    .min(1_000, 'must be at least 1000')
    .default(30_000),
});

export type Environment = z.infer<typeof environmentSchema>;
