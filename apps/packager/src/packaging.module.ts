import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@map-offline/config';
import {
  BlobCollectionRepository,
  JobRunRepository,
  OfflinePackagePinRepository,
  OfflinePackageRepository,
} from '@map-offline/entities';
import { StorageModule } from '@map-offline/storage';
import { BuildPackageJob } from './build-package.job';
import { BuildProgressReporter } from './build/build-progress.reporter';
import { PackageBuilder } from './build/package-builder.service';
import { PackageRecords } from './build/package-records';
import { PackageTilesetSource } from './build/package-tileset.source';
import { StaleWorkspaceSweeper } from './build/stale-workspace.sweeper';
import { DeletePackageJob } from './delete-package.job';
import { AreaClipper } from './layers/area-clipper.port';
import { PostgisAreaClipper } from './layers/postgis-area.clipper';
import { PostgisSyncLayerSource, SyncLayerSource } from './layers/sync-layer.source';
import { PackagePinReleaser } from './package-pin.releaser';
import { PackagerMetrics } from './packager.metrics';

/** Offline package builds (MBTiles, PMTiles, CyberTracker zips) and deletions: the packaging queue's jobs. */
@Module({})
export class PackagingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: PackagingModule,
      imports: [StorageModule.forRoot(config.storage)],
      providers: [
        JobRunRepository,
        OfflinePackageRepository,
        OfflinePackagePinRepository,
        BlobCollectionRepository,
        PackageRecords,
        PackageTilesetSource,
        { provide: AreaClipper, useClass: PostgisAreaClipper },
        { provide: SyncLayerSource, useClass: PostgisSyncLayerSource },
        BuildProgressReporter,
        PackageBuilder,
        PackagePinReleaser,
        StaleWorkspaceSweeper,
        PackagerMetrics,
        BuildPackageJob,
        DeletePackageJob,
      ],
    };
  }
}
