import type { Geometry } from 'geojson';
import type { PackageLayerRequest, PackageLookupRequest } from '@map-offline/contracts';
import { AreaClipper, UnclippableGeometryError, type ClipOutcome } from './area-clipper.port';
import { prepareLayers, type LayerPreparationContext } from './layer-preparation';
import { SyncLayerMissingError, SyncLayerSource } from './sync-layer.source';

/** Clips by longitude only: points west of 0 are outside, lines crossing 0 are cut at 0. */
class WestCutClipper extends AreaClipper {
  calls = 0;
  async clip(_regionIds: readonly string[], geometries: readonly Geometry[]): Promise<ClipOutcome[]> {
    this.calls += 1;
    return geometries.map((geometry): ClipOutcome => {
      if (geometry.type === 'Point')
        return geometry.coordinates[0] < 0 ? { kind: 'outside' } : { kind: 'inside' };
      if (geometry.type === 'LineString') {
        return {
          kind: 'clipped',
          geometry: { type: 'LineString', coordinates: [[0, 0], geometry.coordinates[1]] },
        };
      }
      throw new UnclippableGeometryError('PostGIS refused a geometry: unsupported');
    });
  }
}

/** Sync layers by id; an unknown id is a deleted layer. */
class FakeSyncLayers extends SyncLayerSource {
  constructor(private readonly layers: Record<string, Record<string, unknown>> = {}) {
    super();
  }

  featureCollection(_organisationId: string, layerId: string): Promise<Record<string, unknown>> {
    const layer = this.layers[layerId];
    return layer ? Promise.resolve(layer) : Promise.reject(new SyncLayerMissingError(layerId));
  }
}

function context(overrides: Partial<LayerPreparationContext> = {}): LayerPreparationContext {
  return {
    organisationId: 'org',
    clipper: new WestCutClipper(),
    regionIds: ['region'],
    syncLayers: new FakeSyncLayers(),
    takenNames: [],
    ...overrides,
  };
}

const points = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { depth: 50 }, geometry: { type: 'Point', coordinates: [5, 5] } },
    { type: 'Feature', properties: { depth: 90 }, geometry: { type: 'Point', coordinates: [-5, 5] } },
    { type: 'Feature', properties: { depth: 10 }, geometry: { type: 'Point', coordinates: [6, 6] } },
    { type: 'Feature', properties: { depth: 70 }, geometry: null },
  ],
};

function layer(overrides: Partial<PackageLayerRequest>): PackageLayerRequest {
  return {
    name: 'Wells',
    fileBaseName: 'wells',
    active: true,
    geojson: points,
    filter: [],
    clipToArea: true,
    ...overrides,
  };
}

const lookup: PackageLookupRequest = {
  name: 'Weather',
  fileBaseName: 'weather',
  active: true,
  geometry: {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { featureId: 'world' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [-180, -90],
              [180, -90],
              [180, 90],
              [-180, 90],
              [-180, -90],
            ],
          ],
        },
      },
    ],
  },
  content: {
    content: { id: 'weather-en', language: 'en' },
    datasets: [
      {
        id: 'all',
        filter: { featureIds: ['world'] },
        rows: [{ path: ['Weather'], view: { title: 'Weather', blocks: [{ type: 'body', value: 'Sunny' }] } }],
      },
    ],
  },
};

