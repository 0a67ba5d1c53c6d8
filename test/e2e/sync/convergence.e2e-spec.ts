import {
  Change,
  DeleteRule,
  FeatureState,
  FieldDevice,
  FieldPolicy,
  FunctionClock,
  SeededRandom,
  applyChange,
  canonicalJson,
  validateChange,
} from '@map-offline/crdt';
import { ConflictView, FeatureView, SyncApi } from './support/sync-api';
import { newId, startSyncWorld, SyncWorld } from './support/sync-world';

jest.setTimeout(300_000);

const SEED = 20_261_122;
const DEVICES = ['tablet-a', 'tablet-b', 'phone-c', 'phone-d'];
const FEATURES = 12;
const EDITS = 240;

interface Batch {
  id: string;
  deviceId: string;
  changes: Change[];
}

interface Workload {
  batches: Batch[];
  /** the states a replica that applied every valid change has, by feature id */
  expected: Map<string, FeatureState>;
}

/**
 * Several devices edit a dozen features offline for a while (creating, editing, deleting, sometimes
 * syncing with each other first); their batches reach two independent servers (two databases, each
 * with its gateway and sync-merger) shuffled differently, some pushed twice with the same batch id,
 * some changes re-sent in new batches. Both servers must end with identical features, clocks and open
 * conflicts, equal to a replica that applied every change once, in order (libs/crdt).
 */
describe.each([
  ['AUTO_MERGE', 'REVIEW'],
  ['MANUAL', 'DELETE_WINS'],
])('two servers converge (%s, %s)', (conflictPolicy, deleteRule) => {
  let servers: SyncWorld[];

  beforeAll(async () => {
    servers = [await startSyncWorld(), await startSyncWorld()];
  });

  afterAll(async () => {
    for (const server of servers ?? []) await server.close();
  });

  it('ends with identical features, clocks and conflicts whatever the order and repetition of deliveries', async () => {
    const policy = { fields: conflictPolicy as FieldPolicy, deletes: deleteRule as DeleteRule };
    const workload = generateWorkload(SEED, policy);
    const layers = await Promise.all(
      servers.map((server) => server.api.createLayer({ name: 'converging', conflictPolicy, deleteRule })),
    );
    const outcomes = await Promise.all(
      servers.map((server, index) =>
        deliver(server.api, layers[index].id, workload.batches, new SeededRandom(SEED + 1 + index)),
      ),
    );
    for (const counts of outcomes) {
      // Re-sent changes are duplicates; the open ring is refused with its reason, never silently.
      expect(counts.get('DUPLICATE')).toBeGreaterThan(0);
      expect(counts.get('REJECTED RING_NOT_CLOSED')).toBeGreaterThan(0);
      expect([...counts.keys()].filter((key) => key.startsWith('REJECTED'))).toEqual([
        'REJECTED RING_NOT_CLOSED',
      ]);
    }

    const views = await Promise.all(
      servers.map(async (server, index) => ({
        features: (await server.api.pullAll(layers[index].id)).features,
        conflicts: await server.api.conflicts(layers[index].id),
      })),
    );
    const [first, second] = views.map(({ features, conflicts }) => ({
      features: comparableFeatures(features),
      conflicts: comparableConflicts(conflicts),
    }));
    expect(first.features.length).toBe(FEATURES);
    expect(second.features).toEqual(first.features);
    expect(second.conflicts).toEqual(first.conflicts);
    // Both equal a replica that applied every valid change once, in the order they were made.
    const expected = [...workload.expected.values()]
      .map((state) => ({ id: state.id, state: canonicalJson(state) }))
      .sort((left, right) => left.id.localeCompare(right.id));
    expect(first.features.map(({ id, state }) => ({ id, state }))).toEqual(expected);
    // The workload is busy enough to exercise conflicts and tombstones.
    expect(first.conflicts.length).toBeGreaterThan(0);
    expect(first.features.some((feature) => feature.deleted)).toBe(true);
  });
});

/**
 * Pushes every batch, shuffled; a quarter of them a second time with the same batch id (a device
 * retry), and a fifth of the changes again in a new batch (a device that lost track of what it sent).
 * Four pushes in flight, so merges run side by side.
 */
