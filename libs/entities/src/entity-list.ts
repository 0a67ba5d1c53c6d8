import { CacheRegionEntity } from './cache-region.entity';
import { CacheSubmissionEntity } from './cache-submission.entity';
import { JobBatchEntity } from './job-batch.entity';
import { JobRunEntity } from './job-run.entity';
import { TileBlobEntity } from './tile-blob.entity';
import { RegionTileEntity } from './region-tile.entity';
import { TileSourceEntity } from './tile-source.entity';
import { TileEntity } from './tile.entity';
import { OfflinePackageEntity } from './offline-package.entity';
import { OfflinePackageTileEntity } from './offline-package-tile.entity';
import { LayerEntity } from './layer.entity';
import { FeatureEntity } from './feature.entity';
import { FeatureChangeEntity } from './feature-change.entity';
import { ConflictEntity } from './conflict.entity';
import { DeviceEntity } from './device.entity';
import { SyncBatchEntity } from './sync-batch.entity';

export const ENTITIES = [
  TileSourceEntity,
  CacheRegionEntity,
  RegionTileEntity,
  TileEntity,
  TileBlobEntity,
  JobRunEntity,
  JobBatchEntity,
  CacheSubmissionEntity,
  LayerEntity,
  FeatureEntity,
  FeatureChangeEntity,
  ConflictEntity,
  DeviceEntity,
  SyncBatchEntity,
  OfflinePackageEntity,
  OfflinePackageTileEntity,
];
