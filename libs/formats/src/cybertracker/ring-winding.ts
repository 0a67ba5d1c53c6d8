/**
 * RFC 7946 section 3.1.6: exterior rings counterclockwise, holes clockwise. Rings given the other way round
 * are reversed (a producer must follow the rule; readers may not rely on it, but some renderers do).
 */
export function rewindPolygon(rings: number[][][]): number[][][] {
  return rings.map((ring, index) => {
    const counterclockwise = signedArea(ring) > 0;
    const wantCounterclockwise = index === 0;
    return counterclockwise === wantCounterclockwise ? ring : [...ring].reverse();
  });
}

/** Twice the signed planar area in degrees squared (shoelace): positive when counterclockwise. */
function signedArea(ring: number[][]): number {
  let sum = 0;
  for (let index = 0; index < ring.length - 1; index += 1) {
    sum += ring[index][0] * ring[index + 1][1] - ring[index + 1][0] * ring[index][1];
  }
  return sum;
}

interface GeometryLike {
  type: string;
  coordinates?: unknown;
  geometries?: GeometryLike[];
}

/** A copy of the geometry with every polygon ring wound per RFC 7946. */
export function rewindGeometry<T extends GeometryLike>(geometry: T): T {
  if (geometry.type === 'Polygon') {
    return { ...geometry, coordinates: rewindPolygon(geometry.coordinates as number[][][]) };
  }
  if (geometry.type === 'MultiPolygon') {
    return { ...geometry, coordinates: (geometry.coordinates as number[][][][]).map(rewindPolygon) };
  }
  if (geometry.type === 'GeometryCollection' && geometry.geometries) {
    return { ...geometry, geometries: geometry.geometries.map((member) => rewindGeometry(member)) };
  }
  return geometry;
}
