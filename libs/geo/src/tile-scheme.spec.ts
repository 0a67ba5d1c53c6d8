import fc from 'fast-check';
import {
  convertTileScheme,
  GeoErrorCode,
  MAX_ZOOM,
  quadkeyToTile,
  tilesPerSide,
  tileToQuadkey,
  tmsToXyz,
  xyzToTms,
} from '@map-offline/geo';

const RUNS = { numRuns: 1000 };
const tileArbitrary = fc.integer({ min: 0, max: MAX_ZOOM }).chain((z) =>
  fc.record({
    z: fc.constant(z),
    x: fc.integer({ min: 0, max: tilesPerSide(z) - 1 }),
    y: fc.integer({ min: 0, max: tilesPerSide(z) - 1 }),
  }),
);

describe('XYZ <-> TMS', () => {
  it('is an involution that only moves the row', () => {
    fc.assert(
      fc.property(tileArbitrary, (tile) => {
        const tms = xyzToTms(tile);
        expect(tmsToXyz(tms)).toEqual(tile);
        expect(xyzToTms(xyzToTms(tile))).toEqual(tile);
        expect(tms.x).toBe(tile.x);
        expect(tms.y + tile.y).toBe(tilesPerSide(tile.z) - 1);
        expect(convertTileScheme(tile, 'xyz', 'tms')).toEqual(tms);
        expect(convertTileScheme(tile, 'tms', 'tms')).toEqual(tile);
      }),
      RUNS,
    );
  });

  it('flips known rows', () => {
    expect(xyzToTms({ z: 0, x: 0, y: 0 })).toEqual({ z: 0, x: 0, y: 0 });
    expect(xyzToTms({ z: 3, x: 2, y: 1 })).toEqual({ z: 3, x: 2, y: 6 });
    expect(() => xyzToTms({ z: 3, x: 2, y: 8 })).toThrow(
      expect.objectContaining({ code: GeoErrorCode.INVALID_TILE }),
    );
  });
});

describe('quadkeys', () => {
  it('round-trip tile -> quadkey -> tile at every zoom', () => {
    fc.assert(
      fc.property(tileArbitrary, (tile) => {
        const quadkey = tileToQuadkey(tile);
        expect(quadkey).toHaveLength(tile.z);
        expect(quadkeyToTile(quadkey)).toEqual(tile);
      }),
      RUNS,
    );
  });

  it('round-trip quadkey -> tile -> quadkey', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('0', '1', '2', '3'), maxLength: MAX_ZOOM }),
        (quadkey) => {
          expect(tileToQuadkey(quadkeyToTile(quadkey))).toBe(quadkey);
        },
      ),
      RUNS,
    );
  });

  it('matches the Bing Maps reference values', () => {
    expect(tileToQuadkey({ z: 3, x: 3, y: 5 })).toBe('213');
    expect(tileToQuadkey({ z: 0, x: 0, y: 0 })).toBe('');
    expect(quadkeyToTile('0231')).toEqual({ z: 4, x: 3, y: 6 });
    expect(tileToQuadkey({ z: 24, x: 2 ** 24 - 1, y: 0 })).toBe('1'.repeat(24));
  });

  it('rejects digits other than 0-3 and keys longer than 24', () => {
    expect(() => quadkeyToTile('0124')).toThrow(
      expect.objectContaining({ code: GeoErrorCode.INVALID_QUADKEY, field: 'quadkey' }),
    );
    expect(() => quadkeyToTile('0'.repeat(25))).toThrow(
      expect.objectContaining({ code: GeoErrorCode.INVALID_QUADKEY }),
    );
  });
});
