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

/**
 * One channel per deployment on which sync-mergers announce merged batches (`organisationId/batchId`
 * keys), so a gateway subscribes once instead of once per waiting request.
 */
export function syncMergedChannel(prefix: string): string {
  return `${prefix}:sync-merged`;
}

/** A message on syncMergedChannel. */
export interface SyncMergedMessage {
  batches: string[];
}

export function syncMergedKey(organisationId: string, batchId: string): string {
  return `${organisationId}/${batchId}`;
}

/**
 * The progress events of batches merged in one transaction and their announcement on
 * syncMergedChannel, in one round trip. Best effort, like publishJobProgress.
 */
export async function publishSyncMerged(
  redis: Redis,
  prefix: string,
  merged: { organisationId: string; batchId: string; progress: JobProgressEvent }[],
): Promise<void> {
  if (merged.length === 0) return;
  const pipeline = redis.pipeline();
  for (const { progress } of merged) {
    pipeline.publish(jobProgressChannel(prefix, progress.jobId), JSON.stringify(progress));
  }
  const message: SyncMergedMessage = {
    batches: merged.map(({ organisationId, batchId }) => syncMergedKey(organisationId, batchId)),
  };
  pipeline.publish(syncMergedChannel(prefix), JSON.stringify(message));
  const results = await pipeline.exec();
  const failure = results?.find(([error]) => error !== null)?.[0];
  if (failure) throw failure;
}
