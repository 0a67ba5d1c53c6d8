import { randomUUID } from 'node:crypto';
import { FieldDevice, FunctionClock } from '@map-offline/crdt';
import { createLogger } from '@map-offline/observability';
import { QueueProducer } from '@map-offline/queue';
import { SyncBatchLauncher } from '../../../apps/gateway/src/sync/sync-batch.launcher';
import { openSyncDatabase, SyncDatabase } from './sync-test-database';

jest.setTimeout(60_000);

/** A pushed batch is in PostgreSQL before it is queued: losing Redis loses no batch. */
describe('queueing stored batches', () => {
  let db: SyncDatabase;
  const prefix = `{t${randomUUID().slice(0, 8)}}`;
  const logger = createLogger({ app: 'gateway', level: 'silent' });

  beforeAll(async () => {
    db = await openSyncDatabase();
  });

  afterAll(async () => {
    await db.close();
  });

  it('keeps a batch whose queueing failed and queues it once from the sweep, whatever the replicas', async () => {
    const layerId = await db.createLayer();
    const device = new FieldDevice('tablet-offline-redis', new FunctionClock(() => Date.now()));
    const batch = await db.storeBatch(layerId, device.id, [
      device.create(randomUUID(), null, { name: 'kept' }),
    ]);

    // Redis is unreachable when the push arrives: the launch reports it, the batch stays stored.
    const down = new QueueProducer({ redisUrl: 'redis://127.0.0.1:1', prefix, connectionName: 'test-down' });
    try {
      const launched = await new SyncBatchLauncher(down, db.batches, logger).launch({
        organisationId: 'org-int-sync',
        id: batch.id,
        jobRunId: batch.jobRunId,
      });
      expect(launched).toBe(false);
    } finally {
      // Not close(): closing a BullMQ queue waits for a connection that never comes.
      down.redis().disconnect();
    }
    await expect(db.batches.find('org-int-sync', batch.id)).resolves.toMatchObject({ status: 'queued' });

    // Redis is back; two gateway replicas sweep: one job, with the id derived from the stored run.
    const up = new QueueProducer({
      redisUrl: process.env.REDIS_URL ?? '',
      prefix,
      connectionName: 'test-up',
    });
    try {
      const replicas = [
        new SyncBatchLauncher(up, db.batches, logger),
        new SyncBatchLauncher(up, db.batches, logger),
      ];
      const swept = await Promise.all(replicas.map((replica) => replica.sweep(0)));
      expect(swept.every((count) => count >= 1)).toBe(true);
      const queue = up.queue('sync-merge');
      const job = await queue.getJob(SyncBatchLauncher.jobIdFor(batch.jobRunId));
      expect(job?.data).toEqual({
        organisationId: 'org-int-sync',
        batchId: batch.id,
        jobRunId: batch.jobRunId,
      });
      await expect(queue.getJobCounts('waiting')).resolves.toMatchObject({ waiting: 1 });
      await queue.obliterate({ force: true });
    } finally {
      await up.close();
    }
  });
});
