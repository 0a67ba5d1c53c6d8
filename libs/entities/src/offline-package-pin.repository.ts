import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReleasedChunk, releaseHolderChunk, TileKey } from './repositories/tile-release';

/** A region a package wants is gone or being deleted: the build cannot pin its tiles. */
export class RegionsUnavailableError extends Error {
  constructor(readonly regionIds: string[]) {
    super(`cache region(s) ${regionIds.join(', ')} no longer exist or are being deleted`);
    this.name = 'RegionsUnavailableError';
  }
}

/** The stored tiles a package pins (what its file will address). */
export interface PinnedTilesSummary {
  tiles: number;
  /** null when no tile is pinned */
  minZoom: number | null;
  maxZoom: number | null;
  /** distinct blobs behind the tiles */
  uniqueBlobs: number;
  /** bytes of those distinct blobs (the tile data of a de-duplicated file) */
  uniqueBytes: number;
}

/** One pinned, stored tile with the blob that holds it. */
export interface PinnedTile {
  z: number;
  x: number;
  y: number;
  sha256: string;
}

interface PinnedTileRow {
  z: number;
  x: number;
  y: number;
  blob_sha256: string;
}

/**
 * Pins of offline packages on tiles of the index. Pinning and releasing take the tile source row (FOR
 * SHARE and FOR UPDATE, as seed batches and region release do), so a pin never names a tile a concurrent
 * region release is removing, and a release never removes a tile a concurrent pin is adding.
 */
