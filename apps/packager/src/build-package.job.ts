import { Injectable } from '@nestjs/common';
import { DelayedError, UnrecoverableError } from 'bullmq';
import { BuildPackagePayload } from '@map-offline/contracts';
import {
  JobRunEntity,
  JobRunRepository,
  OfflinePackageEntity,
  OfflinePackageRepository,
} from '@map-offline/entities';
import { JobContext, JobHandler } from '@map-offline/queue';
import { ObjectStorage } from '@map-offline/storage';
import { BuildProgressReporter } from './build/build-progress.reporter';
import { describeBuildFailure, isPermanentBuildFailure, layerErrorsOf } from './build/package-build.errors';
import { PackageBuilder } from './build/package-builder.service';
import { PackageRecords } from './build/package-records';
import { removeObject } from './build/package-upload';
import { PackagePinReleaser } from './package-pin.releaser';
import { PackagerMetrics } from './packager.metrics';
import { RunStateWatcher } from './build/run-state.watcher';

/** milliseconds between checks while the package's regions are still caching, growing to the maximum */
const FIRST_WAIT_MS = 1_000;
const LONGEST_WAIT_MS = 30_000;
/** milliseconds a build waits for its regions to finish caching before it gives up */
const MAX_WAIT_FOR_REGIONS_MS = 7 * 24 * 3600 * 1000;

/**
 * build-package: validate (the worker host parsed the payload) -> load the run and the package ->
 * guard (already finished, cancelled, paused, regions still caching) -> delegate to PackageBuilder ->
 * report. A failed or cancelled build deletes whatever object it may have written and releases its pins.
 */
@Injectable()
export class BuildPackageJob {
  constructor(
    private readonly jobRuns: JobRunRepository,
    private readonly packages: OfflinePackageRepository,
    private readonly records: PackageRecords,
    private readonly builder: PackageBuilder,
    private readonly pins: PackagePinReleaser,
    private readonly progress: BuildProgressReporter,
    private readonly storage: ObjectStorage,
    private readonly metrics: PackagerMetrics,
  ) {}

  @JobHandler('build-package')
  async run(payload: BuildPackagePayload, context: JobContext): Promise<Record<string, unknown>> {
    const run = await this.jobRuns.find(payload.organisationId, payload.jobRunId);
    if (!run) throw new UnrecoverableError(`job run ${payload.jobRunId} does not exist`);
    const pkg = await this.packages.find(payload.organisationId, payload.packageId);
    if (!pkg) {
      await this.jobRuns.finish(run.id, 'cancelled', {}, 'the package was deleted');
      return { skipped: 'package deleted' };
    }
    const skipped = await this.guard(run, pkg);
    if (skipped) return skipped;

    if (run.state === 'paused') return this.waitWhilePaused(context);
    const readiness = await this.records.regionsReadiness(pkg.organisationId, pkg.regionIds);
    if (readiness.kind === 'unusable')
      return this.fail(pkg, run, new UnrecoverableError(readiness.reason), context);
    if (readiness.kind === 'caching') return this.waitForRegions(pkg, context, readiness.regionIds);

    await this.jobRuns.markActive(run.id);
    if (!(await this.packages.startBuilding(pkg.id))) return { skipped: 'package left the build states' };
    const watcher = new RunStateWatcher(this.jobRuns, pkg.organisationId, run.id).start();
    const report = this.progress.forRun(run.id);
    const startedAt = performance.now();
    try {
      const built = await this.builder.build(pkg, { signal: watcher.signal, report, logger: context.logger });
      if (!(await this.packages.markReady(pkg.id, built))) {
        // Deleted or cancelled while uploading: the object must not outlive the record's intent.
        await removeObject(this.storage, context.logger, built.objectKey);
        return { skipped: 'package left the build states during the build' };
      }
      const result = {
        sizeBytes: built.sizeBytes,
        sha256: built.sha256,
        tileCount: built.tileCount,
        uniqueTileCount: built.uniqueTileCount,
        layerErrors: built.layerErrors.length,
      };
      // Units first, then the end state; the second report publishes the completed run to subscribers.
      await report({ phase: 'done' }, true);
      await this.jobRuns.finish(run.id, 'completed', result, null);
      await report({ phase: 'done' }, true);
      this.metrics.recordBuilt(pkg.format, built.sizeBytes, secondsSince(startedAt));
      context.logger.info(result, 'package built');
      return result;
    } catch (error) {
      await watcher.check();
      if (watcher.stopReason === 'paused') return this.pause(pkg, context);
      if (watcher.stopReason === 'cancelled') return this.cancel(pkg, context);
      return this.fail(pkg, run, error, context, startedAt);
    } finally {
      watcher.stop();
    }
  }

