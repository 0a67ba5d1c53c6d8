import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Readiness } from '@map-offline/observability';
import { QueueProducer } from '@map-offline/queue';
import { databaseReadinessCheck } from '@map-offline/runtime';
import { HealthController } from './health.controller';
import { HealthResolver } from './health.resolver';
import { GATEWAY_READINESS } from './readiness.token';

@Module({
  controllers: [HealthController],
  providers: [
    {
      provide: GATEWAY_READINESS,
      inject: [DataSource, QueueProducer],
      useFactory: (dataSource: DataSource, producer: QueueProducer) =>
        new Readiness([
          databaseReadinessCheck(dataSource),
          { name: 'redis', check: async () => void (await producer.redis().ping()) },
        ]),
    },
    HealthResolver,
  ],
  exports: [GATEWAY_READINESS],
})
export class HealthModule {}
