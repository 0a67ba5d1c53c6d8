import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { QueuedSyncBatch, SyncBatchRepository } from '@map-offline/entities';
import { AppLogger } from '@map-offline/observability';
import { QueueProducer } from '@map-offline/queue';
import { APP_LOGGER } from '@map-offline/runtime';

/** milliseconds between sweeps for batches whose job may have been lost */
const SWEEP_INTERVAL_MS = 10_000;
/** a batch still queued after this long (milliseconds) is queued again */
const SWEEP_AGE_MS = 30_000;
/** batches re-queued per sweep */
const SWEEP_LIMIT = 500;
/**
 * milliseconds a push waits for the queue: BullMQ waits for a Redis connection indefinitely, and the
 * stored batch does not need the queue to be safe (the sweep queues it when Redis is back)
 */
const ENQUEUE_TIMEOUT_MS = 2_000;

/**
 * Queues the merge job of a stored batch. The job id is derived from the batch's job run id (stored
 * with the batch), so queueing twice is one job while it exists in Redis.
 *
 * The reconciler-safe choice: the generic JobLauncher's sweep skips `sync-batch` runs (it cannot build
 * this payload), so this launcher sweeps sync batches itself. It re-queues only batches still
 * `queued` in PostgreSQL, with the same deterministic job id: a job still in Redis absorbs the
 * duplicate; a job lost with Redis is created again; and if a completed job was already removed from
 * Redis, the new one finds the batch `merged` and does nothing. Every gateway replica may sweep.
 */
@Injectable()
export class SyncBatchLauncher implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly producer: QueueProducer,
    private readonly batches: SyncBatchRepository,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  static jobIdFor(jobRunId: string): string {
    return `merge-batch_${jobRunId}`;
  }

  /** False when the queue is unreachable: the batch is stored, and the sweep will queue it. */
  async launch(batch: QueuedSyncBatch): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const enqueued = this.producer.enqueue(
        {
          name: 'merge-batch',
          data: { organisationId: batch.organisationId, batchId: batch.id, jobRunId: batch.jobRunId },
        },
        { jobId: SyncBatchLauncher.jobIdFor(batch.jobRunId) },
      );
      // If it completes after the timeout, it is the same job the sweep would add: harmless.
      enqueued.catch(() => undefined);
      await Promise.race([
        enqueued,
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no queue within ${ENQUEUE_TIMEOUT_MS} ms`)),
            ENQUEUE_TIMEOUT_MS,
          );
        }),
      ]);
      return true;
    } catch (error) {
      this.logger.warn(
        { err: error, batchId: batch.id },
        'queue unavailable; the stored batch will be queued by the sweep',
      );
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Queues again every batch still waiting after SWEEP_AGE_MS; returns how many it queued. */
  async sweep(olderThanMs = SWEEP_AGE_MS): Promise<number> {
    // One sweep at a time: while Redis is away an enqueue can wait for a long time.
    if (this.sweeping) return 0;
    this.sweeping = true;
    try {
      const waiting = await this.batches.listQueued(olderThanMs, SWEEP_LIMIT);
      if (waiting.length === 0) return 0;
      await this.producer.enqueueBulk(
        waiting.map((batch) => ({
          item: {
            name: 'merge-batch' as const,
            data: { organisationId: batch.organisationId, batchId: batch.id, jobRunId: batch.jobRunId },
          },
          options: { jobId: SyncBatchLauncher.jobIdFor(batch.jobRunId) },
        })),
      );
      return waiting.length;
    } catch (error) {
      this.logger.debug({ err: error }, 'sync batch sweep skipped: a dependency is unavailable');
      return 0;
    } finally {
      this.sweeping = false;
    }
  }
}
