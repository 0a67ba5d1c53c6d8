import { randomUUID } from 'node:crypto';
import { FeatureState, FieldDevice, FunctionClock, materializeFeature } from '@map-offline/crdt';
import { PhaseClock } from '../../../apps/sync-merger/src/phase-clock';
import { openSyncDatabase, ORGANISATION, SyncDatabase } from './sync-test-database';

jest.setTimeout(120_000);

const clock = new FunctionClock(() => Date.now());

/**
 * A merger plans on the states it holds while PostgreSQL locks the rows. When another replica has
 * written the features since, the held states are stale: the plan must be made again on the locked
 * ones, or the other replica's edits would be overwritten.
 */
describe('a merger whose held states are stale', () => {
  let db: SyncDatabase;

  beforeAll(async () => {
    db = await openSyncDatabase(8);
  });

  afterAll(async () => {
    await db.close();
  });

  it('plans again on the locked states and keeps the other replica’s edits', async () => {
    const layerId = await db.createLayer();
    const replicaA = db.merger();
    const replicaB = db.merger();
    const creator = new FieldDevice('tablet-creator', clock);
    const ids = Array.from({ length: 5 }, () => randomUUID());
    const created = ids.map((id) =>
      creator.create(id, { type: 'Point', coordinates: [1, 2] }, { name: 'oak' }),
    );
    // Replica A merges the creation and holds those states.
    const creation = await db.storeBatch(layerId, creator.id, created);
    await replicaA.merge(ORGANISATION, creation.id, new PhaseClock());

    // Replica B merges a device's edit of every feature: A's states are now stale.
    const surveyor = new FieldDevice('tablet-surveyor', clock);
    const inspector = new FieldDevice('tablet-inspector', clock);
    for (const change of created) {
      surveyor.learn(change.featureId, change.clock);
      inspector.learn(change.featureId, change.clock);
    }
    const surveyed = await db.storeBatch(
      layerId,
      surveyor.id,
      ids.map((id) => surveyor.update(id, { set: { height: 12 } })),
    );
    await replicaB.merge(ORGANISATION, surveyed.id, new PhaseClock());

    // Replica A merges a concurrent edit of another field of the same features.
    const inspected = await db.storeBatch(
      layerId,
      inspector.id,
      ids.map((id) => inspector.update(id, { set: { condition: 'good' } })),
    );
    const outcome = await replicaA.merge(ORGANISATION, inspected.id, new PhaseClock());
    expect(outcome.own?.outcomes.MERGED).toBe(ids.length);

    const rows: { id: string; state: FeatureState }[] = await db.dataSource.query(
      `SELECT id, state FROM feature WHERE layer_id = $1`,
      [layerId],
    );
    expect(rows).toHaveLength(ids.length);
    for (const row of rows) {
      expect(materializeFeature(row.state).properties).toEqual({
        name: 'oak',
        height: 12,
        condition: 'good',
      });
    }
  });
});
