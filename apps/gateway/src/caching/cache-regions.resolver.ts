import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, Principal, RequireScopes } from '@map-offline/auth';
import { invalidInput } from '@map-offline/contracts';
import { CacheRegionEntity, CacheStatsRepository } from '@map-offline/entities';
import { JobHandle } from '../jobs/job-handle.model';
import { toJobHandle } from '../jobs/job-handle.mapper';
import { CacheEstimate, EstimateCacheInput } from './cache-estimate.model';
import { CacheEstimatorService } from './cache-estimator.service';
import { CacheRegion, CacheSubmission, CreateCacheRegionInput } from './cache-region.model';
import { toCacheRegion } from './cache-region.mapper';
import { CacheRegionsService } from './cache-regions.service';
import { CacheStats } from './cache-stats.model';

const MAX_PAGE = 200;

@Resolver(() => CacheRegion)
export class CacheRegionsResolver {
  constructor(
    private readonly regions: CacheRegionsService,
    private readonly estimator: CacheEstimatorService,
    private readonly stats: CacheStatsRepository,
    private readonly dataSource: DataSource,
  ) {}

  @RequireScopes('cache:read')
  @Query(() => CacheEstimate, {
    description: 'Tiles, bytes and upstream requests an area would take; nothing is recorded.',
  })
  estimateCache(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: EstimateCacheInput,
  ): Promise<CacheEstimate> {
    return this.estimator.estimate(principal.organisationId, input);
  }

  @RequireScopes('cache:write')
  @Mutation(() => JobHandle, {
    description: 'Record a region and queue its caching; returns at once with a job handle.',
  })
  async createCacheRegion(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: CreateCacheRegionInput,
  ): Promise<JobHandle> {
    return toJobHandle(await this.regions.create(principal, input), null);
  }

  @RequireScopes('queue:submit')
  @Mutation(() => CacheSubmission, {
    description: 'Queue up to 1,000 regions; the same idempotencyKey returns the same jobs.',
  })
  async submitCacheJobs(
    @CurrentPrincipal() principal: Principal,
    @Args('inputs', { type: () => [CreateCacheRegionInput] }) inputs: CreateCacheRegionInput[],
    @Args('idempotencyKey') idempotencyKey: string,
  ): Promise<CacheSubmission> {
    const { submission, created, runs } = await this.regions.submit(principal, inputs, idempotencyKey);
    const results = submission.results.map((result) => {
      const run = result.jobRunId ? runs.get(result.jobRunId) : undefined;
      return {
        index: result.index,
        job: run ? toJobHandle(run, null) : null,
        regionId: result.regionId ?? null,
        error: result.error ?? null,
      };
    });
    return {
      idempotencyKey,
      created,
      accepted: results.filter((result) => result.job !== null).length,
      rejected: results.filter((result) => result.error !== null).length,
      results,
    };
  }

  @RequireScopes('cache:write')
  @Mutation(() => JobHandle, {
    description: 'Re-fetch tiles fetched before olderThan with conditional requests.',
  })
  async refreshCacheRegion(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('olderThan') olderThan: Date,
  ): Promise<JobHandle> {
    return toJobHandle(await this.regions.refresh(principal, id, olderThan), null);
  }

  @RequireScopes('cache:write')
  @Mutation(() => JobHandle, {
    description: 'Delete a region; tiles no other region uses are released and collected.',
  })
  async deleteCacheRegion(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<JobHandle> {
    return toJobHandle(await this.regions.delete(principal, id), null);
  }

  @RequireScopes('cache:read')
  @Query(() => CacheRegion)
  async cacheRegion(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<CacheRegion> {
    return toCacheRegion(await this.regions.findRegion(principal.organisationId, id));
  }

  @RequireScopes('cache:read')
  @Query(() => [CacheRegion], { description: 'Newest first.' })
  async cacheRegions(
    @CurrentPrincipal() principal: Principal,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset: number,
  ): Promise<CacheRegion[]> {
    if (first < 1 || first > MAX_PAGE) throw invalidInput('first', `must be between 1 and ${MAX_PAGE}`);
    if (offset < 0) throw invalidInput('offset', 'must be at least 0');
    const regions = await this.dataSource.getRepository(CacheRegionEntity).find({
      where: { organisationId: principal.organisationId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: first,
      skip: offset,
    });
    return regions.map(toCacheRegion);
  }

  @RequireScopes('cache:read')
  @Query(() => CacheStats, { description: "Statistics of one region, or of all the organisation's regions." })
  async cacheStats(
    @CurrentPrincipal() principal: Principal,
    @Args('regionId', { type: () => ID, nullable: true }) regionId?: string,
  ): Promise<CacheStats> {
    if (regionId) await this.regions.findRegion(principal.organisationId, regionId);
    const [perZoom, totals, failureReasons] = await Promise.all([
      this.stats.byZoom(principal.organisationId, regionId ?? null),
      this.stats.storedTotals(principal.organisationId, regionId ?? null),
      this.stats.failureReasons(principal.organisationId, regionId ?? null),
    ]);
    const sum = (pick: (zoom: (typeof perZoom)[number]) => number): number =>
      perZoom.reduce((total, zoom) => total + pick(zoom), 0);
    const logicalBytes = sum((zoom) => zoom.logicalBytes);
    return {
      tiles: sum((zoom) => zoom.tiles),
      storedTiles: sum((zoom) => zoom.storedTiles),
      emptyTiles: sum((zoom) => zoom.emptyTiles),
      failedTiles: sum((zoom) => zoom.failedTiles),
      uniqueBlobs: totals.uniqueBlobs,
      storedBytes: totals.storedBytes,
      logicalBytes,
      deduplicationRatio: totals.storedBytes > 0 ? logicalBytes / totals.storedBytes : 1,
      perZoom,
      failureReasons,
    };
  }
}
