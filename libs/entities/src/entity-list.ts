import { CacheRegionEntity } from './cache-region.entity';
import { JobRunEntity } from './job-run.entity';
import { TileBlobEntity } from './tile-blob.entity';
import { TileSourceEntity } from './tile-source.entity';
import { TileEntity } from './tile.entity';

export const ENTITIES = [TileSourceEntity, CacheRegionEntity, TileEntity, TileBlobEntity, JobRunEntity];
