import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JobItem, jobDefinition, parseJob, QueueName } from '@map-offline/contracts';
import { getJobOptions, JobOptionOverrides } from './job-options';
import { createRedisConnection } from './redis-connection';
import { QUEUE_SETTINGS, QueueSettings } from './queue-settings';

/**
 * Puts jobs on BullMQ queues. Payloads are validated here too, so a bad job fails at the API with a
 * clear message rather than later in a worker.
 */
@Injectable()
export class QueueProducer implements OnApplicationShutdown {
  private readonly connection: Redis;
  private readonly queues = new Map<QueueName, Queue>();

  constructor(@Inject(QUEUE_SETTINGS) private readonly settings: QueueSettings) {
    this.connection = createRedisConnection(
      settings.redisUrl,
      'producer',
      `${settings.connectionName}:producer`,
    );
    // Errors surface on each command; without a listener ioredis would also print them unhandled.
    this.connection.on('error', () => undefined);
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.settings.prefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  async enqueue(item: JobItem, overrides: JobOptionOverrides = {}): Promise<string> {
    const validated = parseJob(item.name, item.data);
    const queue = this.queue(jobDefinition(validated.name).queue);
    const job = await queue.add(validated.name, validated.data, getJobOptions(validated.name, overrides));
    return job.id ?? '';
  }

  /** Adds many jobs of one queue in one round trip (fan-out). Each is validated first. */
  async enqueueBulk(items: { item: JobItem; options: JobOptionOverrides }[]): Promise<void> {
    if (items.length === 0) return;
    const validated = items.map(({ item, options }) => ({ job: parseJob(item.name, item.data), options }));
    const queueName = jobDefinition(validated[0].job.name).queue;
    if (validated.some(({ job }) => jobDefinition(job.name).queue !== queueName)) {
      throw new Error('enqueueBulk takes jobs of one queue at a time');
    }
    await this.queue(queueName).addBulk(
      validated.map(({ job, options }) => ({
        name: job.name,
        data: job.data,
        opts: getJobOptions(job.name, options),
      })),
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

  /** Idempotent, so the process runner can close queues before the database and Nest's hook is a no-op. */
  async close(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.all(queues.map((queue) => queue.close()));
    if (this.connection.status !== 'end') this.connection.disconnect();
  }
}
