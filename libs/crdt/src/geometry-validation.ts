import type { Geometry, Position } from 'geojson';
import { CrdtErrorCode, CrdtValidationError, ValidationResult, toValidationResult } from './crdt-error';

export interface GeometryLimits {
  /** positions in one geometry, counting every ring and member */
  maxPositions: number;
  /** GeometryCollections nested inside each other (1 = a collection of plain geometries) */
  maxCollectionDepth: number;
}

export const DEFAULT_GEOMETRY_LIMITS: GeometryLimits = { maxPositions: 100_000, maxCollectionDepth: 2 };

const COORDINATE_TYPES = [
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
] as const;
type CoordinateType = (typeof COORDINATE_TYPES)[number];

/**
 * Validates an RFC 7946 geometry from untrusted input and returns a clean copy holding only `type`,
 * `coordinates` / `geometries` and `bbox`. Other members are refused rather than kept, because they
 * would make two otherwise identical edits compare as different values. Winding order is not checked
 * (RFC 7946 section 3.1.6 says parsers must not reject on it).
 */
export function assertGeometry(
  value: unknown,
  field = 'geometry',
  limits = DEFAULT_GEOMETRY_LIMITS,
): Geometry {
  const counter = { positions: 0 };
  return checkGeometry(value, field, limits, 0, counter);
}

export function validateGeometry(
  value: unknown,
  field = 'geometry',
  limits = DEFAULT_GEOMETRY_LIMITS,
): ValidationResult<Geometry> {
  return toValidationResult(() => assertGeometry(value, field, limits));
}

interface PositionCounter {
  positions: number;
}

function checkGeometry(
  value: unknown,
  field: string,
  limits: GeometryLimits,
  collectionDepth: number,
  counter: PositionCounter,
): Geometry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CrdtValidationError(CrdtErrorCode.INVALID_GEOMETRY, field, 'a GeoJSON geometry object', value);
  }
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (type === 'GeometryCollection') {
    assertOnlyMembers(record, ['type', 'geometries', 'bbox'], field);
    if (collectionDepth >= limits.maxCollectionDepth) {
      throw new CrdtValidationError(
        CrdtErrorCode.NESTING_TOO_DEEP,
        field,
        `at most ${limits.maxCollectionDepth} nested GeometryCollections`,
        'GeometryCollection',
      );
    }
    const geometries = record.geometries;
    if (!Array.isArray(geometries) || geometries.length === 0) {
      throw new CrdtValidationError(
        CrdtErrorCode.INVALID_GEOMETRY,
        `${field}.geometries`,
        'a non-empty array of geometries (use null for no geometry)',
        geometries,
      );
    }
    const members = geometries.map((member: unknown, index) =>
      checkGeometry(member, `${field}.geometries[${index}]`, limits, collectionDepth + 1, counter),
    );
    return withBbox({ type, geometries: members }, record.bbox, field);
  }
  if (typeof type !== 'string' || !(COORDINATE_TYPES as readonly string[]).includes(type)) {
    throw new CrdtValidationError(
      CrdtErrorCode.INVALID_GEOMETRY,
      `${field}.type`,
      `one of ${[...COORDINATE_TYPES, 'GeometryCollection'].join(', ')}`,
      type,
    );
  }
  assertOnlyMembers(record, ['type', 'coordinates', 'bbox'], field);
  const coordinates = checkCoordinates(
    type as CoordinateType,
    record.coordinates,
    `${field}.coordinates`,
    limits,
    counter,
  );
  return withBbox({ type, coordinates } as Geometry, record.bbox, field);
}

function checkCoordinates(
  type: CoordinateType,
  coordinates: unknown,
  field: string,
  limits: GeometryLimits,
  counter: PositionCounter,
): unknown {
  switch (type) {
    case 'Point':
      return checkPosition(coordinates, field, limits, counter);
    case 'MultiPoint':
      return checkArray(coordinates, field, 1, 'positions').map((position, index) =>
        checkPosition(position, `${field}[${index}]`, limits, counter),
      );
    case 'LineString':
      return checkLine(coordinates, field, limits, counter);
    case 'MultiLineString':
      return checkArray(coordinates, field, 1, 'line strings').map((line, index) =>
        checkLine(line, `${field}[${index}]`, limits, counter),
      );
    case 'Polygon':
      return checkPolygon(coordinates, field, limits, counter);
    case 'MultiPolygon':
      return checkArray(coordinates, field, 1, 'polygons').map((polygon, index) =>
        checkPolygon(polygon, `${field}[${index}]`, limits, counter),
      );
  }
}

