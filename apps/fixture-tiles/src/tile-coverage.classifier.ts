import type { Position } from 'geojson';
import { latitudeToTileYFraction, longitudeToTileXFraction, TileCoord, tilesPerSide } from '@map-offline/geo';
import { ringsOf, WorldGeometry } from './world-geometry.loader';

/** What a tile shows: only sea, only land (no coast or border crosses it), or both (must be rendered). */
export type TileCoverage = 'sea' | 'land' | 'mixed';

// Boundary segments are bucketed in a 256 x 256 grid (the zoom 8 tiles); a tile at zoom >= 8 checks
// the one to four cells under it.
const GRID_ZOOM = 8;
const GRID_SIDE = 2 ** GRID_ZOOM;
// Land segments are bucketed by rows of the world for the point-in-polygon ray cast.
const ROW_COUNT = 4096;
// A border stroke (1 pixel wide) plus anti-aliasing reaches this far into a neighbouring tile, in pixels.
const DEFAULT_MARGIN_PIXELS = 2;
const TILE_SIZE_PIXELS = 256;

interface SegmentBuckets {
  /** [startU, startV, endU, endV] per segment, in world units (0..1 both ways, v down). */
  segments: Float64Array;
  /** bucket b holds segment indices bucketItems[bucketOffsets[b] .. bucketOffsets[b + 1]). */
  bucketOffsets: Uint32Array;
  bucketItems: Uint32Array;
}

/**
 * Tells sea-only and land-only tiles apart from tiles that need rendering, in microseconds, without
 * rendering: a tile is uniform when no coast or border segment touches it (plus a stroke margin);
 * then its centre is either in land or not (an even-odd ray cast over the land rings).
 */
export class TileCoverageClassifier {
  private constructor(
    private readonly boundaries: SegmentBuckets,
    private readonly land: SegmentBuckets,
  ) {}

  static fromWorld(world: WorldGeometry): TileCoverageClassifier {
    const boundarySegments = ringsToSegments(ringsOf(world.countries), {
      skipWorldEdges: true,
      wrapCopies: true,
    });
    const landSegments = ringsToSegments(ringsOf(world.land), { skipWorldEdges: false, wrapCopies: false });
    return new TileCoverageClassifier(bucketByCell(boundarySegments), bucketByRow(landSegments));
  }

  classify(tile: TileCoord, marginPixels: number = DEFAULT_MARGIN_PIXELS): TileCoverage {
    const side = tilesPerSide(tile.z);
    const margin = marginPixels / TILE_SIZE_PIXELS / side;
    const minU = tile.x / side - margin;
    const maxU = (tile.x + 1) / side + margin;
    const minV = tile.y / side - margin;
    const maxV = (tile.y + 1) / side + margin;
    if (this.anyBoundaryTouches(minU, minV, maxU, maxV)) return 'mixed';
    const centreU = (tile.x + 0.5) / side;
    const centreV = (tile.y + 0.5) / side;
    return this.isLand(centreU, centreV) ? 'land' : 'sea';
  }

