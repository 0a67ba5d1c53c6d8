import type { TileCoord } from '@map-offline/geo';

// Local on purpose: @map-offline/geo had no quadkey parser when this server was written.
/** Bing quadkey (one base-4 digit per zoom, digit = x bit + 2 * y bit) to a tile; undefined if malformed. */
export function quadkeyToTileCoord(quadkey: string): TileCoord | undefined {
  if (quadkey.length === 0 || quadkey.length > 24) return undefined;
  let x = 0;
  let y = 0;
  for (let index = 0; index < quadkey.length; index += 1) {
    const digit = quadkey.charCodeAt(index) - 48;
    if (digit < 0 || digit > 3) return undefined;
    x = x * 2 + (digit & 1);
    y = y * 2 + (digit >> 1);
  }
  return { z: quadkey.length, x, y };
}

export function tileCoordToQuadkey(tile: TileCoord): string {
  let quadkey = '';
  for (let level = tile.z; level > 0; level -= 1) {
    const mask = 1 << (level - 1);
    quadkey += String(((tile.x & mask) !== 0 ? 1 : 0) + ((tile.y & mask) !== 0 ? 2 : 0));
  }
  return quadkey;
}