function checkLine(
  value: unknown,
  field: string,
  limits: GeometryLimits,
  counter: PositionCounter,
): Position[] {
  const positions = checkArray(value, field, 0, 'positions');
  if (positions.length < 2) {
    throw new CrdtValidationError(
      CrdtErrorCode.LINE_TOO_SHORT,
      field,
      'at least 2 positions',
      `${positions.length} positions`,
    );
  }
  return positions.map((position, index) => checkPosition(position, `${field}[${index}]`, limits, counter));
}

function checkPolygon(
  value: unknown,
  field: string,
  limits: GeometryLimits,
  counter: PositionCounter,
): Position[][] {
  return checkArray(value, field, 1, 'linear rings').map((ring, index) =>
    checkRing(ring, `${field}[${index}]`, limits, counter),
  );
}

/** A linear ring: at least 4 positions, first and last equal (RFC 7946 section 3.1.6). */
function checkRing(
  value: unknown,
  field: string,
  limits: GeometryLimits,
  counter: PositionCounter,
): Position[] {
  const positions = checkArray(value, field, 0, 'positions');
  if (positions.length < 4) {
    throw new CrdtValidationError(
      CrdtErrorCode.RING_TOO_SHORT,
      field,
      'a linear ring of at least 4 positions',
      `${positions.length} positions`,
    );
  }
  const checked = positions.map((position, index) =>
    checkPosition(position, `${field}[${index}]`, limits, counter),
  );
  const first = checked[0] ?? [];
  const last = checked[checked.length - 1] ?? [];
  if (first.length !== last.length || first.some((coordinate, index) => coordinate !== last[index])) {
    throw new CrdtValidationError(
      CrdtErrorCode.RING_NOT_CLOSED,
      field,
      `the last position equal to the first (${JSON.stringify(first)})`,
      last,
    );
  }
  return checked;
}

function checkPosition(
  value: unknown,
  field: string,
  limits: GeometryLimits,
  counter: PositionCounter,
): Position {
  counter.positions += 1;
  if (counter.positions > limits.maxPositions) {
    throw new CrdtValidationError(
      CrdtErrorCode.TOO_MANY_POSITIONS,
      field,
      `at most ${limits.maxPositions} positions in one geometry`,
      'more',
    );
  }
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) {
    throw new CrdtValidationError(
      CrdtErrorCode.INVALID_POSITION,
      field,
      '[longitude, latitude] or [longitude, latitude, altitude]',
      value,
    );
  }
  const position = value as unknown[];
  position.forEach((coordinate, index) => {
    if (typeof coordinate !== 'number' || !Number.isFinite(coordinate)) {
      throw new CrdtValidationError(
        CrdtErrorCode.INVALID_POSITION,
        `${field}[${index}]`,
        'a finite number',
        coordinate,
      );
    }
  });
  const [longitude, latitude] = position as number[];
  if (longitude === undefined || longitude < -180 || longitude > 180) {
    throw new CrdtValidationError(
      CrdtErrorCode.COORDINATE_OUT_OF_RANGE,
      `${field}[0]`,
      'a longitude in -180..180',
      longitude,
    );
  }
  if (latitude === undefined || latitude < -90 || latitude > 90) {
    throw new CrdtValidationError(
      CrdtErrorCode.COORDINATE_OUT_OF_RANGE,
      `${field}[1]`,
      'a latitude in -90..90',
      latitude,
    );
  }
  return [...(position as number[])];
}

function checkArray(value: unknown, field: string, minimum: number, what: string): unknown[] {
  if (!Array.isArray(value) || value.length < minimum) {
    throw new CrdtValidationError(
      CrdtErrorCode.INVALID_GEOMETRY,
      field,
      minimum > 0 ? `a non-empty array of ${what} (use null for no geometry)` : `an array of ${what}`,
      value,
    );
  }
  return value as unknown[];
}

function assertOnlyMembers(record: Record<string, unknown>, allowed: readonly string[], field: string): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      throw new CrdtValidationError(
        CrdtErrorCode.UNKNOWN_MEMBER,
        `${field}.${key}`,
        `only the members ${allowed.join(', ')}`,
        key,
      );
    }
  }
}

function withBbox<T extends Geometry>(geometry: T, bbox: unknown, field: string): T {
  if (bbox === undefined) return geometry;
  const valid =
    Array.isArray(bbox) &&
    (bbox.length === 4 || bbox.length === 6) &&
    bbox.every((coordinate) => typeof coordinate === 'number' && Number.isFinite(coordinate));
  if (!valid) {
    throw new CrdtValidationError(
      CrdtErrorCode.INVALID_GEOMETRY,
      `${field}.bbox`,
      '4 or 6 finite numbers',
      bbox,
    );
  }
  return { ...geometry, bbox: [...(bbox as number[])] };
}
