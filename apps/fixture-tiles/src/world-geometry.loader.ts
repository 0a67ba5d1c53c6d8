import { readFileSync } from 'node:fs';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

/** Natural Earth detail shipped in `world-atlas`: 1:50m (default, ~80k points) or 1:110m (~8k points). */
export type WorldResolution = '50m' | '110m';

export interface CountryProperties {
  name: string;
  /** ISO 3166-1 numeric code, as world-atlas gives it (missing for a few disputed areas). */
  isoNumeric: string;
}

/** Land and countries as planar GeoJSON (see `toPlanarPolygons` for what "planar" means here). */
export interface WorldGeometry {
  resolution: WorldResolution;
  land: FeatureCollection<MultiPolygon>;
  countries: FeatureCollection<MultiPolygon, CountryProperties>;
}

// Rings whose every point is this close to a pole lie outside Web Mercator (|lat| <= 85.05 degrees).
const INVISIBLE_POLAR_LATITUDE = 89;

const loaded = new Map<WorldResolution, WorldGeometry>();

/** Parsed once per process: the 50m file is 740 kB of TopoJSON and takes ~50 ms to decode. */
export function loadWorldGeometry(resolution: WorldResolution = '50m'): WorldGeometry {
  const cached = loaded.get(resolution);
  if (cached) return cached;
  const path = require.resolve(`world-atlas/countries-${resolution}.json`);
  const topology = JSON.parse(readFileSync(path, 'utf8')) as Topology<{
    countries: GeometryCollection<{ name: string }>;
    land: GeometryCollection;
  }>;
  const countries = feature(topology, topology.objects.countries);
  const land = feature(topology, topology.objects.land);
  const geometry: WorldGeometry = {
    resolution,
    land: {
      type: 'FeatureCollection',
      features: land.features.map((landFeature) => planarFeature(landFeature, {})),
    },
    countries: {
      type: 'FeatureCollection',
      features: countries.features.map((country) =>
        planarFeature(country, {
          name: country.properties?.name ?? 'unknown',
          isoNumeric: country.id === undefined ? '' : String(country.id),
        }),
      ),
    },
  };
  loaded.set(resolution, geometry);
  return geometry;
}

function planarFeature<P>(source: Feature, properties: P): Feature<MultiPolygon, P> {
  const geometry = source.geometry;
  let polygons: Position[][][] = [];
  if (geometry.type === 'Polygon') polygons = [geometry.coordinates];
  else if (geometry.type === 'MultiPolygon') polygons = geometry.coordinates;
  return {
    type: 'Feature',
    properties,
    geometry: { type: 'MultiPolygon', coordinates: toPlanarPolygons(polygons) },
  };
}

/**
 * world-atlas keeps spherical topology: Russia, Fiji and Antarctica cross the antimeridian inside one
 * ring, which a planar renderer would draw as a stripe across the whole world. Here:
 * - a ring that crosses and comes back is unwrapped (longitudes continue past 180), so it extends
 *   beyond the world's east edge; geojson-vt wraps such geometry, and the classifier adds shifted copies;
 * - a ring that goes once round the globe (Antarctica's coast) is closed through its pole
 *   along the world edge and becomes its polygon's exterior ring;
 * - rings within a degree of a pole are dropped: Web Mercator cannot show them.
 */
export function toPlanarPolygons(polygons: Position[][][]): Position[][][] {
  const result: Position[][][] = [];
  for (const polygon of polygons) {
    const rings: Position[][] = [];
    for (const ring of polygon) {
      if (ring.every((position) => Math.abs(position[1]) > INVISIBLE_POLAR_LATITUDE)) continue;
      const unwrapped = unwrapRing(ring);
      const first = unwrapped[0];
      const last = unwrapped[unwrapped.length - 1];
      if (Math.abs(last[0] - first[0]) < 180) {
        rings.push(unwrapped);
        continue;
      }
      const meanLatitude = unwrapped.reduce((sum, position) => sum + position[1], 0) / unwrapped.length;
      const poleLatitude = meanLatitude < 0 ? -90 : 90;
      const closed = [...unwrapped, [last[0], poleLatitude], [first[0], poleLatitude], [first[0], first[1]]];
      rings.unshift(closed);
    }
    if (rings.length > 0) result.push(rings);
  }
  return result;
}

/** Shift each longitude by a multiple of 360 so that consecutive points are less than 180 degrees apart. */
function unwrapRing(ring: Position[]): Position[] {
  const result: Position[] = [[ring[0][0], ring[0][1]]];
  let previousLongitude = ring[0][0];
  for (let index = 1; index < ring.length; index += 1) {
    let longitude = ring[index][0];
    while (longitude - previousLongitude > 180) longitude -= 360;
    while (longitude - previousLongitude < -180) longitude += 360;
    result.push([longitude, ring[index][1]]);
    previousLongitude = longitude;
  }
  return result;
}

/** Every ring of every polygon, for code that only needs outlines. */
export function ringsOf(collection: FeatureCollection<MultiPolygon | Polygon>): Position[][] {
  const rings: Position[][] = [];
  for (const item of collection.features) {
    const geometry = item.geometry;
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    for (const polygon of polygons) rings.push(...polygon);
  }
  return rings;
}
