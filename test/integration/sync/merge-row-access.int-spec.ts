import { randomUUID } from 'node:crypto';
import { FieldDevice, FunctionClock } from '@map-offline/crdt';
import { FeatureStateWrite, SyncFeatureRepository } from '@map-offline/entities';
import { featureRowOf } from '../../../apps/sync-merger/src/feature-row';
import { PhaseClock } from '../../../apps/sync-merger/src/phase-clock';
import { openSyncDatabase, ORGANISATION, SyncDatabase } from './sync-test-database';

jest.setTimeout(180_000);

const FEATURES_PER_LAYER = 2_000;
const TOUCHED = 10;

/**
 * A merge touches a handful of features of a layer that may hold millions: it must reach them through
 * the primary key, not read the layer. The trap is PostgreSQL's statistics: a layer created or grown
 * since the last ANALYZE is estimated at one row, and a join with the merge's input was then planned
 * as a hash of every feature of the layer, on every merge.
 */
describe('a merge reads only the features it touches', () => {
  let db: SyncDatabase;

  beforeAll(async () => {
    db = await openSyncDatabase(4);
    // The statistics must stay as they are after the ANALYZE below, whatever autovacuum would do.
    await db.dataSource.query(`ALTER TABLE feature SET (autovacuum_enabled = false)`);
  });

  afterAll(async () => {
    await db.close();
  });

  async function createFeatures(layerId: string): Promise<string[]> {
    const device = new FieldDevice(`tablet-${randomUUID().slice(0, 8)}`, new FunctionClock(() => Date.now()));
    const ids = Array.from({ length: FEATURES_PER_LAYER }, () => randomUUID());
    for (let start = 0; start < ids.length; start += 500) {
      const changes = ids
        .slice(start, start + 500)
        .map((id) => device.create(id, { type: 'Point', coordinates: [10, 20] }, { name: 'oak' }));
      const batch = await db.storeBatch(layerId, device.id, changes);
      await db.merger().merge(ORGANISATION, batch.id, new PhaseClock());
    }
    return ids;
  }

  /** Rows of `feature` this transaction fetched through indexes plus those read by sequential scans. */
  async function featureRowsRead(query: (sql: string) => Promise<unknown>): Promise<number> {
    const rows = (await query(
      `SELECT COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0) AS read
         FROM pg_stat_xact_user_tables WHERE relname = 'feature'`,
    )) as { read: string }[];
    return rows.length === 0 ? 0 : Number(rows[0].read);
  }

  it('locks and writes a few features of a layer grown since the last ANALYZE without reading the layer', async () => {
    await createFeatures(await db.createLayer());
    await db.dataSource.query('ANALYZE feature');
    const grownLayer = await db.createLayer();
    const ids = (await createFeatures(grownLayer)).slice(0, TOUCHED);
    const features = new SyncFeatureRepository(db.dataSource);

    const { lockRead, writeRead } = await db.dataSource.transaction(async (manager) => {
      const query = (sql: string): Promise<unknown> => manager.query(sql);
      const before = await featureRowsRead(query);
      const locked = await features.lockFeatures(manager, ORGANISATION, grownLayer, ids);
      const afterLock = await featureRowsRead(query);
      const writes: FeatureStateWrite[] = [...locked].map(([id, { state, sequence }]) => {
        if (state === null || state === 'known' || sequence === null)
          throw new Error(`feature ${id} has no state`);
        return { ...featureRowOf(id, state), sequence };
      });
      await features.writeStates(manager, grownLayer, writes);
      const afterWrite = await featureRowsRead(query);
      return { lockRead: afterLock - before, writeRead: afterWrite - afterLock };
    });

    expect(lockRead).toBeGreaterThanOrEqual(TOUCHED);
    // A few reads per touched feature (the insert's conflict check, the lock), never the layer's 2,000.
    expect(lockRead).toBeLessThanOrEqual(TOUCHED * 4);
    expect(writeRead).toBeGreaterThanOrEqual(TOUCHED);
    expect(writeRead).toBeLessThanOrEqual(TOUCHED * 4);
  });
});
