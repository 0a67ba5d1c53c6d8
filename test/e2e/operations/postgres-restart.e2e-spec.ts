import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { Change } from '@map-offline/crdt';
import { QueueName } from '@map-offline/contracts';
import { RunningProcess } from '@map-offline/runtime';
import {
  createTestWorld,
  eventually,
  GraphqlClient,
  GraphqlResponse,
  PrivatePostgres,
  startInProcess,
  startPrivatePostgres,
  TestWorld,
  tokenFor,
} from '@map-offline/testing';
import { LayerView, SyncApi, toChangeInput } from '../sync/support/sync-api';
import { fieldDevice, POINT, SYNC_SCOPES } from '../sync/support/sync-world';

jest.setTimeout(300_000);

const ORGANISATION = 'org-postgres-restart';
/** batches pushed before the outage, and changes in each: enough that merges are still running when it stops */
const BATCHES = 12;
const CHANGES_PER_BATCH = 200;
/**
 * milliseconds PostgreSQL stays down: longer than BullMQ's whole retry budget for a job (attempts 1 s +
 * 2 s + 4 s + 8 s of backoff), so a merge that spent an attempt per failure would fail for good
 */
const OUTAGE_MS = 20_000;
/** milliseconds a request may take to fail while PostgreSQL is down ("fail fast") */
const FAIL_FAST_MS = 5_000;

const PUSH = `mutation ($input: PushChangesInput!) { pushChanges(input: $input) { id kind state subjectId } }`;
const CREATE_LAYER = `mutation ($input: CreateLayerInput!) { createLayer(input: $input) { id } }`;
const SYNC_RESULT = `query ($batchId: ID!) { syncResult(batchId: $batchId) { status } }`;

function pushInput(
  layerId: string,
  deviceId: string,
  batchId: string,
  changes: readonly Change[],
): Record<string, unknown> {
  return { input: { layerId, deviceId, batchId, changes: changes.map(toChangeInput) } };
}

/** Sends a request that must fail while PostgreSQL is down; returns its first error and how long it took. */
async function failingRequest(
  client: GraphqlClient,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ error: NonNullable<GraphqlResponse['errors']>[number]; status: number; elapsedMs: number }> {
  const started = Date.now();
  const response = await client.request(query, variables);
  const elapsedMs = Date.now() - started;
  expect(response.errors).toHaveLength(1);
  const [error] = response.errors ?? [];
  return { error, status: response.status, elapsedMs };
}

async function readiness(baseUrl: string): Promise<{ status: number; ready: boolean }> {
  const response = await fetch(`${baseUrl}/readyz`);
  const body = (await response.json()) as { ready?: boolean };
  return { status: response.status, ready: body.ready === true };
}

