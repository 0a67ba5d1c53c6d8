import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MAX_LATITUDE, type BBox } from '@map-offline/geo';
import { CacheRegionStatus, TileSourceEntity } from '@map-offline/entities';

/** Whether the regions of a package are ready to be packaged. */
export type RegionsReadiness =
  | { kind: 'ready' }
  /** some region is still caching (queued, running or paused) */
  | { kind: 'caching'; regionIds: string[] }
  /** some region is gone, being deleted, or ended without caching */
  | { kind: 'unusable'; reason: string };

const CACHING: readonly CacheRegionStatus[] = ['queued', 'running', 'paused'];

/** What a build reads besides the package record: region states, the source, the area's extent. */
@Injectable()
export class PackageRecords {
  constructor(private readonly dataSource: DataSource) {}

  async regionsReadiness(organisationId: string, regionIds: readonly string[]): Promise<RegionsReadiness> {
    if (regionIds.length === 0) return { kind: 'ready' };
    const rows: { id: string; status: CacheRegionStatus }[] = await this.dataSource.query(
      `SELECT id, status FROM cache_region WHERE organisation_id = $1 AND id = ANY($2::uuid[])`,
      [organisationId, regionIds],
    );
    const status = new Map(rows.map((row) => [row.id, row.status]));
    const missing = regionIds.filter((id) => !status.has(id) || status.get(id) === 'deleting');
    if (missing.length > 0) {
      return {
        kind: 'unusable',
        reason: `cache region(s) ${missing.join(', ')} no longer exist or are being deleted`,
      };
    }
    const ended = rows.filter((row) => row.status === 'failed' || row.status === 'cancelled');
    if (ended.length > 0) {
      return {
        kind: 'unusable',
        reason:
          ended.map((row) => `cache region ${row.id} is ${row.status}`).join('; ') + ': cache it again first',
      };
    }
    const caching = rows.filter((row) => CACHING.includes(row.status)).map((row) => row.id);
    return caching.length > 0 ? { kind: 'caching', regionIds: caching } : { kind: 'ready' };
  }

  findSource(organisationId: string, sourceId: string): Promise<TileSourceEntity | null> {
    return this.dataSource.getRepository(TileSourceEntity).findOneBy({ organisationId, id: sourceId });
  }

  /**
   * The extent of the regions' areas, limited to what Web Mercator tiles can show (|latitude| <=
   * MAX_LATITUDE): the `bounds` of the tileset metadata. Null when the regions are gone.
   */
  async regionsExtent(regionIds: readonly string[]): Promise<BBox | null> {
    const [row]: { west: number | null; south: number | null; east: number | null; north: number | null }[] =
      await this.dataSource.query(
        `SELECT ST_XMin(extent) AS west, ST_YMin(extent) AS south, ST_XMax(extent) AS east, ST_YMax(extent) AS north
           FROM (SELECT ST_Extent(area) AS extent FROM cache_region WHERE id = ANY($1::uuid[])) e`,
        [regionIds],
      );
    if (!row || row.west === null || row.south === null || row.east === null || row.north === null)
      return null;
    const clampLatitude = (latitude: number): number =>
      Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, latitude));
    const clampLongitude = (longitude: number): number => Math.max(-180, Math.min(180, longitude));
    return [
      clampLongitude(row.west),
      clampLatitude(row.south),
      clampLongitude(row.east),
      clampLatitude(row.north),
    ];
  }
}