async function deliver(
  api: SyncApi,
  layerId: string,
  batches: Batch[],
  random: SeededRandom,
): Promise<Map<string, number>> {
  const resent: Batch[] = batches
    .filter(() => random.chance(0.2))
    .map((batch) => ({ ...batch, id: newId() }));
  const deliveries = random.shuffle([...batches, ...batches.filter(() => random.chance(0.25)), ...resent]);
  let next = 0;
  const pushed = new Set<string>();
  const worker = async (): Promise<void> => {
    while (next < deliveries.length) {
      const batch = deliveries[next];
      next += 1;
      await api.push(layerId, batch.deviceId, batch.id, batch.changes);
      pushed.add(batch.id);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const outcomes = new Map<string, number>();
  for (const batchId of pushed) {
    const result = await api.result(batchId, 30);
    expect(result.status).toBe('MERGED');
    for (const change of result.changes) {
      const key = change.outcome === 'REJECTED' ? `REJECTED ${change.reasonCode ?? ''}` : change.outcome;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
  }
  return outcomes;
}

function generateWorkload(seed: number, policy: { fields: FieldPolicy; deletes: DeleteRule }): Workload {
  const random = new SeededRandom(seed);
  // An hour ago, so every timestamp passes the server's drift check.
  let wallTime = Date.now() - 3_600_000;
  const clock = new FunctionClock(() => wallTime);
  const devices = DEVICES.map((id) => new FieldDevice(id, clock));
  const featureIds = Array.from({ length: FEATURES }, () => newId());
  const expected = new Map<string, FeatureState>();
  const perDevice = new Map<string, Change[]>(DEVICES.map((id) => [id, []]));
  const made = (device: FieldDevice, change: Change): void => {
    perDevice.get(device.id)?.push(change);
    if (validateChange(change).ok) {
      expected.set(change.featureId, applyChange(expected.get(change.featureId), change, policy).state);
    }
  };
  featureIds.forEach((featureId, index) => {
    const device = devices[index % devices.length];
    wallTime += 7;
    made(device, device.create(featureId, point(random), { name: pick(random, NAMES) }));
  });
  for (let edit = 0; edit < EDITS; edit += 1) {
    wallTime += random.integer(50) - 10;
    const device = pick(random, devices);
    const featureId = pick(random, featureIds);
    const known = expected.get(featureId);
    // Now and then a device syncs the feature first; otherwise it edits what it last saw, offline.
    if (known !== undefined && random.chance(0.3)) device.learn(featureId, known.versionVector);
    const roll = random.next();
    let change: Change;
    if (roll < 0.06) change = device.delete(featureId);
    else if (roll < 0.09) {
      // Invalid: a ring that is not closed. Rejected with its reason on both servers, never applied.
      change = device.update(featureId, { geometry: OPEN_RING });
    } else if (roll < 0.3) change = device.update(featureId, { geometry: point(random) });
    else if (roll < 0.4) change = device.update(featureId, { unset: [pick(random, KEYS)] });
    else change = device.update(featureId, { set: { [pick(random, KEYS)]: pick(random, VALUES) } });
    made(device, change);
  }
  // Two features end deleted by a device that saw everything of them: tombstones to converge on.
  for (const featureId of featureIds.slice(0, 2)) {
    const device = pick(random, devices);
    const known = expected.get(featureId);
    if (known !== undefined) device.learn(featureId, known.versionVector);
    wallTime += 5;
    made(device, device.delete(featureId));
  }
  const batches: Batch[] = [];
  for (const [deviceId, changes] of perDevice) {
    for (let offset = 0; offset < changes.length;) {
      const size = 1 + random.integer(8);
      batches.push({ id: newId(), deviceId, changes: changes.slice(offset, offset + size) });
      offset += size;
    }
  }
  return { batches, expected };
}

interface ComparableFeature {
  id: string;
  state: string;
  deleted: boolean;
  geometry: string;
  properties: string;
  versionVector: string;
}

function comparableFeatures(features: FeatureView[]): ComparableFeature[] {
  return features
    .map((feature) => ({
      id: feature.id,
      state: canonicalJson(feature.state),
      deleted: feature.deleted,
      geometry: canonicalJson(feature.geometry),
      properties: canonicalJson(feature.properties),
      versionVector: canonicalJson(feature.versionVector),
    }))
    .sort((left, right) => left.id.localeCompare(right.id));
}

/** Conflicts without their ids (an id includes the server's layer id) and server/device split. */
function comparableConflicts(conflicts: ConflictView[]): string[] {
  return conflicts
    .map((conflict) =>
      canonicalJson({
        featureId: conflict.featureId,
        field: conflict.field,
        kind: conflict.kind,
        status: conflict.status,
        candidates: conflict.candidates,
      }),
    )
    .sort();
}

const NAMES = ['oak', 'pine', 'cedar', 'fig'];
const KEYS = ['name', 'height', 'status'];
const VALUES = ['oak', 'pine', 12, 14, null, { surveyed: true }, 'dead'];
const OPEN_RING = {
  type: 'Polygon' as const,
  coordinates: [
    [
      [36.8, -1.3],
      [36.9, -1.3],
      [36.9, -1.2],
      [36.81, -1.31],
    ],
  ],
};

function point(random: SeededRandom): { type: 'Point'; coordinates: number[] } {
  return {
    type: 'Point',
    coordinates: [36.7 + random.integer(1000) / 10_000, -1.3 + random.integer(1000) / 10_000],
  };
}

function pick<T>(random: SeededRandom, items: readonly T[]): T {
  return items[random.integer(items.length)];
}
