import fc from 'fast-check';
import type { MultiPolygon, Polygon } from 'geojson';
import {
  bboxToGeometry,
  countCover,
  coverTiles,
  GeoErrorCode,
  GeoValidationError,
  planCover,
  TileCoord,
  tilesPerSide,
  tileToBBox,
} from '@map-offline/geo';
import { zoomedAreaArbitrary } from '../test/area.arbitraries';
import { agreesWithTurf, candidateTiles, tileKey, turfVerdict } from '../test/turf-oracle';

const RUNS = { numRuns: 1000 };

describe('planCover against @turf/turf', () => {
  it('holds exactly the tiles whose interior meets the area (polygons with holes, overlapping parts)', () => {
    fc.assert(
      fc.property(zoomedAreaArbitrary(7), ({ zoom, geometry }) => {
        const cover = new Set([...coverTiles(geometry, zoom)].map(tileKey));
        const candidates = candidateTiles(geometry, zoom);
        const candidateKeys = new Set(candidates.map(tileKey));
        for (const key of cover) expect(candidateKeys.has(key)).toBe(true);
        const disagreements = candidates
          .map((tile) => ({
            tile: tileKey(tile),
            covered: cover.has(tileKey(tile)),
            turf: turfVerdict(tile, geometry),
          }))
          .filter(({ covered, turf }) => !agreesWithTurf(covered, turf));
        expect(disagreements).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe('boundary rule', () => {
  const rectangleOfTiles = fc.integer({ min: 1, max: 12 }).chain((zoom) => {
    const last = tilesPerSide(zoom) - 1;
    return fc.tuple(fc.integer({ min: 0, max: last }), fc.integer({ min: 0, max: last })).chain(([x, y]) =>
      fc.record({
        zoom: fc.constant(zoom),
        minX: fc.constant(x),
        minY: fc.constant(y),
        maxX: fc.integer({ min: x, max: Math.min(last, x + 20) }),
        maxY: fc.integer({ min: y, max: Math.min(last, y + 20) }),
      }),
    );
  });

  it('leaves out tiles that only touch the area along an edge or at a corner', () => {
    fc.assert(
      fc.property(rectangleOfTiles, ({ zoom, minX, minY, maxX, maxY }) => {
        const [west, , , north] = tileToBBox({ z: zoom, x: minX, y: minY });
        const [, south, east] = tileToBBox({ z: zoom, x: maxX, y: maxY });
        const tiles = [...coverTiles(bboxToGeometry([west, south, east, north]), zoom)];
        const expected: TileCoord[] = [];
        for (let y = minY; y <= maxY; y += 1)
          for (let x = minX; x <= maxX; x += 1) expected.push({ z: zoom, x, y });
        expect(tiles).toEqual(expected);
      }),
      RUNS,
    );
  });

  it('follows edges of overlapping parts that cross inside a row', () => {
    // At z2, row 1 spans latitudes 0..66.5 and column 2 starts at longitude 0. The second part's east
    // edge runs from (5, 1) to (-20, 20) and crosses the first part's east edge (longitude -5) inside
    // the row: at mid-latitude it is west of -5, yet at latitude 1 it reaches into column 2.
    const overlapping: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [-100, 1],
            [-5, 1],
            [-5, 20],
            [-100, 20],
            [-100, 1],
          ],
        ],
        [
          [
            [-50, 1],
            [5, 1],
            [-20, 20],
            [-50, 20],
            [-50, 1],
          ],
        ],
      ],
    };
    expect([...coverTiles(overlapping, 2)].map(tileKey)).toEqual(['2/0/1', '2/1/1', '2/2/1']);
  });

  it('gives nothing for an area of zero size', () => {
    const line: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [1, 1],
          [2, 2],
          [3, 3],
          [1, 1],
        ],
      ],
    };
    expect(countCover(line, 10)).toBe(0);
    expect(countCover(bboxToGeometry([5, 5, 5, 6]), 10)).toBe(0);
  });

  it('maps areas beyond the Mercator limit to the polar rows, as lonLatToTile clamps points', () => {
    const arctic = bboxToGeometry([10, 86, 11, 89]);
    expect([...coverTiles(arctic, 3)]).toEqual([{ z: 3, x: 4, y: 0 }]);
    const antarctic = bboxToGeometry([-180, -90, 180, -86]);
    expect([...coverTiles(antarctic, 2)].map(tileKey)).toEqual(['2/0/3', '2/1/3', '2/2/3', '2/3/3']);
  });
});

