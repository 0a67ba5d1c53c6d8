import { Inject, Injectable } from '@nestjs/common';
import { DelayedError } from 'bullmq';
import { AppConfig } from '@map-offline/config';
import { SeedBatchPayload } from '@map-offline/contracts';
import { RegionReleasedError, TileIndexRepository } from '@map-offline/entities';
import { JobContext, JobHandler } from '@map-offline/queue';
import { APP_CONFIG } from '@map-offline/runtime';
import { ProgressPublisher } from './progress.publisher';
import { UnusedBlobCollector } from './unused-blob.collector';
import { SeedingRecordLoader } from './seeding-records';
import { SeederMetrics } from './seeder.metrics';
import { batchKey, TileBatchSeeder } from './tile-batch.seeder';

/** Some tiles of a batch failed and attempts remain: BullMQ retries the batch (successes are kept). */
export class BatchIncompleteError extends Error {
  constructor(failures: { tile: string; reason: string }[]) {
    const sample = failures.slice(0, 3).map((failure) => `${failure.tile}: ${failure.reason}`);
    super(`${failures.length} tile(s) failed and will be retried (${sample.join('; ')})`);
    this.name = 'BatchIncompleteError';
  }
}

@Injectable()
export class SeedBatchJob {
  constructor(
    private readonly records: SeedingRecordLoader,
    private readonly tileIndex: TileIndexRepository,
    private readonly seeder: TileBatchSeeder,
    private readonly progress: ProgressPublisher,
    private readonly metrics: SeederMetrics,
    private readonly unusedBlobs: UnusedBlobCollector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @JobHandler('seed-batch')
  async run(payload: SeedBatchPayload, context: JobContext): Promise<Record<string, unknown>> {
    const startedAt = performance.now();
    const { run, region, source } = await this.records.load(
      payload.organisationId,
      payload.jobRunId,
      payload.regionId,
    );
    if (run.state === 'cancelled' || run.state === 'failed') return { skipped: `job ${run.state}` };
    if (run.state === 'paused') {
      // Parked, not failed: the batch comes back after the recheck delay and finds the job resumed or not.
      await context.job.moveToDelayed(Date.now() + this.config.caching.pausedBatchRecheckMs, context.token);
      throw new DelayedError();
    }
    if (await this.tileIndex.isBatchFinished(run.id, batchKey(payload)))
      return { skipped: 'already finished' };

    const timer = this.metrics.batchDuration.startTimer();
    const lastAttempt = context.attempt >= context.maxAttempts;
    if (region.status === 'deleting') return { skipped: 'region is being deleted' };
    let report;
    try {
      report = await this.seeder.seed(payload, region, source, lastAttempt);
    } catch (error) {
      if (error instanceof RegionReleasedError) {
        await this.unusedBlobs.collect(error.abandonedBlobs);
        return { skipped: 'region is being deleted' };
      }
      throw error;
    }
    timer({ result: report.finished ? 'finished' : 'retry' });
    const blobsCollected = await this.unusedBlobs.collect(report.replacedBlobs);
    await this.progress.publish(run.id, region.id);
    context.logger.debug(
      {
        report: {
          ...report,
          failuresToRetry: report.failuresToRetry.length,
          replacedBlobs: report.replacedBlobs.length,
          blobsCollected,
        },
        handlerMs: Math.round(performance.now() - startedAt),
      },
      'batch done',
    );
    if (!report.finished) throw new BatchIncompleteError(report.failuresToRetry);
    const { failuresToRetry: _failuresToRetry, replacedBlobs: _replacedBlobs, ...summary } = report;
    return { ...summary, blobsCollected };
  }
}
