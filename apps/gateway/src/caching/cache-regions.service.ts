import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { Principal } from '@map-offline/auth';
import { AppConfig } from '@map-offline/config';
import { assertObjectId, DomainError, DomainErrorCode, invalidInput, notFound } from '@map-offline/contracts';
import { planCover } from '@map-offline/geo';
import { CacheRegionEntity, CacheSubmissionEntity, JobKind, JobRunEntity } from '@map-offline/entities';
import { APP_CONFIG } from '@map-offline/runtime';
import { toDomainError } from '../common/domain-error.filter';
import { JobLauncher } from '../jobs/job-launcher.service';
import { parseCacheArea } from './cache-area.parser';
import { CreateCacheRegionInput } from './cache-region.model';
import { TileSourcesService } from './tile-sources.service';

export const MAX_SUBMISSION_INPUTS = 1_000;

interface PreparedRegion {
  region: Partial<CacheRegionEntity>;
  tileCount: number;
}

/** Records regions and their jobs, then enqueues; the work itself happens in the tile seeder. */
@Injectable()
export class CacheRegionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sources: TileSourcesService,
    private readonly launcher: JobLauncher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(principal: Principal, input: CreateCacheRegionInput): Promise<JobRunEntity> {
    const prepared = await this.prepare(principal, input, 'input');
    const run = await this.dataSource.transaction((manager) =>
      this.record(manager, principal, prepared, null),
    );
    await this.launcher.launch(run);
    return run;
  }

  /** Bulk submission for other systems: the same key returns the same jobs and creates nothing twice. */
  async submit(
    principal: Principal,
    inputs: CreateCacheRegionInput[],
    idempotencyKey: string,
  ): Promise<{ submission: CacheSubmissionEntity; created: boolean; runs: Map<string, JobRunEntity> }> {
    if (inputs.length === 0 || inputs.length > MAX_SUBMISSION_INPUTS) {
      throw new DomainError(
        DomainErrorCode.LIMIT_EXCEEDED,
        `inputs: give 1 to ${MAX_SUBMISSION_INPUTS} regions, got ${inputs.length}`,
        {
          field: 'inputs',
          limit: MAX_SUBMISSION_INPUTS,
        },
      );
    }
    if (idempotencyKey.length === 0 || idempotencyKey.length > 200)
      throw invalidInput('idempotencyKey', 'must be 1 to 200 characters');
    const requestSha256 = createHash('sha256').update(JSON.stringify(inputs)).digest('hex');

    const existing = await this.findSubmission(principal.organisationId, idempotencyKey);
    if (existing) return this.replay(existing, requestSha256);

    const prepared: (PreparedRegion | DomainError)[] = [];
    for (const [index, input] of inputs.entries()) {
      try {
        prepared.push(await this.prepare(principal, input, `inputs[${index}]`));
      } catch (error) {
        const domainError = toDomainError(error);
        if (!domainError) throw error;
        prepared.push(domainError);
      }
    }
    try {
      const { submission, runs } = await this.dataSource.transaction(async (manager) => {
        const created = new Map<string, JobRunEntity>();
        const results: CacheSubmissionEntity['results'] = [];
        for (const [index, entry] of prepared.entries()) {
          if (entry instanceof DomainError) {
            results.push({ index, error: { code: entry.code, message: entry.message } });
            continue;
          }
          const run = await this.record(manager, principal, entry, null);
          created.set(run.id, run);
          results.push({ index, jobRunId: run.id, regionId: run.subjectId ?? undefined });
        }
        const saved = await manager.save(
          manager.create(CacheSubmissionEntity, {
            organisationId: principal.organisationId,
            idempotencyKey,
            requestSha256,
            results,
          }),
        );
        return { submission: saved, runs: created };
      });
      await this.launcher.launchAll([...runs.values()]);
      return { submission, created: true, runs };
    } catch (error) {
      // Two submissions with one key at once: the loser returns what the winner stored.
      if ((error as { driverError?: { code?: string } }).driverError?.code === '23505') {
        const winner = await this.findSubmission(principal.organisationId, idempotencyKey);
        if (winner) return this.replay(winner, requestSha256);
      }
      throw error;
    }
  }

  async refresh(principal: Principal, regionId: string, olderThan: Date): Promise<JobRunEntity> {
    const region = await this.findRegion(principal.organisationId, regionId);
    if (region.status === 'deleting')
      throw new DomainError(DomainErrorCode.CONFLICT, `cache region ${regionId} is being deleted`);
    await this.assertNoActiveJob(region.id);
    const run = await this.dataSource.transaction(async (manager) => {
      await manager.update(CacheRegionEntity, { id: region.id }, { status: 'queued' });
      return this.saveRun(manager, principal, 'refresh-region', region.id, region.tileCount, {
        refreshOlderThan: olderThan.toISOString(),
      });
    });
    await this.launcher.launch(run);
    return run;
  }

  async delete(principal: Principal, regionId: string): Promise<JobRunEntity> {
    const region = await this.findRegion(principal.organisationId, regionId);
    const run = await this.dataSource.transaction(async (manager) => {
      // Marks the region for deletion, then cancels its running jobs so their remaining batches stop.
      // In this order: a committing seed batch holds the region row FOR SHARE and then updates its job
      // run, so locking the job run first and the region second deadlocked with every batch in flight.
      await manager.update(CacheRegionEntity, { id: region.id }, { status: 'deleting' });
      await manager.query(
        `UPDATE job_run SET state = 'cancelled', finished_at = now(), updated_at = now()
          WHERE subject_id = $1 AND state IN ('queued', 'active', 'paused') AND kind IN ('cache-region', 'refresh-region')`,
        [region.id],
      );
      return this.saveRun(
        manager,
        principal,
        'delete-region',
        region.id,
        region.tilesDone + region.tilesFailed,
        {},
      );
    });
    await this.launcher.launch(run);
    return run;
  }

  async findRegion(organisationId: string, id: string): Promise<CacheRegionEntity> {
    assertObjectId('cache region', id);
    const region = await this.dataSource.getRepository(CacheRegionEntity).findOneBy({ organisationId, id });
    if (!region) throw notFound('cache region', id);
    return region;
  }

  private async prepare(
    principal: Principal,
    input: CreateCacheRegionInput,
    field: string,
  ): Promise<PreparedRegion> {
    if (input.name.trim().length === 0 || input.name.length > 200)
      throw invalidInput(`${field}.name`, 'must be 1 to 200 characters');
    const source = await this.sources.find(principal.organisationId, input.sourceId);
    const { area, minZoom, maxZoom } = parseCacheArea(input.area, source, `${field}.area`);
    const tileCount = planCover(area, { minZoom, maxZoom }).total;
    const limit = this.config.caching.maxTilesPerJob;
    if (tileCount > limit) {
      const overriding = input.overrideTileLimit && principal.scopes.has('admin');
      if (!overriding) {
        throw new DomainError(
          DomainErrorCode.LIMIT_EXCEEDED,
          `${field}.area covers ${tileCount} tiles at zooms ${minZoom}-${maxZoom}; the limit per job is ${limit}` +
            (input.overrideTileLimit ? ' (overrideTileLimit needs the admin scope)' : ''),
          { field: `${field}.area`, limit },
        );
      }
    }
    return {
      tileCount,
      region: {
        organisationId: principal.organisationId,
        name: input.name,
        sourceId: source.id,
        area,
        minZoom,
        maxZoom,
        status: 'queued',
        tileCount,
      },
    };
  }

  private async record(
    manager: EntityManager,
    principal: Principal,
    prepared: PreparedRegion,
    key: string | null,
  ): Promise<JobRunEntity> {
    const region = await manager.save(manager.create(CacheRegionEntity, prepared.region));
    return this.saveRun(manager, principal, 'cache-region', region.id, prepared.tileCount, {}, key);
  }

  private saveRun(
    manager: EntityManager,
    principal: Principal,
    kind: JobKind,
    subjectId: string,
    totalUnits: number,
    extra: Record<string, unknown>,
    idempotencyKey: string | null = null,
  ): Promise<JobRunEntity> {
    return manager.save(
      manager.create(JobRunEntity, {
        organisationId: principal.organisationId,
        kind,
        state: 'queued',
        subjectId,
        idempotencyKey,
        requestedBy: principal.clientId ?? principal.subject,
        totalUnits,
        progress: { doneByZoom: {}, ...extra },
      }),
    );
  }

  private async assertNoActiveJob(regionId: string): Promise<void> {
    const active = await this.dataSource
      .getRepository(JobRunEntity)
      .findOneBy({ subjectId: regionId, state: In(['queued', 'active', 'paused']) });
    if (active)
      throw new DomainError(
        DomainErrorCode.CONFLICT,
        `cache region ${regionId} already has job ${active.id} (${active.state})`,
      );
  }

  private findSubmission(
    organisationId: string,
    idempotencyKey: string,
  ): Promise<CacheSubmissionEntity | null> {
    return this.dataSource.getRepository(CacheSubmissionEntity).findOneBy({ organisationId, idempotencyKey });
  }

  private async replay(
    submission: CacheSubmissionEntity,
    requestSha256: string,
  ): Promise<{ submission: CacheSubmissionEntity; created: boolean; runs: Map<string, JobRunEntity> }> {
    if (submission.requestSha256.trim() !== requestSha256) {
      throw new DomainError(
        DomainErrorCode.CONFLICT,
        `idempotencyKey "${submission.idempotencyKey}" was already used for a different request`,
        { field: 'idempotencyKey' },
      );
    }
    const ids = submission.results
      .map((result) => result.jobRunId)
      .filter((id): id is string => id !== undefined);
    const runs =
      ids.length === 0 ? [] : await this.dataSource.getRepository(JobRunEntity).findBy({ id: In(ids) });
    // A replay also repairs a submission whose enqueue failed the first time (job ids are deterministic).
    await this.launcher.launchAll(runs.filter((run) => run.state === 'queued'));
    return { submission, created: false, runs: new Map(runs.map((run) => [run.id, run])) };
  }
}
