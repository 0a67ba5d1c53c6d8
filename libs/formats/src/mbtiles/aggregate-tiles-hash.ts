import type Database from 'better-sqlite3';
import { ChunkedMd5 } from './chunked-md5';

/** Tile rows as arrays (`raw` mode): zoom_level, tile_column, tile_row, tile_data. */
type TileRow = [number, number, number, Buffer | null];

/**
 * `agg_tiles_hash` as martin's `mbtiles` tool defines it: one MD5 over, for every row of `tiles` in
 * (zoom_level, tile_column, tile_row) order, the decimal text of zoom_level, tile_column and tile_row (the
 * TMS row, as stored) followed by the raw tile_data bytes, with no separators; written as 32 uppercase hex
 * digits. No tiles gives the MD5 of nothing, D41D8CD98F00B204E9800998ECF8427E. Rows stream from SQLite,
 * so memory stays flat for any number of tiles.
 */
export function computeAggregateTilesHash(database: Database.Database): string {
  const hash = new ChunkedMd5();
  const rows = database
    .prepare(
      'SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles ORDER BY zoom_level, tile_column, tile_row',
    )
    .raw(true)
    .iterate() as IterableIterator<TileRow>;
  for (const [zoom, column, row, data] of rows) {
    hash.text(`${zoom}${column}${row}`);
    if (data !== null) hash.bytes(data);
  }
  return hash.digest();
}
