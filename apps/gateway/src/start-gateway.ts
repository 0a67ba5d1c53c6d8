import { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { assertKeySourceAllowed } from '@map-offline/auth';
import { AppConfig } from '@map-offline/config';
import {
  AppLogger,
  createMetricsRegistry,
  NestLoggerAdapter,
  Readiness,
  startHealthServer,
} from '@map-offline/observability';
import { assertNoEvictionPolicy, QueueProducer, registerQueueGauges } from '@map-offline/queue';
import { RunningProcess } from '@map-offline/runtime';
import { GatewayModule } from './gateway.module';
import { GATEWAY_READINESS } from './health/readiness.token';
import { mountBullBoard } from './operations/bull-board';
import { RequestRateLimiter } from './security/request-rate.limiter';
import { requestRateMiddleware } from './security/request-rate.middleware';

/**
 * bytes: GraphQL documents and variables larger than this are refused before parsing. Large enough for an
 * area at the 100,000-position limit (about 1.5-4 MB of GeoJSON), small enough to bound memory per request.
 */
const MAX_REQUEST_BODY_BYTES = 4 * 1024 * 1024;

/** The running gateway: its public port, and the internal port that serves /metrics (and /healthz, /readyz). */
export interface RunningGateway extends RunningProcess {
  metricsPort: number;
}

export async function startGateway(config: AppConfig, logger: AppLogger): Promise<RunningGateway> {
  assertKeySourceAllowed(config.auth, config.environment);
  const registry = createMetricsRegistry(config.app);
  const app = await NestFactory.create<NestExpressApplication>(
    GatewayModule.forRoot(config, logger, registry),
    {
      logger: new NestLoggerAdapter(logger),
      abortOnError: false,
      bodyParser: false,
      // The filesystem storage driver's presigned PUT checks the body's bytes, so they must stay unparsed.
      rawBody: true,
    },
  );
  const producer = app.get(QueueProducer);
  // First middleware: a caller over its rate costs no parsing and no database work.
  app.use(
    requestRateMiddleware(
      new RequestRateLimiter(producer.redis(), config.redis.queuePrefix, config.gateway.requestsPerMinute),
      logger,
    ),
  );
  app.useBodyParser('json', { limit: MAX_REQUEST_BODY_BYTES });
  app.disable('x-powered-by');
  // An evicting Redis can silently drop jobs: refuse to start on one.
  await producer.waitUntilReady();
  await assertNoEvictionPolicy(producer.redis());
  registerQueueGauges(registry, (name) => producer.queue(name));
  mountBullBoard(app);
  await app.listen(config.gateway.port, config.gateway.host);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const readiness = app.get<Readiness>(GATEWAY_READINESS);
  // The internal listener Prometheus scrapes (HEALTH_HOST:HEALTH_PORT), the same server the workers run.
  const metrics = await startHealthServer({
    host: config.health.host,
    port: config.health.port,
    readiness,
    registry,
  }).catch(async (error: unknown) => {
    // A taken port must not leave the public listener and the connections open behind a failed start.
    await producer.close();
    await app.close();
    throw error;
  });
  logger.info(
    { url: `http://${config.gateway.host}:${port}/graphql`, metricsPort: metrics.port },
    'gateway ready',
  );

  return {
    port,
    metricsPort: metrics.port,
    stop: async () => {
      readiness.startDraining();
      await producer.close();
      logger.info('queues closed');
      await app.close();
      logger.info('http server and database closed');
      await metrics.close();
    },
  };
}
