import { Query, Resolver } from '@nestjs/graphql';
import { Queue } from 'bullmq';
import { RequireScopes } from '@map-offline/auth';
import { ALL_QUEUE_NAMES } from '@map-offline/contracts';
import { COUNTED_JOB_STATES, oldestWaitingSeconds, QueueProducer } from '@map-offline/queue';
import { QueueStats, Throughput } from './queue-stats.model';

@Resolver(() => QueueStats)
export class QueueStatsResolver {
  constructor(private readonly producer: QueueProducer) {}

  @RequireScopes('queue:read')
  @Query(() => [QueueStats], {
    description: 'Depth and throughput of every queue, for operators and autoscalers.',
  })
  async queueStats(): Promise<QueueStats[]> {
    return Promise.all(ALL_QUEUE_NAMES.map((name) => this.statsOf(name, this.producer.queue(name))));
  }

  private async statsOf(name: string, queue: Queue): Promise<QueueStats> {
    const [counts, oldest, completed, failed] = await Promise.all([
      queue.getJobCounts(...COUNTED_JOB_STATES),
      oldestWaitingSeconds(queue),
      perMinute(queue, 'completed'),
      perMinute(queue, 'failed'),
    ]);
    return {
      queue: name,
      waiting: counts.waiting ?? 0,
      prioritized: counts.prioritized ?? 0,
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      waitingChildren: counts['waiting-children'] ?? 0,
      failed: counts.failed ?? 0,
      completed: counts.completed ?? 0,
      oldestWaitingSeconds: oldest,
      completedPerMinute: completed,
      failedPerMinute: failed,
    };
  }
}

/**
 * BullMQ workers record finished jobs per minute in Redis: `data` holds completed minutes, newest first,
 * and `count - prevCount` the minute in progress. A window of N minutes is the minute in progress plus
 * the N - 1 before it, divided by N, whichever worker did the work.
 */
async function perMinute(queue: Queue, type: 'completed' | 'failed'): Promise<Throughput> {
  const metrics = await queue.getMetrics(type, 0, 13);
  const current = Math.max(0, Number(metrics.meta.count) - Number(metrics.meta.prevCount));
  const points = [current, ...metrics.data.map(Number)];
  const average = (minutes: number): number =>
    points.slice(0, minutes).reduce((sum, value) => sum + value, 0) / minutes;
  return { lastMinute: average(1), last5Minutes: average(5), last15Minutes: average(15) };
}
