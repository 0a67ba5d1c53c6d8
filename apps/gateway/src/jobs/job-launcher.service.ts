import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, LessThan, Not } from 'typeorm';
import { DomainError, DomainErrorCode, JobItem } from '@map-offline/contracts';
import { JobRunEntity } from '@map-offline/entities';
import { AppLogger } from '@map-offline/observability';
import { QueueProducer } from '@map-offline/queue';
import { APP_LOGGER } from '@map-offline/runtime';

/** milliseconds between sweeps for runs recorded while the queue was unreachable */
const RECONCILE_INTERVAL_MS = 30_000;
/** a queued run older than this (milliseconds) with no job is launched again */
const RECONCILE_AGE_MS = 30_000;

/**
 * Turns a recorded job run into its BullMQ job. Job ids derive from the run id, so launching twice is
 * harmless; that lets a periodic sweep launch runs whose first enqueue failed (Redis down), so a
 * request the API accepted is never lost.
 */
@Injectable()
export class JobLauncher implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly producer: QueueProducer,
    private readonly dataSource: DataSource,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  async launch(run: JobRunEntity): Promise<void> {
    await this.launchAll([run]);
  }

  async launchAll(runs: JobRunEntity[]): Promise<void> {
    try {
      for (const run of runs) await this.producer.enqueue(jobFor(run), { jobId: jobIdFor(run) });
    } catch (error) {
      this.logger.warn(
        { err: error, runs: runs.length },
        'queue unavailable; recorded runs will be launched when it returns',
      );
      throw new DomainError(
        DomainErrorCode.UNAVAILABLE,
        'the job queue is unavailable; the request is recorded and will start when it returns',
        {
          retryAfterSeconds: 5,
        },
      );
    }
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.reconcile(), RECONCILE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async reconcile(): Promise<number> {
    try {
      const stale = await this.dataSource.getRepository(JobRunEntity).find({
        // Sync batches are queued again by their own sweep; left out in the query, so a backlog of them
        // cannot fill the page and starve the other kinds.
        where: {
          state: 'queued',
          kind: Not('sync-batch'),
          createdAt: LessThan(new Date(Date.now() - RECONCILE_AGE_MS)),
        },
        order: { createdAt: 'ASC' },
        take: 200,
      });
      for (const run of stale) await this.producer.enqueue(jobFor(run), { jobId: jobIdFor(run) });
      return stale.length;
    } catch (error) {
      this.logger.debug({ err: error }, 'reconcile skipped: a dependency is unavailable');
      return 0;
    }
  }
}

export function jobIdFor(run: JobRunEntity): string {
  return `${run.kind}_${run.id}`;
}

function jobFor(run: JobRunEntity): JobItem {
  const subject = { organisationId: run.organisationId, jobRunId: run.id, regionId: run.subjectId ?? '' };
  switch (run.kind) {
    case 'cache-region':
      return { name: 'seed-region', data: subject };
    case 'refresh-region':
      return {
        name: 'seed-region',
        data: { ...subject, refreshOlderThan: String(run.progress.refreshOlderThan) },
      };
    case 'delete-region':
      return { name: 'release-region', data: subject };
    case 'build-package':
      return {
        name: 'build-package',
        data: { organisationId: run.organisationId, jobRunId: run.id, packageId: run.subjectId ?? '' },
      };
    case 'sync-batch':
      throw new Error(`job kind ${run.kind} is launched by its own service`);
    default:
      return assertUnreachable(run.kind);
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unknown job kind ${String(value)}`);
}
