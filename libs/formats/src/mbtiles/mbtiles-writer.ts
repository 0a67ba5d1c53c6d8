import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { flipY } from '@map-offline/geo';
import { FormatError, FormatErrorCode } from '../format-error';
import { throwIfAborted } from '../tileset/abort';
import { claimOutputFile, removeQuietly } from '../tileset/output-file';
import type { PackageTileSource } from '../tileset/package-tile';
import { describeTile, TileIntake } from '../tileset/tile-intake';
import { parseTilesetMetadata, type TilesetMetadataInput } from '../tileset/tileset-metadata';
import type { TilesetWriteOptions, TilesetWriteResult } from '../tileset/tileset-write-options';
import { computeAggregateTilesHash } from './aggregate-tiles-hash';
import { ColumnAggregateHash } from './column-aggregate-hash';
import { mbtilesMetadataRows } from './mbtiles-metadata';
import { MBTILES_APPLICATION_ID, MBTILES_SCHEMA_SQL } from './mbtiles-schema';
import { RecentTileIds } from './recent-tile-ids';

export interface MbtilesWriteResult extends TilesetWriteResult {
  /** The `agg_tiles_hash` metadata value written (see computeAggregateTilesHash). */
  aggregateTilesHash: string;
}

/**
 * SQLite page size in bytes. Most tile bodies are a few KiB: with the default 4 KiB pages nearly every one
 * spills into overflow pages; 16 KiB pages write the 100,000-tile bench 12% faster (64 KiB: 15%, but then
 * every tile lookup on a device reads 64 KiB pages).
 */
const PAGE_BYTES = 16 * 1024;
/** SQLite page cache while building, in KiB (negative cache_size means KiB): enough for the indexes' hot pages. */
const BUILD_CACHE_KIB = 32 * 1024;
const DEFAULT_PROGRESS_INTERVAL = 10_000;
/** Distinct bodies remembered as already in `images` (see RecentTileIds). */
const RECENT_TILE_IDS = 4_096;

/**
 * Writes an MBTiles 1.3 file at `outputPath` (which must not exist) from tiles in any order.
 *
 * Speed: one transaction, prepared statements, and `journal_mode=OFF` + `synchronous=OFF` while building.
 * That gives up crash safety during the build, which is safe here because the file is a fresh temporary
 * output: on any failure it is deleted, and the packager only uploads it after this promise resolves and it
 * has re-validated the file. At the end the journal is switched back to the default (DELETE) and the
 * database is closed cleanly, so readers get an ordinary SQLite file.
 */
export async function writeMbtiles(
  outputPath: string,
  tiles: PackageTileSource,
  metadataInput: TilesetMetadataInput,
  options: TilesetWriteOptions = {},
): Promise<MbtilesWriteResult> {
  const metadata = parseTilesetMetadata(metadataInput);
  await claimOutputFile(outputPath);
  let database: Database.Database | undefined;
  try {
    database = new Database(outputPath);
    // Before the first table: a page size is fixed once the database has content.
    database.pragma(`page_size = ${PAGE_BYTES}`);
    database.pragma(`application_id = ${MBTILES_APPLICATION_ID}`);
    database.pragma('journal_mode = OFF');
    database.pragma('synchronous = OFF');
    database.pragma('locking_mode = EXCLUSIVE');
    database.pragma(`cache_size = -${BUILD_CACHE_KIB}`);
    database.exec(MBTILES_SCHEMA_SQL);
    database.exec('BEGIN');

    const insertImage = database.prepare('INSERT OR IGNORE INTO images (tile_id, tile_data) VALUES (?, ?)');
    const insertMap = database.prepare(
      'INSERT INTO map (zoom_level, tile_column, tile_row, tile_id) VALUES (?, ?, ?, ?)',
    );
    const intake = new TileIntake(metadata, options);
    const recentTileIds = new RecentTileIds(RECENT_TILE_IDS);
    const aggregateHash = new ColumnAggregateHash();
    const progressInterval = options.progressInterval ?? DEFAULT_PROGRESS_INTERVAL;
    for await (const packageTile of tiles) {
      throwIfAborted(options.signal);
      const stored = intake.accept(packageTile);
      const { z, x, y } = packageTile.tile;
      // The SHA-256 was checked against the bytes by the intake, so equal hashes mean equal stored bytes.
      let tileId = recentTileIds.get(packageTile.sha256);
      if (tileId === undefined) {
        tileId = createHash('md5').update(stored).digest('hex').toUpperCase();
        insertImage.run(tileId, stored);
        recentTileIds.set(packageTile.sha256, tileId);
      }
      const row = flipY(y, z);
      try {
        insertMap.run(z, x, row, tileId);
      } catch (error: unknown) {
        if (isUniqueViolation(error)) {
          throw new FormatError(
            FormatErrorCode.DUPLICATE_TILE,
            `tile ${describeTile(packageTile.tile)} arrived twice`,
          );
        }
        throw error;
      }
      aggregateHash.add(z, x, row, stored);
      if (intake.tileCount % progressInterval === 0) options.onProgress?.(intake.tileCount);
    }
    throwIfAborted(options.signal);
    intake.assertComplete();

    const insertMetadata = database.prepare('INSERT INTO metadata (name, value) VALUES (?, ?)');
    for (const [name, value] of mbtilesMetadataRows(metadata)) insertMetadata.run(name, value);
    // Hashed on the way in when the tiles came column by column; otherwise one more pass over the file.
    const aggregateTilesHash = aggregateHash.result() ?? computeAggregateTilesHash(database);
    insertMetadata.run('agg_tiles_hash', aggregateTilesHash);
    const uniqueTileCount = (
      database.prepare('SELECT count(*) AS count FROM images').get() as { count: number }
    ).count;
    database.exec('COMMIT');
    database.pragma('journal_mode = DELETE');
    database.pragma('synchronous = FULL');
    database.close();
    database = undefined;
    options.onProgress?.(intake.tileCount);

    const { size } = await stat(outputPath);
    return {
      path: outputPath,
      bytes: size,
      tileCount: intake.tileCount,
      uniqueTileCount,
      aggregateTilesHash,
    };
  } catch (error: unknown) {
    database?.close();
    await removeQuietly(outputPath);
    throw error;
  }
}

/**
 * Decided by SQLite's error code, not by class: the native addon keeps the SqliteError class of the first
 * load, so where the JavaScript side is loaded again (jest does it per test file) instanceof fails.
 */
function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}
