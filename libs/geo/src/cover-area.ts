import type { Position } from 'geojson';
import { assertPolygonal, PolygonalGeometry } from './polygon-validation';
import { BBox } from './tile-coord';

/**
 * A validated area as a table of its non-horizontal edges, sorted by their northern end (descending) so a
 * north-to-south sweep activates them in order. Edges are straight lines in lon/lat degrees.
 *
 * Orientation is normalised per ring: exteriors count +1 and holes -1 whatever way the input winds
 * (RFC 7946 only says parsers should not reject the wrong winding). A point is inside the area when the
 * sum over rings is > 0, which gives the union of a MultiPolygon's parts even where they overlap, and
 * keeps holes empty.
 */
export interface CoverArea {
  readonly edgeCount: number;
  readonly lowLatitude: Float64Array;
  readonly highLatitude: Float64Array;
  readonly longitudeAtLow: Float64Array;
  readonly longitudeAtHigh: Float64Array;
  /** Degrees of longitude per degree of latitude along the edge. */
  readonly slope: Float64Array;
  /** Winding change when a west-to-east scan crosses the edge: +1 entering the area, -1 leaving it. */
  readonly winding: Int8Array;
  /** Bounds of all positions; empty areas have west > east. */
  readonly bbox: BBox;
}

interface EdgeRecord {
  lowLatitude: number;
  highLatitude: number;
  longitudeAtLow: number;
  longitudeAtHigh: number;
  winding: number;
}

export function prepareCoverArea(geometry: PolygonalGeometry): CoverArea {
  assertPolygonal(geometry);
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const records: EdgeRecord[] = [];
  const bbox: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const rings of polygons) {
    rings.forEach((ring, ringIndex) => {
      const wantCounterClockwise = ringIndex === 0;
      const isCounterClockwise = signedArea(ring) >= 0;
      addRingEdges(ring, wantCounterClockwise === isCounterClockwise ? 1 : -1, records, bbox);
    });
  }
  records.sort((first, second) => second.highLatitude - first.highLatitude);
  const count = records.length;
  const area = {
    edgeCount: count,
    lowLatitude: new Float64Array(count),
    highLatitude: new Float64Array(count),
    longitudeAtLow: new Float64Array(count),
    longitudeAtHigh: new Float64Array(count),
    slope: new Float64Array(count),
    winding: new Int8Array(count),
    bbox,
  };
  records.forEach((record, index) => {
    area.lowLatitude[index] = record.lowLatitude;
    area.highLatitude[index] = record.highLatitude;
    area.longitudeAtLow[index] = record.longitudeAtLow;
    area.longitudeAtHigh[index] = record.longitudeAtHigh;
    area.slope[index] =
      (record.longitudeAtHigh - record.longitudeAtLow) / (record.highLatitude - record.lowLatitude);
    area.winding[index] = record.winding;
  });
  return area;
}

/** Shoelace sum in degrees squared: > 0 for a counter-clockwise ring (east = +x, north = +y). */
function signedArea(ring: Position[]): number {
  let twiceArea = 0;
  for (let index = 0; index + 1 < ring.length; index += 1) {
    twiceArea += ring[index][0] * ring[index + 1][1] - ring[index + 1][0] * ring[index][1];
  }
  return twiceArea / 2;
}

/**
 * A counter-clockwise exterior runs south along its west side, so a west-to-east scan enters the area
 * on a southbound edge: southbound = +1 for a correctly wound ring, flipped by `orientation` otherwise.
 */
function addRingEdges(ring: Position[], orientation: 1 | -1, records: EdgeRecord[], bbox: BBox): void {
  for (let index = 0; index < ring.length; index += 1) {
    const [longitude, latitude] = ring[index];
    bbox[0] = Math.min(bbox[0], longitude);
    bbox[1] = Math.min(bbox[1], latitude);
    bbox[2] = Math.max(bbox[2], longitude);
    bbox[3] = Math.max(bbox[3], latitude);
    if (index + 1 === ring.length) break;
    const [nextLongitude, nextLatitude] = ring[index + 1];
    // Horizontal edges bound no latitude strip of positive height, so they never decide a tile.
    if (latitude === nextLatitude) continue;
    const southbound = nextLatitude < latitude;
    records.push({
      lowLatitude: southbound ? nextLatitude : latitude,
      highLatitude: southbound ? latitude : nextLatitude,
      longitudeAtLow: southbound ? nextLongitude : longitude,
      longitudeAtHigh: southbound ? longitude : nextLongitude,
      winding: southbound ? orientation : -orientation,
    });
  }
}
