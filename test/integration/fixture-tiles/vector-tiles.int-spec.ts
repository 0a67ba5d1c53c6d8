import type { Position } from 'geojson';
import { flipY, tileToBBox } from '@map-offline/geo';
import {
  FixtureTileServer,
  startFixtureTileServer,
  tileCoordToQuadkey,
  VECTOR_LAYER_NAMES,
} from '@map-offline/fixture-tiles';
import { getPath } from './fixture-http';
import { decodeVectorTile } from './vector-tile-decoder';

// Known places (XYZ): the English Channel has the coasts of England and France; mid Pacific and mid
// South Atlantic are open sea; the central Sahara is land away from any coast at zoom 8.
const CHANNEL = { z: 7, x: 64, y: 43 };
const PACIFIC = { z: 6, x: 5, y: 30 };
const SOUTH_ATLANTIC = { z: 6, x: 28, y: 38 };
const SAHARA = { z: 8, x: 143, y: 109 };
// Polygon, in the vector tile spec's geometry types
const POLYGON = 3;

describe('fixture tile server: MVT tiles', () => {
  let server: FixtureTileServer;

  beforeAll(async () => {
    server = await startFixtureTileServer({ maxZoom: 14 });
  });

  afterAll(async () => {
    await server.close();
  });

  const mvt = (tile: { z: number; x: number; y: number }, extension = 'mvt', style = 'basic') =>
    getPath(server.url, `/${style}/${tile.z}/${tile.x}/${tile.y}.${extension}`);

  it('serves gzip bytes without Content-Encoding that decode to the documented layers', async () => {
    const response = await mvt(CHANNEL);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(Number(response.headers.get('content-length'))).toBe(response.body.length);

    const layers = decodeVectorTile(response.body);
    expect(Object.keys(layers).sort()).toEqual([VECTOR_LAYER_NAMES.countries, VECTOR_LAYER_NAMES.land]);
    for (const layer of Object.values(layers)) {
      expect(layer.version).toBe(2);
      expect(layer.extent).toBe(4096);
      expect(layer.features.length).toBeGreaterThan(0);
      expect(layer.features.every((feature) => feature.type === POLYGON)).toBe(true);
    }
    const names = layers.countries.features.map((feature) => feature.properties.name);
    expect(names).toEqual(expect.arrayContaining(['France', 'United Kingdom']));
    const france = layers.countries.features.find((feature) => feature.properties.name === 'France');
    // ISO 3166-1 numeric, as world-atlas spells it
    expect(france?.properties.isoNumeric).toBe('250');
  });

  it('puts the geometry where the tile is on the map', async () => {
    const layers = decodeVectorTile((await mvt(CHANNEL)).body);
    // geojson-vt keeps 64 of 4096 units (1/64 of a side) around the tile: exactly one tile six zooms
    // deeper, so the buffered bounds are those of the zoom + 6 tiles diagonally outside the corners.
    const deeper = CHANNEL.z + 6;
    const [west, , , north] = tileToBBox({ z: deeper, x: CHANNEL.x * 64 - 1, y: CHANNEL.y * 64 - 1 });
    const [, south, east] = tileToBBox({ z: deeper, x: CHANNEL.x * 64 + 64, y: CHANNEL.y * 64 + 64 });
    const margin = 1e-9;
    for (const layer of Object.values(layers)) {
      for (const feature of layer.features) {
        for (const ring of feature.loadGeometry()) {
          for (const point of ring) {
            expect(point.x).toBeGreaterThanOrEqual(-64);
            expect(point.x).toBeLessThanOrEqual(4096 + 64);
            expect(point.y).toBeGreaterThanOrEqual(-64);
            expect(point.y).toBeLessThanOrEqual(4096 + 64);
          }
        }
        const positions = positionsOf(feature.toGeoJSON(CHANNEL.x, CHANNEL.y, CHANNEL.z).geometry);
        expect(positions.length).toBeGreaterThan(3);
        for (const [longitude, latitude] of positions) {
          expect(longitude).toBeGreaterThanOrEqual(west - margin);
          expect(longitude).toBeLessThanOrEqual(east + margin);
          expect(latitude).toBeGreaterThanOrEqual(south - margin);
          expect(latitude).toBeLessThanOrEqual(north + margin);
        }
      }
    }
  });

  it('answers the same empty tile for every open-sea tile, and land layers inland', async () => {
    const [pacific, atlantic, sahara] = await Promise.all([mvt(PACIFIC), mvt(SOUTH_ATLANTIC), mvt(SAHARA)]);
    expect(pacific.body.equals(atlantic.body)).toBe(true);
    expect(pacific.headers.get('etag')).toBe(atlantic.headers.get('etag'));
    expect(decodeVectorTile(pacific.body)).toEqual({});

    const inland = decodeVectorTile(sahara.body);
    expect(Object.keys(inland).sort()).toEqual([VECTOR_LAYER_NAMES.countries, VECTOR_LAYER_NAMES.land]);
    // A land tile away from the coast is covered by land: one ring around the whole tile (and buffer).
    const ring = inland.land.features[0].loadGeometry()[0];
    const xs = ring.map((point) => point.x);
    const ys = ring.map((point) => point.y);
    expect(Math.min(...xs)).toBeLessThanOrEqual(0);
    expect(Math.max(...xs)).toBeGreaterThanOrEqual(4096);
    expect(Math.min(...ys)).toBeLessThanOrEqual(0);
    expect(Math.max(...ys)).toBeGreaterThanOrEqual(4096);
  });

  it('serves the same bytes for .pbf, every style, the TMS path and the quadkey path', async () => {
    const xyz = await mvt(CHANNEL);
    const others = await Promise.all([
      mvt(CHANNEL, 'pbf'),
      mvt(CHANNEL, 'mvt', 'dark'),
      getPath(server.url, `/tms/basic/${CHANNEL.z}/${CHANNEL.x}/${flipY(CHANNEL.y, CHANNEL.z)}.mvt`),
      getPath(server.url, `/basic/${tileCoordToQuadkey(CHANNEL)}.mvt`),
    ]);
    for (const other of others) {
      expect(other.status).toBe(200);
      expect(other.body.equals(xyz.body)).toBe(true);
      expect(other.headers.get('etag')).toBe(xyz.headers.get('etag'));
    }
  });

  it('answers 304 for a matching If-None-Match, with no body', async () => {
    const first = await mvt(SAHARA);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    const revalidated = await getPath(server.url, `/basic/${SAHARA.z}/${SAHARA.x}/${SAHARA.y}.mvt`, {
      'if-none-match': etag,
    });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body.length).toBe(0);
    // The PNG of the same tile is another representation: its ETag differs.
    const png = await getPath(server.url, `/basic/${SAHARA.z}/${SAHARA.x}/${SAHARA.y}.png`);
    expect(png.headers.get('etag')).not.toBe(etag);
  });
});

function positionsOf(geometry: GeoJSON.Geometry): Position[] {
  switch (geometry.type) {
    case 'Polygon':
      return geometry.coordinates.flat();
    case 'MultiPolygon':
      return geometry.coordinates.flat(2);
    default:
      throw new Error(`expected polygons, got ${geometry.type}`);
  }
}
