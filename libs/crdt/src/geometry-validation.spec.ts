import fc from 'fast-check';
import { CrdtErrorCode } from './crdt-error';
import { DEFAULT_GEOMETRY_LIMITS, assertGeometry, validateGeometry } from './geometry-validation';

function expectRejected(
  input: unknown,
  code: CrdtErrorCode,
  field: string,
  limits = DEFAULT_GEOMETRY_LIMITS,
): void {
  const result = validateGeometry(input, 'geometry', limits);
  expect(result.ok).toBe(false);
  if (!result.ok) {
    expect(result.error.code).toBe(code);
    expect(result.error.field).toBe(field);
  }
}

const square = [
  [10, 10],
  [11, 10],
  [11, 11],
  [10, 10],
];

describe('assertGeometry', () => {
  it('accepts every RFC 7946 geometry type and returns a clean copy', () => {
    const geometries = [
      { type: 'Point', coordinates: [36.8, -1.28, 1650] },
      {
        type: 'MultiPoint',
        coordinates: [
          [0, 0],
          [180, 90],
        ],
      },
      {
        type: 'LineString',
        coordinates: [
          [-180, -90],
          [180, 90],
        ],
      },
      {
        type: 'MultiLineString',
        coordinates: [
          [
            [0, 0],
            [1, 1],
          ],
        ],
      },
      { type: 'Polygon', coordinates: [square], bbox: [10, 10, 11, 11] },
      { type: 'MultiPolygon', coordinates: [[square], [square]] },
      { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [0, 0] }] },
    ];
    for (const geometry of geometries) {
      const checked = assertGeometry(geometry);
      expect(checked).toEqual(geometry);
      expect(checked).not.toBe(geometry);
    }
  });

  it('accepts any valid point and refuses any out-of-range one, naming the coordinate', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -360, max: 360, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        (longitude, latitude) => {
          const result = validateGeometry({ type: 'Point', coordinates: [longitude, latitude] });
          const inRange = longitude >= -180 && longitude <= 180 && latitude >= -90 && latitude <= 90;
          expect(result.ok).toBe(inRange);
          if (!result.ok) {
            expect(result.error.code).toBe(CrdtErrorCode.COORDINATE_OUT_OF_RANGE);
            expect(result.error.field).toBe(
              longitude < -180 || longitude > 180 ? 'geometry.coordinates[0]' : 'geometry.coordinates[1]',
            );
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('names the problem for each kind of bad geometry', () => {
    expectRejected(null, CrdtErrorCode.INVALID_GEOMETRY, 'geometry');
    expectRejected({ type: 'Circle', coordinates: [0, 0] }, CrdtErrorCode.INVALID_GEOMETRY, 'geometry.type');
    expectRejected(
      { type: 'Point', coordinates: [0] },
      CrdtErrorCode.INVALID_POSITION,
      'geometry.coordinates',
    );
    expectRejected(
      { type: 'Point', coordinates: [0, 0, 0, 0] },
      CrdtErrorCode.INVALID_POSITION,
      'geometry.coordinates',
    );
    expectRejected(
      { type: 'Point', coordinates: [0, Number.NaN] },
      CrdtErrorCode.INVALID_POSITION,
      'geometry.coordinates[1]',
    );
    expectRejected(
      { type: 'Point', coordinates: ['1', 0] },
      CrdtErrorCode.INVALID_POSITION,
      'geometry.coordinates[0]',
    );
    expectRejected(
      { type: 'Point', coordinates: [0, 91] },
      CrdtErrorCode.COORDINATE_OUT_OF_RANGE,
      'geometry.coordinates[1]',
    );
    expectRejected(
      { type: 'LineString', coordinates: [[0, 0]] },
      CrdtErrorCode.LINE_TOO_SHORT,
      'geometry.coordinates',
    );
    expectRejected(
      { type: 'Polygon', coordinates: [square.slice(0, 3)] },
      CrdtErrorCode.RING_TOO_SHORT,
      'geometry.coordinates[0]',
    );
    expectRejected(
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      },
      CrdtErrorCode.RING_NOT_CLOSED,
      'geometry.coordinates[0]',
    );
    expectRejected(
      {
        type: 'MultiPolygon',
        coordinates: [
          [
            square,
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 2],
            ],
          ],
        ],
      },
      CrdtErrorCode.RING_NOT_CLOSED,
      'geometry.coordinates[0][1]',
    );
    expectRejected(
      { type: 'Polygon', coordinates: [] },
      CrdtErrorCode.INVALID_GEOMETRY,
      'geometry.coordinates',
    );
    expectRejected(
      { type: 'Point', coordinates: [0, 0], crs: {} },
      CrdtErrorCode.UNKNOWN_MEMBER,
      'geometry.crs',
    );
    expectRejected(
      { type: 'GeometryCollection', geometries: [], coordinates: [] },
      CrdtErrorCode.UNKNOWN_MEMBER,
      'geometry.coordinates',
    );
    expectRejected(
      { type: 'Point', coordinates: [0, 0], bbox: [0, 0] },
      CrdtErrorCode.INVALID_GEOMETRY,
      'geometry.bbox',
    );
  });

  it('limits collection nesting and the number of positions', () => {
    const point = { type: 'Point', coordinates: [0, 0] };
    const nested = {
      type: 'GeometryCollection',
      geometries: [
        { type: 'GeometryCollection', geometries: [{ type: 'GeometryCollection', geometries: [point] }] },
      ],
    };
    expectRejected(nested, CrdtErrorCode.NESTING_TOO_DEEP, 'geometry.geometries[0].geometries[0]');
    const line = { type: 'LineString', coordinates: Array.from({ length: 11 }, (_, index) => [index, 0]) };
    expectRejected(line, CrdtErrorCode.TOO_MANY_POSITIONS, 'geometry.coordinates[10]', {
      maxPositions: 10,
      maxCollectionDepth: 2,
    });
    expect(() => assertGeometry(line, 'geometry', { maxPositions: 10, maxCollectionDepth: 2 })).toThrow(
      /at most 10 positions/,
    );
  });
});
