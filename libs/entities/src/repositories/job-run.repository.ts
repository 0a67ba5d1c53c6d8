import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { JobRunEntity, JobState } from '../job-run.entity';

const FINAL_STATES: readonly JobState[] = ['completed', 'failed', 'cancelled'];

/** State changes of the durable job record; every read is scoped by organisation. */
@Injectable()
export class JobRunRepository {
  private readonly runs: Repository<JobRunEntity>;

  constructor(dataSource: DataSource) {
    this.runs = dataSource.getRepository(JobRunEntity);
  }

  find(organisationId: string, id: string): Promise<JobRunEntity | null> {
    return this.runs.findOneBy({ organisationId, id });
  }

  /**
   * Records that a worker started the run: queued -> active, and started_at once (a redelivered parent
   * leaves it alone). A run paused before its first delivery stays paused but gets its start time too:
   * resume decides between active and queued by started_at, and without it a resumed run that was
   * already working showed "queued" until it finished.
   */
  async markActive(id: string): Promise<void> {
    await this.runs
      .createQueryBuilder()
      .update()
      .set({
        state: () => `CASE WHEN state = 'queued' THEN 'active' ELSE state END`,
        startedAt: () => 'COALESCE(started_at, now())',
      })
      .where('id = :id AND state IN (:...startable)', { id, startable: ['queued', 'paused'] })
      .execute();
  }

  async setProgressFlag(id: string, flag: string, value: unknown): Promise<void> {
    await this.runs.query(
      `UPDATE job_run SET progress = jsonb_set(progress, ARRAY[$2::text], $3::jsonb, true), updated_at = now()
        WHERE id = $1`,
      [id, flag, JSON.stringify(value)],
    );
  }

  /** Ends a run unless it already ended (a cancelled run stays cancelled). */
  async finish(
    id: string,
    state: JobState,
    result: Record<string, unknown>,
    error: string | null,
  ): Promise<void> {
    await this.runs.query(
      `UPDATE job_run SET state = $2, result = $3::jsonb, error = $4, finished_at = now(), updated_at = now()
        WHERE id = $1 AND state <> ALL($5::varchar[])`,
      [id, state, JSON.stringify(result), error, FINAL_STATES],
    );
  }

  /** Moves a run between user-controlled states; returns false when the transition is not allowed. */
  async transition(organisationId: string, id: string, from: JobState[], to: JobState): Promise<boolean> {
    const result = await this.runs
      .createQueryBuilder()
      .update()
      .set({ state: to, ...(to === 'cancelled' ? { finishedAt: () => 'now()' } : {}) })
      .where('id = :id AND organisation_id = :organisationId AND state IN (:...from)', {
        id,
        organisationId,
        from,
      })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
