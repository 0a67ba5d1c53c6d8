import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@map-offline/config';
import { CacheRegionEntity, JobRunEntity, toJobProgressEvent } from '@map-offline/entities';
import { AppLogger } from '@map-offline/observability';
import { publishJobProgress, QueueProducer } from '@map-offline/queue';
import { APP_CONFIG, APP_LOGGER } from '@map-offline/runtime';

/** Re-reads the persisted progress and publishes it for subscribers; never fails the job. */
@Injectable()
export class ProgressPublisher {
  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: QueueProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  async publish(jobRunId: string, regionId: string | null): Promise<void> {
    try {
      const run = await this.dataSource.getRepository(JobRunEntity).findOneBy({ id: jobRunId });
      if (!run) return;
      const region = regionId
        ? await this.dataSource.getRepository(CacheRegionEntity).findOneBy({ id: regionId })
        : null;
      await publishJobProgress(
        this.producer.redis(),
        this.config.redis.queuePrefix,
        toJobProgressEvent(run, region, new Date()),
      );
    } catch (error) {
      // Progress is in PostgreSQL already; a missed live event only delays what subscribers see.
      this.logger.warn({ err: error, jobRunId }, 'could not publish job progress');
    }
  }
}
