import { DynamicModule, Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { AppConfig } from '@map-offline/config';
import { AppLogger } from '@map-offline/observability';
import { APP_CONFIG, APP_LOGGER, METRICS_REGISTRY } from './tokens';

/** Makes the parsed config, the process logger and the metrics registry injectable everywhere. */
@Module({})
export class RuntimeValuesModule {
  static forRoot(config: AppConfig, logger: AppLogger, registry: Registry): DynamicModule {
    return {
      module: RuntimeValuesModule,
      global: true,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_LOGGER, useValue: logger },
        { provide: METRICS_REGISTRY, useValue: registry },
      ],
      exports: [APP_CONFIG, APP_LOGGER, METRICS_REGISTRY],
    };
  }
}
