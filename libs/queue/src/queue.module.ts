import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Registry } from 'prom-client';
import { AppLogger } from '@map-offline/observability';
import { JobHandlerDiscovery } from './job-handler-discovery';
import { QueueProducer } from './queue-producer.service';
import { QUEUE_SETTINGS, QueueSettings } from './queue-settings';
import {
  WORKER_HOST_SETTINGS,
  WORKER_LOGGER,
  WORKER_METRICS_REGISTRY,
  WorkerHost,
  WorkerHostSettings,
} from './worker-host';

@Module({})
export class QueueModule {
  /** Producers only (the gateway). */
  static forProducer(settings: QueueSettings): DynamicModule {
    return {
      module: QueueModule,
      global: true,
      providers: [{ provide: QUEUE_SETTINGS, useValue: settings }, QueueProducer],
      exports: [QueueProducer, QUEUE_SETTINGS],
    };
  }

  /** A worker app: consumes one queue and may also produce (fan-out, follow-up jobs). */
  static forWorker(
    settings: QueueSettings,
    worker: WorkerHostSettings,
    logger: AppLogger,
    registry: Registry,
  ): DynamicModule {
    return {
      module: QueueModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: QUEUE_SETTINGS, useValue: settings },
        { provide: WORKER_HOST_SETTINGS, useValue: worker },
        { provide: WORKER_LOGGER, useValue: logger },
        { provide: WORKER_METRICS_REGISTRY, useValue: registry },
        QueueProducer,
        JobHandlerDiscovery,
        WorkerHost,
      ],
      exports: [QueueProducer, WorkerHost, QUEUE_SETTINGS],
    };
  }
}
