import { Inject, Injectable, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { Job, MetricsTime, UnrecoverableError, Worker } from 'bullmq';
import { Registry } from 'prom-client';
import { Redis } from 'ioredis';
import { InvalidJobError, parseJob, QueueName } from '@map-offline/contracts';
import { AppLogger } from '@map-offline/observability';
import { BoundJobHandler, JobHandlerDiscovery } from './job-handler-discovery';
import { createRedisConnection } from './redis-connection';
import { QUEUE_SETTINGS, QueueSettings } from './queue-settings';
import { assertNoEvictionPolicy } from './redis-policy.check';
import { registerWorkerJobMetrics, WorkerJobMetrics } from './queue-metrics';

export interface WorkerHostSettings {
  queue: QueueName;
  /** jobs processed at once by this process */
  concurrency: number;
  /** milliseconds to wait for active jobs on shutdown before releasing them to another worker */
  shutdownGraceMs: number;
  /** milliseconds a job's lock lasts; a dead worker's jobs are taken back after it expires (BullMQ default 30 s) */
  lockDurationMs?: number;
  /** milliseconds between checks for jobs whose lock expired (BullMQ default 30 s) */
  stalledIntervalMs?: number;
}

export const WORKER_HOST_SETTINGS = Symbol('WORKER_HOST_SETTINGS');
export const WORKER_LOGGER = Symbol('WORKER_LOGGER');
export const WORKER_METRICS_REGISTRY = Symbol('WORKER_METRICS_REGISTRY');

/**
 * Runs one queue's jobs: re-validates each payload at the consumer (outside producers write to Redis
 * directly), dispatches to the single registered handler, and lets failures reach BullMQ so its retry
 * budget applies. Closed in beforeApplicationShutdown so it stops before the database closes.
 */
@Injectable()
export class WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: Worker;
  private connection?: Redis;
  private handlers = new Map<string, BoundJobHandler>();
  private readonly metrics: WorkerJobMetrics;

  constructor(
    @Inject(QUEUE_SETTINGS) private readonly queueSettings: QueueSettings,
    @Inject(WORKER_HOST_SETTINGS) private readonly settings: WorkerHostSettings,
    @Inject(WORKER_LOGGER) private readonly logger: AppLogger,
    private readonly discovery: JobHandlerDiscovery,
    @Inject(WORKER_METRICS_REGISTRY) registry: Registry,
  ) {
    this.metrics = registerWorkerJobMetrics(registry);
    // Exported at 0 from the start: Prometheus's increase() cannot see a counter's first step from nothing.
    this.metrics.stalled.inc({ queue: settings.queue }, 0);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.handlers = this.discovery.handlersFor(this.settings.queue);
    this.connection = createRedisConnection(
      this.queueSettings.redisUrl,
      'worker',
      `${this.queueSettings.connectionName}:worker`,
    );
    await assertNoEvictionPolicy(this.connection);
    this.worker = new Worker(this.settings.queue, (job, token) => this.process(job, token), {
      connection: this.connection,
      prefix: this.queueSettings.prefix,
      concurrency: this.settings.concurrency,
      lockDuration: this.settings.lockDurationMs,
      stalledInterval: this.settings.stalledIntervalMs,
      autorun: true,
      // Per-minute completed/failed counts kept in Redis for a week: queueStats reads its 1/5/15-minute
      // throughput from them, whichever worker did the work.
      metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
    });
    this.worker.on('error', (error) =>
      this.logger.error({ err: error, queue: this.settings.queue }, 'worker error'),
    );
    this.worker.on('completed', (job) => this.recordEnd(job, 'completed'));
    this.worker.on('stalled', (jobId) => this.recordStalled(jobId));
    this.worker.on('failed', (job, error) => {
      if (!job) return;
      this.recordEnd(job, 'failed');
      this.logger.warn(
        { ...this.jobFields(job), err: error },
        `job failed on attempt ${job.attemptsMade} of ${job.opts.attempts ?? 1}`,
      );
    });
    this.logger.info(
      { queue: this.settings.queue, jobs: [...this.handlers.keys()], concurrency: this.settings.concurrency },
      'worker started',
    );
  }

  isRunning(): boolean {
    return this.worker?.isRunning() ?? false;
  }

  async ping(): Promise<void> {
    if (!this.connection) throw new Error('worker not started');
    await this.connection.ping();
  }

  /** Nest's hook is a safety net; the process runner calls stop() first to control the order. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Stop taking jobs, wait for active ones up to the grace period, then close the connection. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    this.logger.info({ queue: this.settings.queue }, 'stopping: no new jobs, waiting for active ones');
    const graceful = worker.close().then(() => true);
    const timedOut = new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(false), this.settings.shutdownGraceMs).unref(),
    );
    if (!(await Promise.race([graceful, timedOut]))) {
      this.logger.warn(
        { queue: this.settings.queue, graceMs: this.settings.shutdownGraceMs },
        'grace period over: releasing active jobs to another worker',
      );
      await worker.close(true);
    }
    this.connection?.disconnect();
    this.logger.info({ queue: this.settings.queue }, 'worker stopped');
  }

  private async process(job: Job, token: string | undefined): Promise<unknown> {
    let item;
    try {
      item = parseJob(job.name, job.data);
    } catch (error) {
      if (error instanceof InvalidJobError) throw new UnrecoverableError(error.message);
      throw error;
    }
    const handler = this.handlers.get(item.name);
    if (!handler)
      throw new UnrecoverableError(`no handler for job "${job.name}" in queue ${this.settings.queue}`);
    const logger = this.logger.child(this.jobFields(job));
    return handler(item.data, {
      jobId: job.id ?? '',
      queue: this.settings.queue,
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? 1,
      logger,
      reportProgress: (progress) => job.updateProgress(progress),
      job,
      token,
    });
  }

  private recordEnd(job: Job, outcome: 'completed' | 'failed'): void {
    const labels = { queue: this.settings.queue, job_name: job.name };
    this.metrics[outcome].inc(labels);
    if (job.processedOn)
      this.metrics.duration.observe(labels, ((job.finishedOn ?? Date.now()) - job.processedOn) / 1000);
  }

  /** A job whose lock expired went back to waiting: its worker died or was blocked past the lock duration. */
  private recordStalled(jobId: string): void {
    this.metrics.stalled.inc({ queue: this.settings.queue });
    this.logger.warn(
      { jobId, queue: this.settings.queue, lockDurationMs: this.settings.lockDurationMs },
      'job stalled: its lock expired, so it was moved back to the queue',
    );
  }

  private jobFields(job: Job): Record<string, unknown> {
    const data = job.data as { organisationId?: unknown } | undefined;
    return {
      jobId: job.id,
      queue: this.settings.queue,
      jobName: job.name,
      attempt: job.attemptsMade + 1,
      organisationId: typeof data?.organisationId === 'string' ? data.organisationId : undefined,
    };
  }
}