describe('prepareLayers', () => {
  it('filters by properties, clips to the area and keeps features without geometry', async () => {
    const clipper = new WestCutClipper();
    const prepared = await prepareLayers(
      [layer({ filter: [{ property: 'depth', operator: 'greater-than', value: '20' }] })],
      [],
      context({ clipper }),
    );
    expect(prepared.errors).toEqual([]);
    expect(prepared.featureCounts).toEqual({ Wells: 2 });
    const [file] = prepared.files;
    expect(file.kind === 'geojson' && file.data.features.map((feature) => feature.properties?.depth)).toEqual(
      [50, 70],
    );
    expect(prepared.entries).toEqual([{ filename: 'wells.geojson', name: 'Wells', active: true }]);
  });

  it('replaces a crossing geometry by its clipped part, and skips clipping without regions', async () => {
    const line = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: {},
          geometry: {
            type: 'LineString',
            coordinates: [
              [-5, 0],
              [5, 0],
            ],
          },
        },
      ],
    };
    const clipper = new WestCutClipper();
    const clipped = await prepareLayers([layer({ geojson: line })], [], context({ clipper }));
    const [file] = clipped.files;
    expect(file.kind === 'geojson' && file.data.features[0].geometry).toEqual({
      type: 'LineString',
      coordinates: [
        [0, 0],
        [5, 0],
      ],
    });
    const unclipped = await prepareLayers(
      [layer({ geojson: line })],
      [],
      context({ clipper, regionIds: [] }),
    );
    expect(clipper.calls).toBe(1);
    const [same] = unclipped.files;
    expect(same.kind === 'geojson' && same.data.features[0].geometry).toEqual(line.features[0].geometry);
  });

  it('reports each failing layer by name and keeps the others', async () => {
    const prepared = await prepareLayers(
      [
        layer({ name: 'Not GeoJSON', fileBaseName: 'bad', geojson: { type: 'Topology' } }),
        layer({ name: 'Bad symbol', fileBaseName: 'symbol', symbol: { 'marker-style': 'star' } }),
        layer({ name: 'Taken name', fileBaseName: 'Basemap' }),
        layer({
          name: 'Polygons',
          fileBaseName: 'polygons',
          geojson: lookup.geometry,
        }),
        layer({ name: 'Good', fileBaseName: 'good', clipToArea: false }),
      ],
      [lookup],
      context({ takenNames: ['basemap.geojson'] }),
    );
    expect(prepared.errors.map((error) => [error.layer, error.kind])).toEqual([
      ['Not GeoJSON', 'layer'],
      ['Bad symbol', 'layer'],
      ['Taken name', 'layer'],
      ['Polygons', 'layer'],
    ]);
    expect(prepared.errors[1].message).toContain('marker-style');
    expect(prepared.errors[2].message).toContain('already used');
    expect(prepared.errors[3].message).toContain('PostGIS refused');
    expect(prepared.entries.map((entry) => entry.filename)).toEqual(['good.geojson', 'weather.geojson']);
    expect(prepared.entries[1]).toMatchObject({ lookup: true, name: 'Weather' });
    expect(prepared.files.map((file) => file.filename)).toEqual([
      'good.geojson',
      'weather.geojson',
      'weather.json',
    ]);
  });

  it('refuses lookup geometry without featureId', async () => {
    const noIds = {
      ...lookup,
      geometry: {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: {},
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [0, 0],
                  [1, 0],
                  [1, 1],
                  [0, 0],
                ],
              ],
            },
          },
        ],
      },
    };
    const prepared = await prepareLayers([], [noIds], context({ regionIds: [] }));
    expect(prepared.errors).toEqual([
      { layer: 'Weather', kind: 'lookup', message: expect.stringContaining('featureId') },
    ]);
  });

  it('packages the live features of a sync layer, filtered and clipped like given GeoJSON', async () => {
    const syncLayers = new FakeSyncLayers({ 'layer-1': points });
    const prepared = await prepareLayers(
      [
        layer({
          name: 'Waterpoints',
          fileBaseName: 'waterpoints',
          geojson: undefined,
          syncLayerId: 'layer-1',
          filter: [{ property: 'depth', operator: 'greater-than', value: '20' }],
        }),
        layer({ name: 'Gone', fileBaseName: 'gone', geojson: undefined, syncLayerId: 'layer-2' }),
      ],
      [],
      context({ syncLayers }),
    );
    expect(prepared.featureCounts).toEqual({ Waterpoints: 2 });
    expect(prepared.errors).toEqual([
      { layer: 'Gone', kind: 'layer', message: 'sync layer layer-2 does not exist' },
    ]);
  });

  it("fails the whole preparation on an error that is not the layer's fault", async () => {
    class BrokenClipper extends AreaClipper {
      clip(): Promise<ClipOutcome[]> {
        return Promise.reject(new Error('connection terminated'));
      }
    }
    await expect(prepareLayers([layer({})], [], context({ clipper: new BrokenClipper() }))).rejects.toThrow(
      'connection terminated',
    );
  });
});
