import { Module } from '@nestjs/common';
import { QueueStatsResolver } from './queue-stats.resolver';

/** Operator views: queue statistics (GraphQL); Bull Board and queue gauges are mounted in start-gateway. */
@Module({ providers: [QueueStatsResolver] })
export class OperationsModule {}
