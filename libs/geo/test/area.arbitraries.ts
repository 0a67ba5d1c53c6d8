import fc from 'fast-check';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { tilesPerSide } from '@map-offline/geo';

/** A star polygon: vertices at increasing angles around a centre, so it is always simple. */
interface StarShape {
  jitters: number[];
  radii: number[];
}

const star = (minVertices: number, maxVertices: number, minRadius: number): fc.Arbitrary<StarShape> =>
  fc.integer({ min: minVertices, max: maxVertices }).chain((count) =>
    fc.record({
      // Angle i = (i + jitter) * 2pi / count with jitter < 0.5: neighbouring vertices are less than
      // 1.5 * 2pi / count apart (108 degrees for 5 vertices).
      jitters: fc.array(fc.double({ min: 0, max: 0.49, noNaN: true }), {
        minLength: count,
        maxLength: count,
      }),
      radii: fc.array(fc.double({ min: minRadius, max: 1, noNaN: true }), {
        minLength: count,
        maxLength: count,
      }),
    }),
  );

function starRing(
  centre: Position,
  radiusDegrees: number,
  shape: StarShape,
  reverse: boolean,
  radiusScale = 1,
): Position[] {
  const count = shape.radii.length;
  const ring = shape.radii.map((radius, index): Position => {
    const angle = ((index + shape.jitters[index]) * 2 * Math.PI) / count;
    const distance = radiusDegrees * radius * radiusScale;
    return [centre[0] + distance * Math.cos(angle), centre[1] + distance * Math.sin(angle)];
  });
  if (reverse) ring.reverse();
  ring.push([ring[0][0], ring[0][1]]);
  return ring;
}

/**
 * A star with an optional star hole. With 5+ outer vertices no two are more than 108 degrees apart, so
 * the outer ring contains the disc of radius min(radius) * cos(54 deg) > 0.58 * min(radius) around the
 * centre. The hole has radii <= 0.35 * min(radius) around a point at most 0.2 * min(radius) from the
 * centre, so it lies strictly inside the outer ring. Rings are randomly wound either way.
 */
const starPolygon = (centre: Position, radiusDegrees: number): fc.Arbitrary<Position[][]> =>
  fc
    .record({
      outer: star(5, 14, 0.45),
      reverseOuter: fc.boolean(),
      hole: fc.option(
        fc.record({
          shape: star(3, 9, 0.3),
          offsetAngle: fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
          offset: fc.double({ min: 0, max: 0.2, noNaN: true }),
          reverse: fc.boolean(),
        }),
        { nil: undefined },
      ),
    })
    .map(({ outer, reverseOuter, hole }) => {
      const rings = [starRing(centre, radiusDegrees, outer, reverseOuter)];
      if (hole !== undefined) {
        const inner = Math.min(...outer.radii) * radiusDegrees;
        const holeCentre: Position = [
          centre[0] + inner * hole.offset * Math.cos(hole.offsetAngle),
          centre[1] + inner * hole.offset * Math.sin(hole.offsetAngle),
        ];
        rings.push(starRing(holeCentre, inner, hole.shape, hole.reverse, 0.35));
      }
      return rings;
    });

export interface ZoomedArea {
  zoom: number;
  geometry: Polygon | MultiPolygon;
}

/**
 * Random areas sized against the tiles of a low zoom (0..maxZoom), so every tile in the bbox can be
 * checked: a polygon with or without a hole, or a MultiPolygon of two such polygons that may overlap.
 * Radii run from a fifth of a tile to a few tiles, large ones reach the polar rows.
 */
export function zoomedAreaArbitrary(maxZoom: number): fc.Arbitrary<ZoomedArea> {
  const part = (zoom: number): fc.Arbitrary<Position[][]> =>
    fc
      .record({
        longitude: fc.double({ min: -170, max: 170, noNaN: true }),
        latitude: fc.double({ min: -80, max: 80, noNaN: true }),
        radiusInTiles: fc.double({ min: 0.2, max: 3, noNaN: true }),
      })
      .chain(({ longitude, latitude, radiusInTiles }) => {
        const tileWidthDegrees = 360 / tilesPerSide(zoom);
        // Keep every vertex a valid position: |longitude| <= 180, |latitude| <= 90.
        const limit = Math.min(89.99 - Math.abs(latitude), 179.99 - Math.abs(longitude));
        const radius = Math.min(limit, radiusInTiles * tileWidthDegrees);
        return starPolygon([longitude, latitude], radius);
      });
  return fc.integer({ min: 0, max: maxZoom }).chain((zoom) =>
    fc.oneof(
      part(zoom).map((coordinates): ZoomedArea => ({ zoom, geometry: { type: 'Polygon', coordinates } })),
      fc.tuple(part(zoom), part(zoom)).map(([first, second]): ZoomedArea => ({
        zoom,
        geometry: { type: 'MultiPolygon', coordinates: [first, second] },
      })),
    ),
  );
}
