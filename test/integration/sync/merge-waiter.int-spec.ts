import IORedis from 'ioredis';
import type { AppConfig } from '@map-offline/config';
import { publishSyncMerged } from '@map-offline/queue';
import { PrivateRedis, startPrivateRedis } from '@map-offline/testing';
import { MergeWaiter } from '../../../apps/gateway/src/sync/merge-waiter';

jest.setTimeout(60_000);

const PREFIX = '{waiter-test}';

function configFor(url: string): AppConfig {
  return { redis: { url, queuePrefix: PREFIX } } as unknown as AppConfig;
}

function progress(jobId: string) {
  return {
    jobId,
    state: 'completed' as const,
    doneUnits: 1,
    totalUnits: 1,
    doneByZoom: {},
    bytes: 0,
    errors: 0,
    etaSeconds: 0,
    at: new Date().toISOString(),
  };
}

/** syncResult's long-poll against a real Redis: one subscription, woken by the merger's announcement. */
describe('MergeWaiter', () => {
  let server: PrivateRedis;
  let publisher: IORedis;

  beforeAll(async () => {
    server = await startPrivateRedis();
    publisher = new IORedis(server.url);
  });

  afterAll(async () => {
    publisher.disconnect();
    await server.close();
  });

  it('wakes the waiter of an announced batch at once, and only that one', async () => {
    const waiter = new MergeWaiter(configFor(server.url));
    try {
      let merged = false;
      let checksOfOther = 0;
      const waited = waiter.wait('org-a', 'batch-1', 20_000, async () => merged);
      const other = waiter.wait('org-a', 'batch-2', 1_500, async () => {
        checksOfOther += 1;
        return false;
      });
      // Both waits have subscribed and checked once.
      await new Promise((resolve) => setTimeout(resolve, 300));
      merged = true;
      const announcedAt = Date.now();
      await publishSyncMerged(publisher, PREFIX, [
        { organisationId: 'org-a', batchId: 'batch-1', progress: progress('run-1') },
      ]);
      await waited;
      // Woken by the message, not by the 5 s safety check.
      expect(Date.now() - announcedAt).toBeLessThan(1_000);
      await other;
      // The other batch was checked when its wait began and when it timed out, never woken in between.
      expect(checksOfOther).toBe(2);
    } finally {
      waiter.onApplicationShutdown();
    }
  });

  it('does not take another organisation’s batch of the same id for its own', async () => {
    const waiter = new MergeWaiter(configFor(server.url));
    try {
      let checks = 0;
      const waited = waiter.wait('org-a', 'batch-3', 1_500, async () => {
        checks += 1;
        return false;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await publishSyncMerged(publisher, PREFIX, [
        { organisationId: 'org-b', batchId: 'batch-3', progress: progress('run-3') },
      ]);
      await waited;
      // At the start and at the time-out only: the other organisation's announcement woke nothing.
      expect(checks).toBe(2);
    } finally {
      waiter.onApplicationShutdown();
    }
  });

  it('checks the database every 250 ms when Redis cannot be reached', async () => {
    // A port nothing listens on: the subscription times out and the wait polls instead.
    const waiter = new MergeWaiter(configFor('redis://127.0.0.1:1'));
    try {
      let checks = 0;
      const startedAt = Date.now();
      await waiter.wait('org-a', 'batch-4', 2_500, async () => {
        checks += 1;
        return checks >= 4;
      });
      // One check after the 1 s subscribe time-out, then three more 250 ms apart.
      expect(checks).toBe(4);
      expect(Date.now() - startedAt).toBeLessThan(2_500);
    } finally {
      waiter.onApplicationShutdown();
    }
  });
});
