import fc from 'fast-check';
import { tileIdToZxy as referenceTileIdToZxy, zxyToTileId as referenceZxyToTileId } from 'pmtiles';
import { firstTileIdOfZoom, tileIdToZxy, zxyToTileId } from './hilbert-tile-id';

describe('Hilbert tile ids', () => {
  it('matches the table in the PMTiles v3 specification', () => {
    expect(zxyToTileId({ z: 0, x: 0, y: 0 })).toBe(0);
    expect(zxyToTileId({ z: 1, x: 0, y: 0 })).toBe(1);
    expect(zxyToTileId({ z: 1, x: 0, y: 1 })).toBe(2);
    expect(zxyToTileId({ z: 1, x: 1, y: 1 })).toBe(3);
    expect(zxyToTileId({ z: 1, x: 1, y: 0 })).toBe(4);
    expect(zxyToTileId({ z: 2, x: 0, y: 0 })).toBe(5);
    expect(zxyToTileId({ z: 12, x: 3423, y: 1763 })).toBe(19078479);
  });

  it('numbers every tile of zooms 0..7 exactly once, in agreement with the pmtiles reader, and inverts', () => {
    for (let z = 0; z <= 7; z += 1) {
      const side = 2 ** z;
      const seen = new Set<number>();
      for (let x = 0; x < side; x += 1) {
        for (let y = 0; y < side; y += 1) {
          const id = zxyToTileId({ z, x, y });
          expect(id).toBe(referenceZxyToTileId(z, x, y));
          expect(tileIdToZxy(id)).toEqual({ z, x, y });
          seen.add(id);
        }
      }
      expect(seen.size).toBe(side * side);
      expect(Math.min(...seen)).toBe(firstTileIdOfZoom(z));
      expect(Math.max(...seen)).toBe(firstTileIdOfZoom(z + 1) - 1);
    }
  });

  it('agrees with the pmtiles reader at random tiles up to zoom 26', () => {
    const tile = fc.integer({ min: 0, max: 26 }).chain((z) =>
      fc.record({
        z: fc.constant(z),
        x: fc.integer({ min: 0, max: 2 ** z - 1 }),
        y: fc.integer({ min: 0, max: 2 ** z - 1 }),
      }),
    );
    fc.assert(
      fc.property(tile, ({ z, x, y }) => {
        const id = zxyToTileId({ z, x, y });
        expect(id).toBe(referenceZxyToTileId(z, x, y));
        expect(tileIdToZxy(id)).toEqual({ z, x, y });
        expect(referenceTileIdToZxy(id)).toEqual([z, x, y]);
      }),
      { numRuns: 2000 },
    );
  });

  it('moves to a neighbouring tile at each step along the curve (zoom 5)', () => {
    const start = firstTileIdOfZoom(5);
    for (let id = start; id < firstTileIdOfZoom(6) - 1; id += 1) {
      const here = tileIdToZxy(id);
      const next = tileIdToZxy(id + 1);
      expect(Math.abs(here.x - next.x) + Math.abs(here.y - next.y)).toBe(1);
    }
  });

  it('rejects zooms beyond exact JavaScript integers', () => {
    expect(() => zxyToTileId({ z: 27, x: 0, y: 0 })).toThrow(RangeError);
    expect(() => tileIdToZxy(-1)).toThrow(RangeError);
  });
});
