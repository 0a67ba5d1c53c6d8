import { Job, Queue, QueueEvents } from 'bullmq';
import { RunningProcess } from '@map-offline/runtime';
import { createTestWorld, startInProcess, TestWorld } from '@map-offline/testing';

jest.setTimeout(60_000);

/**
 * Systems outside the codebase may add jobs to BullMQ directly (the published JSON Schema is their
 * contract). The consumer validates again: a job that breaks the contract fails at once, without retries,
 * with a reason that names each field.
 */
describe('jobs added straight to Redis by outside producers', () => {
  let world: TestWorld;
  let seeder: RunningProcess;
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    world = await createTestWorld();
    seeder = await startInProcess('tile-seeder', world.env);
    const connection = { url: world.env.REDIS_URL };
    queue = new Queue('tile-seeding', { connection, prefix: world.queuePrefix });
    events = new QueueEvents('tile-seeding', { connection, prefix: world.queuePrefix });
    await events.waitUntilReady();
  });

  afterAll(async () => {
    await events.close();
    await queue.close();
    await seeder.stop();
    await world.close();
  });

  async function failureOf(job: Job): Promise<{ reason: string; attempts: number }> {
    await expect(job.waitUntilFinished(events, 20_000)).rejects.toThrow();
    const finished = await Job.fromId(queue, job.id ?? '');
    return { reason: finished?.failedReason ?? '', attempts: finished?.attemptsMade ?? -1 };
  }

  it('fails a payload that breaks the contract, naming every bad field, without retrying', async () => {
    const job = await queue.add(
      'seed-batch',
      {
        organisationId: '',
        jobRunId: 'not-a-uuid',
        regionId: '0b9d0f0e-2b1e-4a43-8e0e-4a1f6c9f7d22',
        zoom: 31,
        offset: -1,
        count: 5000,
      },
      { attempts: 5 },
    );
    const failure = await failureOf(job);
    expect(failure.reason).toContain('job "seed-batch" does not match its contract');
    for (const field of ['organisationId', 'jobRunId', 'zoom', 'offset', 'count'])
      expect(failure.reason).toContain(`${field}:`);
    expect(failure.attempts).toBe(1);
  });

  it('fails an unknown job name with a clear reason', async () => {
    const failure = await failureOf(await queue.add('drop-all-tiles', { please: true }, { attempts: 3 }));
    expect(failure.reason).toBe('job "drop-all-tiles" does not match its contract: unknown job name');
    expect(failure.attempts).toBe(1);
  });

  it('fails a valid payload that names records that do not exist, without retrying', async () => {
    const job = await queue.add(
      'seed-region',
      {
        organisationId: 'outside',
        jobRunId: '6f1c3f3e-8f6e-4b59-9a55-3d8f2f0c9a11',
        regionId: '0b9d0f0e-2b1e-4a43-8e0e-4a1f6c9f7d22',
      },
      { attempts: 3 },
    );
    const failure = await failureOf(job);
    expect(failure.reason).toMatch(
      /job run 6f1c3f3e-8f6e-4b59-9a55-3d8f2f0c9a11 of organisation outside does not exist/,
    );
    expect(failure.attempts).toBe(1);
  });
});
