import { CacheRegionEntity } from '@map-offline/entities';
import { CacheRegion } from './cache-region.model';

export function toCacheRegion(entity: CacheRegionEntity): CacheRegion {
  return {
    id: entity.id,
    name: entity.name,
    sourceId: entity.sourceId,
    area: entity.area as unknown as Record<string, unknown>,
    minZoom: entity.minZoom,
    maxZoom: entity.maxZoom,
    status: entity.status,
    tileCount: entity.tileCount,
    tilesDone: entity.tilesDone,
    tilesEmpty: entity.tilesEmpty,
    tilesFailed: entity.tilesFailed,
    logicalBytes: entity.logicalBytes,
    createdAt: entity.createdAt,
    completedAt: entity.completedAt,
  };
}
