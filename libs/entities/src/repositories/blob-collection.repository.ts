import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Garbage collection of tile blobs. A blob is removed only inside a transaction that holds its row
 * FOR UPDATE and, after taking the lock, has seen no tile referencing it; a seed batch that wants the blob holds the row
 * FOR SHARE until its tiles are committed, so the collector skips it (SKIP LOCKED) or the batch finds
 * the row gone and re-uploads. The object is deleted before the row, so a row never outlives its bytes.
 */
@Injectable()
export class BlobCollectionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Locks unreferenced blobs among the candidates (or any, when candidates is undefined, up to limit),
   * calls deleteObjects for them, then deletes their rows. Returns the hashes removed.
   */
  async collect(
    candidates: string[] | undefined,
    limit: number,
    deleteObjects: (hashes: string[]) => Promise<void>,
  ): Promise<string[]> {
    return this.dataSource.transaction(async (manager) => {
      const rows: { sha256: string }[] = await manager.query(
        `SELECT b.sha256 FROM tile_blob b
          WHERE ($1::char(64)[] IS NULL OR b.sha256 = ANY($1::char(64)[]))
            AND NOT EXISTS (SELECT 1 FROM tile t WHERE t.blob_sha256 = b.sha256)
          ORDER BY b.sha256
          LIMIT $2
          FOR UPDATE OF b SKIP LOCKED`,
        [candidates ?? null, limit],
      );
      const locked = rows.map((row) => row.sha256);
      if (locked.length === 0) return [];
      // The statement above judged "unreferenced" on the snapshot it started with, and locked rows only
      // after that: a batch that held one FOR SHARE and committed a tile using it in between had
      // released its lock by then. A new statement sees every committed tile, and no tile can start
      // using a row this transaction now holds FOR UPDATE (writers take it FOR SHARE first).
      const unreferenced: { sha256: string }[] = await manager.query(
        `SELECT h.sha256 FROM unnest($1::char(64)[]) AS h(sha256)
          WHERE NOT EXISTS (SELECT 1 FROM tile t WHERE t.blob_sha256 = h.sha256)
          ORDER BY h.sha256`,
        [locked],
      );
      const hashes = unreferenced.map((row) => row.sha256);
      if (hashes.length === 0) return [];
      await deleteObjects(hashes);
      await manager.query(`DELETE FROM tile_blob WHERE sha256 = ANY($1::char(64)[])`, [hashes]);
      return hashes;
    });
  }
}
