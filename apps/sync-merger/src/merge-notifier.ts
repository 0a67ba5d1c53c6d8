import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@map-offline/config';
import { AppLogger } from '@map-offline/observability';
import { publishJobProgress, QueueProducer } from '@map-offline/queue';
import { APP_CONFIG, APP_LOGGER } from '@map-offline/runtime';
import { MergeSummary } from './batch-merger.service';

/**
 * Tells waiting clients (jobProgress subscribers, syncResult long-polls) that a batch is merged, on
 * the job's progress channel. Best effort and after commit: PostgreSQL holds the results, and a
 * waiter that misses the message reads them when its wait ends.
 */
@Injectable()
export class MergeNotifier {
  constructor(
    private readonly producer: QueueProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  async merged(summary: MergeSummary): Promise<void> {
    try {
      await publishJobProgress(this.producer.redis(), this.config.redis.queuePrefix, {
        jobId: summary.jobRunId,
        state: 'completed',
        doneUnits: summary.changes,
        totalUnits: summary.changes,
        doneByZoom: {},
        bytes: 0,
        errors: summary.outcomes.REJECTED,
        etaSeconds: 0,
        at: new Date().toISOString(),
      });
    } catch (error) {
      this.logger.debug({ err: error, batchId: summary.batchId }, 'merge notification not published');
    }
  }
}
