import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { MergeBatchPayload } from '@map-offline/contracts';
import { SyncBatchRepository } from '@map-offline/entities';
import { JobContext, JobHandler } from '@map-offline/queue';
import { isDatabaseUnavailableError } from '@map-offline/runtime';
import { BatchMerger, MergeOutcome, MergeSummary } from './batch-merger.service';
import { isDatabaseOutage, postponeForDatabaseOutage } from './database-outage.retry';
import { MergeNotifier } from './merge-notifier';
import { MergerMetrics } from './merger.metrics';
import { LayerTurns } from './layer-turns';
import { PhaseClock } from './phase-clock';

@Injectable()
export class MergeBatchJob {
  private readonly turns = new LayerTurns();

  constructor(
    private readonly batches: SyncBatchRepository,
    private readonly merger: BatchMerger,
    private readonly notifier: MergeNotifier,
    private readonly metrics: MergerMetrics,
    private readonly dataSource: DataSource,
  ) {}

  @JobHandler('merge-batch')
  async run(payload: MergeBatchPayload, context: JobContext): Promise<MergeSummary | { skipped: string }> {
    try {
      return await this.mergeOnce(payload, context);
    } catch (error) {
      // PostgreSQL away: wait for it without spending the retry budget (database-outage.retry.ts).
      if (await isDatabaseOutage(error, this.dataSource)) {
        throw await postponeForDatabaseOutage(context, error);
      }
      throw error;
    }
  }

  private async mergeOnce(
    payload: MergeBatchPayload,
    context: JobContext,
  ): Promise<MergeSummary | { skipped: string }> {
    // Most jobs of a busy layer find their batch merged in an earlier group of this process: no read.
    if (this.merger.mergedHere(payload.organisationId, payload.batchId))
      return { skipped: 'batch is merged' };
    const batch = await this.batches.statusOf(payload.organisationId, payload.batchId);
    if (batch === null) {
      throw new UnrecoverableError(
        `sync batch ${payload.batchId} of organisation ${payload.organisationId} does not exist`,
      );
    }
    // A redelivered job, one queued again by the gateway's sweep, or one whose batch another merge
    // took into its group, finds the batch merged.
    if (batch.status !== 'queued') return { skipped: `batch is ${batch.status}` };
    const timer = this.metrics.batchDuration.startTimer();
    const phases = new PhaseClock((phase, seconds) => this.metrics.phaseDuration.observe({ phase }, seconds));
    let outcome: MergeOutcome;
    try {
      outcome = await this.turns.run(`${payload.organisationId}/${batch.layerId}`, () =>
        this.merger.merge(payload.organisationId, payload.batchId, phases),
      );
    } catch (error) {
      // Lock timeouts, deadlocks and lost connections are retried by BullMQ; on the last attempt the
      // batch is marked failed, so the device sees why instead of a batch queued forever.
      const final = context.attempt >= context.maxAttempts || error instanceof UnrecoverableError;
      if (final && !isDatabaseUnavailableError(error)) {
        await this.batches.markFailed(batch, error instanceof Error ? error.message : String(error));
      }
      throw error;
    }
    phases.mark('commit');
    timer();
    this.metrics.batchesPerMerge.observe(outcome.merged.length);
    for (const summary of outcome.merged) {
      for (const [name, count] of Object.entries(summary.outcomes)) {
        if (count > 0) this.metrics.changes.inc({ outcome: name }, count);
      }
      if (summary.conflictsOpened > 0) this.metrics.conflictsOpened.inc(summary.conflictsOpened);
    }
    await this.notifier.merged(payload.organisationId, outcome.merged);
    if (outcome.own === null) return { skipped: 'merged by another merge' };
    context.logger.debug({ summary: outcome.own, group: outcome.merged.length }, 'batch merged');
    return outcome.own;
  }
}
