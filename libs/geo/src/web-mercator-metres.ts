import { MAX_LATITUDE, TileCoord, tilesPerSide } from './tile-coord';
import { GeoErrorCode, GeoValidationError } from './geo-error';
import { assertLatitude, assertLongitude, assertTile, assertZoom } from './validation';

/** WGS 84 semi-major axis, the sphere radius of EPSG:3857, in metres. */
export const EARTH_RADIUS_METRES = 6378137;

/** Half the width of the EPSG:3857 world square (pi * radius), in metres: x and y lie in +-this. */
export const MERCATOR_HALF_WORLD_METRES = Math.PI * EARTH_RADIUS_METRES;

/** EPSG:3857 easting and northing in metres. */
export type MercatorPoint = [x: number, y: number];

/** minX, minY, maxX, maxY in EPSG:3857 metres. */
export type MercatorBBox = [minX: number, minY: number, maxX: number, maxY: number];

const RADIANS_PER_DEGREE = Math.PI / 180;

/** Longitude/latitude in degrees to EPSG:3857 metres; latitudes beyond +-MAX_LATITUDE clamp to the edge. */
export function lonLatToMercatorMetres(longitude: number, latitude: number): MercatorPoint {
  assertLongitude(longitude);
  assertLatitude(latitude);
  const clamped = Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, latitude));
  const x = EARTH_RADIUS_METRES * longitude * RADIANS_PER_DEGREE;
  // Gudermannian inverse: y = R * ln(tan(pi/4 + phi/2)), written with asinh(tan) which keeps precision near 0.
  const y = EARTH_RADIUS_METRES * Math.asinh(Math.tan(clamped * RADIANS_PER_DEGREE));
  return [x, y];
}

/** EPSG:3857 metres back to longitude/latitude in degrees (the Gudermannian of y / R). */
export function mercatorMetresToLonLat(x: number, y: number): [longitude: number, latitude: number] {
  assertMercatorCoordinate(x, 'x');
  assertMercatorCoordinate(y, 'y');
  // Clamped because the world edge can come back as 180.00000000000003 after rounding.
  const longitude = Math.max(-180, Math.min(180, x / EARTH_RADIUS_METRES / RADIANS_PER_DEGREE));
  const latitude = Math.atan(Math.sinh(y / EARTH_RADIUS_METRES)) / RADIANS_PER_DEGREE;
  return [longitude, latitude];
}

function assertMercatorCoordinate(value: number, field: string): void {
  // A relative slack of 1e-12 lets the world edge survive a lon/lat -> metres -> lon/lat round trip.
  if (!Number.isFinite(value) || Math.abs(value) > MERCATOR_HALF_WORLD_METRES * (1 + 1e-12)) {
    throw new GeoValidationError(
      GeoErrorCode.INVALID_COORDINATE,
      field,
      `metres in +-${MERCATOR_HALF_WORLD_METRES}`,
      value,
    );
  }
}

/** A tile's bounds in EPSG:3857 metres; exact linear subdivision of the world square. */
export function tileToMercatorBBox(tile: TileCoord): MercatorBBox {
  assertTile(tile);
  const size = (2 * MERCATOR_HALF_WORLD_METRES) / tilesPerSide(tile.z);
  const minX = -MERCATOR_HALF_WORLD_METRES + tile.x * size;
  const maxY = MERCATOR_HALF_WORLD_METRES - tile.y * size;
  return [minX, maxY - size, minX + size, maxY];
}

/** Ground size of a tile side at the equator, in metres. */
export function tileSizeMetres(zoom: number): number {
  assertZoom(zoom);
  return (2 * MERCATOR_HALF_WORLD_METRES) / tilesPerSide(zoom);
}
