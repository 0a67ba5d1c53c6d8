import { Module } from '@nestjs/common';
import { OfflinePackageRepository } from '@map-offline/entities';
import { CacheEstimatorService } from '../caching/cache-estimator.service';
import { CacheRegionsService } from '../caching/cache-regions.service';
import { CachingModule } from '../caching/caching.module';
import { TileSourcesService } from '../caching/tile-sources.service';
import { PackageDownloadController } from './package-download.controller';
import { PackageEstimatorService } from './package-estimator.service';
import { PackageLinks } from './package-links.service';
import { PackagesResolver } from './packages.resolver';
import { PackagesService } from './packages.service';

/**
 * Offline packages: build, estimate, list, delete, links (presigned, stable, applink, QR). The caching
 * services are stateless; they are provided here again (CachingModule does not export them) so an area
 * can be cached before it is packaged, with the same rules as createCacheRegion.
 */
@Module({
  imports: [CachingModule],
  controllers: [PackageDownloadController],
  providers: [
    OfflinePackageRepository,
    TileSourcesService,
    CacheEstimatorService,
    CacheRegionsService,
    PackageEstimatorService,
    PackageLinks,
    PackagesService,
    PackagesResolver,
  ],
})
export class PackagesModule {}
