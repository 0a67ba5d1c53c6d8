import { Inject, Injectable } from '@nestjs/common';
import { WaitingChildrenError } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '@map-offline/config';
import { SeedRegionPayload } from '@map-offline/contracts';
import {
  CacheRegionEntity,
  CacheRegionStatus,
  CacheStatsRepository,
  JobRunRepository,
  JobState,
} from '@map-offline/entities';
import { JobContext, JobHandler, QueueProducer } from '@map-offline/queue';
import { APP_CONFIG } from '@map-offline/runtime';
import { CoverPlanCache } from './cover-plan.cache';
import { ProgressPublisher } from './progress.publisher';
import { SeedingRecordLoader } from './seeding-records';

/** Children added per Redis round trip while fanning out. */
const FAN_OUT_CHUNK = 500;

/**
 * The parent of a cache run. First delivery: plan the cover and add one child batch per slice, with
 * deterministic ids so a parent redelivered mid-fan-out adds nothing twice. Then wait for the children
 * (BullMQ runs the parent again when they are done) and finalise the statistics from the index.
 */
@Injectable()
export class SeedRegionJob {
  constructor(
    private readonly records: SeedingRecordLoader,
    private readonly jobRuns: JobRunRepository,
    private readonly plans: CoverPlanCache,
    private readonly producer: QueueProducer,
    private readonly stats: CacheStatsRepository,
    private readonly progress: ProgressPublisher,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @JobHandler('seed-region')
  async run(payload: SeedRegionPayload, context: JobContext): Promise<Record<string, unknown>> {
    const { run, region } = await this.records.load(
      payload.organisationId,
      payload.jobRunId,
      payload.regionId,
    );
    if (run.state === 'completed' || run.state === 'failed') return { skipped: `job already ${run.state}` };

    if (run.state !== 'cancelled' && run.progress.fannedOut !== true) {
      await this.jobRuns.markActive(run.id);
      await this.markRegionRunning(region.id);
      const batches = await this.fanOut(payload, region, context);
      await this.jobRuns.setProgressFlag(run.id, 'fannedOut', true);
      context.logger.info({ batches }, 'fanned out seed batches');
    }

    if (await context.job.moveToWaitingChildren(context.token ?? '')) throw new WaitingChildrenError();
    return this.finalise(payload, region, context);
  }

  private async fanOut(
    payload: SeedRegionPayload,
    region: CacheRegionEntity,
    context: JobContext,
  ): Promise<number> {
    const parent = { id: context.jobId, queue: context.job.queueQualifiedName };
    let chunk: Parameters<QueueProducer['enqueueBulk']>[0] = [];
    let count = 0;
    for (const batch of this.plans.planFor(region).batches(this.config.caching.seedBatchSize)) {
      chunk.push({
        item: {
          name: 'seed-batch',
          data: {
            organisationId: payload.organisationId,
            jobRunId: payload.jobRunId,
            regionId: payload.regionId,
            zoom: batch.zoom,
            offset: batch.offset,
            count: batch.count,
            ...(payload.refreshOlderThan ? { refreshOlderThan: payload.refreshOlderThan } : {}),
          },
        },
        options: {
          jobId: `batch_${payload.jobRunId}_${batch.zoom}_${batch.offset}`,
          parent,
          ignoreDependencyOnFailure: true,
        },
      });
      count += 1;
      if (chunk.length === FAN_OUT_CHUNK) {
        await this.producer.enqueueBulk(chunk);
        chunk = [];
      }
    }
    await this.producer.enqueueBulk(chunk);
    return count;
  }

  private async finalise(
    payload: SeedRegionPayload,
    region: CacheRegionEntity,
    context: JobContext,
  ): Promise<Record<string, unknown>> {
    const totals = await this.stats.recountRegion(region.id);
    // Fresh statistics keep the planner on hash joins for the statistics queries that follow a big run.
    await this.dataSource.query('ANALYZE tile, region_tile, tile_blob');
    const failedBatches = Object.keys(await context.job.getIgnoredChildrenFailures()).length;
    const current = await this.jobRuns.find(payload.organisationId, payload.jobRunId);
    const cancelled = current?.state === 'cancelled';
    const nothingCached = region.tileCount > 0 && totals.done === 0;
    const state: JobState = cancelled ? 'cancelled' : nothingCached ? 'failed' : 'completed';
    const result = {
      tiles: region.tileCount,
      tilesDone: totals.done,
      tilesEmpty: totals.empty,
      tilesFailed: totals.failed,
      tilesMissing: Math.max(0, region.tileCount - totals.members),
      failedBatches,
      logicalBytes: totals.logicalBytes,
    };
    const error =
      state === 'failed'
        ? `no tile could be cached: ${totals.failed} failed tile(s), ${failedBatches} failed batch(es)`
        : null;
    await this.jobRuns.finish(payload.jobRunId, state, result, error);
    await this.setRegionStatus(
      region.id,
      state === 'completed' ? 'completed' : state === 'failed' ? 'failed' : 'cancelled',
      true,
    );
    await this.progress.publish(payload.jobRunId, region.id);
    context.logger.info({ result, state }, 'cache run finished');
    return { state, ...result };
  }

  /**
   * queued -> running only: a region whose job was paused (or cancelled) before this first delivery keeps
   * that status. Setting "running" unconditionally showed a paused job's region as running.
   */
  private async markRegionRunning(regionId: string): Promise<void> {
    await this.dataSource
      .getRepository(CacheRegionEntity)
      .update({ id: regionId, status: 'queued' }, { status: 'running' });
  }

  private async setRegionStatus(
    regionId: string,
    status: CacheRegionStatus,
    finished = false,
  ): Promise<void> {
    await this.dataSource
      .getRepository(CacheRegionEntity)
      .update({ id: regionId }, { status, ...(finished ? { completedAt: new Date() } : {}) });
  }
}
