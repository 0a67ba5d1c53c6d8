import { BBox, MAX_LATITUDE, TileCoord, tilesPerSide } from './tile-coord';
import { assertLatitude, assertLongitude, assertTile, assertZoom } from './validation';

const DEGREES_PER_RADIAN = 180 / Math.PI;

/** Longitude of a tile's west edge (x may be side, the east edge of the last column). */
export function tileXToLongitude(x: number, zoom: number): number {
  return (x / tilesPerSide(zoom)) * 360 - 180;
}

/** Latitude of a tile's north edge: the inverse Gudermannian of the Mercator y. */
export function tileYToLatitude(y: number, zoom: number): number {
  const mercatorY = Math.PI * (1 - (2 * y) / tilesPerSide(zoom));
  return Math.atan(Math.sinh(mercatorY)) * DEGREES_PER_RADIAN;
}

/** Fractional tile x for a longitude; not clamped. */
export function longitudeToTileXFraction(longitude: number, zoom: number): number {
  return ((longitude + 180) / 360) * tilesPerSide(zoom);
}

/** Fractional tile y for a latitude (clamped to the Mercator limit). */
export function latitudeToTileYFraction(latitude: number, zoom: number): number {
  const clamped = Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, latitude));
  const radians = clamped / DEGREES_PER_RADIAN;
  const mercatorY = Math.log(Math.tan(Math.PI / 4 + radians / 2));
  return ((1 - mercatorY / Math.PI) / 2) * tilesPerSide(zoom);
}

/**
 * The tile containing a point. A tile owns its west and north edges; points on the east or south world
 * edge fall in the last column or row, and latitudes beyond +-MAX_LATITUDE clamp to the first or last row.
 * The result always agrees with tileToBBox: west <= longitude < east and south < latitude <= north
 * (for |latitude| <= MAX_LATITUDE), even where floating-point rounding puts the fraction on the wrong side.
 */
export function lonLatToTile(longitude: number, latitude: number, zoom: number): TileCoord {
  assertLongitude(longitude);
  assertLatitude(latitude);
  assertZoom(zoom);
  return { z: zoom, x: longitudeToColumn(longitude, zoom), y: latitudeToRow(latitude, zoom) };
}

/** Column of a longitude, consistent with tileXToLongitude (no validation: callers in hot loops). */
export function longitudeToColumn(longitude: number, zoom: number): number {
  const last = tilesPerSide(zoom) - 1;
  let x = Math.min(last, Math.max(0, Math.floor(longitudeToTileXFraction(longitude, zoom))));
  if (x > 0 && tileXToLongitude(x, zoom) > longitude) x -= 1;
  else if (x < last && tileXToLongitude(x + 1, zoom) <= longitude) x += 1;
  return x;
}

/** Row of a latitude, consistent with tileYToLatitude (no validation: callers in hot loops). */
export function latitudeToRow(latitude: number, zoom: number): number {
  const last = tilesPerSide(zoom) - 1;
  let y = Math.min(last, Math.max(0, Math.floor(latitudeToTileYFraction(latitude, zoom))));
  if (y > 0 && tileYToLatitude(y, zoom) < latitude) y -= 1;
  else if (y < last && tileYToLatitude(y + 1, zoom) >= latitude) y += 1;
  return y;
}

/** A tile's bounds in degrees: [west, south, east, north]. */
export function tileToBBox(tile: TileCoord): BBox {
  assertTile(tile);
  return [
    tileXToLongitude(tile.x, tile.z),
    tileYToLatitude(tile.y + 1, tile.z),
    tileXToLongitude(tile.x + 1, tile.z),
    tileYToLatitude(tile.y, tile.z),
  ];
}

/** XYZ row <-> TMS row: the same flip both ways (TMS counts rows from the south). */
export function flipY(y: number, zoom: number): number {
  return tilesPerSide(zoom) - 1 - y;
}
