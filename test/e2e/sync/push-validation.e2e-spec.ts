import { Queue } from 'bullmq';
import { Change, formatHlc } from '@map-offline/crdt';
import { GraphqlClient, tokenFor } from '@map-offline/testing';
import { SyncApi, toChangeInput } from './support/sync-api';
import { fieldDevice, newId, POINT, startSyncWorld, SYNC_SCOPES, SyncWorld } from './support/sync-world';

jest.setTimeout(120_000);

/** Every change is checked on its own: bad ones are rejected with a reason, the rest of the batch applies. */
describe('pushing changes: validation, idempotency and tenancy', () => {
  let server: SyncWorld;

  beforeAll(async () => {
    server = await startSyncWorld();
  });

  afterAll(async () => {
    await server.close();
  });

  it('rejects invalid GeoJSON (RFC 7946), malformed changes and schema violations one by one with reasons', async () => {
    const layer = await server.api.createLayer({
      name: 'surveyed-trees',
      conflictPolicy: 'AUTO_MERGE',
      deleteRule: 'REVIEW',
      propertySchema: {
        type: 'object',
        properties: { name: { type: 'string', maxLength: 40 }, height: { type: 'number', minimum: 0 } },
        required: ['name'],
        additionalProperties: false,
      },
    });
    const device = fieldDevice('tablet-validation');
    const first = newId();
    const changes: Change[] = [
      device.create(first, POINT(36.8, -1.28), { name: 'oak', height: 12 }),
      device.create(newId(), POINT(200, 10), { name: 'far east' }),
      device.create(newId(), { type: 'Circle', coordinates: [1, 2] } as never, { name: 'round' }),
      device.create(
        newId(),
        {
          type: 'Polygon',
          coordinates: [
            [
              [36.8, -1.3],
              [36.9, -1.3],
              [36.9, -1.2],
              [36.85, -1.25],
            ],
          ],
        },
        { name: 'open ring' },
      ),
      device.create(newId(), POINT(36.8, -1.28), { name: 'cedar', height: -3 }),
      device.create(newId(), POINT(36.8, -1.28), { height: 3 }),
      device.create(newId(), POINT(36.8, -1.28), { name: 'fig', colour: 'green' }),
      { ...device.update(first, { set: { height: 13 } }), featureId: 'not-a-uuid' },
      device.update(first, { set: { name: 'pine' } }),
    ];
    const result = await server.api.pushAndWait(layer.id, device.id, newId(), changes);
    expect(
      result.changes.map((change) => [change.index, change.outcome, change.reasonCode, change.field]),
    ).toEqual([
      [0, 'APPLIED', null, null],
      [1, 'REJECTED', 'COORDINATE_OUT_OF_RANGE', 'geometry.coordinates[0]'],
      [2, 'REJECTED', 'INVALID_GEOMETRY', 'geometry.type'],
      [3, 'REJECTED', 'RING_NOT_CLOSED', 'geometry.coordinates[0]'],
      [4, 'REJECTED', 'SCHEMA_VIOLATION', 'set["height"]'],
      [5, 'REJECTED', 'SCHEMA_VIOLATION', 'set'],
      [6, 'REJECTED', 'SCHEMA_VIOLATION', 'set["colour"]'],
      [7, 'REJECTED', 'INVALID_CHANGE', 'featureId'],
      [8, 'APPLIED', null, null],
    ]);
    for (const rejected of result.changes.filter((change) => change.outcome === 'REJECTED')) {
      expect(rejected.reason).toMatch(/is invalid \(\w+\): got .+, expected .+/);
    }
    expect(result.counts).toEqual({ applied: 2, merged: 0, conflict: 0, duplicate: 0, rejected: 7 });
    const features = await server.api.features(layer.id);
    expect(features.map((feature) => [feature.id, feature.properties])).toEqual([
      [first, { name: 'pine', height: 12 }],
    ]);
  });

  it('rejects every change of a batch for an unknown layer, saying so', async () => {
    const device = fieldDevice('tablet-lost');
    const result = await server.api.pushAndWait(newId(), device.id, newId(), [
      device.create(newId(), POINT(1, 2)),
      device.create(newId(), POINT(3, 4)),
    ]);
    expect(result.changes.map((change) => [change.outcome, change.reasonCode])).toEqual([
      ['REJECTED', 'UNKNOWN_LAYER'],
      ['REJECTED', 'UNKNOWN_LAYER'],
    ]);
    expect(result.changes[0].reason).toMatch(/^layer [0-9a-f-]+ was not found$/);
  });

  it('rejects a change stamped too far in the future (HLC drift) and applies the rest of its batch', async () => {
    const layer = await server.api.createLayer({
      name: 'drift',
      conflictPolicy: 'LAST_WRITER_WINS',
      deleteRule: 'REVIEW',
    });
    const device = fieldDevice('tablet-drift');
    const featureId = newId();
    const created = device.create(featureId, POINT(36.8, -1.28), { name: 'oak' });
    const ahead: Change = {
      ...device.update(featureId, { set: { name: 'from the future' } }),
      hlc: formatHlc({ wallTime: Date.now() + 3_600_000, counter: 0, nodeId: device.id }),
    };
    const result = await server.api.pushAndWait(layer.id, device.id, newId(), [created, ahead]);
    expect(result.changes.map((change) => [change.outcome, change.reasonCode, change.field])).toEqual([
      ['APPLIED', null, null],
      ['REJECTED', 'HLC_DRIFT_EXCEEDED', 'hlc'],
    ]);
  });

  it('refuses device ids reserved for server-side writers, empty batches and malformed ids', async () => {
    const layer = await server.api.createLayer({
      name: 'refusals',
      conflictPolicy: 'AUTO_MERGE',
      deleteRule: 'REVIEW',
    });
    const device = fieldDevice('server:impostor');
    const change = toChangeInput(device.create(newId(), POINT(1, 2)));
    const push = (input: Record<string, unknown>) =>
      server.api.client.request(
        `mutation ($input: PushChangesInput!) { pushChanges(input: $input) { id } }`,
        {
          input: { layerId: layer.id, deviceId: 'tablet-ok', batchId: newId(), changes: [change], ...input },
        },
      );
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ deviceId: 'server:impostor' }, 'BAD_USER_INPUT', /reserved for server-side writers/],
      [{ changes: [] }, 'LIMIT_EXCEEDED', /push 1 to 1000 changes per batch/],
      [{ batchId: 'batch-1' }, 'BAD_USER_INPUT', /input.batchId: must be a UUID/],
      [{ layerId: 'trees' }, 'BAD_USER_INPUT', /input.layerId: must be a UUID/],
    ];
    for (const [input, code, message] of cases) {
      const result = await push(input);
      expect(result.errors?.[0]?.extensions?.code).toBe(code);
      expect(result.errors?.[0]?.message).toMatch(message);
    }
  });

  it('makes a repeated push, a re-sent change and a redelivered job harmless', async () => {
    const layer = await server.api.createLayer({
      name: 'retries',
      conflictPolicy: 'AUTO_MERGE',
      deleteRule: 'REVIEW',
    });
    const device = fieldDevice('tablet-retry');
    const featureId = newId();
    const changes = [device.create(featureId, POINT(36.8, -1.28), { name: 'oak' })];
    const batchId = newId();
    const first = await server.api.push(layer.id, device.id, batchId, changes);
    expect(first).toMatchObject({ kind: 'sync-batch', subjectId: batchId });
    await expect(server.api.result(batchId)).resolves.toMatchObject({ status: 'MERGED' });
    // The device did not hear back and pushes the same batch again: same job, nothing merged twice.
    const again = await server.api.push(layer.id, device.id, batchId, changes);
    expect(again.id).toBe(first.id);
    // It re-sends the change in a new batch: a duplicate that changes nothing.
    const resent = await server.api.pushAndWait(layer.id, device.id, newId(), changes);
    expect(resent.changes.map((change) => change.outcome)).toEqual(['DUPLICATE']);
    // BullMQ delivers the merge job once more (a stalled worker): the batch is merged already.
    const queue = new Queue('sync-merge', {
      connection: { url: server.world.env.REDIS_URL },
      prefix: server.world.queuePrefix,
    });
    try {
      const job = await queue.add('merge-batch', {
        organisationId: server.organisationId,
        batchId,
        jobRunId: first.id,
      });
      const outcome = await waitForJob(queue, job.id ?? '');
      expect(outcome).toEqual({ skipped: 'batch is merged' });
    } finally {
      await queue.close();
    }
    await expect(server.api.history(featureId)).resolves.toHaveLength(1);
    const [feature] = await server.api.features(layer.id);
    expect(feature.sequence).toBe((await server.api.result(batchId)).changes[0].sequence);
    // The same batch id with other content is a mistake, not a retry.
    const other = await server.api.client.request(
      `mutation ($input: PushChangesInput!) { pushChanges(input: $input) { id } }`,
      {
        input: {
          layerId: layer.id,
          deviceId: device.id,
          batchId,
          changes: [toChangeInput(device.update(featureId, { set: { name: 'pine' } }))],
        },
      },
    );
    expect(other.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it("treats another organisation's layers, batches, features and conflicts as not found", async () => {
    const layer = await server.api.createLayer({
      name: 'private',
      conflictPolicy: 'AUTO_MERGE',
      deleteRule: 'REVIEW',
    });
    const a = fieldDevice('tablet-owner-a');
    const b = fieldDevice('tablet-owner-b');
    const featureId = newId();
    const created = a.create(featureId, POINT(36.8, -1.28), { name: 'oak' });
    const batchId = newId();
    await server.api.pushAndWait(layer.id, a.id, batchId, [created]);
    b.learn(featureId, created.clock);
    await server.api.pushAndWait(layer.id, a.id, newId(), [a.update(featureId, { set: { name: 'pine' } })]);
    await server.api.pushAndWait(layer.id, b.id, newId(), [b.update(featureId, { set: { name: 'fig' } })]);
    const [conflict] = await server.api.conflicts(layer.id);
    expect(conflict).toBeDefined();

    const intruder = new SyncApi(await server.clientWith(SYNC_SCOPES, 'org-intruder'));
    const notFound = async (query: string, variables: Record<string, unknown>): Promise<void> => {
      const result = await intruder.client.request(query, variables);
      expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    };
    await notFound(`query ($id: ID!) { layer(id: $id) { id } }`, { id: layer.id });
    await notFound(`query ($id: ID!) { pullChanges(layerId: $id) { nextCursor } }`, { id: layer.id });
    await notFound(`query ($id: ID!) { features(layerId: $id) { id } }`, { id: layer.id });
    await notFound(`query ($id: ID!) { conflicts(layerId: $id) { id } }`, { id: layer.id });
    await notFound(`query ($id: ID!) { syncResult(batchId: $id) { status } }`, { id: batchId });
    await notFound(`query ($id: ID!) { featureHistory(id: $id) { sequence } }`, { id: featureId });
    await notFound(`mutation ($id: ID!) { resolveConflict(id: $id, resolution: KEEP_SERVER) { id } }`, {
      id: conflict.id,
    });
    await notFound(`mutation ($input: EditFeatureInput!) { editFeature(input: $input) { id } }`, {
      input: { layerId: layer.id, featureId, op: 'UPDATE', set: { name: 'mine now' } },
    });
    // Pushing into it is refused like pushing into a layer that does not exist.
    const intruderDevice = fieldDevice('tablet-intruder');
    const pushed = await intruder.pushAndWait(layer.id, intruderDevice.id, newId(), [
      intruderDevice.update(featureId, { set: { name: 'mine now' } }),
    ]);
    expect(pushed.changes.map((change) => change.reasonCode)).toEqual(['UNKNOWN_LAYER']);
    const feature = await server.api.feature(layer.id, featureId);
    expect(feature?.properties.name).not.toBe('mine now');
    // And the owner's data is unchanged for the owner.
    await expect(server.api.conflicts(layer.id)).resolves.toHaveLength(1);
  });

  it('needs sync:resolve to decide conflicts and sync:write to push', async () => {
    const reader = new GraphqlClient(server.gatewayUrl, await tokenFor(server.organisationId, ['sync:read']));
    const push = await reader.request(
      `mutation ($input: PushChangesInput!) { pushChanges(input: $input) { id } }`,
      { input: { layerId: newId(), deviceId: 'tablet-x', batchId: newId(), changes: [] } },
    );
    expect(push.status).toBe(403);
    const resolve = await reader.request(
      `mutation ($id: ID!) { resolveConflict(id: $id, resolution: KEEP_SERVER) { id } }`,
      { id: newId() },
    );
    expect(resolve.status).toBe(403);
  });
});

async function waitForJob(queue: Queue, id: string): Promise<unknown> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const job = await queue.getJob(id);
    // Read again once completed: the copy fetched before completion has no return value.
    if (job && (await job.isCompleted())) return (await queue.getJob(id))?.returnvalue;
    if (job && (await job.isFailed())) throw new Error(`job ${id} failed: ${job.failedReason}`);
    if (Date.now() > deadline) throw new Error(`job ${id} did not finish`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
