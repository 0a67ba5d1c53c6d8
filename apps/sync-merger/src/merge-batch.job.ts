import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { MergeBatchPayload } from '@map-offline/contracts';
import { SyncBatchRepository } from '@map-offline/entities';
import { JobContext, JobHandler } from '@map-offline/queue';
import { BatchMerger, MergeSummary } from './batch-merger.service';
import { MergeNotifier } from './merge-notifier';
import { MergerMetrics } from './merger.metrics';

@Injectable()
export class MergeBatchJob {
  constructor(
    private readonly batches: SyncBatchRepository,
    private readonly merger: BatchMerger,
    private readonly notifier: MergeNotifier,
    private readonly metrics: MergerMetrics,
  ) {}

  @JobHandler('merge-batch')
  async run(payload: MergeBatchPayload, context: JobContext): Promise<MergeSummary | { skipped: string }> {
    const batch = await this.batches.find(payload.organisationId, payload.batchId);
    if (batch === null) {
      throw new UnrecoverableError(
        `sync batch ${payload.batchId} of organisation ${payload.organisationId} does not exist`,
      );
    }
    // A redelivered job (or one queued again by the gateway's sweep) finds the batch merged.
    if (batch.status !== 'queued') return { skipped: `batch is ${batch.status}` };
    const timer = this.metrics.batchDuration.startTimer();
    let summary: MergeSummary | null;
    try {
      summary = await this.merger.merge(payload.organisationId, payload.batchId);
    } catch (error) {
      // Lock timeouts, deadlocks and connection losses are retried by BullMQ; on the last attempt the
      // batch is marked failed so the device sees why instead of a batch queued forever.
      if (context.attempt >= context.maxAttempts || error instanceof UnrecoverableError) {
        await this.batches.markFailed(batch, error instanceof Error ? error.message : String(error));
      }
      throw error;
    }
    if (summary === null) throw new UnrecoverableError(`sync batch ${payload.batchId} vanished`);
    timer();
    for (const [outcome, count] of Object.entries(summary.outcomes)) {
      if (count > 0) this.metrics.changes.inc({ outcome }, count);
    }
    await this.notifier.merged(summary);
    context.logger.debug({ summary }, 'batch merged');
    return summary;
  }
}
