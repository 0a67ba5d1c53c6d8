import { randomUUID } from 'node:crypto';
import { FeatureState, FieldDevice, FunctionClock } from '@map-offline/crdt';
import { SyncFeatureRepository } from '@map-offline/entities';
import { PhaseClock } from '../../../apps/sync-merger/src/phase-clock';
import { openSyncDatabase, ORGANISATION, SyncDatabase } from './sync-test-database';

jest.setTimeout(120_000);

const clock = new FunctionClock(() => Date.now());

/** The merge transaction against the real PostgreSQL: locks, deliveries, caches and the pull cursor. */
describe('merging batches concurrently', () => {
  let db: SyncDatabase;

  beforeAll(async () => {
    db = await openSyncDatabase(24);
  });

  afterAll(async () => {
    await db.close();
  });

  async function statesOf(layerId: string): Promise<Map<string, FeatureState>> {
    const rows: { id: string; state: FeatureState }[] = await db.dataSource.query(
      `SELECT id, state FROM feature WHERE layer_id = $1 AND state IS NOT NULL`,
      [layerId],
    );
    return new Map(rows.map((row) => [row.id, row.state]));
  }

  it('merges batches that touch the same features in opposite orders, on several replicas, without deadlock or loss', async () => {
    const layerId = await db.createLayer();
    const creator = new FieldDevice('tablet-creator', clock);
    const ids = Array.from({ length: 40 }, () => randomUUID());
    const created = ids.map((id) =>
      creator.create(id, { type: 'Point', coordinates: [1, 2] }, { name: 'x' }),
    );
    const first = await db.storeBatch(layerId, creator.id, created);
    await db.merger().merge(ORGANISATION, first.id, new PhaseClock());
    const devices = Array.from({ length: 8 }, (_, index) => new FieldDevice(`tablet-${index}`, clock));
    const stored = [];
    for (const [index, device] of devices.entries()) {
      for (const change of created) device.learn(change.featureId, change.clock);
      const order = index % 2 === 0 ? ids : [...ids].reverse();
      stored.push(
        await db.storeBatch(
          layerId,
          device.id,
          order.map((id) => device.update(id, { set: { [device.id]: index } })),
        ),
      );
    }
    // Eight replicas, one delivery each, all at once.
    const outcomes = await Promise.all(
      stored.map((batch) => db.merger().merge(ORGANISATION, batch.id, new PhaseClock())),
    );
    const mergedIds = outcomes.flatMap((outcome) => outcome.merged.map((summary) => summary.batchId));
    expect(mergedIds.sort()).toEqual(stored.map((batch) => batch.id).sort());
    const statuses: { status: string }[] = await db.dataSource.query(
      `SELECT DISTINCT status FROM sync_batch WHERE layer_id = $1`,
      [layerId],
    );
    expect(statuses).toEqual([{ status: 'merged' }]);
    for (const state of (await statesOf(layerId)).values()) {
      expect(Object.keys(state.versionVector).sort()).toEqual(
        ['tablet-creator', ...devices.map((device) => device.id)].sort(),
      );
    }
  });

  it('merges a batch once when two deliveries run at the same time', async () => {
    const layerId = await db.createLayer();
    const device = new FieldDevice('tablet-twice', clock);
    const batch = await db.storeBatch(
      layerId,
      device.id,
      Array.from({ length: 10 }, () => device.create(randomUUID(), null, { name: 'y' })),
    );
    const [one, two] = await Promise.all([
      db.merger().merge(ORGANISATION, batch.id, new PhaseClock()),
      db.merger().merge(ORGANISATION, batch.id, new PhaseClock()),
    ]);
    expect([one.own, two.own].filter((own) => own !== null)).toHaveLength(1);
    const [logged]: { count: number }[] = await db.dataSource.query(
      `SELECT count(*)::integer AS count FROM feature_change WHERE batch_id = $1`,
      [batch.id],
    );
    expect(logged.count).toBe(10);
    const [run]: { state: string; done_units: string }[] = await db.dataSource.query(
      `SELECT state, done_units FROM job_run WHERE id = $1`,
      [batch.jobRunId],
    );
    expect(run).toEqual({ state: 'completed', done_units: '10' });
  });

  it('never merges onto a cached state another replica has moved on from', async () => {
    const layerId = await db.createLayer();
    const featureId = randomUUID();
    const [a, b] = [new FieldDevice('tablet-cache-a', clock), new FieldDevice('tablet-cache-b', clock)];
    const replicaOne = db.merger();
    const replicaTwo = db.merger();
    const created = a.create(featureId, null, { name: 'oak' });
    await replicaOne.merge(
      ORGANISATION,
      (await db.storeBatch(layerId, a.id, [created])).id,
      new PhaseClock(),
    );
    b.learn(featureId, created.clock);
    await replicaTwo.merge(
      ORGANISATION,
      (await db.storeBatch(layerId, b.id, [b.update(featureId, { set: { height: 3 } })])).id,
      new PhaseClock(),
    );
    await replicaOne.merge(
      ORGANISATION,
      (await db.storeBatch(layerId, a.id, [a.update(featureId, { set: { name: 'pine' } })])).id,
      new PhaseClock(),
    );
    const state = (await statesOf(layerId)).get(featureId);
    expect(state?.versionVector).toEqual({ 'tablet-cache-a': 2, 'tablet-cache-b': 1 });
    expect(state?.properties.height?.value).toBe(3);
    expect(state?.properties.name?.value).toBe('pine');
  });

  it('hands out sequences in commit order, so a puller following the cursor never misses a change', async () => {
    const layerId = await db.createLayer();
    const features = new SyncFeatureRepository(db.dataSource);
    const batches = [];
    for (let index = 0; index < 20; index += 1) {
      const device = new FieldDevice(`tablet-seq-${index}`, clock);
      const changes = Array.from({ length: 5 }, () => device.create(randomUUID(), null, { index }));
      batches.push(await db.storeBatch(layerId, device.id, changes));
    }
    const seen = new Set<string>();
    let cursor = 0;
    let merging = true;
    const pull = async (): Promise<void> => {
      for (;;) {
        const page = await features.changedSince(ORGANISATION, layerId, cursor, 1000);
        for (const feature of page) seen.add(`${feature.id}@${feature.sequence}`);
        if (page.length > 0) cursor = page[page.length - 1].sequence;
        if (!merging && page.length === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    };
    const puller = pull();
    await Promise.all(batches.map((batch) => db.merger().merge(ORGANISATION, batch.id, new PhaseClock())));
    merging = false;
    await puller;
    const final = await features.changedSince(ORGANISATION, layerId, 0, 1000);
    expect(final).toHaveLength(100);
    for (const feature of final) expect(seen.has(`${feature.id}@${feature.sequence}`)).toBe(true);
  });
});
