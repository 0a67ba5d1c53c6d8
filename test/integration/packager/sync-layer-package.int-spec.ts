// A zip layer taken from offline edit sync: the live features of the layer (not the deleted ones), with
// the property filter applied and clipped to the package area by PostGIS.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BBox } from '@map-offline/geo';
import { makeTemporaryDirectory, removeDirectory } from '../formats/support/format-test-files';
import { readZipEntries } from '../formats/support/zip-reader';
import {
  buildPackage,
  insertSource,
  ORGANISATION,
  PackagerWorld,
  seedRegion,
  startPackagerWorld,
  waitForPackage,
} from './support/packager-world';

jest.setTimeout(120_000);

const BBOX: BBox = [30, -5, 34, -1];

interface SeededFeature {
  id: string;
  geometry: Record<string, unknown>;
  properties: Record<string, unknown>;
  deleted?: boolean;
}

describe('a zip layer from a sync layer (integration)', () => {
  let world: PackagerWorld;
  let directory: string;

  beforeAll(async () => {
    world = await startPackagerWorld();
    directory = await makeTemporaryDirectory('packager-sync-layer');
  });

  afterAll(async () => {
    await world?.close();
    if (directory) await removeDirectory(directory);
  });

  async function seedSyncLayer(features: SeededFeature[]): Promise<string> {
    const [layer] = await world.sql<{ id: string }>(
      `INSERT INTO layer (organisation_id, name, field_policy, delete_rule, created_by)
       VALUES ($1, $2, 'last-writer-wins', 'delete-wins', 'test') RETURNING id`,
      [ORGANISATION, `waterpoints ${randomUUID()}`],
    );
    for (const feature of features) {
      await world.sql(
        `INSERT INTO feature (layer_id, id, organisation_id, deleted, geometry, properties)
         VALUES ($1, $2, $3, $4, ST_SetSRID(ST_GeomFromGeoJSON($5), 4326), $6::jsonb)`,
        [
          layer.id,
          feature.id,
          ORGANISATION,
          feature.deleted ?? false,
          JSON.stringify(feature.geometry),
          JSON.stringify(feature.properties),
        ],
      );
    }
    return layer.id;
  }

  it('takes the live features, filters them and clips them to the area', async () => {
    const inside = {
      id: randomUUID(),
      geometry: { type: 'Point', coordinates: [32, -3] },
      properties: { depth: 40 },
    };
    const shallow = {
      id: randomUUID(),
      geometry: { type: 'Point', coordinates: [32.5, -3] },
      properties: { depth: 5 },
    };
    const outside = {
      id: randomUUID(),
      geometry: { type: 'Point', coordinates: [40, -3] },
      properties: { depth: 60 },
    };
    const deleted = {
      id: randomUUID(),
      geometry: { type: 'Point', coordinates: [33, -2] },
      properties: { depth: 70 },
      deleted: true,
    };
    const crossing = {
      id: randomUUID(),
      geometry: {
        type: 'LineString',
        coordinates: [
          [28, -3],
          [32, -3],
        ],
      },
      properties: { depth: 25 },
    };
    const layerId = await seedSyncLayer([inside, shallow, outside, deleted, crossing]);
    const sourceId = await insertSource(world);
    const region = await seedRegion(world, { sourceId, bbox: BBOX, minZoom: 5, maxZoom: 7 });
    const { packageId } = await buildPackage(world, {
      format: 'cybertracker-zip',
      sourceId,
      regionIds: [region.regionId],
      request: {
        layers: [
          {
            name: 'Waterpoints',
            fileBaseName: 'waterpoints',
            active: true,
            syncLayerId: layerId,
            filter: [{ property: 'depth', operator: 'greater-than-or-equal', value: '20' }],
            clipToArea: true,
          },
        ],
      },
    });
    const built = await waitForPackage(world, packageId);
    expect(built.state).toBe('ready');
    const path = join(directory, 'sync.zip');
    await writeFile(path, await world.bucket.get(built.object_key ?? ''));
    const entries = await readZipEntries(path);
    const layer = entries.find((entry) => entry.name === 'waterpoints.geojson');
    const collection = JSON.parse(layer?.data.toString('utf8') ?? '{}') as {
      features: {
        id: string;
        properties: { depth: number };
        geometry: { type: string; coordinates: unknown };
      }[];
    };
    const byId = new Map(collection.features.map((feature) => [feature.id, feature]));
    expect([...byId.keys()].sort()).toEqual([inside.id, crossing.id].sort());
    expect(byId.get(inside.id)?.geometry).toEqual(inside.geometry);
    // The line from 28 E is cut where the area starts (30 E).
    expect(byId.get(crossing.id)?.geometry).toEqual({
      type: 'LineString',
      coordinates: [
        [30, -3],
        [32, -3],
      ],
    });
  });
});
