import { BBox, MAX_LATITUDE, TileCoord, tilesPerSide } from './tile-coord';

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

/** The tile containing a point; points on the east/south world edge fall in the last tile. */
export function lonLatToTile(longitude: number, latitude: number, zoom: number): TileCoord {
  const last = tilesPerSide(zoom) - 1;
  const x = Math.min(last, Math.max(0, Math.floor(longitudeToTileXFraction(longitude, zoom))));
  const y = Math.min(last, Math.max(0, Math.floor(latitudeToTileYFraction(latitude, zoom))));
  return { z: zoom, x, y };
}

/** A tile's bounds in degrees: [west, south, east, north]. */
export function tileToBBox(tile: TileCoord): BBox {
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
