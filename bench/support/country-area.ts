import { readFileSync } from 'node:fs';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { BBox } from '@map-offline/geo';

/**
 * A real country outline from world-atlas (Natural Earth 1:50m), keeping only the parts whose every
 * position lies in `within` (e.g. metropolitan France without the overseas departments).
 */
export function loadCountry(name: string, within: BBox): MultiPolygon {
  const path = require.resolve('world-atlas/countries-50m.json');
  const topology = JSON.parse(readFileSync(path, 'utf8')) as Topology<{
    countries: GeometryCollection<{ name: string }>;
  }>;
  const countries = feature(topology, topology.objects.countries);
  const country = countries.features.find((candidate) => candidate.properties.name === name);
  if (country === undefined) throw new Error(`world-atlas has no country named ${name}`);
  const geometry = country.geometry as Polygon | MultiPolygon;
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const [west, south, east, north] = within;
  const inside = (position: Position): boolean =>
    position[0] >= west && position[0] <= east && position[1] >= south && position[1] <= north;
  const kept = polygons.filter((rings) => rings.every((ring) => ring.every(inside)));
  if (kept.length === 0) throw new Error(`no part of ${name} lies within ${within.join(', ')}`);
  return { type: 'MultiPolygon', coordinates: kept };
}

export function positionCount(geometry: MultiPolygon): number {
  return geometry.coordinates.reduce(
    (sum, rings) => sum + rings.reduce((count, ring) => count + ring.length, 0),
    0,
  );
}
