import type { MultiPolygon, Polygon, Position } from 'geojson';
import { latitudeToRow, longitudeToColumn, tileXToLongitude, tileYToLatitude } from './mercator';
import { BBox, TileCoord, tilesPerSide } from './tile-coord';
import { assertBBox, assertZoom } from './validation';

/** An inclusive rectangle of tiles at one zoom. */
export interface TileRange {
  z: number;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/**
 * The tiles a bbox overlaps with positive area, as one range, or two when the bbox crosses the
 * antimeridian (west > east: [west, 180] then [-180, east]). Tiles that only touch an edge of the bbox
 * are left out, as in the polygon cover. A bbox of zero width or height (a point or a line) gives the
 * tiles that contain it, the way lonLatToTile does. Latitudes beyond +-MAX_LATITUDE clamp to the
 * first or last row.
 */
export function bboxToTileRanges(bbox: BBox, zoom: number): TileRange[] {
  assertBBox(bbox);
  assertZoom(zoom);
  const [west, south, east, north] = bbox;
  const minY = latitudeToRow(north, zoom);
  const maxY = Math.max(minY, lastRowBefore(south, north, zoom));
  const spans: Array<[number, number]> = west <= east ? [[west, east]] : antimeridianSpans(west, east);
  const ranges = spans.map(([spanWest, spanEast]) => {
    const minX = longitudeToColumn(spanWest, zoom);
    return { z: zoom, minX, maxX: Math.max(minX, lastColumnBefore(spanWest, spanEast, zoom)), minY, maxY };
  });
  // Both halves of an antimeridian bbox can reach the same column (west and east in one tile at a low
  // zoom): then together they are the whole row, given once so counts do not double.
  if (ranges.length === 2 && ranges[0].minX <= ranges[1].maxX + 1) {
    return [{ z: zoom, minX: 0, maxX: tilesPerSide(zoom) - 1, minY, maxY }];
  }
  return ranges;
}

/** [west, 180] and [-180, east] without a zero-width half; both empty means a line on the antimeridian. */
function antimeridianSpans(west: number, east: number): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  if (west < 180) spans.push([west, 180]);
  if (east > -180) spans.push([-180, east]);
  return spans.length > 0 ? spans : [[180, 180]];
}

/** The column just west of `east`: a bbox ending exactly on a column's west edge does not reach it. */
function lastColumnBefore(west: number, east: number, zoom: number): number {
  const column = longitudeToColumn(east, zoom);
  return column > 0 && east > west && tileXToLongitude(column, zoom) === east ? column - 1 : column;
}

/** The row just north of `south`: a bbox ending exactly on a row's north edge does not reach it. */
function lastRowBefore(south: number, north: number, zoom: number): number {
  const row = latitudeToRow(south, zoom);
  return row > 0 && south < north && tileYToLatitude(row, zoom) === south ? row - 1 : row;
}

export function tileRangeCount(range: TileRange): number {
  return (range.maxX - range.minX + 1) * (range.maxY - range.minY + 1);
}

/** Tiles of a bbox at one zoom, counted without enumerating them. */
export function countBBoxTiles(bbox: BBox, zoom: number): number {
  return bboxToTileRanges(bbox, zoom).reduce((sum, range) => sum + tileRangeCount(range), 0);
}

/** Row-major tiles of a range. */
export function* tileRangeTiles(range: TileRange): Generator<TileCoord> {
  for (let y = range.minY; y <= range.maxY; y += 1) {
    for (let x = range.minX; x <= range.maxX; x += 1) yield { z: range.z, x, y };
  }
}

/**
 * A bbox as a GeoJSON area for planCover: a Polygon, or a MultiPolygon split at the antimeridian.
 * A zero-area bbox makes a zero-area polygon, whose cover is empty; use bboxToTileRanges for points.
 */
export function bboxToGeometry(bbox: BBox): Polygon | MultiPolygon {
  assertBBox(bbox);
  const [west, south, east, north] = bbox;
  const rectangle = (spanWest: number, spanEast: number): Position[][] => [
    [
      [spanWest, south],
      [spanEast, south],
      [spanEast, north],
      [spanWest, north],
      [spanWest, south],
    ],
  ];
  if (west <= east) return { type: 'Polygon', coordinates: rectangle(west, east) };
  return { type: 'MultiPolygon', coordinates: [rectangle(west, 180), rectangle(-180, east)] };
}
