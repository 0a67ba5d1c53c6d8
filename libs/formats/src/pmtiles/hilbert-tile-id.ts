import type { TileCoord } from '@map-offline/geo';

/** Above zoom 26 tile ids pass 2^53 and stop being exact JavaScript numbers. */
export const MAX_PMTILES_ZOOM = 26;

/** Tiles in all zooms below `zoom`: (4^zoom - 1) / 3, the first tile id of that zoom. */
export function firstTileIdOfZoom(zoom: number): number {
  return (4 ** zoom - 1) / 3;
}

/**
 * PMTiles v3 tile id: the count of tiles in lower zooms plus the position of (x, y) along the Hilbert curve
 * of its zoom, the curve starting at (0, 0) and leaving through (0, 1) (so z1 is 0,0 -> 0,1 -> 1,1 -> 1,0).
 * Arithmetic on the position uses plain numbers, not 32-bit bit operations, as positions reach 2^48 at z24.
 */
export function zxyToTileId(tile: TileCoord): number {
  const { z } = tile;
  if (!Number.isInteger(z) || z < 0 || z > MAX_PMTILES_ZOOM)
    throw new RangeError(`zoom ${z} is outside 0..26`);
  let x = tile.x;
  let y = tile.y;
  let position = 0;
  for (let half = 2 ** (z - 1); half >= 1; half /= 2) {
    const right = x >= half ? 1 : 0;
    const upper = y >= half ? 1 : 0;
    position += half * half * ((3 * right) ^ upper);
    x -= right * half;
    y -= upper * half;
    [x, y] = orientQuadrant(half, x, y, right, upper);
  }
  return firstTileIdOfZoom(z) + position;
}

/** The inverse of zxyToTileId. */
export function tileIdToZxy(tileId: number): TileCoord {
  if (!Number.isSafeInteger(tileId) || tileId < 0)
    throw new RangeError(`tile id ${tileId} is not a safe integer`);
  let z = 0;
  while (z < MAX_PMTILES_ZOOM && firstTileIdOfZoom(z + 1) <= tileId) z += 1;
  let remaining = tileId - firstTileIdOfZoom(z);
  let x = 0;
  let y = 0;
  for (let size = 1; size < 2 ** z; size *= 2) {
    const right = Math.floor(remaining / 2) % 2;
    const upper = (remaining % 2) ^ right;
    [x, y] = orientQuadrant(size, x, y, right, upper);
    x += size * right;
    y += size * upper;
    remaining = Math.floor(remaining / 4);
  }
  return { z, x, y };
}

/** Rotates/reflects a sub-square so each quadrant's curve joins the next one. */
function orientQuadrant(size: number, x: number, y: number, right: number, upper: number): [number, number] {
  if (upper !== 0) return [x, y];
  if (right === 1) return [size - 1 - y, size - 1 - x];
  return [y, x];
}
