import fc from 'fast-check';
import {
  GeoErrorCode,
  latitudeToRow,
  lonLatToTile,
  MAX_LATITUDE,
  MAX_ZOOM,
  tileToBBox,
  tilesPerSide,
  tileXToLongitude,
  tileYToLatitude,
} from '@map-offline/geo';

const RUNS = { numRuns: 1000 };
const zoomArbitrary = fc.integer({ min: 0, max: MAX_ZOOM });
const longitudeArbitrary = fc.double({ min: -180, max: 180, noNaN: true });
const mercatorLatitudeArbitrary = fc.double({ min: -MAX_LATITUDE, max: MAX_LATITUDE, noNaN: true });
const tileArbitrary = zoomArbitrary.chain((z) =>
  fc.record({
    z: fc.constant(z),
    x: fc.integer({ min: 0, max: tilesPerSide(z) - 1 }),
    y: fc.integer({ min: 0, max: tilesPerSide(z) - 1 }),
  }),
);

describe('lonLatToTile', () => {
  it('returns the tile whose bbox contains the point (west and north edges inclusive)', () => {
    fc.assert(
      fc.property(
        longitudeArbitrary,
        mercatorLatitudeArbitrary,
        zoomArbitrary,
        (longitude, latitude, zoom) => {
          const tile = lonLatToTile(longitude, latitude, zoom);
          const last = tilesPerSide(zoom) - 1;
          const [west, south, east, north] = tileToBBox(tile);
          expect(west).toBeLessThanOrEqual(longitude);
          expect(tile.x === last ? longitude <= east : longitude < east).toBe(true);
          expect(latitude).toBeLessThanOrEqual(north);
          expect(tile.y === last ? latitude >= south : latitude > south).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('maps every corner of a tile to that tile (it owns its west and north edges)', () => {
    fc.assert(
      fc.property(tileArbitrary, (tile) => {
        const [west, south, east, north] = tileToBBox(tile);
        const last = tilesPerSide(tile.z) - 1;
        expect(lonLatToTile(west, north, tile.z)).toEqual(tile);
        expect(lonLatToTile(east, south, tile.z)).toEqual({
          z: tile.z,
          x: Math.min(last, tile.x + 1),
          y: Math.min(last, tile.y + 1),
        });
        expect(lonLatToTile((west + east) / 2, (south + north) / 2, tile.z)).toEqual(tile);
      }),
      RUNS,
    );
  });

  it('clamps the poles and keeps +-180 inside the world at every zoom 0..24', () => {
    for (let zoom = 0; zoom <= MAX_ZOOM; zoom += 1) {
      const last = tilesPerSide(zoom) - 1;
      expect(lonLatToTile(-180, 90, zoom)).toEqual({ z: zoom, x: 0, y: 0 });
      expect(lonLatToTile(180, -90, zoom)).toEqual({ z: zoom, x: last, y: last });
      expect(lonLatToTile(-180, MAX_LATITUDE, zoom)).toEqual({ z: zoom, x: 0, y: 0 });
      expect(lonLatToTile(180, -MAX_LATITUDE, zoom)).toEqual({ z: zoom, x: last, y: last });
      expect(lonLatToTile(0, 0, zoom)).toEqual({
        z: zoom,
        x: zoom === 0 ? 0 : last / 2 + 0.5,
        y: zoom === 0 ? 0 : last / 2 + 0.5,
      });
      expect(tileToBBox({ z: zoom, x: 0, y: 0 })[3]).toBeCloseTo(MAX_LATITUDE, 12);
      expect(tileToBBox({ z: zoom, x: last, y: last })[1]).toBeCloseTo(-MAX_LATITUDE, 12);
      expect(tileToBBox({ z: zoom, x: 0, y: 0 })[0]).toBe(-180);
      expect(tileToBBox({ z: zoom, x: last, y: last })[2]).toBe(180);
      // The last row's tiles are south of the equator mirror of the first row's.
      expect(tileYToLatitude(last + 1, zoom)).toBeCloseTo(-tileYToLatitude(0, zoom), 12);
      expect(tileXToLongitude(last + 1, zoom)).toBe(180);
      expect(latitudeToRow(89.9, zoom)).toBe(0);
      expect(latitudeToRow(-89.9, zoom)).toBe(last);
    }
  });

  it('round-trips every tile centre at zooms 0..8', () => {
    for (let zoom = 0; zoom <= 8; zoom += 1) {
      const side = tilesPerSide(zoom);
      for (let x = 0; x < side; x += 1) {
        for (let y = 0; y < side; y += 1) {
          const [west, south, east, north] = tileToBBox({ z: zoom, x, y });
          const tile = lonLatToTile((west + east) / 2, (south + north) / 2, zoom);
          if (tile.x !== x || tile.y !== y)
            throw new Error(`centre of ${zoom}/${x}/${y} maps to ${tile.x}/${tile.y}`);
        }
      }
    }
  });

  it('names the bad field and the limit', () => {
    expect(() => lonLatToTile(Number.NaN, 0, 3)).toThrow(
      expect.objectContaining({
        code: GeoErrorCode.INVALID_COORDINATE,
        field: 'longitude',
        limit: 'a number in -180..180',
      }),
    );
    expect(() => lonLatToTile(0, 91, 3)).toThrow(expect.objectContaining({ field: 'latitude' }));
    expect(() => lonLatToTile(180.5, 0, 3)).toThrow(expect.objectContaining({ field: 'longitude' }));
    expect(() => lonLatToTile(0, 0, 25)).toThrow(
      expect.objectContaining({
        code: GeoErrorCode.ZOOM_OUT_OF_RANGE,
        field: 'zoom',
        limit: 'an integer in 0..24',
      }),
    );
    expect(() => lonLatToTile(0, 0, 2.5)).toThrow(
      expect.objectContaining({ code: GeoErrorCode.ZOOM_OUT_OF_RANGE }),
    );
    expect(() => tileToBBox({ z: 2, x: 4, y: 0 })).toThrow(
      expect.objectContaining({
        code: GeoErrorCode.INVALID_TILE,
        field: 'tile.x',
        limit: 'an integer in 0..3 at zoom 2',
      }),
    );
  });
});
