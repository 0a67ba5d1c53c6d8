import fc from 'fast-check';
import {
  GeoErrorCode,
  lonLatToMercatorMetres,
  MAX_LATITUDE,
  MAX_ZOOM,
  MERCATOR_HALF_WORLD_METRES,
  mercatorMetresToLonLat,
  tileSizeMetres,
  tilesPerSide,
  tileToBBox,
  tileToMercatorBBox,
} from '@map-offline/geo';

const RUNS = { numRuns: 1000 };

describe('Web Mercator metres (EPSG:3857)', () => {
  it('round-trips lon/lat -> metres -> lon/lat within 1e-9 degrees', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: -MAX_LATITUDE, max: MAX_LATITUDE, noNaN: true }),
        (longitude, latitude) => {
          const [x, y] = lonLatToMercatorMetres(longitude, latitude);
          const [backLongitude, backLatitude] = mercatorMetresToLonLat(x, y);
          expect(Math.abs(backLongitude - longitude)).toBeLessThan(1e-9);
          expect(Math.abs(backLatitude - latitude)).toBeLessThan(1e-9);
        },
      ),
      RUNS,
    );
  });

  it('round-trips metres -> lon/lat -> metres within a micrometre', () => {
    const metres = fc.double({
      min: -MERCATOR_HALF_WORLD_METRES,
      max: MERCATOR_HALF_WORLD_METRES,
      noNaN: true,
    });
    fc.assert(
      fc.property(metres, metres, (x, y) => {
        const [longitude, latitude] = mercatorMetresToLonLat(x, y);
        const [backX, backY] = lonLatToMercatorMetres(longitude, latitude);
        expect(Math.abs(backX - x)).toBeLessThan(1e-6);
        expect(Math.abs(backY - y)).toBeLessThan(1e-6);
      }),
      RUNS,
    );
  });

  it('agrees with the degree bounds of a tile', () => {
    const tileArbitrary = fc.integer({ min: 0, max: MAX_ZOOM }).chain((z) =>
      fc.record({
        z: fc.constant(z),
        x: fc.integer({ min: 0, max: tilesPerSide(z) - 1 }),
        y: fc.integer({ min: 0, max: tilesPerSide(z) - 1 }),
      }),
    );
    fc.assert(
      fc.property(tileArbitrary, (tile) => {
        const [west, south, east, north] = tileToBBox(tile);
        const [minX, minY, maxX, maxY] = tileToMercatorBBox(tile);
        const [westX, southY] = lonLatToMercatorMetres(west, south);
        const [eastX, northY] = lonLatToMercatorMetres(east, north);
        for (const [actual, expected] of [
          [minX, westX],
          [minY, southY],
          [maxX, eastX],
          [maxY, northY],
        ]) {
          expect(Math.abs(actual - expected)).toBeLessThan(1e-6);
        }
        expect(maxX - minX).toBeCloseTo(tileSizeMetres(tile.z), 6);
      }),
      RUNS,
    );
  });

  it('puts the world edges at +-20037508.342789244 m', () => {
    expect(lonLatToMercatorMetres(180, MAX_LATITUDE)[0]).toBeCloseTo(20037508.342789244, 6);
    expect(lonLatToMercatorMetres(180, MAX_LATITUDE)[1]).toBeCloseTo(20037508.342789244, 6);
    expect(lonLatToMercatorMetres(-180, -90)).toEqual(lonLatToMercatorMetres(-180, -MAX_LATITUDE));
    expect(tileToMercatorBBox({ z: 0, x: 0, y: 0 })).toEqual([
      -MERCATOR_HALF_WORLD_METRES,
      -MERCATOR_HALF_WORLD_METRES,
      MERCATOR_HALF_WORLD_METRES,
      MERCATOR_HALF_WORLD_METRES,
    ]);
    expect(lonLatToMercatorMetres(0, 0)).toEqual([0, 0]);
  });

  it('rejects metres outside the world square', () => {
    expect(() => mercatorMetresToLonLat(0, 2.1e7)).toThrow(
      expect.objectContaining({ code: GeoErrorCode.INVALID_COORDINATE, field: 'y' }),
    );
    expect(() => mercatorMetresToLonLat(Number.NaN, 0)).toThrow(expect.objectContaining({ field: 'x' }));
  });
});
