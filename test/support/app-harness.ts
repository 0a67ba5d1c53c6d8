import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startGateway } from '../../apps/gateway/src/start-gateway';
import { AppConfig, AppName, loadAppConfig } from '@map-offline/config';
import { QueueName } from '@map-offline/contracts';
import { AppLogger, createLogger } from '@map-offline/observability';
import { RunningProcess, startWorkerProcess } from '@map-offline/runtime';
import { createTestDatabase, TestDatabase } from './test-database';

/**
 * One isolated world per test file: its own database cloned from the migrated template, its own queue
 * prefix in the shared Redis and its own key prefix in the shared bucket, so files run side by side.
 */
export interface TestWorld {
  env: Record<string, string>;
  database: TestDatabase;
  queuePrefix: string;
  close(): Promise<void>;
}

export async function createTestWorld(overrides: Record<string, string> = {}): Promise<TestWorld> {
  const database = await createTestDatabase();
  const queuePrefix = `{t${randomBytes(5).toString('hex')}}`;
  const env: Record<string, string> = {
    ...stringEnv(process.env),
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '5',
    QUEUE_PREFIX: queuePrefix,
    GATEWAY_PORT: '0',
    HEALTH_PORT: '0',
    SHUTDOWN_GRACE_MS: '10000',
    PAUSED_BATCH_RECHECK_MS: '300',
    ...overrides,
  };
  return { env, database, queuePrefix, close: () => database.drop() };
}

/** An app started by startInProcess. */
export interface RunningApp extends RunningProcess {
  /** The port serving /metrics: the gateway's internal health port (HEALTH_PORT), a worker's health port. */
  metricsPort: number;
}

/** Runs an app inside the test process (fast to start, easy to debug). */
export async function startInProcess(app: AppName, env: Record<string, string>): Promise<RunningApp> {
  const config = loadAppConfig(app, env);
  const logger = createLogger({ app, level: config.logLevel });
  if (app === 'gateway') return startGateway(config, logger);
  const worker = await startWorker(app, config, logger);
  return { ...worker, metricsPort: worker.port };
}

async function startWorker(
  app: Exclude<AppName, 'gateway'>,
  config: AppConfig,
  logger: AppLogger,
): Promise<RunningProcess> {
  switch (app) {
    case 'tile-seeder': {
      const { TileSeedingModule } = await import('../../apps/tile-seeder/src/tile-seeding.module');
      return startWorkerProcess(config, logger, {
        queue: QueueName.TileSeeding,
        featureModule: (appConfig) => TileSeedingModule.forRoot(appConfig),
      });
    }
    case 'packager': {
      const { PackagingModule } = await import('../../apps/packager/src/packaging.module');
      return startWorkerProcess(config, logger, {
        queue: QueueName.Packaging,
        featureModule: (appConfig) => PackagingModule.forRoot(appConfig),
      });
    }
    case 'sync-merger': {
      const { SyncMergeModule } = await import('../../apps/sync-merger/src/sync-merge.module');
      return startWorkerProcess(config, logger, {
        queue: QueueName.SyncMerge,
        featureModule: () => SyncMergeModule,
      });
    }
    default:
      throw new Error(`startInProcess does not know ${String(app)} yet`);
  }
}

export interface SpawnedApp {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Runs an app as its own process from the build output (npm test builds first), for what only a real
 * process shows: kill -9, SIGTERM, exit codes, start-up errors.
 */
export function spawnApp(app: AppName | 'fixture-tiles', env: Record<string, string>): SpawnedApp {
  const entry = path.resolve(__dirname, '..', '..', 'dist', 'apps', app, 'src', 'main.js');
  const child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { child, output: () => output, exited, kill: (signal) => child.kill(signal) };
}

/** Polls until check() returns a value (not undefined), or fails after timeoutMs with the last error. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `condition not met within ${timeoutMs} ms${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** A port nothing listens on right now (the OS picks it), for processes that must be told their port. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
