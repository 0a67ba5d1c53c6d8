import { eventually, startInProcess } from '@map-offline/testing';
import { fieldDevice, newId, POINT, startSyncWorld, SyncWorld } from './support/sync-world';

jest.setTimeout(120_000);

/** Delta pulls, downloads by area, conflict review and the history a device and a reviewer rely on. */
describe('pulling changes and reviewing conflicts', () => {
  let server: SyncWorld;

  beforeAll(async () => {
    server = await startSyncWorld();
  });

  afterAll(async () => {
    await server.close();
  });

  it('pulls every feature changed after the cursor, page by page, tombstones included', async () => {
    const layer = await server.api.createLayer({
      name: 'pulls',
      conflictPolicy: 'AUTO_MERGE',
      deleteRule: 'REVIEW',
    });
    const device = fieldDevice('tablet-pull');
    const ids = Array.from({ length: 5 }, () => newId());
    await server.api.pushAndWait(
      layer.id,
      device.id,
      newId(),
      ids.map((id, index) => device.create(id, POINT(36.8 + index / 100, -1.28), { name: `tree ${index}` })),
    );
    const everything = await server.api.pullAll(layer.id, '0', 2);
    expect(everything.features.map((feature) => feature.id).sort()).toEqual([...ids].sort());
    const cursor = everything.cursor;
    // Nothing new: the cursor stays.
    await expect(server.api.pullAll(layer.id, cursor)).resolves.toEqual({ features: [], cursor });
    await server.api.pushAndWait(layer.id, device.id, newId(), [
      device.update(ids[1], { set: { name: 'felled' } }),
      device.delete(ids[3]),
    ]);
    const delta = await server.api.pullAll(layer.id, cursor);
    expect(delta.features.map((feature) => [feature.id, feature.deleted, feature.properties.name])).toEqual([
      [ids[1], false, 'felled'],
      [ids[3], true, 'tree 3'],
    ]);
    expect(Number(delta.cursor)).toBeGreaterThan(Number(cursor));
    expect(delta.features[1].versionVector).toEqual({ [device.id]: 2 });
  });

  it('downloads the features in a bounding box, across the antimeridian too', async () => {
    const layer = await server.api.createLayer({
      name: 'areas',
      conflictPolicy: 'AUTO_MERGE',
      deleteRule: 'REVIEW',
    });
    const device = fieldDevice('tablet-area');
    const nairobi = newId();
    const fiji = newId();
    const line = newId();
    await server.api.pushAndWait(layer.id, device.id, newId(), [
      device.create(nairobi, POINT(36.82, -1.29), { name: 'Nairobi' }),
      device.create(fiji, POINT(179.5, -17.7), { name: 'Fiji' }),
      device.create(
        line,
        {
          type: 'LineString',
          coordinates: [
            [36.0, -2.0, 1500],
            [36.5, -1.5, 1600],
          ],
        },
        { name: 'road' },
      ),
    ]);
    const names = async (bbox: number[]): Promise<string[]> =>
      (await server.api.features(layer.id, bbox)).map((feature) => String(feature.properties.name)).sort();
    await expect(names([36.7, -1.4, 36.9, -1.2])).resolves.toEqual(['Nairobi']);
    await expect(names([36.2, -1.8, 36.3, -1.7])).resolves.toEqual(['road']);
    await expect(names([179, -18, -179, -17])).resolves.toEqual(['Fiji']);
    await expect(names([-10, -10, 10, 10])).resolves.toEqual([]);
    // The 3D line keeps its heights in the feature (the spatial index is 2D).
    const road = (await server.api.features(layer.id, [36.2, -1.8, 36.3, -1.7]))[0];
    expect(road.geometry).toEqual({
      type: 'LineString',
      coordinates: [
        [36.0, -2.0, 1500],
        [36.5, -1.5, 1600],
      ],
    });
    const refused = await server.api.client.request(
      `query ($id: ID!) { features(layerId: $id, bbox: [1, 2, 3]) { id } }`,
      {
        id: layer.id,
      },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('resolves conflicts with KEEP_DEVICE and a merged feature, keeping the losing versions in the history', async () => {
    const layer = await server.api.createLayer({
      name: 'review',
      conflictPolicy: 'AUTO_MERGE',
      deleteRule: 'REVIEW',
    });
    const a = fieldDevice('tablet-review-a');
    const b = fieldDevice('tablet-review-b');
    const featureId = newId();
    const created = a.create(featureId, POINT(36.8, -1.28), { name: 'oak', height: 12 });
    await server.api.pushAndWait(layer.id, a.id, newId(), [created]);
    b.learn(featureId, created.clock);
    await server.api.pushAndWait(layer.id, a.id, newId(), [
      a.update(featureId, { set: { name: 'pine', height: 14 }, geometry: POINT(36.81, -1.28) }),
    ]);
    const pushed = await server.api.pushAndWait(layer.id, b.id, newId(), [
      b.update(featureId, { set: { name: 'cedar', height: 15 }, geometry: POINT(36.82, -1.28) }),
    ]);
    expect(pushed.changes[0].outcome).toBe('CONFLICT');
    expect(pushed.changes[0].conflictIds).toHaveLength(3);
    const conflicts = await server.api.conflicts(layer.id);
    const byField = new Map(conflicts.map((conflict) => [conflict.field, conflict]));
    expect([...byField.keys()].sort()).toEqual(['geometry', 'properties.height', 'properties.name']);
    expect(byField.get('properties.height')).toMatchObject({ base: { value: 12 }, server: [{ value: 14 }] });

    const name = await server.api.resolve(byField.get('properties.name')?.id ?? '', 'KEEP_DEVICE');
    expect(name.changes[0].outcome).toBe('APPLIED');
    const height = await server.api.resolve(byField.get('properties.height')?.id ?? '', 'MERGED', {
      properties: { height: 14.5 },
    });
    expect(height.changes[0].outcome).toBe('APPLIED');
    const geometry = await server.api.resolve(byField.get('geometry')?.id ?? '', 'KEEP_SERVER');
    expect(geometry.changes[0].outcome).toBe('APPLIED');

    await expect(server.api.conflicts(layer.id)).resolves.toEqual([]);
    const feature = await server.api.feature(layer.id, featureId);
    expect(feature).toMatchObject({
      properties: { name: 'cedar', height: 14.5 },
      geometry: POINT(36.81, -1.28),
      conflictFields: [],
    });
    const resolved = await server.api.conflicts(layer.id, 'RESOLVED');
    expect(resolved.map((conflict) => conflict.resolution?.resolution).sort()).toEqual([
      'KEEP_DEVICE',
      'KEEP_SERVER',
      'MERGED',
    ]);
    expect(resolved.every((conflict) => String(conflict.resolution?.by).startsWith('server:'))).toBe(true);
    // Both losing versions (pine, cedar's height) are still in the history, with their devices.
    const history = await server.api.history(featureId);
    expect(history.map((entry) => [entry.deviceId, entry.outcome])).toEqual([
      [a.id, 'APPLIED'],
      [a.id, 'APPLIED'],
      [b.id, 'CONFLICT'],
      ['server:reviewer-1', 'APPLIED'],
      ['server:reviewer-1', 'APPLIED'],
      ['server:reviewer-1', 'APPLIED'],
    ]);
    expect(history[1]).toMatchObject({ set: { name: 'pine', height: 14 } });
    // A decided conflict cannot be decided again.
    const again = await server.api.client.request(
      `mutation ($id: ID!) { resolveConflict(id: $id, resolution: KEEP_SERVER) { id } }`,
      { id: byField.get('properties.name')?.id },
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('rejects a decision on a conflict that later edits replaced, with the reason', async () => {
    const layer = await server.api.createLayer({
      name: 'moving',
      conflictPolicy: 'AUTO_MERGE',
      deleteRule: 'REVIEW',
    });
    const [a, b, c] = ['tablet-move-a', 'tablet-move-b', 'tablet-move-c'].map(fieldDevice);
    const featureId = newId();
    const created = a.create(featureId, POINT(36.8, -1.28), { name: 'oak' });
    await server.api.pushAndWait(layer.id, a.id, newId(), [created]);
    b.learn(featureId, created.clock);
    c.learn(featureId, created.clock);
    await server.api.pushAndWait(layer.id, a.id, newId(), [a.update(featureId, { set: { name: 'pine' } })]);
    await server.api.pushAndWait(layer.id, b.id, newId(), [b.update(featureId, { set: { name: 'fig' } })]);
    const [reviewed] = await server.api.conflicts(layer.id);
    // While the reviewer decides, a third offline device's edit of the field arrives (and is queued
    // before the decision): it widens the conflict, so the decision no longer fits what is open.
    await server.merger.stop();
    let decided: string;
    try {
      await server.api.push(layer.id, c.id, newId(), [c.update(featureId, { set: { name: 'elm' } })]);
      const decision = await server.api.client.data<{ resolveConflict: { subjectId: string } }>(
        `mutation ($id: ID!) { resolveConflict(id: $id, resolution: KEEP_DEVICE) { subjectId } }`,
        { id: reviewed.id },
      );
      decided = decision.resolveConflict.subjectId;
    } finally {
      // One job at a time, first queued first: the device's batch is merged before the decision.
      server.merger = await startInProcess('sync-merger', { ...server.world.env, WORKER_CONCURRENCY: '1' });
    }
    const result = await server.api.result(decided);
    expect(result.changes[0]).toMatchObject({ outcome: 'REJECTED', reasonCode: 'CONFLICT_NOT_OPEN' });
    expect(result.changes[0].reason).toMatch(/no longer open/);
    const open = await server.api.conflicts(layer.id);
    expect(open).toHaveLength(1);
    expect(open[0].candidates.map((version) => version.value).sort()).toEqual(['elm', 'fig', 'pine']);
    await expect(server.api.conflicts(layer.id, 'SUPERSEDED')).resolves.toMatchObject([{ id: reviewed.id }]);
    // Once the server knows, it refuses the decision at once.
    const late = await server.api.client.request(
      `mutation ($id: ID!) { resolveConflict(id: $id, resolution: KEEP_DEVICE) { id } }`,
      { id: reviewed.id },
    );
    expect(late.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('stores a batch pushed while no merger runs, and merges it when one starts', async () => {
    const layer = await server.api.createLayer({
      name: 'later',
      conflictPolicy: 'AUTO_MERGE',
      deleteRule: 'REVIEW',
    });
    const device = fieldDevice('tablet-patient');
    await server.merger.stop();
    const batchId = newId();
    try {
      await server.api.push(layer.id, device.id, batchId, [
        device.create(newId(), POINT(1, 2), { name: 'kept' }),
      ]);
      await expect(server.api.result(batchId, 0.5)).resolves.toMatchObject({ status: 'QUEUED', changes: [] });
      const stored = await server.sql<{ status: string; change_count: number }>(
        `SELECT status, change_count FROM sync_batch WHERE id = $1`,
        [batchId],
      );
      expect(stored).toEqual([{ status: 'queued', change_count: 1 }]);
    } finally {
      server.merger = await startInProcess('sync-merger', server.world.env);
    }
    await eventually(
      async () => ((await server.api.result(batchId, 5)).status === 'MERGED' ? true : undefined),
      30_000,
    );
  });
});
