import { flipY } from './mercator';
import { TileCoord } from './tile-coord';
import { assertTile } from './validation';

/** Which way rows are counted: XYZ (Google, OSM, row 0 at the north) or TMS (row 0 at the south). */
export type TileScheme = 'xyz' | 'tms';

/** An XYZ tile as a TMS address (MBTiles stores rows this way). Its own inverse, see tmsToXyz. */
export function xyzToTms(tile: TileCoord): TileCoord {
  assertTile(tile);
  return { z: tile.z, x: tile.x, y: flipY(tile.y, tile.z) };
}

export function tmsToXyz(tile: TileCoord): TileCoord {
  assertTile(tile);
  return { z: tile.z, x: tile.x, y: flipY(tile.y, tile.z) };
}

/** Convert a tile between schemes; a no-op when both are the same. */
export function convertTileScheme(tile: TileCoord, from: TileScheme, to: TileScheme): TileCoord {
  if (from === to) {
    assertTile(tile);
    return { z: tile.z, x: tile.x, y: tile.y };
  }
  return xyzToTms(tile);
}
