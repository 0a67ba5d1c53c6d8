import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Registry } from 'prom-client';
import { AuthModule, TokenVerifier } from '@map-offline/auth';
import { AppConfig } from '@map-offline/config';
import { dataSourceOptions } from '@map-offline/entities';
import { AppLogger } from '@map-offline/observability';
import { QueueModule, QueueProducer } from '@map-offline/queue';
import { RuntimeValuesModule } from '@map-offline/runtime';
import { StorageModule } from '@map-offline/storage';
import { graphqlOptions } from './graphql/graphql-options';
import { RequestRateLimiter } from './security/request-rate.limiter';
import { HealthModule } from './health/health.module';
import { CachingModule } from './caching/caching.module';
import { OperationsModule } from './operations/operations.module';
import { UploadsModule } from './uploads/uploads.module';
import { DomainErrorFilter } from './common/domain-error.filter';
import { SyncModule } from './sync/sync.module';
import { PackagesModule } from './packages/packages.module';

/** The gateway validates, authorises, records in PostgreSQL and enqueues; it never does the work. */
@Module({})
export class GatewayModule {
  static forRoot(config: AppConfig, logger: AppLogger, registry: Registry): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        RuntimeValuesModule.forRoot(config, logger, registry),
        TypeOrmModule.forRoot(
          dataSourceOptions({ ...config.database, applicationName: 'map-offline-gateway' }),
        ),
        QueueModule.forProducer({
          redisUrl: config.redis.url,
          prefix: config.redis.queuePrefix,
          connectionName: 'map-offline-gateway',
        }),
        AuthModule.forRoot(config.auth),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [TokenVerifier, QueueProducer],
          useFactory: (verifier: TokenVerifier, producer: QueueProducer) =>
            graphqlOptions(
              config,
              verifier,
              new RequestRateLimiter(
                producer.redis(),
                config.redis.queuePrefix,
                config.gateway.requestsPerMinute,
              ),
            ),
        }),
        StorageModule.forRoot(config.storage),
        HealthModule,
        CachingModule,
        OperationsModule,
        UploadsModule,
        SyncModule,
        PackagesModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: DomainErrorFilter }],
    };
  }
}
