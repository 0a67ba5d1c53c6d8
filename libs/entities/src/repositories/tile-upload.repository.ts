import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { RegionReleasedError } from './tile-index.types';
import {
  StoredBlob,
  TileUploadCommit,
  TileUploadCommitResult,
  UploadedTile,
  VerifiedBlob,
} from './tile-upload.types';

/**
 * First key of the two-key advisory locks that serialise work on one client-uploaded blob key (the
 * second key is the first 32 bits of its hash). A constant of its own, so no other user of advisory locks
 * in this database collides with it.
 */
export const BLOB_UPLOAD_LOCK_CLASS = 0x54_55_50_4c; // "TUPL"

/** HEAD requests in flight while the index transaction checks objects (each holds no row lock of others). */
const OBJECT_CHECK_CONCURRENCY = 16;
/** Attempts of one index transaction when PostgreSQL picks it as a deadlock victim. */
const DEADLOCK_ATTEMPTS = 3;
const DEADLOCK_DETECTED = '40P01';

/** The advisory-lock second key of a hash: its first 8 hex digits as a signed 32-bit integer. */
export function blobUploadLockKey(sha256: string): number {
  return Number.parseInt(sha256.slice(0, 8), 16) | 0;
}

function byHash(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byTile(a: UploadedTile, b: UploadedTile): number {
  return a.z - b.z || a.y - b.y || a.x - b.x;
}

/**
 * The tile index side of client uploads. A client-uploaded object has no row until it is verified, so the
 * row locks the garbage collector and seed batches share (docs/architecture.md, "Deleting regions and
 * collecting blobs") cannot protect it; a per-hash advisory lock does: indexing a new blob and deleting a
 * rejected object both take it, and both re-check storage under it.
 */
@Injectable()
export class TileUploadRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Rows of the hashes that have one (a row means the object is in storage: rows never outlive bytes). */
  async findBlobs(hashes: string[]): Promise<Map<string, StoredBlob>> {
    if (hashes.length === 0) return new Map();
    const rows: { sha256: string; size_bytes: number; content_type: string }[] = await this.dataSource.query(
      `SELECT sha256, size_bytes, content_type FROM tile_blob WHERE sha256 = ANY($1::char(64)[])`,
      [[...new Set(hashes)]],
    );
    return new Map(
      rows.map((row) => [
        row.sha256,
        { sha256: row.sha256, sizeBytes: row.size_bytes, contentType: row.content_type },
      ]),
    );
  }

  /**
   * Indexes uploaded tiles for a region in one transaction, with the seed batches' locking: the source and
   * the region FOR SHARE (a region deletion waits, and a region being deleted takes nothing), the blob rows
   * FOR SHARE (the collector skips them), then tile rows and region membership. Tiles whose blob vanished
   * are left out and reported. Retried when PostgreSQL breaks a deadlock.
   */
  async indexUploadedTiles(commit: TileUploadCommit): Promise<TileUploadCommitResult> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction((manager) => this.indexIn(manager, commit));
      } catch (error) {
        const deadlocked =
          error instanceof QueryFailedError &&
          (error.driverError as { code?: string }).code === DEADLOCK_DETECTED;
        if (!deadlocked || attempt >= DEADLOCK_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Deletes a rejected object unless a row references its key. Under the hash's upload lock, so no index
   * transaction is between its storage check and its commit meanwhile; `deleteIfStillBad` re-inspects the
   * object there and deletes it only if it is still wrong. Returns what `deleteIfStillBad` returned, or
   * false when a row exists.
   */
  async deleteUnreferencedObject(sha256: string, deleteIfStillBad: () => Promise<boolean>): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await this.lockUploads(manager, [sha256]);
      const rows: unknown[] = await manager.query(`SELECT 1 FROM tile_blob WHERE sha256 = $1 FOR SHARE`, [
        sha256,
      ]);
      if (rows.length > 0) return false;
      return deleteIfStillBad();
    });
  }

  private async indexIn(manager: EntityManager, commit: TileUploadCommit): Promise<TileUploadCommitResult> {
    await manager.query(`SELECT 1 FROM tile_source WHERE id = $1 FOR SHARE`, [commit.sourceId]);
    const regions: { status: string }[] = await manager.query(
      `SELECT status FROM cache_region WHERE id = $1 AND source_id = $2 FOR SHARE`,
      [commit.regionId, commit.sourceId],
    );
    if (regions.length === 0 || regions[0].status === 'deleting')
      throw new RegionReleasedError(commit.regionId);

    const verified = new Map(commit.verifiedBlobs.map((blob) => [blob.sha256, blob]));
    await this.lockUploads(manager, [...verified.keys()]);
    const wanted = [...new Set(commit.tiles.map((tile) => tile.sha256))].sort(byHash);
    const present = await this.shareLockBlobs(manager, wanted);
    const created = await this.createVerifiedBlobs(
      manager,
      [...verified.values()].filter((blob) => !present.has(blob.sha256)),
      commit.objectStillPresent,
    );
    for (const sha256 of created) present.add(sha256);

    const indexed = commit.tiles.filter((tile) => present.has(tile.sha256)).sort(byTile);
    const vanished = wanted.filter((sha256) => !present.has(sha256));
    if (indexed.length === 0) return { indexed, vanished, addedMembers: 0, replacedBlobs: [] };
    const replacedBlobs = await this.lockReplacedTiles(manager, commit.sourceId, indexed);
    await this.upsertTiles(manager, commit.sourceId, indexed);
    const addedMembers = await this.addMembers(manager, commit, indexed);
    return { indexed, vanished, addedMembers, replacedBlobs };
  }

  /** Advisory locks in one global order (by key), so two transactions never wait on each other in a cycle. */
  private async lockUploads(manager: EntityManager, hashes: string[]): Promise<void> {
    if (hashes.length === 0) return;
    const keys = [...new Set(hashes.map(blobUploadLockKey))].sort((a, b) => a - b);
    // unnest returns the array in order and the aggregate consumes rows in that order.
    await manager.query(`SELECT count(pg_advisory_xact_lock($1::int, key)) FROM unnest($2::int[]) AS key`, [
      BLOB_UPLOAD_LOCK_CLASS,
      keys,
    ]);
  }

  private async shareLockBlobs(manager: EntityManager, hashes: string[]): Promise<Set<string>> {
    if (hashes.length === 0) return new Set();
    const rows: { sha256: string }[] = await manager.query(
      `SELECT sha256 FROM tile_blob WHERE sha256 = ANY($1::char(64)[]) ORDER BY sha256 FOR SHARE`,
      [hashes],
    );
    return new Set(rows.map((row) => row.sha256));
  }

  /**
   * Rows for verified blobs whose objects are still there. The check runs under the upload lock, so a
   * concurrent rejection cannot delete the object between the check and the commit; once committed, the
   * row (referenced by a tile in the same commit) keeps the collector away.
   */
  private async createVerifiedBlobs(
    manager: EntityManager,
    blobs: VerifiedBlob[],
    objectStillPresent: (blob: VerifiedBlob) => Promise<boolean>,
  ): Promise<string[]> {
    if (blobs.length === 0) return [];
    const stillPresent: VerifiedBlob[] = [];
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < blobs.length) {
        const blob = blobs[next];
        next += 1;
        if (await objectStillPresent(blob)) stillPresent.push(blob);
      }
    };
    await Promise.all(Array.from({ length: Math.min(OBJECT_CHECK_CONCURRENCY, blobs.length) }, lane));
    if (stillPresent.length === 0) return [];
    // Sorted like the seed batches' inserts, so concurrent inserts of the same rows cannot deadlock.
    stillPresent.sort((a, b) => byHash(a.sha256, b.sha256));
    await manager.query(
      `INSERT INTO tile_blob (sha256, size_bytes, content_type)
       SELECT b.sha256, b.size, b.type
         FROM unnest($1::char(64)[], $2::int[], $3::varchar[]) WITH ORDINALITY AS b(sha256, size, type, position)
       ORDER BY position
       ON CONFLICT (sha256) DO NOTHING`,
      [
        stillPresent.map((blob) => blob.sha256),
        stillPresent.map((blob) => blob.sizeBytes),
        stillPresent.map((blob) => blob.contentType),
      ],
    );
    // A row inserted by someone else meanwhile is locked like any other the commit relies on.
    const locked = await this.shareLockBlobs(
      manager,
      stillPresent.map((blob) => blob.sha256),
    );
    return [...locked];
  }

  /** Locks the tile rows about to change (in tile order) and returns the blobs they stop referencing. */
  private async lockReplacedTiles(
    manager: EntityManager,
    sourceId: string,
    tiles: UploadedTile[],
  ): Promise<string[]> {
    const rows: { blob_sha256: string | null }[] = await manager.query(
      `SELECT t.blob_sha256
         FROM unnest($2::int[], $3::int[], $4::int[]) AS w(z, x, y)
         JOIN tile t ON t.source_id = $1 AND t.z = w.z AND t.x = w.x AND t.y = w.y
        ORDER BY t.z, t.y, t.x
          FOR UPDATE OF t`,
      [sourceId, tiles.map((tile) => tile.z), tiles.map((tile) => tile.x), tiles.map((tile) => tile.y)],
    );
    const kept = new Set(tiles.map((tile) => tile.sha256));
    const replaced = new Set<string>();
    for (const row of rows) {
      const previous = row.blob_sha256?.trim();
      if (previous && !kept.has(previous)) replaced.add(previous);
    }
    return [...replaced].sort(byHash);
  }

  /** The client's tile replaces whatever the index held (stored, empty or failed): it is the newer copy. */
  private async upsertTiles(manager: EntityManager, sourceId: string, tiles: UploadedTile[]): Promise<void> {
    await manager.query(
      `INSERT INTO tile (source_id, z, x, y, status, blob_sha256, etag, expires_at, fetched_at, failure_reason)
       SELECT $1, w.z, w.x, w.y, 'stored', w.sha256, NULL, NULL, now(), NULL
         FROM unnest($2::int[], $3::int[], $4::int[], $5::char(64)[]) WITH ORDINALITY AS w(z, x, y, sha256, position)
       ORDER BY position
       ON CONFLICT (source_id, z, x, y) DO UPDATE
         SET status = 'stored', blob_sha256 = EXCLUDED.blob_sha256, etag = NULL, expires_at = NULL,
             fetched_at = EXCLUDED.fetched_at, failure_reason = NULL`,
      [
        sourceId,
        tiles.map((tile) => tile.z),
        tiles.map((tile) => tile.x),
        tiles.map((tile) => tile.y),
        tiles.map((tile) => tile.sha256),
      ],
    );
  }

  private async addMembers(
    manager: EntityManager,
    commit: TileUploadCommit,
    tiles: UploadedTile[],
  ): Promise<number> {
    const added: unknown[] = await manager.query(
      `INSERT INTO region_tile (region_id, z, x, y, source_id)
       SELECT $1, m.z, m.x, m.y, $2 FROM unnest($3::int[], $4::int[], $5::int[]) AS m(z, x, y)
       ON CONFLICT DO NOTHING
       RETURNING 1`,
      [
        commit.regionId,
        commit.sourceId,
        tiles.map((tile) => tile.z),
        tiles.map((tile) => tile.x),
        tiles.map((tile) => tile.y),
      ],
    );
    return added.length;
  }
}