  /** Returns a result when there is nothing (more) to do for this delivery. */
  private async guard(
    run: JobRunEntity,
    pkg: OfflinePackageEntity,
  ): Promise<Record<string, unknown> | undefined> {
    if (run.state === 'completed' || run.state === 'failed') return { skipped: `job already ${run.state}` };
    if (pkg.state === 'ready') {
      // A previous delivery built it and stopped before recording the end.
      await this.jobRuns.finish(run.id, 'completed', { sizeBytes: pkg.sizeBytes, sha256: pkg.sha256 }, null);
      return { skipped: 'package already built' };
    }
    if (pkg.state === 'deleting' || pkg.state === 'failed' || pkg.state === 'cancelled') {
      await this.jobRuns.finish(run.id, 'cancelled', {}, `the package is ${pkg.state}`);
      return { skipped: `package is ${pkg.state}` };
    }
    if (run.state === 'cancelled') {
      await this.packages.markCancelled(pkg.id);
      await this.pins.releaseAll(pkg);
      return { skipped: 'job cancelled' };
    }
    return undefined;
  }

  /** Regions still caching: check again later without spending an attempt (BullMQ delayed state). */
  private async waitForRegions(
    pkg: OfflinePackageEntity,
    context: JobContext,
    regionIds: string[],
  ): Promise<never> {
    const waited = Date.now() - context.job.timestamp;
    if (waited > MAX_WAIT_FOR_REGIONS_MS) {
      throw new UnrecoverableError(`regions ${regionIds.join(', ')} did not finish caching within 7 days`);
    }
    await this.packages.waitForRegions(pkg.id);
    const delay = Math.min(LONGEST_WAIT_MS, Math.max(FIRST_WAIT_MS, Math.round(waited / 10)));
    context.logger.debug({ regionIds, delayMs: delay }, 'waiting for the regions to finish caching');
    await context.job.moveToDelayed(Date.now() + delay, context.token);
    throw new DelayedError();
  }

  /** A paused build holds no worker: it looks again later, and builds once resumed. */
  private async waitWhilePaused(context: JobContext): Promise<never> {
    await context.job.moveToDelayed(Date.now() + LONGEST_WAIT_MS, context.token);
    throw new DelayedError();
  }

  private async pause(pkg: OfflinePackageEntity, context: JobContext): Promise<never> {
    // The partial file is gone with the workspace; resuming starts the build again from the pins.
    await this.packages.transition(pkg.id, ['building'], 'queued');
    await removeObject(this.storage, context.logger, this.builder.objectKeyOf(pkg));
    return this.waitWhilePaused(context);
  }

  private async cancel(pkg: OfflinePackageEntity, context: JobContext): Promise<Record<string, unknown>> {
    await removeObject(this.storage, context.logger, this.builder.objectKeyOf(pkg));
    await this.packages.markCancelled(pkg.id);
    await this.pins.releaseAll(pkg);
    context.logger.info('package build cancelled; partial output removed');
    return { cancelled: true };
  }

  /**
   * Transient failures with attempts left are rethrown for BullMQ to retry. Permanent ones, and the last
   * attempt, fail the package: object deleted, pins released, reason recorded, no further retries.
   * startedAt (performance.now() milliseconds) is given when the builder ran, for the duration histogram.
   */
  private async fail(
    pkg: OfflinePackageEntity,
    run: JobRunEntity,
    error: unknown,
    context: JobContext,
    startedAt?: number,
  ): Promise<never> {
    const reason = describeBuildFailure(error);
    await removeObject(this.storage, context.logger, this.builder.objectKeyOf(pkg));
    const retried = !isPermanentBuildFailure(error) && context.attempt < context.maxAttempts;
    this.metrics.recordFailure(
      pkg.format,
      startedAt === undefined ? undefined : secondsSince(startedAt),
      !retried,
    );
    if (retried) {
      context.logger.warn(
        { err: error },
        `package build failed on attempt ${context.attempt} of ${context.maxAttempts}; retrying`,
      );
      throw error;
    }
    await this.packages.markFailed(pkg.id, reason, layerErrorsOf(error));
    await this.pins.releaseAll(pkg);
    await this.jobRuns.finish(run.id, 'failed', { layerErrors: layerErrorsOf(error).length }, reason);
    context.logger.warn({ reason }, 'package build failed');
    throw new UnrecoverableError(reason);
  }
}

/** seconds since a performance.now() reading (milliseconds) */
function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}
