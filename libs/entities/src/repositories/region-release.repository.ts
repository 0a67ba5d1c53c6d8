import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReleasedChunk, releaseHolderChunk, TileKey } from './tile-release';

/**
 * Releases a deleted region's tiles in chunks. A tile stays while any other region of the same source
 * holds it, or an offline package pins it (offline_package_tile). Each chunk takes the source row
 * FOR UPDATE, which waits for in-flight seed batches of that source (they hold it FOR SHARE), so a
 * batch never links a tile that is being removed.
 */
@Injectable()
export class RegionReleaseRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Releases up to chunkSize members of the region after `after` in (z, x, y) order, with the tiles that
   * nothing else holds then. See releaseHolderChunk.
   */
  async releaseChunk(
    regionId: string,
    sourceId: string,
    chunkSize: number,
    after: TileKey | null = null,
  ): Promise<ReleasedChunk> {
    return releaseHolderChunk(
      this.dataSource,
      sourceId,
      { table: 'region_tile', owner: { region_id: regionId } },
      chunkSize,
      after,
    );
  }

  async deleteRegionRecord(regionId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM cache_region WHERE id = $1`, [regionId]);
  }
}
