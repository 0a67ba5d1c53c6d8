import { Queue } from 'bullmq';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ALL_QUEUE_NAMES, QueueName } from '@map-offline/contracts';

/** Job states BullMQ counts per queue; "prioritized" holds waiting jobs that carry a priority. */
export const COUNTED_JOB_STATES = [
  'waiting',
  'prioritized',
  'active',
  'delayed',
  'waiting-children',
  'failed',
  'completed',
  'paused',
] as const;

/**
 * Queue depth gauges, read from Redis when Prometheus scrapes (the gateway exports them: it can see every
 * queue). Names are used by k8s/monitoring; change them together.
 */
export function registerQueueGauges(registry: Registry, queueFor: (name: QueueName) => Queue): void {
  new Gauge({
    name: 'mapoffline_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      for (const name of ALL_QUEUE_NAMES) {
        const counts = await queueFor(name).getJobCounts(...COUNTED_JOB_STATES);
        for (const state of COUNTED_JOB_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'mapoffline_queue_oldest_waiting_seconds',
    help: 'Age of the oldest job waiting to start, per queue (0 when none waits)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      for (const name of ALL_QUEUE_NAMES)
        this.set({ queue: name }, await oldestWaitingSeconds(queueFor(name)));
    },
  });
}

/** seconds since the oldest waiting (or prioritised) job was added */
export async function oldestWaitingSeconds(queue: Queue, now = Date.now()): Promise<number> {
  const [oldest] = await queue.getJobs(['wait', 'prioritized'], 0, 0, true);
  return oldest ? Math.max(0, (now - oldest.timestamp) / 1000) : 0;
}

/**
 * Counters and durations a worker records as its jobs end. The label is job_name, not job: Prometheus keeps
 * `job` for the scrape job and would rename ours to exported_job.
 */
export interface WorkerJobMetrics {
  completed: Counter<'queue' | 'job_name'>;
  failed: Counter<'queue' | 'job_name'>;
  duration: Histogram<'queue' | 'job_name'>;
  /** jobs whose lock expired (worker killed, or its event loop blocked past the lock duration) */
  stalled: Counter<'queue'>;
}

export function registerWorkerJobMetrics(registry: Registry): WorkerJobMetrics {
  return {
    completed: new Counter({
      name: 'mapoffline_queue_completed_total',
      help: 'Jobs completed by this worker',
      labelNames: ['queue', 'job_name'],
      registers: [registry],
    }),
    failed: new Counter({
      name: 'mapoffline_queue_failed_total',
      help: 'Job attempts that failed in this worker (each retry counts)',
      labelNames: ['queue', 'job_name'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'mapoffline_job_duration_seconds',
      help: 'Time from a job starting to finishing, per attempt',
      labelNames: ['queue', 'job_name'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    // BullMQ's 'stalled' event carries only the job id, so there is no job_name label. The worker that finds
    // the expired lock counts it (every worker runs the check), not the one that lost it.
    stalled: new Counter({
      name: 'mapoffline_queue_stalled_total',
      help: 'Active jobs found with an expired lock and moved back to waiting (worker killed or blocked)',
      labelNames: ['queue'],
      registers: [registry],
    }),
  };
}
