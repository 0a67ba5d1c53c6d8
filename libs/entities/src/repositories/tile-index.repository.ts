import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  BatchCommit,
  BatchCommitResult,
  BlobVanishedError,
  IndexedTile,
  RegionReleasedError,
  TilesVanishedError,
} from './tile-index.types';

interface IndexedTileRow {
  x: number;
  y: number;
  status: IndexedTile['status'];
  blob_sha256: string | null;
  etag: string | null;
  fetched_at: Date;
  in_region: boolean;
}

/**
 * The tile index in SQL. Batches pass columns as arrays and unnest them, so a few hundred tiles cost a
 * handful of statements, and everything a batch changes is written in one transaction.
 */
@Injectable()
export class TileIndexRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Index rows for tiles (x[i], y[i]) at one zoom, with whether the region already holds each. */
  async findTiles(
    sourceId: string,
    regionId: string,
    zoom: number,
    xs: number[],
    ys: number[],
  ): Promise<IndexedTile[]> {
    const rows: IndexedTileRow[] = await this.dataSource.query(
      `SELECT t.x, t.y, t.status, t.blob_sha256, t.etag, t.fetched_at,
              EXISTS (SELECT 1 FROM region_tile m
                       WHERE m.region_id = $2 AND m.z = $3 AND m.x = t.x AND m.y = t.y) AS in_region
         FROM unnest($4::int[], $5::int[]) AS wanted(x, y)
         JOIN tile t ON t.source_id = $1 AND t.z = $3 AND t.x = wanted.x AND t.y = wanted.y`,
      [sourceId, regionId, zoom, xs, ys],
    );
    return rows.map((row) => ({
      x: row.x,
      y: row.y,
      status: row.status,
      blobSha256: row.blob_sha256?.trim() ?? null,
      etag: row.etag,
      fetchedAt: row.fetched_at,
      inRegion: row.in_region,
    }));
  }

  /** Which of these blobs already have a row (and so an object in storage). */
  async findKnownBlobs(hashes: string[]): Promise<Set<string>> {
    if (hashes.length === 0) return new Set();
    const rows: { sha256: string }[] = await this.dataSource.query(
      `SELECT sha256 FROM tile_blob WHERE sha256 = ANY($1::char(64)[])`,
      [hashes],
    );
    return new Set(rows.map((row) => row.sha256));
  }

  async isBatchFinished(jobRunId: string, batchKey: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM job_batch WHERE job_run_id = $1 AND batch_key = $2`,
      [jobRunId, batchKey],
    );
    return rows.length > 0;
  }

  /**
   * One transaction per batch: blob rows, a shared lock on every blob the batch references (the
   * garbage collector takes FOR UPDATE SKIP LOCKED, so the two never both win), tile rows, region
   * membership, counters, and the batch-finished mark. Safe to repeat: a redelivered batch adds nothing.
   */
  async commitBatch(commit: BatchCommit): Promise<BatchCommitResult> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      // Shared with other batches, exclusive with a region deletion of the same source (see deleteRegionChunk).
      await manager.query(`SELECT 1 FROM tile_source WHERE id = $1 FOR SHARE`, [commit.sourceId]);
      // A region being deleted takes no new tiles: the status change waits for this lock, and a batch
      // that starts after it sees "deleting" and stops.
      const regions: { status: string }[] = await manager.query(
        `SELECT status FROM cache_region WHERE id = $1 FOR SHARE`,
        [commit.regionId],
      );
      if (regions.length === 0 || regions[0].status === 'deleting') {
        // The batch's objects are in storage already. Rolling back everything left them there with no row,
        // where no collector ever finds them (hundreds per deletion of a running region); their rows are
        // recorded, unreferenced, so the caller can collect them through the usual protocol.
        await this.insertBlobs(manager, commit);
        return { released: true as const };
      }
      await this.insertBlobs(manager, commit);
      await this.lockReferencedBlobs(manager, commit);
      const replacedBlobs = await this.upsertTiles(manager, commit);
      await this.confirmTiles(manager, commit);
      const addedMembers = await this.addMembers(manager, commit);
      const batchNewlyFinished = await this.markFinished(manager, commit);
      return { released: false as const, result: { addedMembers, batchNewlyFinished, replacedBlobs } };
    });
    if (outcome.released) {
      throw new RegionReleasedError(
        commit.regionId,
        commit.newBlobs.map((blob) => blob.sha256),
      );
    }
    return outcome.result;
  }

  private async insertBlobs(manager: EntityManager, commit: BatchCommit): Promise<void> {
    if (commit.newBlobs.length === 0) return;
    // Concurrent batches often insert the same new blobs (sea, blank land); taking the row locks in
    // one global order (by hash) is what keeps them from deadlocking.
    const blobs = [...commit.newBlobs].sort((a, b) =>
      a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0,
    );
    await manager.query(
      `INSERT INTO tile_blob (sha256, size_bytes, content_type)
       SELECT b.sha256, b.size, b.type
         FROM unnest($1::char(64)[], $2::int[], $3::varchar[]) WITH ORDINALITY AS b(sha256, size, type, position)
       ORDER BY position
       ON CONFLICT (sha256) DO NOTHING`,
      [
        blobs.map((blob) => blob.sha256),
        blobs.map((blob) => blob.sizeBytes),
        blobs.map((blob) => blob.contentType),
      ],
    );
  }

  private async lockReferencedBlobs(manager: EntityManager, commit: BatchCommit): Promise<void> {
    const referenced = [
      ...new Set(
        commit.writes.map((write) => write.blobSha256).filter((hash): hash is string => hash !== null),
      ),
    ].sort();
    if (referenced.length === 0) return;
    const rows: { sha256: string }[] = await manager.query(
      `SELECT sha256 FROM tile_blob WHERE sha256 = ANY($1::char(64)[]) ORDER BY sha256 FOR SHARE`,
      [referenced],
    );
    if (rows.length !== referenced.length) {
      const present = new Set(rows.map((row) => row.sha256));
      throw new BlobVanishedError(referenced.filter((hash) => !present.has(hash)));
    }
  }

  /** Writes the tiles and returns the blobs they used before and no longer use. */
  private async upsertTiles(manager: EntityManager, commit: BatchCommit): Promise<string[]> {
    if (commit.writes.length === 0) return [];
    // A failure never overwrites a good tile another region already cached.
    // `previous` reads the rows as they were before this statement (one snapshot for every CTE). A blob a
    // rewrite dropped used to stay in tile_blob and storage for good, since only a region deletion
    // collected blobs; returning it lets the caller hand it to the garbage collector, which re-checks
    // that nothing references it, so a stale candidate is harmless.
    const rows: { blob_sha256: string }[] = await manager.query(
      `WITH written AS (
         SELECT * FROM unnest($3::int[], $4::int[], $5::varchar[], $6::char(64)[], $7::varchar[], $8::timestamptz[], $9::varchar[])
           AS w(x, y, status, blob_sha256, etag, expires_at, failure_reason)),
       previous AS (
         SELECT t.x, t.y, t.blob_sha256 FROM tile t JOIN written w ON t.x = w.x AND t.y = w.y
          WHERE t.source_id = $1 AND t.z = $2 AND t.blob_sha256 IS NOT NULL),
       upserted AS (
         INSERT INTO tile (source_id, z, x, y, status, blob_sha256, etag, expires_at, fetched_at, failure_reason)
         SELECT $1, $2, w.x, w.y, w.status, w.blob_sha256, w.etag, w.expires_at, now(), w.failure_reason
           FROM written w
         ON CONFLICT (source_id, z, x, y) DO UPDATE
           SET status = EXCLUDED.status, blob_sha256 = EXCLUDED.blob_sha256, etag = EXCLUDED.etag,
               expires_at = EXCLUDED.expires_at, fetched_at = EXCLUDED.fetched_at,
               failure_reason = EXCLUDED.failure_reason
           WHERE EXCLUDED.status <> 'failed' OR tile.status = 'failed'
         RETURNING x, y, blob_sha256)
       SELECT DISTINCT p.blob_sha256 FROM previous p JOIN upserted u ON u.x = p.x AND u.y = p.y
        WHERE u.blob_sha256 IS DISTINCT FROM p.blob_sha256`,
      [
        commit.sourceId,
        commit.zoom,
        commit.writes.map((write) => write.x),
        commit.writes.map((write) => write.y),
        commit.writes.map((write) => write.status),
        commit.writes.map((write) => write.blobSha256),
        commit.writes.map((write) => write.etag),
        commit.writes.map((write) => write.expiresAt),
        commit.writes.map((write) => write.failureReason),
      ],
    );
    return rows.map((row) => row.blob_sha256.trim());
  }

  private async confirmTiles(manager: EntityManager, commit: BatchCommit): Promise<void> {
    if (commit.confirmed.length === 0) return;
    await manager.query(
      `UPDATE tile SET fetched_at = now(), etag = COALESCE(c.etag, tile.etag), expires_at = c.expires_at
         FROM unnest($3::int[], $4::int[], $5::varchar[], $6::timestamptz[]) AS c(x, y, etag, expires_at)
        WHERE tile.source_id = $1 AND tile.z = $2 AND tile.x = c.x AND tile.y = c.y`,
      [
        commit.sourceId,
        commit.zoom,
        commit.confirmed.map((tile) => tile.x),
        commit.confirmed.map((tile) => tile.y),
        commit.confirmed.map((tile) => tile.etag),
        commit.confirmed.map((tile) => tile.expiresAt),
      ],
    );
  }

  private async addMembers(manager: EntityManager, commit: BatchCommit): Promise<number> {
    if (commit.members.length === 0) return 0;
    // Only tiles that exist in the index can become members; one deleted since the batch read the index
    // is reported so the batch retries and fetches it again.
    const [counts]: { wanted: string; existing: string; added: string; failed: string; bytes: string }[] =
      await manager.query(
        `WITH wanted AS (
           SELECT m.x, m.y FROM unnest($4::int[], $5::int[]) AS m(x, y)),
         existing AS (
           SELECT t.x, t.y, t.status, t.blob_sha256 FROM wanted w
             JOIN tile t ON t.source_id = $3 AND t.z = $2 AND t.x = w.x AND t.y = w.y),
         added AS (
           INSERT INTO region_tile (region_id, z, x, y, source_id)
           SELECT $1, $2, e.x, e.y, $3 FROM existing e
           ON CONFLICT DO NOTHING
           RETURNING x, y)
         SELECT (SELECT count(*) FROM wanted) AS wanted,
                (SELECT count(*) FROM existing) AS existing,
                count(a.x) AS added,
                count(*) FILTER (WHERE e.status = 'failed') AS failed,
                COALESCE(sum(b.size_bytes), 0) AS bytes
           FROM added a
           JOIN existing e ON e.x = a.x AND e.y = a.y
           LEFT JOIN tile_blob b ON b.sha256 = e.blob_sha256`,
        [
          commit.regionId,
          commit.zoom,
          commit.sourceId,
          commit.members.map((member) => member.x),
          commit.members.map((member) => member.y),
        ],
      );
    if (Number(counts.existing) < Number(counts.wanted)) {
      throw new TilesVanishedError(Number(counts.wanted) - Number(counts.existing));
    }
    const added = Number(counts.added);
    // Live counters go on the job run (one row update per batch). The region's own counters are
    // recounted from the index when the run finishes: updating the region row here would turn the
    // FOR SHARE lock every batch holds on it into a lock upgrade, and concurrent batches would deadlock.
    if (added > 0) {
      await manager.query(
        `UPDATE job_run
            SET progress = progress
                  || jsonb_build_object('bytes', COALESCE((progress ->> 'bytes')::bigint, 0) + $2::bigint)
                  || jsonb_build_object('errors', COALESCE((progress ->> 'errors')::bigint, 0) + $3::bigint),
                updated_at = now()
          WHERE id = $1`,
        [commit.jobRunId, Number(counts.bytes), Number(counts.failed)],
      );
    }
    return added;
  }

  private async markFinished(manager: EntityManager, commit: BatchCommit): Promise<boolean> {
    if (!commit.finishedBatch) return false;
    const inserted: unknown[] = await manager.query(
      `INSERT INTO job_batch (job_run_id, batch_key, units) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [commit.jobRunId, commit.finishedBatch.key, commit.finishedBatch.units],
    );
    if (inserted.length === 0) return false;
    await manager.query(
      `UPDATE job_run
          SET done_units = done_units + $2,
              progress = jsonb_set(progress, ARRAY['doneByZoom', $3::text],
                           to_jsonb(COALESCE((progress #>> ARRAY['doneByZoom', $3::text])::bigint, 0) + $2), true),
              updated_at = now()
        WHERE id = $1`,
      [commit.jobRunId, commit.finishedBatch.units, String(commit.zoom)],
    );
    return true;
  }
}
