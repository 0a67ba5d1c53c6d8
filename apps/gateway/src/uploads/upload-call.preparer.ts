import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { assertObjectId, DomainError, DomainErrorCode, notFound } from '@map-offline/contracts';
import { CacheRegionEntity, TileSourceEntity } from '@map-offline/entities';
import { planCover } from '@map-offline/geo';
import { assertInsideCover } from './region-cover.checker';
import { acceptedMediaTypes } from './tile-media-type';
import { TileUploadCandidate } from './tile-upload-candidate';
import { TileUploadInput } from './tile-upload.input';
import { validateTileUploads } from './tile-upload.validator';

export interface PreparedUploadCall {
  region: CacheRegionEntity;
  source: TileSourceEntity;
  tiles: TileUploadCandidate[];
}

/**
 * What both upload mutations start with: the caller's region (another organisation's is "not found"),
 * its source, and tiles checked field by field and against the region's exact cover.
 */
@Injectable()
export class UploadCallPreparer {
  constructor(private readonly dataSource: DataSource) {}

  async prepare(
    organisationId: string,
    regionId: string,
    tiles: TileUploadInput[],
  ): Promise<PreparedUploadCall> {
    assertObjectId('cache region', regionId);
    const region = await this.dataSource
      .getRepository(CacheRegionEntity)
      .findOneBy({ organisationId, id: regionId });
    if (!region) throw notFound('cache region', regionId);
    if (region.status === 'deleting') throw regionBeingDeleted(regionId);
    const source = await this.dataSource
      .getRepository(TileSourceEntity)
      .findOneBy({ organisationId, id: region.sourceId });
    if (!source) throw notFound('cache region', regionId);
    const candidates = validateTileUploads(tiles, {
      minZoom: region.minZoom,
      maxZoom: region.maxZoom,
      mediaTypes: acceptedMediaTypes(source),
    });
    assertInsideCover(
      planCover(region.area, { minZoom: region.minZoom, maxZoom: region.maxZoom }),
      candidates,
    );
    return { region, source, tiles: candidates };
  }
}

export function regionBeingDeleted(regionId: string): DomainError {
  return new DomainError(DomainErrorCode.CONFLICT, `cache region ${regionId} is being deleted`);
}
