import { JobsOptions } from 'bullmq';
import { JobName } from '@map-offline/contracts';

export interface JobOptionOverrides {
  /** Deterministic id: the same id twice is one job (BullMQ ignores the duplicate add). */
  jobId?: string;
  priority?: number;
  /** Makes the job a child in a BullMQ flow: the parent runs again when all children are done. */
  parent?: { id: string; queue: string };
  /** A child that fails for good does not block its parent, which reports it instead. */
  ignoreDependencyOnFailure?: boolean;
}

/**
 * Every job option in one place. Attempts and backoff are the retry budget for transient failures
 * (network, S3 5xx, lock contention); permanent failures throw UnrecoverableError and skip it.
 */
export function getJobOptions(name: JobName, overrides: JobOptionOverrides = {}): JobsOptions {
  return {
    attempts: 5,
    // milliseconds: 1 s, 2 s, 4 s, 8 s between attempts
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
    ...(tuning[name] ?? {}),
    ...overrides,
  };
}

/** Per-job departures from the defaults (e.g. a longer budget for batch fetches). */
const tuning: Partial<Record<JobName, JobsOptions>> = {};
