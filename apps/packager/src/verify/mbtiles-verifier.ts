import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { flipY, type TileCoord } from '@map-offline/geo';
import type { TileFormat } from '@map-offline/formats';
import {
  DEFAULT_VERIFY_BATCH,
  PackageVerificationError,
  type ExpectedTiles,
  type VerificationOptions,
} from './expected-tiles';
import { storedBodyMatches } from './tile-body-match';

interface TileRow {
  zoom_level: number;
  tile_column: number;
  tile_row: number;
  tile_data: Buffer;
}

/**
 * Reads every tile of an MBTiles file back through the `tiles` view (what any reader sees), in keyset
 * pages, and checks each against the expected body; then checks the tile count, SQLite's own structure
 * check, and `agg_tiles_hash`, recomputed on the same pass (same order: zoom, column, TMS row).
 */
export async function verifyMbtiles(
  path: string,
  expected: ExpectedTiles,
  format: TileFormat,
  options: VerificationOptions = {},
): Promise<{ tiles: number }> {
  const batchSize = options.batchSize ?? DEFAULT_VERIFY_BATCH;
  const database = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const quickCheck = database.pragma('quick_check', { simple: true });
    if (quickCheck !== 'ok')
      throw new PackageVerificationError(`SQLite quick_check says: ${String(quickCheck)}`);
    const page = database.prepare<[number, number, number, number], TileRow>(
      `SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles
        WHERE (zoom_level, tile_column, tile_row) > (?, ?, ?)
        ORDER BY zoom_level, tile_column, tile_row LIMIT ?`,
    );
    const aggregate = createHash('md5');
    let after: [number, number, number] = [-1, -1, -1];
    let verified = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      const rows = page.all(...after, batchSize);
      if (rows.length === 0) break;
      const tiles: TileCoord[] = rows.map((row) => ({
        z: row.zoom_level,
        x: row.tile_column,
        y: flipY(row.tile_row, row.zoom_level),
      }));
      const hashes = await expected.hashes(tiles);
      rows.forEach((row, index) => {
        const want = hashes[index];
        const label = `${tiles[index].z}/${tiles[index].x}/${tiles[index].y}`;
        if (want === undefined)
          throw new PackageVerificationError(`tile ${label} is in the file but not in the package`);
        if (!storedBodyMatches(row.tile_data, want, format)) {
          throw new PackageVerificationError(`tile ${label} does not hold the cached body ${want}`);
        }
        aggregate.update(String(row.zoom_level));
        aggregate.update(String(row.tile_column));
        aggregate.update(String(row.tile_row));
        aggregate.update(row.tile_data);
      });
      verified += rows.length;
      options.onProgress?.(verified);
      const last = rows[rows.length - 1];
      after = [last.zoom_level, last.tile_column, last.tile_row];
    }
    if (verified !== expected.count) {
      throw new PackageVerificationError(`the file has ${verified} tiles; the package has ${expected.count}`);
    }
    const stored = database.prepare(`SELECT value FROM metadata WHERE name = 'agg_tiles_hash'`).get() as
      { value: string } | undefined;
    const computed = aggregate.digest('hex').toUpperCase();
    if (stored?.value !== computed) {
      throw new PackageVerificationError(
        `agg_tiles_hash is ${stored?.value ?? 'missing'}; the tiles give ${computed}`,
      );
    }
    return { tiles: verified };
  } finally {
    database.close();
  }
}
