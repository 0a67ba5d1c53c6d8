import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@map-offline/config';
import {
  BlobCollectionRepository,
  CacheStatsRepository,
  JobRunRepository,
  RegionReleaseRepository,
  TileIndexRepository,
} from '@map-offline/entities';
import { StorageModule } from '@map-offline/storage';
import { BlobUploader } from './blob-uploader';
import { CoverPlanCache } from './cover-plan.cache';
import { ProgressPublisher } from './progress.publisher';
import { ReleaseRegionJob } from './release-region.job';
import { UnusedBlobCollector } from './unused-blob.collector';
import { SeedBatchJob } from './seed-batch.job';
import { SeedRegionJob } from './seed-region.job';
import { SeederMetrics } from './seeder.metrics';
import { SeedingRecordLoader } from './seeding-records';
import { TileBatchSeeder } from './tile-batch.seeder';
import { upstreamFetcherProvider } from './upstream-tile.fetcher';

/** Everything the tile-seeding queue's jobs need; the handlers are the three *.job.ts providers. */
@Module({})
export class TileSeedingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: TileSeedingModule,
      imports: [StorageModule.forRoot(config.storage)],
      providers: [
        TileIndexRepository,
        RegionReleaseRepository,
        BlobCollectionRepository,
        CacheStatsRepository,
        JobRunRepository,
        SeedingRecordLoader,
        CoverPlanCache,
        BlobUploader,
        UnusedBlobCollector,
        SeederMetrics,
        ProgressPublisher,
        ...upstreamFetcherProvider,
        TileBatchSeeder,
        SeedRegionJob,
        SeedBatchJob,
        ReleaseRegionJob,
      ],
    };
  }
}
