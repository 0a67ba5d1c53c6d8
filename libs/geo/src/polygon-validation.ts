import type { MultiPolygon, Polygon, Position } from 'geojson';
import { GeoErrorCode, GeoValidationError } from './geo-error';
import { assertLatitude, assertLongitude } from './validation';

/** The areas the cover accepts: RFC 7946 geometries in lon/lat degrees. */
export type PolygonalGeometry = Polygon | MultiPolygon;

/**
 * Checks the shape an operator or another system sent before any maths runs: type, nesting, every
 * position a finite [longitude, latitude] in range, every ring closed (first position repeated exactly
 * at the end) with at least 4 positions. It does not look for self-intersections (that is O(n log n) and
 * the cover defines a result for them anyway, see README). `field` prefixes the path in the error.
 */
export function assertPolygonal(
  geometry: unknown,
  field = 'geometry',
): asserts geometry is PolygonalGeometry {
  if (typeof geometry !== 'object' || geometry === null) {
    throw invalidGeometry(field, 'a GeoJSON Polygon or MultiPolygon object', geometry);
  }
  const { type, coordinates } = geometry as { type?: unknown; coordinates?: unknown };
  if (type === 'Polygon') {
    assertPolygonRings(coordinates, `${field}.coordinates`);
  } else if (type === 'MultiPolygon') {
    if (!Array.isArray(coordinates))
      throw invalidGeometry(`${field}.coordinates`, 'an array of polygons', coordinates);
    coordinates.forEach((polygon: unknown, index) =>
      assertPolygonRings(polygon, `${field}.coordinates[${index}]`),
    );
  } else {
    throw invalidGeometry(`${field}.type`, '"Polygon" or "MultiPolygon"', type);
  }
}

function assertPolygonRings(rings: unknown, field: string): void {
  if (!Array.isArray(rings) || rings.length === 0) {
    throw invalidGeometry(field, 'an array of linear rings, the exterior first', rings);
  }
  rings.forEach((ring: unknown, index) => assertLinearRing(ring, `${field}[${index}]`));
}

function assertLinearRing(ring: unknown, field: string): void {
  if (!Array.isArray(ring)) throw invalidGeometry(field, 'an array of positions', ring);
  if (ring.length < 4) {
    throw new GeoValidationError(GeoErrorCode.RING_TOO_SHORT, field, 'at least 4 positions', ring.length);
  }
  ring.forEach((position: unknown, index) => assertPosition(position, `${field}[${index}]`));
  const first = ring[0] as Position;
  const last = ring[ring.length - 1] as Position;
  if (first[0] !== last[0] || first[1] !== last[1]) {
    throw new GeoValidationError(
      GeoErrorCode.RING_NOT_CLOSED,
      `${field}[${ring.length - 1}]`,
      `the first position repeated (${first[0]}, ${first[1]})`,
      last,
    );
  }
}

function assertPosition(position: unknown, field: string): void {
  if (!Array.isArray(position) || position.length < 2) {
    throw invalidGeometry(field, 'a position [longitude, latitude]', position);
  }
  const [longitude, latitude] = position as unknown[];
  if (typeof longitude !== 'number') throw invalidCoordinate(`${field}[0]`, longitude);
  if (typeof latitude !== 'number') throw invalidCoordinate(`${field}[1]`, latitude);
  assertLongitude(longitude, `${field}[0]`);
  assertLatitude(latitude, `${field}[1]`);
}

function invalidGeometry(field: string, limit: string, value: unknown): GeoValidationError {
  return new GeoValidationError(GeoErrorCode.INVALID_GEOMETRY, field, limit, value);
}

function invalidCoordinate(field: string, value: unknown): GeoValidationError {
  return new GeoValidationError(GeoErrorCode.INVALID_COORDINATE, field, 'a number', value);
}
