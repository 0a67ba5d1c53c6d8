/** One tile address everywhere in the codebase; convert at library edges (tilebelt is [x, y, z]). */
export interface TileCoord {
  z: number;
  x: number;
  y: number;
}

/** West, south, east, north in degrees (EPSG:4326), the GeoJSON bbox order. */
export type BBox = [west: number, south: number, east: number, north: number];

export const MIN_ZOOM = 0;
export const MAX_ZOOM = 24;

/** Web Mercator stops at this latitude so the world is a square (atan(sinh(pi)) in degrees). */
export const MAX_LATITUDE = 85.0511287798066;

/** 2^zoom for the whole zooms; V8 computes `2 ** zoom` through pow, about 10x slower than a lookup. */
const SIDES: readonly number[] = Array.from({ length: 31 }, (_, zoom) => 2 ** zoom);

/** Tiles along one side of the world square at a zoom (2^zoom). */
export function tilesPerSide(zoom: number): number {
  const side = SIDES[zoom];
  return side !== undefined ? side : 2 ** zoom;
}

export function isValidTile(tile: TileCoord): boolean {
  const { z, x, y } = tile;
  if (!Number.isInteger(z) || z < MIN_ZOOM || z > MAX_ZOOM) return false;
  const side = tilesPerSide(z);
  return Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < side && y < side;
}
