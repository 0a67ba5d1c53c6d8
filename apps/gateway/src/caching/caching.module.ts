import { Module } from '@nestjs/common';
import { CacheStatsRepository, JobRunRepository } from '@map-offline/entities';
import { JobControlService } from '../jobs/job-control.service';
import { JobLauncher } from '../jobs/job-launcher.service';
import { JobProgressHub } from '../jobs/job-progress.hub';
import { JobsResolver } from '../jobs/jobs.resolver';
import { CacheEstimatorService } from './cache-estimator.service';
import { CacheRegionsResolver } from './cache-regions.resolver';
import { CacheRegionsService } from './cache-regions.service';
import { TileSourcesResolver } from './tile-sources.resolver';
import { TileSourcesService } from './tile-sources.service';
import { TilesController } from './tiles.controller';

/** Tile sources, estimates, cache regions, statistics, job control and cached tile serving. */
@Module({
  controllers: [TilesController],
  providers: [
    TileSourcesService,
    CacheEstimatorService,
    CacheRegionsService,
    CacheStatsRepository,
    JobRunRepository,
    JobLauncher,
    JobControlService,
    JobProgressHub,
    TileSourcesResolver,
    CacheRegionsResolver,
    JobsResolver,
  ],
  exports: [JobLauncher, JobRunRepository, JobProgressHub],
})
export class CachingModule {}
