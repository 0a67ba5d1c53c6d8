import fc from 'fast-check';
import type { MultiPolygon } from 'geojson';
import {
  BBox,
  bboxToGeometry,
  bboxToTileRanges,
  countBBoxTiles,
  GeoErrorCode,
  lonLatToTile,
  planCover,
  TileCoord,
  tileRangeCount,
  tileRangeTiles,
  tilesPerSide,
  tileXToLongitude,
  tileYToLatitude,
} from '@map-offline/geo';
import { tileKey, turfVerdict } from '../test/turf-oracle';

const RUNS = { numRuns: 1000 };

/**
 * Degrees on a micro-degree grid (so an overlap is either nothing or far wider than the turf oracle's
 * inset, and not a 5e-324 sliver below what doubles resolve next to 180), or a tile edge of some zoom
 * so touching-only cases come up often.
 */
const onGrid = (value: number): number => Math.round(value * 1e6) / 1e6;
const longitudeArbitrary = fc.oneof(
  fc.double({ min: -180, max: 180, noNaN: true }).map(onGrid),
  fc
    .integer({ min: 0, max: 6 })
    .chain((zoom) => fc.integer({ min: 0, max: tilesPerSide(zoom) }).map((x) => tileXToLongitude(x, zoom))),
);
const latitudeArbitrary = fc.oneof(
  fc.double({ min: -90, max: 90, noNaN: true }).map(onGrid),
  fc
    .integer({ min: 0, max: 6 })
    .chain((zoom) => fc.integer({ min: 0, max: tilesPerSide(zoom) }).map((y) => tileYToLatitude(y, zoom))),
);

/** Bboxes with positive width and height; about half cross the antimeridian (west > east). */
const bboxArbitrary: fc.Arbitrary<BBox> = fc
  .tuple(longitudeArbitrary, longitudeArbitrary, latitudeArbitrary, latitudeArbitrary)
  // [180, s, -180, n] is a zero-width line on the antimeridian, like west === east.
  .filter(
    ([west, east, south, north]) => west !== east && !(west === 180 && east === -180) && south !== north,
  )
  .map(([west, east, first, second]): BBox => [west, Math.min(first, second), east, Math.max(first, second)]);

function rangeKeys(bbox: BBox, zoom: number): Set<string> {
  const keys = new Set<string>();
  for (const range of bboxToTileRanges(bbox, zoom))
    for (const tile of tileRangeTiles(range)) keys.add(tileKey(tile));
  return keys;
}

/** The bbox built independently of bboxToGeometry, for turf. */
function bboxAsTurfArea(bbox: BBox): MultiPolygon {
  const [west, south, east, north] = bbox;
  const box = (left: number, right: number) => [
    [
      [left, south],
      [right, south],
      [right, north],
      [left, north],
      [left, south],
    ],
  ];
  return {
    type: 'MultiPolygon',
    coordinates: west <= east ? [box(west, east)] : [box(west, 180), box(-180, east)],
  };
}

