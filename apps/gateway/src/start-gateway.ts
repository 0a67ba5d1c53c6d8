import { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { assertKeySourceAllowed } from '@map-offline/auth';
import { AppConfig } from '@map-offline/config';
import { AppLogger, createMetricsRegistry, NestLoggerAdapter, Readiness } from '@map-offline/observability';
import { QueueProducer } from '@map-offline/queue';
import { RunningProcess } from '@map-offline/runtime';
import { GatewayModule } from './gateway.module';
import { GATEWAY_READINESS } from './health/readiness.token';

/** bytes: GraphQL documents and variables larger than this are refused before parsing */
const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

export async function startGateway(config: AppConfig, logger: AppLogger): Promise<RunningProcess> {
  assertKeySourceAllowed(config.auth, config.environment);
  const registry = createMetricsRegistry(config.app);
  const app = await NestFactory.create<NestExpressApplication>(
    GatewayModule.forRoot(config, logger, registry),
    {
      logger: new NestLoggerAdapter(logger),
      abortOnError: false,
      bodyParser: false,
    },
  );
  app.useBodyParser('json', { limit: MAX_REQUEST_BODY_BYTES });
  app.disable('x-powered-by');
  await app.listen(config.gateway.port, config.gateway.host);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  logger.info({ url: `http://${config.gateway.host}:${port}/graphql` }, 'gateway ready');

  const readiness = app.get<Readiness>(GATEWAY_READINESS);
  const producer = app.get(QueueProducer);
  return {
    port,
    stop: async () => {
      readiness.startDraining();
      await producer.close();
      logger.info('queues closed');
      await app.close();
      logger.info('http server and database closed');
    },
  };
}
