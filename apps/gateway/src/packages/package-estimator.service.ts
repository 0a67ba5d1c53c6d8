import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { assertObjectId, DomainError, DomainErrorCode, invalidInput, notFound } from '@map-offline/contracts';
import { CacheRegionEntity, type OfflinePackageFormat } from '@map-offline/entities';
import { CacheEstimatorService } from '../caching/cache-estimator.service';
import { EstimatePackageInput } from './build-package.input';
import { PackageEstimate } from './offline-package.model';
import { MAX_PACKAGE_REGIONS } from './package-request.parser';

/**
 * Container overhead in bytes, fitted to files the writers produce from real PNG caches: MBTiles stores a
 * map row and index entry per tile (about 48 bytes), each distinct body in 4 KiB SQLite pages whose
 * unused tails average about a quarter page, and a schema of a few pages; PMTiles directories take a few
 * bytes per tile after run-length folding and gzip. Good to within about a fifth.
 */
const OVERHEAD: Record<OfflinePackageFormat, { perTile: number; perUniqueTile: number; fixed: number }> = {
  mbtiles: { perTile: 48, perUniqueTile: 1_024 + 64, fixed: 32 * 1024 },
  pmtiles: { perTile: 4, perUniqueTile: 0, fixed: 16 * 1024 },
  'cybertracker-zip': { perTile: 48, perUniqueTile: 1_024 + 64, fixed: 36 * 1024 },
};

interface IndexCounts {
  tiles: string;
  min_zoom: number | null;
  max_zoom: number | null;
}

/** Tiles and bytes of a package before building: counted from the tile index, or estimated for an area. */
@Injectable()
export class PackageEstimatorService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cacheEstimator: CacheEstimatorService,
  ) {}

  async estimate(organisationId: string, input: EstimatePackageInput): Promise<PackageEstimate> {
    const format = input.format as string as OfflinePackageFormat;
    const regionIds = [...new Set(input.regionIds ?? [])];
    const hasArea = input.area !== undefined && input.area !== null;
    if (regionIds.length > 0 === hasArea)
      throw invalidInput('input.regionIds', 'give regionIds or area, not both');
    if (hasArea && input.area) {
      const cache = await this.cacheEstimator.estimate(organisationId, {
        sourceId: input.area.sourceId,
        area: input.area.area,
      });
      return {
        tiles: cache.totalTiles,
        uniqueTiles: null,
        tileBytes: cache.estimatedTotalBytes,
        estimatedFileBytes: withOverhead(
          format,
          cache.estimatedTotalBytes,
          cache.totalTiles,
          cache.totalTiles,
        ),
        minZoom: cache.minZoom,
        maxZoom: cache.maxZoom,
        tilesToCache: cache.upstreamRequests,
        exact: false,
      };
    }
    if (regionIds.length > MAX_PACKAGE_REGIONS) {
      throw invalidInput('input.regionIds', `at most ${MAX_PACKAGE_REGIONS} regions per package`);
    }
    const regions = await this.findRegions(organisationId, regionIds);
    const sourceId = regions[0].sourceId;
    // The same query shape the packager pins with: stored tiles of any of the regions, each once.
    const [counts]: IndexCounts[] = await this.dataSource.query(
      `SELECT count(*) AS tiles, min(m.z) AS min_zoom, max(m.z) AS max_zoom
         FROM (SELECT DISTINCT z, x, y FROM region_tile WHERE region_id = ANY($1::uuid[]) AND source_id = $2) m
         JOIN tile t ON t.source_id = $2 AND t.z = m.z AND t.x = m.x AND t.y = m.y
        WHERE t.status = 'stored' AND t.blob_sha256 IS NOT NULL`,
      [regionIds, sourceId],
    );
    const [blobs]: { blobs: string; bytes: string }[] = await this.dataSource.query(
      `SELECT count(*) AS blobs, COALESCE(sum(b.size_bytes), 0) AS bytes FROM tile_blob b
        WHERE b.sha256 IN (
          SELECT t.blob_sha256 FROM region_tile m
            JOIN tile t ON t.source_id = m.source_id AND t.z = m.z AND t.x = m.x AND t.y = m.y
           WHERE m.region_id = ANY($1::uuid[]) AND m.source_id = $2 AND t.status = 'stored')`,
      [regionIds, sourceId],
    );
    const tiles = Number(counts.tiles);
    const uniqueTiles = Number(blobs.blobs);
    const tileBytes = Number(blobs.bytes);
    const stillCaching = regions.filter((region) => ['queued', 'running', 'paused'].includes(region.status));
    return {
      tiles,
      uniqueTiles,
      tileBytes,
      estimatedFileBytes: withOverhead(format, tileBytes, tiles, uniqueTiles),
      minZoom: counts.min_zoom,
      maxZoom: counts.max_zoom,
      tilesToCache: stillCaching.reduce(
        (sum, region) =>
          sum + Math.max(0, region.tileCount - region.tilesDone - region.tilesEmpty - region.tilesFailed),
        0,
      ),
      exact: true,
    };
  }

  private async findRegions(organisationId: string, regionIds: string[]): Promise<CacheRegionEntity[]> {
    for (const id of regionIds) assertObjectId('cache region', id);
    const regions = await this.dataSource
      .getRepository(CacheRegionEntity)
      .findBy({ organisationId, id: In(regionIds) });
    const found = new Set(regions.map((region) => region.id));
    const missing = regionIds.find((id) => !found.has(id));
    if (missing) throw notFound('cache region', missing);
    if (new Set(regions.map((region) => region.sourceId)).size > 1) {
      throw new DomainError(
        DomainErrorCode.INVALID_INPUT,
        'input.regionIds: the regions must share one tile source',
        {
          field: 'input.regionIds',
        },
      );
    }
    return regions;
  }
}

function withOverhead(
  format: OfflinePackageFormat,
  tileBytes: number,
  tiles: number,
  uniqueTiles: number,
): number {
  const overhead = OVERHEAD[format];
  return Math.round(
    tileBytes + tiles * overhead.perTile + uniqueTiles * overhead.perUniqueTile + overhead.fixed,
  );
}
