// Pause, resume and cancel of a running cache job, and its progress pushed over graphql-ws.
import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { QueueName } from '@map-offline/contracts';
import { BBox, bboxToGeometry, planCover } from '@map-offline/geo';
import { eventually } from '@map-offline/testing';
import {
  cacheRegion,
  createRegion,
  job,
  jobMutation,
  JobView,
  registerSource,
  waitForJob,
} from './support/caching-api';
import { CachingWorld, startCachingWorld } from './support/caching-world';

jest.setTimeout(120_000);

// About a thousand tiles; at 20 ms per request and 4 requests in flight the job runs for seconds.
const AREA: BBox = [-10, 35, 30, 60];
const ZOOMS = { minZoom: 0, maxZoom: 8 };
const TOTAL = planCover(bboxToGeometry(AREA), ZOOMS).total;
const FIXTURE_LATENCY_MS = 20;

interface ProgressEvent {
  jobId: string;
  state: string;
  doneUnits: number;
  totalUnits: number;
  fraction: number;
}

const sleep = (milliseconds: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, milliseconds));

describe('job control and live progress (e2e)', () => {
  let stack: CachingWorld;
  let redis: Redis;

  beforeAll(async () => {
    stack = await startCachingWorld({
      // Small batches: a pause or cancel takes effect after the batches already running.
      env: { SEED_BATCH_SIZE: '40', WORKER_CONCURRENCY: '4' },
      fixture: { faults: { latencyMs: FIXTURE_LATENCY_MS } },
    });
    redis = new Redis(stack.env.REDIS_URL);
  });

  afterAll(async () => {
    await redis?.quit();
    await stack?.close();
  });

  const startJob = async (): Promise<JobView> => {
    const sourceId = await registerSource(stack.api, stack.fixture.templates.png, {
      maxConcurrentRequests: 4,
    });
    return createRegion(stack.api, sourceId, { bbox: AREA, ...ZOOMS });
  };
  const doneUnits = async (id: string): Promise<number> => (await job(stack.api, id)).progress.doneUnits;
  /**
   * Waits until no batch is being processed, then returns the job's progress. Batches that started before
   * a pause or cancel run to their end (seconds on a loaded machine); later ones park or skip within
   * milliseconds, so the first moment BullMQ's active list is empty, the work in flight is over.
   */
  const settled = async (id: string, timeoutMs: number): Promise<number> => {
    await eventually(
      async () =>
        (await redis.llen(`${stack.world.queuePrefix}:${QueueName.TileSeeding}:active`)) === 0
          ? true
          : undefined,
      timeoutMs,
      20,
    );
    return doneUnits(id);
  };

  it('pause stops progress; resume finishes the job', async () => {
    const handle = await startJob();
    await eventually(async () => ((await doneUnits(handle.id)) > 0 ? true : undefined), 30_000);

    const paused = await jobMutation(stack.api, 'pauseJob', handle.id);
    expect(paused.state).toBe('PAUSED');
    await expect(cacheRegion(stack.api, handle.subjectId ?? '')).resolves.toMatchObject({ status: 'paused' });
    // Batches already running finish; after that nothing moves, upstream included.
    const stoppedAt = await settled(handle.id, 30_000);
    expect(stoppedAt).toBeLessThan(TOTAL);
    const requestsWhilePaused = stack.fixture.stats().requests;
    await sleep(2_000);
    await expect(doneUnits(handle.id)).resolves.toBe(stoppedAt);
    expect(stack.fixture.stats().requests).toBe(requestsWhilePaused);
    await expect(job(stack.api, handle.id)).resolves.toMatchObject({ state: 'PAUSED' });

    const resumed = await jobMutation(stack.api, 'resumeJob', handle.id);
    expect(resumed.state).toBe('ACTIVE');
    const finished = await waitForJob(stack.api, handle.id, 60_000);
    expect(finished.state).toBe('COMPLETED');
    expect(finished.progress.doneUnits).toBe(TOTAL);
    await expect(cacheRegion(stack.api, handle.subjectId ?? '')).resolves.toMatchObject({
      status: 'completed',
      tilesDone: TOTAL,
    });
    // A finished job cannot be paused again.
    const again = await stack.api.request(`mutation ($id: ID!) { pauseJob(id: $id) { id } }`, {
      id: handle.id,
    });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('cancel: state CANCELLED, the remaining batches are skipped, the region is cancelled', async () => {
    stack.fixture.resetStats();
    const handle = await startJob();
    await eventually(async () => ((await doneUnits(handle.id)) > 0 ? true : undefined), 30_000);

    const cancelled = await jobMutation(stack.api, 'cancelJob', handle.id);
    expect(cancelled.state).toBe('CANCELLED');
    // The parent finalises once every batch has run or skipped: the region records the cancellation.
    const region = await eventually(async () => {
      const current = await cacheRegion(stack.api, handle.subjectId ?? '');
      return current.completedAt ? current : undefined;
    }, 60_000);
    expect(region.status).toBe('cancelled');
    expect(region.tilesDone).toBeLessThan(TOTAL);

    const stoppedAt = await settled(handle.id, 30_000);
    expect(stoppedAt).toBeLessThan(TOTAL);
    const requests = stack.fixture.stats().requests;
    expect(requests).toBeLessThan(TOTAL);
    await sleep(1_500);
    expect(stack.fixture.stats().requests).toBe(requests);
    const [{ tiles }] = await stack.sql<{ tiles: string }>(
      `SELECT count(*) AS tiles FROM region_tile WHERE region_id = $1`,
      [handle.subjectId],
    );
    expect(Number(tiles)).toBe(region.tilesDone);
    await expect(job(stack.api, handle.id)).resolves.toMatchObject({ state: 'CANCELLED' });
    const resume = await stack.api.request(`mutation ($id: ID!) { resumeJob(id: $id) { id } }`, {
      id: handle.id,
    });
    expect(resume.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('a job paused before any seeder picked it up stays paused, then runs as active once resumed', async () => {
    // A world of its own whose seeder starts only after the pause, so the order is certain.
    const waiting = await startCachingWorld({
      seeder: false,
      env: { SEED_BATCH_SIZE: '40', WORKER_CONCURRENCY: '4' },
      upstream: stack.fixture,
    });
    try {
      const sourceId = await registerSource(waiting.api, waiting.fixture.templates.png, {
        maxConcurrentRequests: 4,
      });
      const handle = await createRegion(waiting.api, sourceId, {
        bbox: [-10, 35, 0, 45],
        minZoom: 0,
        maxZoom: 7,
      });
      await expect(jobMutation(waiting.api, 'pauseJob', handle.id)).resolves.toMatchObject({
        state: 'PAUSED',
      });
      await waiting.startSeeder();
      // The seeder plans the batches but they wait; job and region both still say paused.
      await eventually(async () => {
        const [row] = await waiting.sql<{ fanned: boolean | null }>(
          `SELECT (progress ->> 'fannedOut')::boolean AS fanned FROM job_run WHERE id = $1`,
          [handle.id],
        );
        return row.fanned ? true : undefined;
      }, 30_000);
      await sleep(1_000);
      await expect(job(waiting.api, handle.id)).resolves.toMatchObject({
        state: 'PAUSED',
        progress: { doneUnits: 0 },
      });
      await expect(cacheRegion(waiting.api, handle.subjectId ?? '')).resolves.toMatchObject({
        status: 'paused',
      });

      const resumed = await jobMutation(waiting.api, 'resumeJob', handle.id);
      expect(resumed.state).toBe('ACTIVE');
      await eventually(
        async () => {
          const current = await job(waiting.api, handle.id);
          return current.progress.doneUnits > 0 && current.state !== 'COMPLETED' ? current : undefined;
        },
        30_000,
        50,
      ).then((running) => expect(running.state).toBe('ACTIVE'));
      await expect(waitForJob(waiting.api, handle.id, 60_000)).resolves.toMatchObject({ state: 'COMPLETED' });
    } finally {
      await waiting.close();
    }
  });

  it('jobProgress over graphql-ws pushes increasing progress and the final state, then completes', async () => {
    const handle = await startJob();
    const client = createClient({
      url: `${stack.gatewayUrl.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${stack.token}` },
      retryAttempts: 0,
    });
    const events: ProgressEvent[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no final event within 60 s; got ${JSON.stringify(events)}`)),
          60_000,
        );
        client.subscribe<{ jobProgress: ProgressEvent }>(
          {
            query: `subscription ($id: ID!) { jobProgress(id: $id) { jobId state doneUnits totalUnits fraction } }`,
            variables: { id: handle.id },
          },
          {
            next: (message) => {
              if (message.data) events.push(message.data.jobProgress);
              if (message.errors) reject(new Error(JSON.stringify(message.errors)));
            },
            error: (error) => {
              clearTimeout(timer);
              reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
            },
            // The server ends the subscription itself once the job is final.
            complete: () => {
              clearTimeout(timer);
              resolve();
            },
          },
        );
      });
    } finally {
      await client.dispose();
    }

    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.every((event) => event.jobId === handle.id && event.totalUnits === TOTAL)).toBe(true);
    const done = events.map((event) => event.doneUnits);
    for (let index = 1; index < done.length; index += 1)
      expect(done[index]).toBeGreaterThanOrEqual(done[index - 1]);
    // Intermediate progress was pushed, not only the start and the end.
    expect(done.some((value) => value > 0 && value < TOTAL)).toBe(true);
    const last = events[events.length - 1];
    expect(last).toMatchObject({ state: 'COMPLETED', doneUnits: TOTAL, fraction: 1 });
  });
});
