import { assertPolygonal, GeoErrorCode, GeoValidationError, planCover } from '@map-offline/geo';

function errorOf(action: () => unknown): GeoValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof GeoValidationError) return error;
    throw error;
  }
  throw new Error('expected a GeoValidationError');
}

const ring = [
  [0, 0],
  [1, 0],
  [1, 1],
  [0, 0],
];

describe('assertPolygonal', () => {
  it('accepts Polygons and MultiPolygons with holes', () => {
    expect(() =>
      assertPolygonal({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [10, 0],
            [10, 10],
            [0, 10],
            [0, 0],
          ],
          [
            [2, 2],
            [3, 2],
            [3, 3],
            [2, 2],
          ],
        ],
      }),
    ).not.toThrow();
    expect(() => assertPolygonal({ type: 'MultiPolygon', coordinates: [[ring], [ring]] })).not.toThrow();
  });

  it('names the ring that is not closed', () => {
    const error = errorOf(() =>
      assertPolygonal({
        type: 'MultiPolygon',
        coordinates: [
          [ring],
          [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 1],
            ],
          ],
        ],
      }),
    );
    expect(error.code).toBe(GeoErrorCode.RING_NOT_CLOSED);
    expect(error.field).toBe('geometry.coordinates[1][0][3]');
    expect(error.message).toContain('the first position repeated (0, 0)');
  });

  it('names a ring with fewer than 4 positions', () => {
    const error = errorOf(() =>
      assertPolygonal({
        type: 'Polygon',
        coordinates: [
          ring,
          [
            [0, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      }),
    );
    expect({ code: error.code, field: error.field, limit: error.limit, value: error.value }).toEqual({
      code: GeoErrorCode.RING_TOO_SHORT,
      field: 'geometry.coordinates[1]',
      limit: 'at least 4 positions',
      value: 3,
    });
  });

  it('names the coordinate that is NaN or out of range', () => {
    const withNaN = [ring[0], [Number.NaN, 0], ring[2], ring[3]];
    expect(errorOf(() => assertPolygonal({ type: 'Polygon', coordinates: [withNaN] }))).toMatchObject({
      code: GeoErrorCode.INVALID_COORDINATE,
      field: 'geometry.coordinates[0][1][0]',
    });
    const tooFarNorth = [ring[0], [0, 90.5], ring[2], ring[3]];
    expect(errorOf(() => assertPolygonal({ type: 'Polygon', coordinates: [tooFarNorth] }))).toMatchObject({
      code: GeoErrorCode.INVALID_COORDINATE,
      field: 'geometry.coordinates[0][1][1]',
      limit: 'a number in -90..90',
    });
    const text = [ring[0], ['1', 0], ring[2], ring[3]];
    expect(errorOf(() => assertPolygonal({ type: 'Polygon', coordinates: [text] }))).toMatchObject({
      field: 'geometry.coordinates[0][1][0]',
    });
  });

  it('rejects other geometry types and shapes', () => {
    expect(errorOf(() => assertPolygonal({ type: 'Point', coordinates: [0, 0] }))).toMatchObject({
      code: GeoErrorCode.INVALID_GEOMETRY,
      field: 'geometry.type',
    });
    expect(errorOf(() => assertPolygonal(null))).toMatchObject({ field: 'geometry' });
    expect(errorOf(() => assertPolygonal({ type: 'Polygon', coordinates: [] }))).toMatchObject({
      field: 'geometry.coordinates',
    });
    expect(
      errorOf(() => assertPolygonal({ type: 'Polygon', coordinates: [[...ring.slice(0, 3), [0]]] })),
    ).toMatchObject({
      field: 'geometry.coordinates[0][3]',
    });
  });

  it('is what planCover runs first', () => {
    expect(() =>
      planCover({ type: 'Polygon', coordinates: [ring.slice(0, 3)] }, { minZoom: 0, maxZoom: 1 }),
    ).toThrow(expect.objectContaining({ code: GeoErrorCode.RING_TOO_SHORT }));
  });
});
