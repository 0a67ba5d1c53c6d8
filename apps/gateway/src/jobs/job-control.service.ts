import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { assertObjectId, DomainError, DomainErrorCode, notFound } from '@map-offline/contracts';
import {
  CacheRegionEntity,
  CacheRegionStatus,
  JobRunEntity,
  JobRunRepository,
  JobState,
} from '@map-offline/entities';

const REGION_JOB_KINDS = new Set(['cache-region', 'refresh-region']);

/** Cancel, pause and resume: state changes in PostgreSQL that the workers read before each batch. */
@Injectable()
export class JobControlService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jobRuns: JobRunRepository,
  ) {}

  async find(organisationId: string, id: string): Promise<JobRunEntity> {
    assertObjectId('job', id);
    const run = await this.jobRuns.find(organisationId, id);
    if (!run) throw notFound('job', id);
    return run;
  }

  cancel(organisationId: string, id: string): Promise<JobRunEntity> {
    return this.move(organisationId, id, ['queued', 'active', 'paused'], 'cancelled', 'cancelled');
  }

  pause(organisationId: string, id: string): Promise<JobRunEntity> {
    return this.move(organisationId, id, ['queued', 'active'], 'paused', 'paused');
  }

  async resume(organisationId: string, id: string): Promise<JobRunEntity> {
    const run = await this.find(organisationId, id);
    return this.move(
      organisationId,
      id,
      ['paused'],
      run.startedAt ? 'active' : 'queued',
      run.startedAt ? 'running' : 'queued',
    );
  }

  private async move(
    organisationId: string,
    id: string,
    from: JobState[],
    to: JobState,
    regionStatus: CacheRegionStatus,
  ): Promise<JobRunEntity> {
    const run = await this.find(organisationId, id);
    const moved = await this.jobRuns.transition(organisationId, id, from, to);
    if (!moved) {
      throw new DomainError(
        DomainErrorCode.CONFLICT,
        `job ${id} is ${run.state}; only a job that is ${from.join(' or ')} can become ${to}`,
      );
    }
    if (REGION_JOB_KINDS.has(run.kind) && run.subjectId) {
      await this.dataSource
        .getRepository(CacheRegionEntity)
        .update({ id: run.subjectId, organisationId }, { status: regionStatus });
    }
    return this.find(organisationId, id);
  }
}