describe('bboxToTileRanges', () => {
  it('holds exactly the tiles turf finds overlapping the bbox, antimeridian included (all tiles, z0..3)', () => {
    fc.assert(
      fc.property(bboxArbitrary, fc.integer({ min: 0, max: 3 }), (bbox, zoom) => {
        const keys = rangeKeys(bbox, zoom);
        const area = bboxAsTurfArea(bbox);
        const side = tilesPerSide(zoom);
        for (let y = 0; y < side; y += 1) {
          for (let x = 0; x < side; x += 1) {
            const tile: TileCoord = { z: zoom, x, y };
            // On the micro-degree grid an overlap is 0 or far wider than turf's shrink, so 'touches'
            // here means touching only, which the rule leaves out: the check is strict.
            expect({ tile: tileKey(tile), covered: keys.has(tileKey(tile)) }).toEqual({
              tile: tileKey(tile),
              covered: turfVerdict(tile, area) === 'overlaps',
            });
          }
        }
      }),
      RUNS,
    );
  });

  it('agrees row by row with the polygon cover of the same bbox (z0..10)', () => {
    fc.assert(
      fc.property(bboxArbitrary, fc.integer({ min: 0, max: 10 }), (bbox, zoom) => {
        const ranges = bboxToTileRanges(bbox, zoom);
        const plan = planCover(bboxToGeometry(bbox), { minZoom: zoom, maxZoom: zoom });
        expect(plan.countAt(zoom)).toBe(countBBoxTiles(bbox, zoom));
        const expectedRow = ranges
          .map((range) => [range.minX, range.maxX])
          .sort((first, second) => first[0] - second[0]);
        const { minY, maxY } = ranges[0];
        const expected = JSON.stringify(mergeAdjacent(expectedRow));
        const rows = new Map<number, number[][]>();
        for (const run of plan.runs(zoom)) {
          const row = rows.get(run.y) ?? [];
          row.push([run.minX, run.maxX]);
          rows.set(run.y, row);
        }
        expect([...rows.keys()]).toEqual(Array.from({ length: maxY - minY + 1 }, (_, index) => minY + index));
        // One comparison per property run: a failing row is shown with its neighbours' context.
        const mismatched = [...rows].filter(([, runs]) => JSON.stringify(mergeAdjacent(runs)) !== expected);
        expect(mismatched).toEqual([]);
      }),
      RUNS,
    );
  });

  it('gives the containing tile for a point or a line', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.integer({ min: 0, max: 24 }),
        (longitude, latitude, zoom) => {
          const tile = lonLatToTile(longitude, latitude, zoom);
          expect(bboxToTileRanges([longitude, latitude, longitude, latitude], zoom)).toEqual([
            { z: zoom, minX: tile.x, maxX: tile.x, minY: tile.y, maxY: tile.y },
          ]);
        },
      ),
      RUNS,
    );
  });

  it('splits at the antimeridian and merges halves that meet', () => {
    expect(bboxToTileRanges([170, -10, -170, 10], 3)).toEqual([
      { z: 3, minX: 7, maxX: 7, minY: 3, maxY: 4 },
      { z: 3, minX: 0, maxX: 0, minY: 3, maxY: 4 },
    ]);
    expect(bboxToTileRanges([170, -10, -170, 10], 1)).toEqual([{ z: 1, minX: 0, maxX: 1, minY: 0, maxY: 1 }]);
    expect(bboxToTileRanges([10, 0, 5, 1], 0)).toEqual([{ z: 0, minX: 0, maxX: 0, minY: 0, maxY: 0 }]);
    expect(countBBoxTiles([170, -10, -170, 10], 10)).toBe(
      bboxToTileRanges([170, -10, -170, 10], 10).reduce((sum, range) => sum + tileRangeCount(range), 0),
    );
    expect(bboxToGeometry([170, -10, -170, 10]).type).toBe('MultiPolygon');
  });

  it('leaves out tiles that the bbox only touches', () => {
    // [0, 0, 90, 66.51326044311186] is exactly tile 2/2/1.
    const north = tileYToLatitude(1, 2);
    expect(bboxToTileRanges([0, 0, 90, north], 2)).toEqual([{ z: 2, minX: 2, maxX: 2, minY: 1, maxY: 1 }]);
  });

  it('names the bad field', () => {
    expect(() => bboxToTileRanges([0, 10, 1, 5], 3)).toThrow(
      expect.objectContaining({ code: GeoErrorCode.MIN_GREATER_THAN_MAX, field: 'bbox[1]' }),
    );
    expect(() => bboxToTileRanges([0, 0, 181, 5], 3)).toThrow(
      expect.objectContaining({ code: GeoErrorCode.INVALID_COORDINATE, field: 'bbox[2]' }),
    );
    expect(() => bboxToTileRanges([0, 0, 1, 5], -1)).toThrow(
      expect.objectContaining({ code: GeoErrorCode.ZOOM_OUT_OF_RANGE, field: 'zoom' }),
    );
  });
});

function mergeAdjacent(intervals: number[][]): number[][] {
  const merged: number[][] = [];
  for (const [first, last] of [...intervals].sort((a, b) => a[0] - b[0])) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && first <= previous[1] + 1) previous[1] = Math.max(previous[1], last);
    else merged.push([first, last]);
  }
  return merged;
}
