import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@map-offline/config';
import { JobRunEntity, toJobProgressEvent } from '@map-offline/entities';
import { AppLogger } from '@map-offline/observability';
import { publishJobProgress, QueueProducer } from '@map-offline/queue';
import { APP_CONFIG, APP_LOGGER } from '@map-offline/runtime';

/** milliseconds between progress writes: often enough for a progress bar, rare enough to cost nothing */
const REPORT_INTERVAL_MS = 500;

/**
 * Where a build stands. Units: every tile is written once and read back once (two units a tile), plus
 * one for the upload; a report without units keeps the previous ones, and done units never go back.
 */
export interface BuildProgress {
  phase: 'pinning' | 'writing' | 'verifying' | 'layers' | 'uploading' | 'done';
  totalUnits?: number;
  doneUnits?: number;
}

export type BuildProgressReport = (progress: BuildProgress, force?: boolean) => Promise<void>;

/**
 * Persists a build's progress on its job run (the source of truth the job query reads) and publishes it
 * for jobProgress subscribers. Throttled; a failure to report never fails the build.
 */
@Injectable()
export class BuildProgressReporter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: QueueProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  /** A reporter for one run: `report` may be called for every tile; only some calls write. */
  forRun(jobRunId: string): BuildProgressReport {
    let lastWrite = 0;
    let lastPhase: BuildProgress['phase'] | undefined;
    let totalUnits = 1;
    let doneUnits = 0;
    return async (progress, force = false) => {
      if (progress.totalUnits !== undefined) totalUnits = progress.totalUnits;
      if (progress.doneUnits !== undefined) doneUnits = Math.max(doneUnits, progress.doneUnits);
      if (progress.phase === 'done') doneUnits = totalUnits;
      const now = Date.now();
      if (!force && progress.phase === lastPhase && now - lastWrite < REPORT_INTERVAL_MS) return;
      lastWrite = now;
      lastPhase = progress.phase;
      await this.write(jobRunId, progress.phase, totalUnits, Math.min(doneUnits, totalUnits));
    };
  }

  private async write(
    jobRunId: string,
    phase: BuildProgress['phase'],
    totalUnits: number,
    doneUnits: number,
  ): Promise<void> {
    try {
      await this.dataSource.query(
        `UPDATE job_run SET total_units = $2, done_units = $3,
                progress = progress || jsonb_build_object('phase', $4::text), updated_at = now()
          WHERE id = $1`,
        [jobRunId, totalUnits, doneUnits, phase],
      );
      const run = await this.dataSource.getRepository(JobRunEntity).findOneBy({ id: jobRunId });
      if (run) {
        await publishJobProgress(
          this.producer.redis(),
          this.config.redis.queuePrefix,
          toJobProgressEvent(run, null, new Date()),
        );
      }
    } catch (error) {
      // Progress is advisory; the build's own outcome is recorded separately.
      this.logger.warn({ err: error, jobRunId }, 'could not report build progress');
    }
  }
}
