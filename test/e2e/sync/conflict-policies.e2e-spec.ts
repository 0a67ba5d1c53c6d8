import { FieldDevice } from '@map-offline/crdt';
import { LayerView } from './support/sync-api';
import { fieldDevice, newId, POINT, startSyncWorld, SyncWorld } from './support/sync-world';

jest.setTimeout(120_000);

/**
 * Every conflict policy and delete rule through GraphQL: two (or more) devices edit the same feature
 * offline, push, and the server's feature, outcomes and open conflicts are what the layer's rules say.
 */
describe('conflict policies and delete rules, end to end', () => {
  let server: SyncWorld;

  beforeAll(async () => {
    server = await startSyncWorld();
  });

  afterAll(async () => {
    await server.close();
  });

  /** A layer and a feature device A created and devices B and C synced (they start from A's version). */
  async function scene(
    conflictPolicy: string,
    deleteRule: string,
  ): Promise<{ layer: LayerView; featureId: string; a: FieldDevice; b: FieldDevice; c: FieldDevice }> {
    const layer = await server.api.createLayer({ name: `layer-${newId()}`, conflictPolicy, deleteRule });
    const a = fieldDevice(`tablet-a-${newId().slice(0, 8)}`);
    const b = fieldDevice(`tablet-b-${newId().slice(0, 8)}`);
    const c = fieldDevice(`phone-c-${newId().slice(0, 8)}`);
    const featureId = newId();
    const created = a.create(featureId, POINT(36.8, -1.28), { name: 'oak', height: 12 });
    const result = await server.api.pushAndWait(layer.id, a.id, newId(), [created]);
    expect(result.changes.map((change) => change.outcome)).toEqual(['APPLIED']);
    b.learn(featureId, created.clock);
    c.learn(featureId, created.clock);
    return { layer, featureId, a, b, c };
  }

  async function push(layer: LayerView, device: FieldDevice, change: ReturnType<FieldDevice['update']>) {
    const result = await server.api.pushAndWait(layer.id, device.id, newId(), [change]);
    return result.changes[0];
  }

  describe('AUTO_MERGE', () => {
    it('merges concurrent edits of different fields without a conflict', async () => {
      const { layer, featureId, a, b } = await scene('AUTO_MERGE', 'REVIEW');
      const first = a.update(featureId, { set: { name: 'pine' } });
      const second = b.update(featureId, { set: { height: 14 }, geometry: POINT(36.81, -1.29) });
      await expect(push(layer, a, first)).resolves.toMatchObject({ outcome: 'APPLIED' });
      await expect(push(layer, b, second)).resolves.toMatchObject({ outcome: 'MERGED', conflictIds: [] });
      const feature = await server.api.feature(layer.id, featureId);
      expect(feature).toMatchObject({
        properties: { name: 'pine', height: 14 },
        geometry: POINT(36.81, -1.29),
        conflictFields: [],
      });
      await expect(server.api.conflicts(layer.id)).resolves.toEqual([]);
    });

    it('never flags identical concurrent edits', async () => {
      const { layer, featureId, a, b } = await scene('AUTO_MERGE', 'REVIEW');
      await expect(push(layer, a, a.update(featureId, { set: { status: 'dead' } }))).resolves.toMatchObject({
        outcome: 'APPLIED',
      });
      await expect(push(layer, b, b.update(featureId, { set: { status: 'dead' } }))).resolves.toMatchObject({
        outcome: 'MERGED',
      });
      await expect(server.api.conflicts(layer.id)).resolves.toEqual([]);
    });

    it('turns concurrent writes of one field into a conflict with base, server and device versions', async () => {
      const { layer, featureId, a, b } = await scene('AUTO_MERGE', 'REVIEW');
      await push(layer, a, a.update(featureId, { set: { name: 'pine' } }));
      const conflicting = await push(layer, b, b.update(featureId, { set: { name: 'cedar' } }));
      expect(conflicting.outcome).toBe('CONFLICT');
      expect(conflicting.conflictIds).toHaveLength(1);
      const [conflict] = await server.api.conflicts(layer.id);
      expect(conflict).toMatchObject({
        id: conflicting.conflictIds[0],
        featureId,
        field: 'properties.name',
        kind: 'CONCURRENT_WRITES',
        status: 'OPEN',
        base: { value: 'oak', deviceId: a.id },
        server: [{ value: 'pine', deviceId: a.id }],
        device: { value: 'cedar', deviceId: b.id },
      });
      expect(conflict.candidates.map((version) => version.value).sort()).toEqual(['cedar', 'pine']);
      const feature = await server.api.feature(layer.id, featureId);
      expect(feature?.conflictFields).toEqual(['properties.name']);
    });
  });

  describe('LAST_WRITER_WINS', () => {
    it('keeps the latest edit by hybrid clock, whatever order they arrive in, with no conflict', async () => {
      const { layer, featureId, a, b } = await scene('LAST_WRITER_WINS', 'REVIEW');
      const earlier = a.update(featureId, { set: { name: 'pine' } });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const later = b.update(featureId, { set: { name: 'cedar' } });
      await expect(push(layer, b, later)).resolves.toMatchObject({ outcome: 'APPLIED' });
      await expect(push(layer, a, earlier)).resolves.toMatchObject({ outcome: 'MERGED', conflictIds: [] });
      await expect(server.api.feature(layer.id, featureId)).resolves.toMatchObject({
        properties: { name: 'cedar' },
      });
      await expect(server.api.conflicts(layer.id)).resolves.toEqual([]);
      // The losing version is kept in the history.
      const history = await server.api.history(featureId);
      const losing = history.find((entry) => (entry.set as { name?: string } | null)?.name === 'pine');
      expect(losing).toMatchObject({
        deviceId: a.id,
        outcome: 'MERGED',
        discardedFields: ['properties.name'],
      });
    });
  });

  describe('SERVER_WINS', () => {
    it('keeps an office edit against a concurrent field edit, and the earliest of two field edits', async () => {
      const { layer, featureId, b, c } = await scene('SERVER_WINS', 'REVIEW');
      const fieldEdit = b.update(featureId, { set: { name: 'field' } });
      const office = await server.api.editFeature({
        layerId: layer.id,
        featureId,
        op: 'UPDATE',
        set: { name: 'office' },
      });
      expect(office.changes[0].outcome).toBe('APPLIED');
      await expect(push(layer, b, fieldEdit)).resolves.toMatchObject({ outcome: 'MERGED', conflictIds: [] });
      await expect(server.api.feature(layer.id, featureId)).resolves.toMatchObject({
        properties: { name: 'office', height: 12 },
      });
      const earlier = c.update(featureId, { set: { height: 15 } });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const later = b.update(featureId, { set: { height: 16 } });
      await push(layer, b, later);
      await push(layer, c, earlier);
      await expect(server.api.feature(layer.id, featureId)).resolves.toMatchObject({
        properties: { name: 'office', height: 15 },
      });
      await expect(server.api.conflicts(layer.id)).resolves.toEqual([]);
    });
  });

  describe('CLIENT_WINS', () => {
    it('keeps a field edit against a concurrent office edit, and the latest of two field edits', async () => {
      const { layer, featureId, b, c } = await scene('CLIENT_WINS', 'REVIEW');
      const fieldEdit = b.update(featureId, { set: { name: 'field' } });
      await server.api.editFeature({ layerId: layer.id, featureId, op: 'UPDATE', set: { name: 'office' } });
      await expect(push(layer, b, fieldEdit)).resolves.toMatchObject({ outcome: 'MERGED', conflictIds: [] });
      await expect(server.api.feature(layer.id, featureId)).resolves.toMatchObject({
        properties: { name: 'field' },
      });
      const earlier = c.update(featureId, { set: { height: 15 } });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const later = b.update(featureId, { set: { height: 16 } });
      await push(layer, b, later);
      await push(layer, c, earlier);
      await expect(server.api.feature(layer.id, featureId)).resolves.toMatchObject({
        properties: { name: 'field', height: 16 },
      });
      await expect(server.api.conflicts(layer.id)).resolves.toEqual([]);
    });
  });

  describe('MANUAL', () => {
    it('holds concurrent edits of different fields for review and closes them with a resolution', async () => {
      const { layer, featureId, a, b } = await scene('MANUAL', 'DELETE_WINS');
      await push(layer, a, a.update(featureId, { set: { name: 'pine' } }));
      const second = await push(layer, b, b.update(featureId, { set: { height: 14 } }));
      expect(second.outcome).toBe('CONFLICT');
      const conflicts = await server.api.conflicts(layer.id);
      expect(conflicts.map((conflict) => [conflict.field, conflict.kind]).sort()).toEqual([
        ['properties.height', 'CONCURRENT_CHANGE'],
        ['properties.name', 'CONCURRENT_CHANGE'],
      ]);
      // Nothing is lost while under review: both values are in force.
      await expect(server.api.feature(layer.id, featureId)).resolves.toMatchObject({
        properties: { name: 'pine', height: 14 },
      });
      const height = conflicts.find((conflict) => conflict.field === 'properties.height');
      const resolved = await server.api.resolve(height?.id ?? '', 'KEEP_DEVICE');
      expect(resolved.changes[0].outcome).toBe('APPLIED');
      // The decision has seen both changes, so it is the only head: both holds are released.
      await expect(server.api.conflicts(layer.id)).resolves.toEqual([]);
      const closed = await server.api.conflicts(layer.id, null);
      expect(closed.map((conflict) => conflict.status).sort()).toEqual(['RESOLVED', 'SUPERSEDED']);
    });
  });

  describe('delete against a concurrent update', () => {
    it('DELETE_WINS: the feature is deleted and the update stays in its registers', async () => {
      const { layer, featureId, a, b } = await scene('AUTO_MERGE', 'DELETE_WINS');
      await push(layer, a, a.delete(featureId));
      await expect(push(layer, b, b.update(featureId, { set: { height: 20 } }))).resolves.toMatchObject({
        outcome: 'MERGED',
      });
      const feature = await server.api.feature(layer.id, featureId);
      expect(feature).toMatchObject({ deleted: true });
      expect(JSON.stringify(feature?.state)).toContain('"value":20');
      await expect(server.api.features(layer.id)).resolves.toEqual([]);
      await expect(server.api.conflicts(layer.id)).resolves.toEqual([]);
    });

    it('UPDATE_WINS: the update restores the feature', async () => {
      const { layer, featureId, a, b } = await scene('AUTO_MERGE', 'UPDATE_WINS');
      await push(layer, b, b.update(featureId, { set: { height: 20 } }));
      await push(layer, a, a.delete(featureId));
      await expect(server.api.feature(layer.id, featureId)).resolves.toMatchObject({
        deleted: false,
        properties: { name: 'oak', height: 20 },
      });
      await expect(server.api.conflicts(layer.id)).resolves.toEqual([]);
    });

    it('REVIEW: a DELETE_UPDATE conflict keeps the feature visible until a reviewer decides', async () => {
      const { layer, featureId, a, b } = await scene('AUTO_MERGE', 'REVIEW');
      await push(layer, a, a.delete(featureId));
      const update = await push(layer, b, b.update(featureId, { set: { height: 20 } }));
      expect(update.outcome).toBe('CONFLICT');
      const [conflict] = await server.api.conflicts(layer.id);
      expect(conflict).toMatchObject({
        field: 'deleted',
        kind: 'DELETE_UPDATE',
        server: [{ value: true, deviceId: a.id }],
        device: { value: false, deviceId: b.id },
      });
      await expect(server.api.feature(layer.id, featureId)).resolves.toMatchObject({ deleted: false });
      const resolved = await server.api.resolve(conflict.id, 'KEEP_SERVER');
      expect(resolved.changes[0].outcome).toBe('APPLIED');
      await expect(server.api.feature(layer.id, featureId)).resolves.toMatchObject({ deleted: true });
      await expect(server.api.conflicts(layer.id, 'RESOLVED')).resolves.toMatchObject([
        { id: conflict.id, resolution: { resolution: 'KEEP_SERVER', value: true } },
      ]);
    });

    it('a delete made after seeing an update is not concurrent: it simply applies', async () => {
      const { layer, featureId, a, b } = await scene('AUTO_MERGE', 'REVIEW');
      const update = b.update(featureId, { set: { height: 20 } });
      await push(layer, b, update);
      a.learn(featureId, update.clock);
      await expect(push(layer, a, a.delete(featureId))).resolves.toMatchObject({ outcome: 'APPLIED' });
      await expect(server.api.feature(layer.id, featureId)).resolves.toMatchObject({ deleted: true });
      await expect(server.api.conflicts(layer.id)).resolves.toEqual([]);
    });
  });
});
