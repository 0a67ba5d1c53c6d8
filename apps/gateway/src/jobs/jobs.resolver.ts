import { Args, ID, Int, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, Principal, RequireScopes } from '@map-offline/auth';
import { invalidInput } from '@map-offline/contracts';
import { CacheRegionEntity, JobRunEntity, toJobProgressEvent } from '@map-offline/entities';
import { JobControlService } from './job-control.service';
import { JobHandle, JobProgress, JobStateValue } from './job-handle.model';
import { toJobHandle, toJobProgress } from './job-handle.mapper';
import { JobProgressHub } from './job-progress.hub';

const MAX_PAGE = 200;
const REGION_KINDS = new Set(['cache-region', 'refresh-region']);

@Resolver(() => JobHandle)
export class JobsResolver {
  constructor(
    private readonly control: JobControlService,
    private readonly hub: JobProgressHub,
    private readonly dataSource: DataSource,
  ) {}

  @RequireScopes('cache:read')
  @Query(() => JobHandle)
  async job(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<JobHandle> {
    return this.handle(await this.control.find(principal.organisationId, id));
  }

  @RequireScopes('cache:read')
  @Query(() => [JobHandle], { description: 'Newest first, optionally filtered by state and kind.' })
  async jobs(
    @CurrentPrincipal() principal: Principal,
    @Args('state', { type: () => JobStateValue, nullable: true }) state?: JobStateValue,
    @Args('kind', { nullable: true }) kind?: string,
    @Args('first', { type: () => Int, defaultValue: 50 }) first = 50,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset = 0,
  ): Promise<JobHandle[]> {
    if (first < 1 || first > MAX_PAGE) throw invalidInput('first', `must be between 1 and ${MAX_PAGE}`);
    if (offset < 0) throw invalidInput('offset', 'must be at least 0');
    const runs = await this.dataSource.getRepository(JobRunEntity).find({
      where: {
        organisationId: principal.organisationId,
        ...(state ? { state } : {}),
        ...(kind ? { kind: kind as JobRunEntity['kind'] } : {}),
      },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: first,
      skip: offset,
    });
    return Promise.all(runs.map((run) => this.handle(run)));
  }

  @RequireScopes('cache:write')
  @Mutation(() => JobHandle, { description: 'Stop a job; batches not started yet are skipped.' })
  async cancelJob(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<JobHandle> {
    return this.handle(await this.control.cancel(principal.organisationId, id));
  }

  @RequireScopes('cache:write')
  @Mutation(() => JobHandle, {
    description: 'Hold a job; running batches finish, the rest wait until resumed.',
  })
  async pauseJob(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<JobHandle> {
    return this.handle(await this.control.pause(principal.organisationId, id));
  }

  @RequireScopes('cache:write')
  @Mutation(() => JobHandle)
  async resumeJob(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<JobHandle> {
    return this.handle(await this.control.resume(principal.organisationId, id));
  }

  @RequireScopes('cache:read')
  @Subscription(() => JobProgress, {
    description: 'The current progress at once, then each change until the job ends (graphql-ws).',
    resolve: (event: JobProgress) => event,
  })
  async jobProgress(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<AsyncIterableIterator<JobProgress>> {
    const run = await this.control.find(principal.organisationId, id);
    const events = this.hub.events(run.id, toJobProgressEvent(run, await this.regionOf(run), new Date()));
    return mapIterator(events, toJobProgress);
  }

  private async handle(run: JobRunEntity): Promise<JobHandle> {
    return toJobHandle(run, await this.regionOf(run));
  }

  private async regionOf(run: JobRunEntity): Promise<CacheRegionEntity | null> {
    if (!REGION_KINDS.has(run.kind) || !run.subjectId) return null;
    return this.dataSource.getRepository(CacheRegionEntity).findOneBy({ id: run.subjectId });
  }
}

function mapIterator<From, To>(
  source: AsyncIterableIterator<From>,
  map: (value: From) => To,
): AsyncIterableIterator<To> {
  const iterator: AsyncIterableIterator<To> = {
    next: async () => {
      const result = await source.next();
      return result.done ? { value: undefined, done: true } : { value: map(result.value), done: false };
    },
    return: async () => {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
