import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@map-offline/config';
import { AppLogger } from '@map-offline/observability';
import { publishSyncMerged, QueueProducer } from '@map-offline/queue';
import { APP_CONFIG, APP_LOGGER } from '@map-offline/runtime';
import { MergeSummary } from './batch-merger.service';

/**
 * Tells waiting clients that batches are merged: each job's progress channel (jobProgress
 * subscribers) and the deployment's sync-merged channel (syncResult long-polls), in one round trip
 * per merge. Best effort and after commit: PostgreSQL holds the results, and a waiter that misses the
 * message reads them at its next check.
 */
@Injectable()
export class MergeNotifier {
  constructor(
    private readonly producer: QueueProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  async merged(organisationId: string, summaries: readonly MergeSummary[]): Promise<void> {
    const at = new Date().toISOString();
    try {
      await publishSyncMerged(
        this.producer.redis(),
        this.config.redis.queuePrefix,
        summaries.map((summary) => ({
          organisationId,
          batchId: summary.batchId,
          progress: {
            jobId: summary.jobRunId,
            state: 'completed',
            doneUnits: summary.changes,
            totalUnits: summary.changes,
            doneByZoom: {},
            bytes: 0,
            errors: summary.outcomes.REJECTED,
            etaSeconds: 0,
            at,
          },
        })),
      );
    } catch (error) {
      this.logger.debug(
        { err: error, batchIds: summaries.map((summary) => summary.batchId) },
        'merge notification not published',
      );
    }
  }
}