describe('PostgreSQL down and back (issue 7)', () => {
  let postgres: PrivatePostgres | undefined;
  let world: TestWorld | undefined;
  let gateway: RunningProcess | undefined;
  let merger: RunningProcess | undefined;
  let sql: Pool | undefined;
  let mergeQueue: Queue | undefined;

  afterAll(async () => {
    await merger?.stop();
    await gateway?.stop();
    await mergeQueue?.close();
    await sql?.end();
    await world?.close();
    await postgres?.close();
  });

  it('requests fail fast with a retryable error, readiness follows the database, and every batch in flight ends merged exactly once', async () => {
    postgres = await startPrivatePostgres();
    world = await createTestWorld({ DATABASE_URL: postgres.url, RATE_LIMIT_REQUESTS_PER_MINUTE: '100000' });
    gateway = await startInProcess('gateway', world.env);
    merger = await startInProcess('sync-merger', world.env);
    const baseUrl = `http://127.0.0.1:${gateway.port}`;
    const client = new GraphqlClient(baseUrl, await tokenFor(ORGANISATION, SYNC_SCOPES, 'field-team'));
    const api = new SyncApi(client);
    sql = new Pool({ connectionString: postgres.url, max: 1 });
    // Its idle connection is cut when PostgreSQL stops: an error event, not a crash of the test.
    sql.on('error', () => undefined);
    const database = sql;
    const mergedCount = async (): Promise<number> =>
      Number(
        (await database.query<{ count: string }>(`SELECT count(*) FROM sync_batch WHERE status = 'merged'`))
          .rows[0].count,
      );
    mergeQueue = new Queue(QueueName.SyncMerge, {
      connection: { url: world.env.REDIS_URL },
      prefix: world.queuePrefix,
    });

    // One layer per batch: a merge takes every queued batch of its layer as one group, so batches of one
    // layer could all commit together before the outage; separate layers merge a few at a time.
    const layers: LayerView[] = [];
    for (let index = 0; index < BATCHES; index += 1) {
      layers.push(
        await api.createLayer({
          name: `survey ${index}`,
          conflictPolicy: 'AUTO_MERGE',
          deleteRule: 'REVIEW',
        }),
      );
    }
    const layer = layers[0];
    const devices = ['tablet-a', 'tablet-b', 'phone-c'].map((id) => fieldDevice(id));
    const batches = Array.from({ length: BATCHES }, (_, index) => {
      const device = devices[index % devices.length];
      const changes = Array.from({ length: CHANGES_PER_BATCH }, (__, position) =>
        device.create(randomUUID(), POINT(36 + index / 100, -1 - position / 1000), { index, position }),
      );
      return { layerId: layers[index].id, batchId: randomUUID(), deviceId: device.id, changes };
    });
    await Promise.all(
      batches.map((batch) => api.push(batch.layerId, batch.deviceId, batch.batchId, batch.changes)),
    );

    // Stop PostgreSQL as soon as the first merge has committed: the others are running or waiting.
    await eventually(async () => ((await mergedCount()) > 0 ? true : undefined), 60_000, 20);
    await postgres.stop('fast');
    const outageStarted = Date.now();

    // While it is down: a push, another mutation and a query each fail fast, retryable, not internal.
    const duringOutage = {
      batchId: randomUUID(),
      deviceId: devices[0].id,
      changes: [devices[0].create(randomUUID(), POINT(37, -2), { pushed: 'during outage' })],
    };
    for (const [query, variables] of [
      [PUSH, pushInput(layer.id, duringOutage.deviceId, duringOutage.batchId, duringOutage.changes)],
      [
        CREATE_LAYER,
        { input: { name: 'during-outage', conflictPolicy: 'AUTO_MERGE', deleteRule: 'REVIEW' } },
      ],
      [SYNC_RESULT, { batchId: batches[0].batchId }],
    ] as [string, Record<string, unknown>][]) {
      const { error, status, elapsedMs } = await failingRequest(client, query, variables);
      expect(elapsedMs).toBeLessThan(FAIL_FAST_MS);
      expect(error.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(error.extensions?.retryAfterSeconds).toBe(5);
      expect(error.message).toMatch(/retry/);
      expect(status).toBe(503);
    }
    await expect(
      eventually(async () => {
        const probe = await readiness(baseUrl);
        return probe.status === 503 && !probe.ready ? true : undefined;
      }, 10_000),
    ).resolves.toBe(true);

    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - outageStarted))),
    );
    await postgres.start();

    // Without restarting any app: readiness returns, every batch pushed before the outage ends merged.
    await expect(
      eventually(async () => ((await readiness(baseUrl)).ready ? true : undefined), 30_000, 250),
    ).resolves.toBe(true);
    await eventually(async () => ((await mergedCount()) === BATCHES ? true : undefined), 120_000, 250);
    // The outage did interrupt the work: some batches were merged only after it.
    const mergedBefore = await sql.query<{ count: string }>(
      `SELECT count(*) FROM sync_batch WHERE merged_at < to_timestamp($1 / 1000.0)`,
      [outageStarted],
    );
    expect(Number(mergedBefore.rows[0].count)).toBeLessThan(BATCHES);
    for (const batch of batches) {
      const result = await api.result(batch.batchId);
      expect(result.status).toBe('MERGED');
      expect(result.changes.map((change) => change.index)).toEqual(
        Array.from({ length: CHANGES_PER_BATCH }, (_, index) => index),
      );
      expect(new Set(result.changes.map((change) => change.outcome))).toEqual(new Set(['APPLIED']));
    }
    // The change log holds each (batch_id, change_index) once: nothing merged twice across the outage.
    const duplicates = await sql.query(
      `SELECT batch_id, change_index, count(*) FROM feature_change GROUP BY 1, 2 HAVING count(*) > 1`,
    );
    expect(duplicates.rows).toEqual([]);
    const logged = await sql.query<{ count: string }>(`SELECT count(*) FROM feature_change`);
    expect(Number(logged.rows[0].count)).toBe(BATCHES * CHANGES_PER_BATCH);
    const features = await sql.query<{ count: string }>(
      `SELECT count(*) FROM feature WHERE layer_id = ANY($1::uuid[])`,
      [layers.map((entry) => entry.id)],
    );
    expect(Number(features.rows[0].count)).toBe(BATCHES * CHANGES_PER_BATCH);
    // No merge spent its retry budget on the outage.
    await expect(mergeQueue.getJobCounts('failed')).resolves.toEqual({ failed: 0 });

    // The push refused during the outage succeeds when retried, and so does a new one.
    const retried = await api.pushAndWait(
      layer.id,
      duringOutage.deviceId,
      duringOutage.batchId,
      duringOutage.changes,
    );
    expect(retried.changes.map((change) => change.outcome)).toEqual(['APPLIED']);
    const after = devices[1].create(randomUUID(), POINT(37.1, -2.1), { pushed: 'after outage' });
    const fresh = await api.pushAndWait(layer.id, devices[1].id, randomUUID(), [after]);
    expect(fresh.changes.map((change) => change.outcome)).toEqual(['APPLIED']);
  });
});