@Injectable()
export class OfflinePackagePinRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Pins every stored tile of the regions (once, however many regions hold it). Idempotent: a retried
   * build adds nothing twice. Throws RegionsUnavailableError when a region is missing or being deleted.
   */
  async pinRegionTiles(packageId: string, sourceId: string, regionIds: string[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT 1 FROM tile_source WHERE id = $1 FOR SHARE`, [sourceId]);
      // A region delete changes the status under this lock's conflict, so it waits for the pin or is seen.
      const regions: { id: string; status: string }[] = await manager.query(
        `SELECT id, status FROM cache_region WHERE id = ANY($1::uuid[]) AND source_id = $2
          ORDER BY id FOR SHARE`,
        [regionIds, sourceId],
      );
      const usable = new Set(regions.filter((region) => region.status !== 'deleting').map((row) => row.id));
      const unavailable = regionIds.filter((id) => !usable.has(id));
      if (unavailable.length > 0) throw new RegionsUnavailableError(unavailable);
      await manager.query(
        `INSERT INTO offline_package_tile (package_id, source_id, z, x, y)
         SELECT DISTINCT $1::uuid, m.source_id, m.z, m.x, m.y
           FROM region_tile m
           JOIN tile t ON t.source_id = m.source_id AND t.z = m.z AND t.x = m.x AND t.y = m.y
          WHERE m.region_id = ANY($3::uuid[]) AND m.source_id = $2
            AND t.status = 'stored' AND t.blob_sha256 IS NOT NULL
         ON CONFLICT DO NOTHING`,
        [packageId, sourceId, regionIds],
      );
    });
  }

  /** Counts over the pinned tiles that are stored now (the file addresses exactly these). */
  async summarise(packageId: string, sourceId: string): Promise<PinnedTilesSummary> {
    const [tiles]: { tiles: string; min_zoom: number | null; max_zoom: number | null }[] =
      await this.dataSource.query(
        `SELECT count(*) AS tiles, min(p.z) AS min_zoom, max(p.z) AS max_zoom
           FROM offline_package_tile p
           JOIN tile t ON t.source_id = p.source_id AND t.z = p.z AND t.x = p.x AND t.y = p.y
          WHERE p.package_id = $1 AND p.source_id = $2 AND t.status = 'stored' AND t.blob_sha256 IS NOT NULL`,
        [packageId, sourceId],
      );
    const [blobs]: { blobs: string; bytes: string }[] = await this.dataSource.query(
      `SELECT count(*) AS blobs, COALESCE(sum(b.size_bytes), 0) AS bytes
         FROM tile_blob b
        WHERE b.sha256 IN (
          SELECT t.blob_sha256 FROM offline_package_tile p
            JOIN tile t ON t.source_id = p.source_id AND t.z = p.z AND t.x = p.x AND t.y = p.y
           WHERE p.package_id = $1 AND p.source_id = $2 AND t.status = 'stored')`,
      [packageId, sourceId],
    );
    return {
      tiles: Number(tiles.tiles),
      minZoom: tiles.min_zoom,
      maxZoom: tiles.max_zoom,
      uniqueBlobs: Number(blobs.blobs),
      uniqueBytes: Number(blobs.bytes),
    };
  }

  /** Up to `limit` pinned stored tiles after `after`, in (z, x, y) order: keyset pages for streaming. */
  async page(
    packageId: string,
    sourceId: string,
    after: { z: number; x: number; y: number } | null,
    limit: number,
  ): Promise<PinnedTile[]> {
    const start = after ?? { z: -1, x: -1, y: -1 };
    const rows: PinnedTileRow[] = await this.dataSource.query(
      `SELECT p.z, p.x, p.y, t.blob_sha256
         FROM offline_package_tile p
         JOIN tile t ON t.source_id = p.source_id AND t.z = p.z AND t.x = p.x AND t.y = p.y
        WHERE p.package_id = $1 AND p.source_id = $2 AND (p.z, p.x, p.y) > ($3, $4, $5)
          AND t.status = 'stored' AND t.blob_sha256 IS NOT NULL
        ORDER BY p.z, p.x, p.y
        LIMIT $6`,
      [packageId, sourceId, start.z, start.x, start.y, limit],
    );
    return rows.map((row) => ({ z: row.z, x: row.x, y: row.y, sha256: row.blob_sha256.trim() }));
  }

  /** The blob SHA-256 each tile should hold, in input order; undefined where the tile is not pinned. */
  async expectedHashes(
    packageId: string,
    sourceId: string,
    tiles: readonly { z: number; x: number; y: number }[],
  ): Promise<(string | undefined)[]> {
    if (tiles.length === 0) return [];
    const rows: { position: string; blob_sha256: string }[] = await this.dataSource.query(
      `SELECT w.position, t.blob_sha256
         FROM unnest($3::smallint[], $4::int[], $5::int[]) WITH ORDINALITY AS w(z, x, y, position)
         JOIN offline_package_tile p
           ON p.package_id = $1 AND p.source_id = $2 AND p.z = w.z AND p.x = w.x AND p.y = w.y
         JOIN tile t ON t.source_id = $2 AND t.z = w.z AND t.x = w.x AND t.y = w.y
        WHERE t.status = 'stored' AND t.blob_sha256 IS NOT NULL`,
      [
        packageId,
        sourceId,
        tiles.map((tile) => tile.z),
        tiles.map((tile) => tile.x),
        tiles.map((tile) => tile.y),
      ],
    );
    const expected = new Array<string | undefined>(tiles.length).fill(undefined);
    for (const row of rows) expected[Number(row.position) - 1] = row.blob_sha256.trim();
    return expected;
  }

  /**
   * Releases up to chunkSize pins of a package after `after` in (z, x, y) order, with the tiles that no
   * region holds and no other package pins then; returns the blobs that lost a reference (garbage-collection
   * candidates). See releaseHolderChunk.
   */
  async releaseChunk(
    packageId: string,
    sourceId: string,
    chunkSize: number,
    after: TileKey | null = null,
  ): Promise<ReleasedChunk> {
    return releaseHolderChunk(
      this.dataSource,
      sourceId,
      { table: 'offline_package_tile', owner: { package_id: packageId, source_id: sourceId } },
      chunkSize,
      after,
    );
  }
}
