import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Garbage collection of tile blobs. A blob is removed only inside a transaction that holds its row
 * FOR UPDATE and has just seen no tile referencing it; a seed batch that wants the blob holds the row
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
      const hashes = rows.map((row) => row.sha256);
      if (hashes.length === 0) return [];
      await deleteObjects(hashes);
      await manager.query(`DELETE FROM tile_blob WHERE sha256 = ANY($1::char(64)[])`, [hashes]);
      return hashes;
    });
  }
}
