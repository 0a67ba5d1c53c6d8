import { GeoErrorCode, GeoValidationError } from './geo-error';
import { MAX_ZOOM, TileCoord } from './tile-coord';
import { assertTile } from './validation';

/**
 * Bing-style quadkey: one base-4 digit per zoom level, most significant first; digit = x bit + 2 * y bit.
 * Zoom 0 is the empty string.
 */
export function tileToQuadkey(tile: TileCoord): string {
  assertTile(tile);
  let quadkey = '';
  for (let level = tile.z; level > 0; level -= 1) {
    const mask = 1 << (level - 1);
    const digit = ((tile.x & mask) !== 0 ? 1 : 0) + ((tile.y & mask) !== 0 ? 2 : 0);
    quadkey += String(digit);
  }
  return quadkey;
}

export function quadkeyToTile(quadkey: string, field = 'quadkey'): TileCoord {
  if (typeof quadkey !== 'string' || quadkey.length > MAX_ZOOM || !/^[0-3]*$/.test(quadkey)) {
    throw new GeoValidationError(
      GeoErrorCode.INVALID_QUADKEY,
      field,
      `at most ${MAX_ZOOM} digits 0-3`,
      quadkey,
    );
  }
  let x = 0;
  let y = 0;
  for (const character of quadkey) {
    const digit = character.charCodeAt(0) - 48;
    x = x * 2 + (digit & 1);
    y = y * 2 + (digit >> 1);
  }
  return { z: quadkey.length, x, y };
}
