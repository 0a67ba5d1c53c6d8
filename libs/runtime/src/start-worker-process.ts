import { DynamicModule, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@map-offline/config';
import { QueueName } from '@map-offline/contracts';
import { dataSourceOptions } from '@map-offline/entities';
import {
  AppLogger,
  createMetricsRegistry,
  NestLoggerAdapter,
  Readiness,
  startHealthServer,
} from '@map-offline/observability';
import { QueueModule, QueueProducer, WorkerHost } from '@map-offline/queue';
import { RuntimeValuesModule } from './runtime-values.module';
import { databaseReadinessCheck } from './database-readiness';
import { RunningProcess } from './run-process';

export interface WorkerProcessDefinition {
  queue: QueueName;
  /** The app's feature module: its providers hold the @JobHandler methods. */
  featureModule: (config: AppConfig) => Type | DynamicModule;
}

/**
 * A worker is an application context (no HTTP framework) plus a tiny health/metrics port. Stopping
 * follows the order that loses nothing: readiness false -> BullMQ worker (active jobs finish or are
 * released) -> queues -> database -> health port.
 */
export async function startWorkerProcess(
  config: AppConfig,
  logger: AppLogger,
  definition: WorkerProcessDefinition,
): Promise<RunningProcess> {
  const registry = createMetricsRegistry(config.app);

  @Module({
    imports: [
      TypeOrmModule.forRoot(
        dataSourceOptions({ ...config.database, applicationName: `map-offline-${config.app}` }),
      ),
      QueueModule.forWorker(
        {
          redisUrl: config.redis.url,
          prefix: config.redis.queuePrefix,
          connectionName: `map-offline-${config.app}`,
        },
        {
          queue: definition.queue,
          concurrency: config.worker.concurrency,
          shutdownGraceMs: config.worker.shutdownGraceMs,
          lockDurationMs: config.worker.lockDurationMs,
          stalledIntervalMs: config.worker.stalledIntervalMs,
        },
        logger,
        registry,
      ),
      RuntimeValuesModule.forRoot(config, logger, registry),
      definition.featureModule(config),
    ],
  })
  class WorkerRootModule {}

  const app = await NestFactory.createApplicationContext(WorkerRootModule, {
    logger: new NestLoggerAdapter(logger),
    abortOnError: false,
  });
  await app.init();

  const workerHost = app.get(WorkerHost);
  const producer = app.get(QueueProducer);
  const readiness = new Readiness([
    databaseReadinessCheck(app.get(DataSource)),
    { name: 'redis', check: () => workerHost.ping() },
    { name: 'worker', check: async () => assertRunning(workerHost) },
  ]);
  const health = await startHealthServer({
    host: config.health.host,
    port: config.health.port,
    readiness,
    registry,
  });
  logger.info({ healthPort: health.port, queue: definition.queue }, 'worker ready');

  return {
    port: health.port,
    stop: async () => {
      readiness.startDraining();
      await workerHost.stop();
      await producer.close();
      logger.info('queues closed');
      await app.close();
      logger.info('database closed');
      await health.close();
    },
  };
}

function assertRunning(workerHost: WorkerHost): void {
  if (!workerHost.isRunning()) throw new Error('not consuming jobs');
}
