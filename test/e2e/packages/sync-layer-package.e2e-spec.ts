// A zip layer taken from offline edit sync, through GraphQL: office edits create features in a sync layer
// (merged by a real sync-merger), buildPackage names the layer by id, and the zip carries the features in
// force when the package was built: not the deleted one, not the one outside the area. Another
// organisation's sync layer is "not found" before anything is queued.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunningProcess } from '@map-offline/runtime';
import { startInProcess } from '@map-offline/testing';
import { makeTemporaryDirectory, removeDirectory } from '../../integration/formats/support/format-test-files';
import { readZipEntries } from '../../integration/formats/support/zip-reader';
import { createRegion, registerSource, waitForJob } from '../caching/support/caching-api';
import { SyncApi } from '../sync/support/sync-api';
import { newId, POINT, SYNC_SCOPES } from '../sync/support/sync-world';
import { packageRuleViolations } from './support/cybertracker-package.rules';
import { buildPackage, waitForPackage } from './support/packages-api';
import { PACKAGE_SCOPES, PackagesWorld, startPackagesWorld } from './support/packages-world';

jest.setTimeout(300_000);

const ORGANISATION = 'org-e2e-package-sync-layer';
const BBOX = [36.6, -1.5, 37.1, -1.1];

describe('a package layer from a sync layer (e2e)', () => {
  let world: PackagesWorld;
  let merger: RunningProcess;
  let sync: SyncApi;
  let directory: string;

  beforeAll(async () => {
    world = await startPackagesWorld(ORGANISATION);
    merger = await startInProcess('sync-merger', world.stack.env);
    sync = new SyncApi(await world.stack.clientWith([...PACKAGE_SCOPES, ...SYNC_SCOPES]));
    directory = await makeTemporaryDirectory('e2e-sync-layer-package');
  });

  afterAll(async () => {
    await merger?.stop();
    await world?.close();
    if (directory) await removeDirectory(directory);
  });

  it('packages the live features of the layer, clipped to the area', async () => {
    const layer = await sync.createLayer({
      name: 'Boreholes',
      conflictPolicy: 'AUTO_MERGE',
      deleteRule: 'DELETE_WINS',
    });
    const kept = newId();
    const removed = newId();
    const faraway = newId();
    for (const [featureId, geometry, name] of [
      [kept, POINT(36.8, -1.3), 'kept'],
      [removed, POINT(36.9, -1.2), 'removed'],
      [faraway, POINT(39.7, -4.0), 'Mombasa'],
    ] as const) {
      const created = await sync.editFeature({
        layerId: layer.id,
        featureId,
        op: 'CREATE',
        geometry,
        set: { name },
      });
      expect(created.status).toBe('MERGED');
    }
    const deleted = await sync.editFeature({ layerId: layer.id, featureId: removed, op: 'DELETE' });
    expect(deleted.status).toBe('MERGED');

    const sourceId = await registerSource(world.api, world.stack.fixture.templates.png);
    const job = await createRegion(world.api, sourceId, { bbox: BBOX, minZoom: 4, maxZoom: 9 }, 'Nairobi');
    expect((await waitForJob(world.api, job.id, 120_000)).state).toBe('COMPLETED');
    const { packageId } = await buildPackage(world.api, {
      name: 'Nairobi boreholes',
      format: 'CYBERTRACKER_ZIP',
      regionIds: [job.subjectId],
      layers: [{ name: 'Boreholes', syncLayerId: layer.id }],
    });
    const built = await waitForPackage(world.api, packageId);
    expect(built.state).toBe('READY');

    const response = await fetch(built.downloadUrl ?? '');
    expect(response.status).toBe(200);
    const path = join(directory, 'boreholes.zip');
    await writeFile(path, Buffer.from(await response.arrayBuffer()));
    const entries = await readZipEntries(path);
    expect(packageRuleViolations(entries)).toEqual([]);
    const entry = entries.find((candidate) => candidate.name.endsWith('.geojson'));
    const collection = JSON.parse(entry?.data.toString('utf8') ?? '{}') as {
      features: { id: string; properties: Record<string, unknown>; geometry: unknown }[];
    };
    expect(collection.features).toEqual([
      { type: 'Feature', id: kept, properties: { name: 'kept' }, geometry: POINT(36.8, -1.3) },
    ]);
  });

  it("refuses another organisation's sync layer as not found, before queueing anything", async () => {
    const strangerSync = new SyncApi(await world.stack.clientWith(SYNC_SCOPES, 'org-e2e-sync-stranger'));
    const foreign = await strangerSync.createLayer({
      name: 'Not yours',
      conflictPolicy: 'AUTO_MERGE',
      deleteRule: 'DELETE_WINS',
    });
    const sourceId = await registerSource(world.api, world.stack.fixture.templates.png);
    const jobsBefore = await world.stack.sql<{ count: string }>(`SELECT count(*) FROM job_run`);
    const refused = await world.api.request(
      `mutation ($input: BuildPackageInput!) { buildPackage(input: $input) { id } }`,
      {
        input: {
          name: 'Borrowed layer',
          format: 'CYBERTRACKER_ZIP',
          area: { sourceId, area: { bbox: BBOX, minZoom: 4, maxZoom: 5 } },
          layers: [{ name: 'Borrowed', syncLayerId: foreign.id }],
        },
      },
    );
    expect(refused.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(refused.errors?.[0].message).toContain(foreign.id);
    const jobsAfter = await world.stack.sql<{ count: string }>(`SELECT count(*) FROM job_run`);
    expect(jobsAfter).toEqual(jobsBefore);
  });
});
