// Resolves where each stack service listens and keeps its files. The defaults live in
// stack-defaults.json, shared with test/support/stack-env.ts, so tests and the stack agree.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const stackDirectory = path.dirname(fileURLToPath(import.meta.url));
export const repositoryRoot = path.resolve(stackDirectory, '..', '..');
export const stackDefaults = JSON.parse(
  readFileSync(path.join(stackDirectory, 'stack-defaults.json'), 'utf8'),
);

export class StackError extends Error {}

function portFromEnvironment(variable, fallback, env) {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new StackError(`${variable}=${raw} is not a port number (a whole number between 1 and 65535).`);
  }
  return port;
}

export function resolveStackConfig(env = process.env) {
  const host = stackDefaults.host;
  const dataDirectory = path.join(repositoryRoot, '.data');
  const runDirectory = path.join(dataDirectory, 'run');
  const logDirectory = path.join(dataDirectory, 'logs');
  const redisPort = portFromEnvironment('STACK_REDIS_PORT', stackDefaults.redis.port, env);
  const postgresPort = portFromEnvironment('STACK_POSTGRES_PORT', stackDefaults.postgres.port, env);
  const s3Port = portFromEnvironment('STACK_S3_PORT', stackDefaults.s3.port, env);
  const { user, password, database } = stackDefaults.postgres;
  return {
    host,
    dataDirectory,
    runDirectory,
    logDirectory,
    lockFile: path.join(runDirectory, 'stack.lock'),
    redis: {
      port: redisPort,
      portVariable: 'STACK_REDIS_PORT',
      url: `redis://${host}:${redisPort}`,
      dataDirectory: path.join(dataDirectory, 'redis'),
      pidFile: path.join(runDirectory, 'redis.pid'),
      logFile: path.join(logDirectory, 'redis.log'),
    },
    postgres: {
      port: postgresPort,
      portVariable: 'STACK_POSTGRES_PORT',
      user,
      password,
      database,
      url: `postgres://${user}:${password}@${host}:${postgresPort}/${database}`,
      dataDirectory: path.join(dataDirectory, 'postgres'),
      // The server's own pidfile (first line is the postmaster pid, fourth the port).
      pidFile: path.join(dataDirectory, 'postgres', 'postmaster.pid'),
      socketDirectory: path.join(runDirectory, 'postgres'),
      logFile: path.join(logDirectory, 'postgres.log'),
    },
    s3: {
      ...stackDefaults.s3,
      port: s3Port,
      portVariable: 'STACK_S3_PORT',
      endpoint: `http://${host}:${s3Port}`,
      dataDirectory: path.join(dataDirectory, 's3'),
      pidFile: path.join(runDirectory, 's3rver.pid'),
      logFile: path.join(logDirectory, 's3rver.log'),
    },
  };
}

/** The variables apps and tests read (docs/ports-and-env.md), pointing at this stack. */
export function applicationEnvironment(config) {
  return {
    REDIS_URL: config.redis.url,
    DATABASE_URL: config.postgres.url,
    STORAGE_DRIVER: 's3',
    S3_ENDPOINT: config.s3.endpoint,
    S3_BUCKET: config.s3.bucket,
    S3_REGION: config.s3.region,
    S3_ACCESS_KEY_ID: config.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: config.s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
  };
}
