import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

/** Tile rows as arrays (`raw` mode): zoom_level, tile_column, tile_row, tile_data. */
type TileRow = [number, number, number, Buffer | null];

/** Bytes gathered before one MD5 update: one call per row and field would cost more than the hashing. */
const HASH_CHUNK_BYTES = 1024 * 1024;

/**
 * `agg_tiles_hash` as martin's `mbtiles` tool defines it: one MD5 over, for every row of `tiles` in
 * (zoom_level, tile_column, tile_row) order, the decimal text of zoom_level, tile_column and tile_row (the
 * TMS row, as stored) followed by the raw tile_data bytes, with no separators; written as 32 uppercase hex
 * digits. No tiles gives the MD5 of nothing, D41D8CD98F00B204E9800998ECF8427E. Rows stream from SQLite,
 * so memory stays flat for any number of tiles.
 */
export function computeAggregateTilesHash(database: Database.Database): string {
  const hash = createHash('md5');
  const rows = database
    .prepare(
      'SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles ORDER BY zoom_level, tile_column, tile_row',
    )
    .raw(true)
    .iterate() as IterableIterator<TileRow>;
  const chunk = Buffer.allocUnsafe(HASH_CHUNK_BYTES);
  let used = 0;
  for (const [zoom, column, row, data] of rows) {
    const address = `${zoom}${column}${row}`;
    const length = address.length + (data?.length ?? 0);
    if (used + length > HASH_CHUNK_BYTES) {
      hash.update(chunk.subarray(0, used));
      used = 0;
    }
    if (length > HASH_CHUNK_BYTES) {
      hash.update(address, 'latin1');
      if (data !== null) hash.update(data);
      continue;
    }
    used += chunk.write(address, used, 'latin1');
    if (data !== null) used += data.copy(chunk, used);
  }
  hash.update(chunk.subarray(0, used));
  return hash.digest('hex').toUpperCase();
}
