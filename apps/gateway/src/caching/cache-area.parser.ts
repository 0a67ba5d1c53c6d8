import type { MultiPolygon, Position } from 'geojson';
import { DomainError, DomainErrorCode, invalidInput } from '@map-offline/contracts';
import {
  assertBBox,
  assertPolygonal,
  assertZoom,
  BBox,
  bboxToGeometry,
  PolygonalGeometry,
  scaleRangeToZoomRange,
} from '@map-offline/geo';
import { TileSourceEntity } from '@map-offline/entities';
import { CacheAreaInput } from './cache-area.input';

/** positions in one area: enough for a detailed country outline, small enough to plan quickly */
export const MAX_AREA_POSITIONS = 100_000;

/**
 * Decimal places kept. PostGIS returns geometries with 9 decimals (about 0.1 mm), so rounding before
 * storing makes the cover planned now and the cover the seeder plans from the stored area identical.
 */
const COORDINATE_DECIMALS = 9;

export interface ParsedCacheArea {
  area: MultiPolygon;
  minZoom: number;
  maxZoom: number;
}

/** Turns the API's area and zoom choices into a stored-form MultiPolygon and a zoom range the source serves. */
export function parseCacheArea(
  input: CacheAreaInput,
  source: TileSourceEntity,
  field = 'area',
): ParsedCacheArea {
  const area = normalise(parseGeometry(input, field));
  const { minZoom, maxZoom } = parseZooms(input, source, field);
  return { area, minZoom, maxZoom };
}

function parseGeometry(input: CacheAreaInput, field: string): PolygonalGeometry {
  const hasBbox = input.bbox !== undefined && input.bbox !== null;
  const hasGeometry = input.geometry !== undefined && input.geometry !== null;
  if (hasBbox === hasGeometry) throw invalidInput(field, 'give exactly one of bbox or geometry');
  if (hasBbox) {
    const bbox = input.bbox as number[];
    if (bbox.length !== 4)
      throw invalidInput(
        `${field}.bbox`,
        `must have 4 numbers [west, south, east, north], got ${bbox.length}`,
      );
    assertBBox(bbox as BBox, `${field}.bbox`);
    return bboxToGeometry(bbox as BBox);
  }
  const positions = countPositions(input.geometry, 0);
  if (positions > MAX_AREA_POSITIONS) {
    throw new DomainError(
      DomainErrorCode.LIMIT_EXCEEDED,
      `${field}.geometry has ${positions} positions; the limit is ${MAX_AREA_POSITIONS}`,
      { field: `${field}.geometry`, limit: MAX_AREA_POSITIONS },
    );
  }
  assertPolygonal(input.geometry, `${field}.geometry`);
  return input.geometry;
}

function parseZooms(
  input: CacheAreaInput,
  source: TileSourceEntity,
  field: string,
): { minZoom: number; maxZoom: number } {
  const hasZooms =
    input.minZoom !== undefined &&
    input.minZoom !== null &&
    input.maxZoom !== undefined &&
    input.maxZoom !== null;
  const hasScales = (input.minScale ?? null) !== null || (input.maxScale ?? null) !== null;
  if (hasZooms === hasScales)
    throw invalidInput(field, 'give either minZoom and maxZoom, or minScale and/or maxScale');
  const bounds = { minZoom: source.minZoom, maxZoom: source.maxZoom };
  if (hasZooms) {
    const minZoom = input.minZoom as number;
    const maxZoom = input.maxZoom as number;
    // Each bound is checked under its own input name: assertZoomRange would report a bad maxZoom as
    // "<field>.minZoom.max", a field the API does not have.
    assertZoom(minZoom, `${field}.minZoom`);
    assertZoom(maxZoom, `${field}.maxZoom`);
    if (minZoom > maxZoom)
      throw invalidInput(`${field}.minZoom`, `must be at most maxZoom (${maxZoom}), got ${minZoom}`);
    if (minZoom < bounds.minZoom || maxZoom > bounds.maxZoom) {
      throw invalidInput(
        `${field}.maxZoom`,
        `zooms ${minZoom}-${maxZoom} are outside what source "${source.name}" serves (${bounds.minZoom}-${bounds.maxZoom})`,
      );
    }
    return { minZoom, maxZoom };
  }
  const range = scaleRangeToZoomRange(
    { minScale: input.minScale ?? 0, maxScale: input.maxScale ?? 0 },
    { bounds },
  );
  if (!range)
    throw invalidInput(
      `${field}.minScale`,
      `no zoom level of source "${source.name}" lies between these scales`,
    );
  return range;
}

function normalise(geometry: PolygonalGeometry): MultiPolygon {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return { type: 'MultiPolygon', coordinates: polygons.map((rings) => rings.map((ring) => ring.map(round))) };
}

function round(position: Position): Position {
  const factor = 10 ** COORDINATE_DECIMALS;
  return [Math.round(position[0] * factor) / factor, Math.round(position[1] * factor) / factor];
}

/** Counts numbers-pairs without trusting the shape, and stops descending past a sane depth. */
function countPositions(value: unknown, depth: number): number {
  if (depth > 6 || !Array.isArray(value)) {
    if (typeof value === 'object' && value !== null && 'coordinates' in value) {
      return countPositions(value.coordinates, depth + 1);
    }
    return 0;
  }
  if (value.length > 0 && typeof value[0] === 'number') return 1;
  let total = 0;
  for (const item of value) total += countPositions(item, depth + 1);
  return total;
}
