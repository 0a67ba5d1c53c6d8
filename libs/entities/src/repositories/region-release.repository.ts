import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ReleasedChunk {
  /** region_tile rows removed in this chunk */
  membersRemoved: number;
  /** tile index rows removed because no other region of the source holds them */
  tilesRemoved: number;
  /** blobs that lost a reference: garbage-collection candidates */
  candidateBlobs: string[];
}

/**
 * Releases a deleted region's tiles in chunks. A tile stays while any other region of the same source
 * holds it, or an offline package pins it (offline_package_tile). Each chunk takes the source row
 * FOR UPDATE, which waits for in-flight seed batches of that source (they hold it FOR SHARE), so a
 * batch never links a tile that is being removed.
 */
@Injectable()
export class RegionReleaseRepository {
  constructor(private readonly dataSource: DataSource) {}

  async releaseChunk(regionId: string, sourceId: string, chunkSize: number): Promise<ReleasedChunk> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT 1 FROM tile_source WHERE id = $1 FOR UPDATE`, [sourceId]);
      const rows: { kind: 'member' | 'tile'; blob_sha256: string | null }[] = await manager.query(
        `WITH gone AS (
           DELETE FROM region_tile
            WHERE (region_id, z, x, y) IN (
              SELECT region_id, z, x, y FROM region_tile WHERE region_id = $1 LIMIT $3)
           RETURNING z, x, y),
         orphaned AS (
           DELETE FROM tile t USING gone g
            WHERE t.source_id = $2 AND t.z = g.z AND t.x = g.x AND t.y = g.y
              AND NOT EXISTS (
                SELECT 1 FROM region_tile other
                 WHERE other.source_id = $2 AND other.z = t.z AND other.x = t.x AND other.y = t.y
                   AND other.region_id <> $1)
              AND NOT EXISTS (
                SELECT 1 FROM offline_package_tile pin
                 WHERE pin.source_id = $2 AND pin.z = t.z AND pin.x = t.x AND pin.y = t.y)
           RETURNING t.blob_sha256)
         SELECT 'member' AS kind, NULL AS blob_sha256 FROM gone
         UNION ALL
         SELECT 'tile' AS kind, blob_sha256 FROM orphaned`,
        [regionId, sourceId, chunkSize],
      );
      const candidates = new Set<string>();
      let membersRemoved = 0;
      let tilesRemoved = 0;
      for (const row of rows) {
        if (row.kind === 'member') membersRemoved += 1;
        else {
          tilesRemoved += 1;
          if (row.blob_sha256) candidates.add(row.blob_sha256.trim());
        }
      }
      return { membersRemoved, tilesRemoved, candidateBlobs: [...candidates] };
    });
  }

  async deleteRegionRecord(regionId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM cache_region WHERE id = $1`, [regionId]);
  }
}
