import { DelayedError, UnrecoverableError } from 'bullmq';
import { JobContext } from '@map-offline/queue';
import { databaseAnswers, DatabaseProbe, isDatabaseUnavailableError } from '@map-offline/runtime';

/** milliseconds a merge waits before it tries again while PostgreSQL is unreachable */
export const DATABASE_OUTAGE_RETRY_MS = 3_000;
/** milliseconds of random spread added to that wait, so a backlog does not come back all at once */
const DATABASE_OUTAGE_JITTER_MS = 1_000;

/**
 * Whether a merge failed because PostgreSQL is away: an error code says so (connection refused, server
 * shutting down), or, for the errors that carry none (a connection cut mid-transaction surfaces as the
 * driver's "connection terminated" or TypeORM's "query runner already released"), PostgreSQL does not
 * answer right now. A permanent failure (UnrecoverableError) never is.
 */
export async function isDatabaseOutage(error: unknown, dataSource: DatabaseProbe): Promise<boolean> {
  if (error instanceof UnrecoverableError) return false;
  if (isDatabaseUnavailableError(error)) return true;
  return !(await databaseAnswers(dataSource));
}

/**
 * Puts a merge that failed because PostgreSQL was away back on the queue as delayed, WITHOUT spending an
 * attempt (BullMQ's moveToDelayed skips the attempt count), and returns the DelayedError the handler must
 * throw so the worker leaves it there. The batch is stored in PostgreSQL and the outage says nothing about
 * it: with the attempt budget (5 attempts, 15 s of backoff) a restart or fail-over longer than that would
 * fail the job for good while the batch stays queued, and marking it failed needs the database anyway.
 * If the job cannot be moved (lock lost, Redis away too), the original error is returned instead and
 * BullMQ's ordinary retry applies.
 */
export async function postponeForDatabaseOutage(
  context: Pick<JobContext, 'job' | 'token' | 'logger'>,
  cause: unknown,
  random: () => number = Math.random,
): Promise<unknown> {
  const delayMs = DATABASE_OUTAGE_RETRY_MS + Math.round(random() * DATABASE_OUTAGE_JITTER_MS);
  try {
    await context.job.moveToDelayed(Date.now() + delayMs, context.token);
  } catch (moveError) {
    context.logger.warn({ err: moveError }, 'could not postpone the merge; BullMQ retries it');
    return cause;
  }
  context.logger.warn({ err: cause, delayMs }, 'database unavailable: merge postponed, no attempt spent');
  return new DelayedError('postponed until the database is back');
}
