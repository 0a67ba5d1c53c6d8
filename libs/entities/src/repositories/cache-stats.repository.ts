import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ZoomStatistics {
  zoom: number;
  tiles: number;
  storedTiles: number;
  emptyTiles: number;
  failedTiles: number;
  uniqueBlobs: number;
  /** bytes of every tile counted separately */
  logicalBytes: number;
  /** bytes of the distinct blobs those tiles use */
  storedBytes: number;
}

export interface FailureReasonCount {
  reason: string;
  tiles: number;
}

interface ZoomRow {
  z: number;
  tiles: string;
  stored: string;
  empty: string;
  failed: string;
  unique_blobs: string;
  logical_bytes: string;
  stored_bytes: string;
}

/** Statistics computed from the index itself, so they are exact whatever happened during the run. */
@Injectable()
export class CacheStatsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Per-zoom figures of one region, or of every region of an organisation when regionId is null. */
  async byZoom(organisationId: string, regionId: string | null): Promise<ZoomStatistics[]> {
    const rows: ZoomRow[] = await this.dataSource.query(
      `WITH members AS (
         SELECT DISTINCT m.source_id, m.z, m.x, m.y
           FROM region_tile m JOIN cache_region r ON r.id = m.region_id
          WHERE r.organisation_id = $1 AND ($2::uuid IS NULL OR r.id = $2)),
       tiles AS (
         SELECT t.z, t.status, t.blob_sha256 FROM members m
           JOIN tile t ON t.source_id = m.source_id AND t.z = m.z AND t.x = m.x AND t.y = m.y),
       stored AS (
         SELECT d.z, sum(b.size_bytes) AS bytes
           FROM (SELECT DISTINCT z, blob_sha256 FROM tiles WHERE blob_sha256 IS NOT NULL) d
           JOIN tile_blob b ON b.sha256 = d.blob_sha256
          GROUP BY d.z)
       SELECT t.z,
              count(*) AS tiles,
              count(*) FILTER (WHERE t.status = 'stored') AS stored,
              count(*) FILTER (WHERE t.status = 'empty') AS empty,
              count(*) FILTER (WHERE t.status = 'failed') AS failed,
              count(DISTINCT t.blob_sha256) AS unique_blobs,
              COALESCE(sum(b.size_bytes), 0) AS logical_bytes,
              COALESCE(max(s.bytes), 0) AS stored_bytes
         FROM tiles t
         LEFT JOIN tile_blob b ON b.sha256 = t.blob_sha256
         LEFT JOIN stored s ON s.z = t.z
        GROUP BY t.z ORDER BY t.z`,
      [organisationId, regionId],
    );
    return rows.map((row) => ({
      zoom: row.z,
      tiles: Number(row.tiles),
      storedTiles: Number(row.stored),
      emptyTiles: Number(row.empty),
      failedTiles: Number(row.failed),
      uniqueBlobs: Number(row.unique_blobs),
      logicalBytes: Number(row.logical_bytes),
      storedBytes: Number(row.stored_bytes),
    }));
  }

  /** Distinct blobs and their bytes across the selection (zoom levels share blobs, so not a sum). */
  async storedTotals(
    organisationId: string,
    regionId: string | null,
  ): Promise<{ uniqueBlobs: number; storedBytes: number }> {
    const [row]: { unique_blobs: string; stored_bytes: string }[] = await this.dataSource.query(
      `SELECT count(*) AS unique_blobs, COALESCE(sum(b.size_bytes), 0) AS stored_bytes
         FROM tile_blob b
        WHERE b.sha256 IN (
          SELECT t.blob_sha256
            FROM region_tile m
            JOIN cache_region r ON r.id = m.region_id
            JOIN tile t ON t.source_id = m.source_id AND t.z = m.z AND t.x = m.x AND t.y = m.y
           WHERE r.organisation_id = $1 AND ($2::uuid IS NULL OR r.id = $2))`,
      [organisationId, regionId],
    );
    return { uniqueBlobs: Number(row.unique_blobs), storedBytes: Number(row.stored_bytes) };
  }

  async failureReasons(
    organisationId: string,
    regionId: string | null,
    limit = 20,
  ): Promise<FailureReasonCount[]> {
    const rows: { reason: string; tiles: string }[] = await this.dataSource.query(
      `SELECT COALESCE(t.failure_reason, 'unknown') AS reason, count(DISTINCT (t.z, t.x, t.y)) AS tiles
         FROM region_tile m
         JOIN cache_region r ON r.id = m.region_id
         JOIN tile t ON t.source_id = m.source_id AND t.z = m.z AND t.x = m.x AND t.y = m.y
        WHERE r.organisation_id = $1 AND ($2::uuid IS NULL OR r.id = $2) AND t.status = 'failed'
        GROUP BY 1 ORDER BY 2 DESC LIMIT $3`,
      [organisationId, regionId, limit],
    );
    return rows.map((row) => ({ reason: row.reason, tiles: Number(row.tiles) }));
  }

  /** Rewrites a region's counters from its membership: the truth at the end of a run. */
  async recountRegion(
    regionId: string,
  ): Promise<{ members: number; done: number; empty: number; failed: number; logicalBytes: number }> {
    const [row]: { members: string; done: string; empty: string; failed: string; bytes: string }[] =
      await this.dataSource.query(
        `WITH counts AS (
           SELECT count(*) AS members,
                  count(*) FILTER (WHERE t.status IN ('stored', 'empty')) AS done,
                  count(*) FILTER (WHERE t.status = 'empty') AS empty,
                  count(*) FILTER (WHERE t.status = 'failed') AS failed,
                  COALESCE(sum(b.size_bytes), 0) AS bytes
             FROM region_tile m
             JOIN tile t ON t.source_id = m.source_id AND t.z = m.z AND t.x = m.x AND t.y = m.y
             LEFT JOIN tile_blob b ON b.sha256 = t.blob_sha256
            WHERE m.region_id = $1),
         updated AS (
           UPDATE cache_region r
              SET tiles_done = c.done, tiles_empty = c.empty, tiles_failed = c.failed, logical_bytes = c.bytes,
                  updated_at = now()
             FROM counts c WHERE r.id = $1
           RETURNING c.members, c.done, c.empty, c.failed, c.bytes)
         -- A SELECT around the UPDATE: TypeORM returns [rows, count] for a bare UPDATE.
         SELECT * FROM updated`,
        [regionId],
      );
    return {
      members: Number(row?.members ?? 0),
      done: Number(row?.done ?? 0),
      empty: Number(row?.empty ?? 0),
      failed: Number(row?.failed ?? 0),
      logicalBytes: Number(row?.bytes ?? 0),
    };
  }
}