describe('counting and streaming', () => {
  const areaWithZoom = zoomedAreaArbitrary(9);

  it('counts exactly as many tiles as it enumerates, each once, in row-major order', () => {
    fc.assert(
      fc.property(areaWithZoom, ({ zoom, geometry }) => {
        const plan = planCover(geometry, { minZoom: zoom, maxZoom: zoom });
        const tiles = [...plan.tilesAt(zoom)];
        expect(plan.countAt(zoom)).toBe(tiles.length);
        expect(new Set(tiles.map(tileKey)).size).toBe(tiles.length);
        for (let index = 1; index < tiles.length; index += 1) {
          const previous = tiles[index - 1];
          const current = tiles[index];
          expect(current.y > previous.y || (current.y === previous.y && current.x > previous.x)).toBe(true);
        }
        const runTiles = [...plan.runs(zoom)].reduce((sum, run) => sum + run.maxX - run.minX + 1, 0);
        expect(runTiles).toBe(tiles.length);
      }),
      RUNS,
    );
  });

  it('cuts into (zoom, offset, count) batches that concatenate to the whole stream', () => {
    fc.assert(
      fc.property(
        areaWithZoom,
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 1, max: 40 }),
        ({ zoom, geometry }, extraZooms, batchSize) => {
          const maxZoom = Math.min(24, zoom + extraZooms);
          const plan = planCover(geometry, { minZoom: zoom, maxZoom });
          const whole = [...plan.tiles()];
          expect(plan.total).toBe(whole.length);
          const batches = [...plan.batches(batchSize)];
          for (const batch of batches) expect(batch.count).toBeLessThanOrEqual(batchSize);
          // A fresh plan per batch, as a worker that only gets the batch's JSON would build it.
          const concatenated = batches.flatMap((batch) => [
            ...planCover(geometry, { minZoom: zoom, maxZoom }).tilesOf(batch),
          ]);
          expect(concatenated).toEqual(whole);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('resumes at any offset without changing what follows', () => {
    fc.assert(
      fc.property(
        areaWithZoom,
        fc.nat(),
        fc.integer({ min: 0, max: 30 }),
        ({ zoom, geometry }, seed, count) => {
          const plan = planCover(geometry, { minZoom: zoom, maxZoom: zoom });
          const whole = [...plan.tilesAt(zoom)];
          const offset = whole.length === 0 ? 0 : seed % (whole.length + 1);
          expect([...plan.tilesAt(zoom, offset, count)]).toEqual(whole.slice(offset, offset + count));
        },
      ),
      RUNS,
    );
  });
});

describe('large areas', () => {
  const europe: MultiPolygon = {
    type: 'MultiPolygon',
    coordinates: [
      [
        [
          [-5, 43],
          [8, 43],
          [8, 51],
          [2, 51.5],
          [-5, 48],
          [-5, 43],
        ],
      ],
    ],
  };

  it('counts a country-sized area at z18 without enumerating it', () => {
    const started = performance.now();
    const count = countCover(europe, 18);
    expect(count).toBeGreaterThan(10_000_000);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('counts the whole Mercator world at every zoom with the closed form', () => {
    const world = bboxToGeometry([-180, -90, 180, 90]);
    for (let zoom = 0; zoom <= 24; zoom += 1) expect(countCover(world, zoom)).toBe(4 ** zoom);
  });

  it('seeks deep into a z16 stream by offset', () => {
    const plan = planCover(europe, { minZoom: 16, maxZoom: 16 });
    const total = plan.countAt(16);
    const middle = Math.floor(total / 2);
    const [first] = plan.tilesAt(16, middle, 1);
    const runs = [...plan.runs(16)];
    let before = 0;
    const run = runs.find((candidate) => {
      const width = candidate.maxX - candidate.minX + 1;
      if (before + width > middle) return true;
      before += width;
      return false;
    });
    expect(first).toEqual({ z: 16, x: run!.minX + (middle - before), y: run!.y });
  });
});

describe('validation', () => {
  const square = bboxToGeometry([0, 0, 1, 1]);

  it('rejects zooms outside the plan or 0..24, and inverted ranges', () => {
    expect(() => planCover(square, { minZoom: 0, maxZoom: 25 })).toThrow(GeoValidationError);
    expect(() => planCover(square, { minZoom: 5, maxZoom: 4 })).toThrow(
      expect.objectContaining({ code: GeoErrorCode.MIN_GREATER_THAN_MAX, field: 'zoom.min' }),
    );
    const plan = planCover(square, { minZoom: 3, maxZoom: 4 });
    expect(() => plan.countAt(5)).toThrow(expect.objectContaining({ code: GeoErrorCode.ZOOM_OUT_OF_RANGE }));
    expect(() => [...plan.tilesAt(3, -1)]).toThrow(
      expect.objectContaining({ code: GeoErrorCode.INVALID_BATCH }),
    );
    expect(() => [...plan.batches(0)]).toThrow(expect.objectContaining({ field: 'size' }));
  });

  it('gives nothing past the end of a zoom', () => {
    const plan = planCover(square, { minZoom: 8, maxZoom: 8 });
    expect([...plan.tilesAt(8, plan.countAt(8), 10)]).toEqual([]);
  });
});
