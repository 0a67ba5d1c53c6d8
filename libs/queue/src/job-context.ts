import { Job } from 'bullmq';
import { AppLogger } from '@map-offline/observability';

/** What a handler may know about the job it runs, without touching BullMQ directly. */
export interface JobContext {
  jobId: string;
  queue: string;
  /** 1-based attempt number and the budget, for "attempt n of m" in logs. */
  attempt: number;
  maxAttempts: number;
  /** A child logger whose every line carries job id, queue, attempt and organisation. */
  logger: AppLogger;
  reportProgress(progress: Record<string, unknown>): Promise<void>;
  /** The raw BullMQ job, for flows (children results, moveToWaitingChildren). */
  job: Job;
  /** BullMQ lock token, needed to move a job between states from inside its handler. */
  token: string | undefined;
}
