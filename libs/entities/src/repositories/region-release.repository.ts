import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteOrphanedTiles, lastKeyOf, preferKeyOrder, ReleasedChunk, TileKey } from './tile-release';

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
   * nothing else holds then. Members are picked through the primary key and deleted by ctid.
   */
  async releaseChunk(
    regionId: string,
    sourceId: string,
    chunkSize: number,
    after: TileKey | null = null,
  ): Promise<ReleasedChunk> {
    const start = after ?? { z: -1, x: -1, y: -1 };
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT 1 FROM tile_source WHERE id = $1 FOR UPDATE`, [sourceId]);
      await preferKeyOrder(manager);
      const released: TileKey[] = await manager.query(
        `WITH gone AS (
           DELETE FROM region_tile WHERE ctid = ANY(ARRAY(
             SELECT ctid FROM region_tile
              WHERE region_id = $1 AND (z, x, y) > ($2, $3, $4)
              ORDER BY z, x, y LIMIT $5))
           RETURNING z, x, y)
         SELECT z, x, y FROM gone`,
        [regionId, start.z, start.x, start.y, chunkSize],
      );
      const orphaned = await deleteOrphanedTiles(manager, sourceId, released);
      return { membersRemoved: released.length, ...orphaned, last: lastKeyOf(released) };
    });
  }

  async deleteRegionRecord(regionId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM cache_region WHERE id = $1`, [regionId]);
  }
}
