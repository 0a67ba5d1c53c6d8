import { Redis } from 'ioredis';
import { JobProgressEvent } from '@map-offline/contracts';

/** Redis pub/sub channel of one job's progress; the prefix keeps tenants of a shared Redis apart. */
export function jobProgressChannel(prefix: string, jobRunId: string): string {
  return `${prefix}:job-progress:${jobRunId}`;
}

/** Publishing is best effort: progress is also persisted in PostgreSQL, which is the source of truth. */
export async function publishJobProgress(
  redis: Redis,
  prefix: string,
  event: JobProgressEvent,
): Promise<void> {
  await redis.publish(jobProgressChannel(prefix, event.jobId), JSON.stringify(event));
}