  private anyBoundaryTouches(minU: number, minV: number, maxU: number, maxV: number): boolean {
    const { segments, bucketOffsets, bucketItems } = this.boundaries;
    const firstColumn = clampCell(Math.floor(minU * GRID_SIDE));
    const lastColumn = clampCell(Math.floor(maxU * GRID_SIDE));
    const firstRow = clampCell(Math.floor(minV * GRID_SIDE));
    const lastRow = clampCell(Math.floor(maxV * GRID_SIDE));
    for (let row = firstRow; row <= lastRow; row += 1) {
      for (let column = firstColumn; column <= lastColumn; column += 1) {
        const cell = row * GRID_SIDE + column;
        for (let item = bucketOffsets[cell]; item < bucketOffsets[cell + 1]; item += 1) {
          const base = bucketItems[item] * 4;
          if (
            segmentTouchesRect(
              segments[base],
              segments[base + 1],
              segments[base + 2],
              segments[base + 3],
              minU,
              minV,
              maxU,
              maxV,
            )
          ) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Even-odd rule; rings that run past the east edge (Chukotka) are tested at u + 1 and u - 1 too. */
  private isLand(u: number, v: number): boolean {
    return (
      this.crossingsEast(u, v) % 2 === 1 ||
      this.crossingsEast(u + 1, v) % 2 === 1 ||
      this.crossingsEast(u - 1, v) % 2 === 1
    );
  }

  private crossingsEast(u: number, v: number): number {
    const { segments, bucketOffsets, bucketItems } = this.land;
    const row = Math.min(ROW_COUNT - 1, Math.max(0, Math.floor(v * ROW_COUNT)));
    let crossings = 0;
    for (let item = bucketOffsets[row]; item < bucketOffsets[row + 1]; item += 1) {
      const base = bucketItems[item] * 4;
      const startU = segments[base];
      const startV = segments[base + 1];
      const endU = segments[base + 2];
      const endV = segments[base + 3];
      if (startV > v === endV > v) continue;
      const crossingU = startU + ((v - startV) / (endV - startV)) * (endU - startU);
      if (crossingU > u) crossings += 1;
    }
    return crossings;
  }
}

function clampCell(cell: number): number {
  return Math.min(GRID_SIDE - 1, Math.max(0, cell));
}

function toWorldUnits(position: Position): [number, number] {
  return [longitudeToTileXFraction(position[0], 0), latitudeToTileYFraction(position[1], 0)];
}

function isOnWorldEdge(startU: number, startV: number, endU: number, endV: number): boolean {
  const sameU = startU === endU && (startU <= 0 || startU >= 1);
  const sameV = startV === endV && (startV <= 0 || startV >= 1);
  return sameU || sameV;
}

function ringsToSegments(
  rings: Position[][],
  options: { skipWorldEdges: boolean; wrapCopies: boolean },
): Float64Array {
  const values: number[] = [];
  for (const ring of rings) {
    for (let index = 1; index < ring.length; index += 1) {
      const [startU, startV] = toWorldUnits(ring[index - 1]);
      const [endU, endV] = toWorldUnits(ring[index]);
      if (startU === endU && startV === endV) continue;
      if (options.skipWorldEdges && isOnWorldEdge(startU, startV, endU, endV)) continue;
      values.push(startU, startV, endU, endV);
      if (!options.wrapCopies) continue;
      // Geometry unwrapped past the antimeridian also shows at the other side of the world.
      if (Math.min(startU, endU) < 0) values.push(startU + 1, startV, endU + 1, endV);
      if (Math.max(startU, endU) > 1) values.push(startU - 1, startV, endU - 1, endV);
    }
  }
  return Float64Array.from(values);
}

/** Compressed buckets in two passes: count per bucket, then fill. */
function buildBuckets(
  segments: Float64Array,
  bucketCount: number,
  bucketsOf: (segment: number, visit: (bucket: number) => void) => void,
): SegmentBuckets {
  const segmentCount = segments.length / 4;
  const counts = new Uint32Array(bucketCount + 1);
  for (let segment = 0; segment < segmentCount; segment += 1) {
    bucketsOf(segment, (bucket) => {
      counts[bucket + 1] += 1;
    });
  }
  for (let bucket = 0; bucket < bucketCount; bucket += 1) counts[bucket + 1] += counts[bucket];
  const bucketOffsets = counts.slice();
  const cursor = counts.slice();
  const bucketItems = new Uint32Array(bucketOffsets[bucketCount]);
  for (let segment = 0; segment < segmentCount; segment += 1) {
    bucketsOf(segment, (bucket) => {
      bucketItems[cursor[bucket]] = segment;
      cursor[bucket] += 1;
    });
  }
  return { segments, bucketOffsets, bucketItems };
}

function bucketByCell(segments: Float64Array): SegmentBuckets {
  return buildBuckets(segments, GRID_SIDE * GRID_SIDE, (segment, visit) => {
    const base = segment * 4;
    const minU = Math.min(segments[base], segments[base + 2]);
    const maxU = Math.max(segments[base], segments[base + 2]);
    const minV = Math.min(segments[base + 1], segments[base + 3]);
    const maxV = Math.max(segments[base + 1], segments[base + 3]);
    if (maxU < 0 || minU > 1) return;
    const firstColumn = clampCell(Math.floor(minU * GRID_SIDE));
    const lastColumn = clampCell(Math.floor(maxU * GRID_SIDE));
    const firstRow = clampCell(Math.floor(minV * GRID_SIDE));
    const lastRow = clampCell(Math.floor(maxV * GRID_SIDE));
    for (let row = firstRow; row <= lastRow; row += 1) {
      for (let column = firstColumn; column <= lastColumn; column += 1) visit(row * GRID_SIDE + column);
    }
  });
}

function bucketByRow(segments: Float64Array): SegmentBuckets {
  return buildBuckets(segments, ROW_COUNT, (segment, visit) => {
    const base = segment * 4;
    const minV = Math.min(segments[base + 1], segments[base + 3]);
    const maxV = Math.max(segments[base + 1], segments[base + 3]);
    const firstRow = Math.min(ROW_COUNT - 1, Math.max(0, Math.floor(minV * ROW_COUNT)));
    const lastRow = Math.min(ROW_COUNT - 1, Math.max(0, Math.floor(maxV * ROW_COUNT)));
    for (let row = firstRow; row <= lastRow; row += 1) visit(row);
  });
}

/** Liang-Barsky: does any part of the segment lie inside the closed rectangle? */
export function segmentTouchesRect(
  startU: number,
  startV: number,
  endU: number,
  endV: number,
  minU: number,
  minV: number,
  maxU: number,
  maxV: number,
): boolean {
  if (Math.max(startU, endU) < minU || Math.min(startU, endU) > maxU) return false;
  if (Math.max(startV, endV) < minV || Math.min(startV, endV) > maxV) return false;
  if (startU >= minU && startU <= maxU && startV >= minV && startV <= maxV) return true;
  const deltaU = endU - startU;
  const deltaV = endV - startV;
  let enter = 0;
  let leave = 1;
  const edges: Array<[number, number]> = [
    [-deltaU, startU - minU],
    [deltaU, maxU - startU],
    [-deltaV, startV - minV],
    [deltaV, maxV - startV],
  ];
  for (const [direction, distance] of edges) {
    if (direction === 0) {
      if (distance < 0) return false;
      continue;
    }
    const ratio = distance / direction;
    if (direction < 0) enter = Math.max(enter, ratio);
    else leave = Math.min(leave, ratio);
    if (enter > leave) return false;
  }
  return true;
}
