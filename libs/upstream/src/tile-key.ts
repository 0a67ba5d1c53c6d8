import type { TileCoord } from '@map-offline/geo';

/** "z/x/y" (XYZ): the key of `previousEtags` and of any per-tile map the caller keeps. */
export function tileKey(tile: TileCoord): string {
  return `${tile.z}/${tile.x}/${tile.y}`;
}
