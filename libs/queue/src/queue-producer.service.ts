import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JobItem, jobDefinition, parseJob, QueueName } from '@map-offline/contracts';
import { getJobOptions, JobOptionOverrides } from './job-options';
import { createRedisConnection } from './redis-connection';
import { QUEUE_SETTINGS, QueueSettings } from './queue-settings';

/** milliseconds an API-facing enqueue may wait for Redis before it fails as unavailable */
export const ENQUEUE_TIMEOUT_MS = 5_000;
/** milliseconds a bulk enqueue (fan-out, sweeps: thousands of jobs on a loaded machine) may wait */
export const BULK_ENQUEUE_TIMEOUT_MS = 30_000;
/** milliseconds close() waits for each queue before it drops the connection */
export const CLOSE_TIMEOUT_MS = 5_000;

/**
 * Redis cannot take the job now (down, restarting, or no answer in time). Retryable: with a
 * deterministic job id a late success and a retry are the same job.
 */
export class QueueUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueueUnavailableError';
  }
}

/**
 * Rejects with QueueUnavailableError after timeoutMs. BullMQ waits for a connection indefinitely (a
 * Queue first used while Redis is down never gets its first `ready`), so every wait here is bounded.
 */
async function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new QueueUnavailableError(`${what}: no answer from Redis within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Puts jobs on BullMQ queues. Payloads are validated here too, so a bad job fails at the API with a
 * clear message rather than later in a worker.
 */
@Injectable()
export class QueueProducer implements OnApplicationShutdown {
  private readonly connection: Redis;
  private readonly queues = new Map<QueueName, Queue>();
  /** whether the connection has been ready once (start-up waits for it; later outages fail fast) */
  private everReady = false;

  constructor(@Inject(QUEUE_SETTINGS) private readonly settings: QueueSettings) {
    this.connection = createRedisConnection(
      settings.redisUrl,
      'producer',
      `${settings.connectionName}:producer`,
    );
    // Errors surface on each command; without a listener ioredis would also print them unhandled.
    this.connection.on('error', () => undefined);
    this.connection.once('ready', () => (this.everReady = true));
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.settings.prefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Fails with QueueUnavailableError at once while disconnected, and after timeoutMs (milliseconds). */
  async enqueue(
    item: JobItem,
    overrides: JobOptionOverrides = {},
    timeoutMs = ENQUEUE_TIMEOUT_MS,
  ): Promise<string> {
    const validated = parseJob(item.name, item.data);
    await this.ensureConnected(timeoutMs);
    const queue = this.queue(jobDefinition(validated.name).queue);
    const job = await withTimeout(
      queue.add(validated.name, validated.data, getJobOptions(validated.name, overrides)),
      timeoutMs,
      `enqueue ${validated.name}`,
    );
    return job.id ?? '';
  }

  /** Adds many jobs of one queue in one round trip (fan-out). Each is validated first. */
  async enqueueBulk(
    items: { item: JobItem; options: JobOptionOverrides }[],
    timeoutMs = BULK_ENQUEUE_TIMEOUT_MS,
  ): Promise<void> {
    if (items.length === 0) return;
    const validated = items.map(({ item, options }) => ({ job: parseJob(item.name, item.data), options }));
    const queueName = jobDefinition(validated[0].job.name).queue;
    if (validated.some(({ job }) => jobDefinition(job.name).queue !== queueName)) {
      throw new Error('enqueueBulk takes jobs of one queue at a time');
    }
    await this.ensureConnected(timeoutMs);
    await withTimeout(
      this.queue(queueName).addBulk(
        validated.map(({ job, options }) => ({
          name: job.name,
          data: job.data,
          opts: getJobOptions(job.name, options),
        })),
      ),
      timeoutMs,
      `enqueue ${validated.length} jobs on ${queueName}`,
    );
  }

  /**
   * Resolves once the connection is usable. Producers refuse commands while disconnected (fail fast for
   * callers), so start-up checks must wait for the first connection; timeoutMs bounds the wait.
   */
  async waitUntilReady(timeoutMs = 15_000): Promise<void> {
    if (this.connection.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.connection.off('ready', onReady);
        reject(
          new Error(`Redis did not answer within ${timeoutMs} ms; check REDIS_URL and that Redis is running`),
        );
      }, timeoutMs);
      const onReady = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.connection.once('ready', onReady);
    });
  }

  redis(): Redis {
    return this.connection;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /**
   * Idempotent, so the process runner can close queues before the database and Nest's hook is a no-op.
   * Bounded: with Redis down a queue's close can wait for a connection forever, and shutdown must not.
   */
  async close(timeoutMs = CLOSE_TIMEOUT_MS): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    const results = await Promise.allSettled(
      queues.map((queue) => withTimeout(queue.close(), timeoutMs, `close ${queue.name}`)),
    );
    if (this.connection.status !== 'end') this.connection.disconnect();
    // A queue that could not close for want of Redis is closed by dropping the connection; anything else is real.
    const failure = results.find(
      (result): result is PromiseRejectedResult =>
        result.status === 'rejected' && !(result.reason instanceof QueueUnavailableError),
    );
    if (failure) throw failure.reason;
  }

  /**
   * Before the first connection, waits for it (bounded): a worker may take a job before its producer has
   * connected. After that, fails at once while disconnected, as the producer's commands do (no offline
   * queue), where BullMQ would wait for the connection to return.
   */
  private async ensureConnected(timeoutMs: number): Promise<void> {
    if (this.connection.status === 'ready') return;
    if (!this.everReady) {
      await this.waitUntilReady(timeoutMs).catch((error: unknown) => {
        throw new QueueUnavailableError('Redis is not connected yet', { cause: error });
      });
      return;
    }
    throw new QueueUnavailableError(`Redis is not connected (connection ${this.connection.status})`);
  }
}
