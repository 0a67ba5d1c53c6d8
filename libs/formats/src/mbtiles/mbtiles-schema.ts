/**
 * The de-duplicated ("normalized") MBTiles layout: `map` addresses every tile, `images` holds each
 * distinct body once, and the `tiles` view joins them so any MBTiles 1.3 reader can run
 * `SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?`.
 * `tile_id` is the uppercase hex MD5 of `tile_data`, the convention of tilelive and martin's `mbtiles`
 * tool, so `mbtiles validate` can check every body against its id.
 */
export const MBTILES_SCHEMA_SQL = `
CREATE TABLE metadata (name TEXT NOT NULL, value TEXT);
CREATE UNIQUE INDEX name ON metadata (name);
CREATE TABLE map (
  zoom_level INTEGER NOT NULL,
  tile_column INTEGER NOT NULL,
  tile_row INTEGER NOT NULL,
  tile_id TEXT NOT NULL
);
CREATE UNIQUE INDEX map_index ON map (zoom_level, tile_column, tile_row);
CREATE TABLE images (tile_data BLOB NOT NULL, tile_id TEXT NOT NULL);
CREATE UNIQUE INDEX images_id ON images (tile_id);
CREATE VIEW tiles AS
  SELECT map.zoom_level AS zoom_level,
         map.tile_column AS tile_column,
         map.tile_row AS tile_row,
         images.tile_data AS tile_data
  FROM map JOIN images ON images.tile_id = map.tile_id;
`;

/** SQLite application_id registered for MBTiles ("MPBX"), so `file` and other tools recognise the file. */
export const MBTILES_APPLICATION_ID = 0x4d504258;

/** MBTiles 1.3 `format` values; `pbf` means gzip-compressed Mapbox Vector Tiles. */
export const MBTILES_FORMAT = { png: 'png', jpeg: 'jpg', webp: 'webp', mvt: 'pbf' } as const;
