import { applyChange } from './apply-change';
import { Change, ChangeOperation } from './change';
import { FeatureState } from './feature-state';
import { canonicalStateJson, mergeStates } from './feature-merge';
import { FunctionClock, HybridLogicalClock, formatHlc } from './hybrid-logical-clock';
import { JsonValue } from './json-value';
import { DeleteRule, FieldPolicy, MergePolicy } from './merge-policy';
import { resolveConflict } from './resolve-conflict';
import { incrementClock } from './vector-clock';
import { GEOMETRIES, PROPERTY_KEYS, PROPERTY_VALUES } from './testing/edit-history.generator';
import { SeededRandom } from './testing/seeded-random';

const FEATURES = ['3f0d6a52-1c2b-4f7e-8a90-5b6c7d8e9f01', 'a7e4b1c9-0d2f-4a63-b8e5-9c1d2e3f4a56'];
const REPLICAS = ['tablet-a', 'tablet-b', 'phone-c', 'server:one', 'server:two'];
const SERVERS = new Set([3, 4]);
const SEEDS = 400;
const STEPS = 80;

interface Replica {
  id: string;
  clock: HybridLogicalClock;
  states: Map<string, FeatureState>;
}

interface Message {
  to: number;
  change: Change;
}

/**
 * One run, as yjs and automerge test their CRDTs: five replicas (three field devices, two servers)
 * edit two features, deliver each other's changes late, out of order, twice or never, servers
 * gossip whole states and resolve conflicts; then everything is delivered to everyone and every
 * replica must hold the same state, conflicts included, as one that applied all changes in order.
 */
function simulate(seed: number, policy: MergePolicy): { replicas: Replica[]; log: Change[] } {
  const random = new SeededRandom(seed);
  let wallTime = 1_700_000_000_000;
  const replicas: Replica[] = REPLICAS.map((id) => {
    const skew = random.integer(600_000) - 300_000; // milliseconds: device clocks are off by up to 5 minutes
    return {
      id,
      clock: new HybridLogicalClock(id, new FunctionClock(() => wallTime + skew), {
        maxDriftMilliseconds: 3_600_000,
      }),
      states: new Map(),
    };
  });
  const log: Change[] = [];
  const queue: Message[] = [];

  const receive = (replica: Replica, change: Change): void => {
    replica.clock.receive(change.hlc);
    const result = applyChange(replica.states.get(change.featureId), change, policy);
    replica.states.set(change.featureId, result.state);
  };
  const publish = (origin: number, change: Change): void => {
    log.push(change);
    receive(replicas[origin], change);
    REPLICAS.forEach((_, index) => {
      if (index !== origin && random.chance(0.7)) queue.push({ to: index, change });
    });
  };
  const edit = (origin: number, featureId: string): void => {
    const replica = replicas[origin];
    const local = replica.states.get(featureId);
    const clock = incrementClock(local?.versionVector ?? {}, replica.id);
    const hlc = formatHlc(replica.clock.now());
    const base = { featureId, deviceId: replica.id, clock, hlc };
    if (local === undefined) {
      publish(origin, {
        ...base,
        op: ChangeOperation.CREATE,
        layerId: 'trees',
        geometry: random.pick(GEOMETRIES),
        set: { name: 'oak' },
      });
      return;
    }
    if (random.chance(0.08)) {
      publish(origin, { ...base, op: ChangeOperation.DELETE, baseClock: local.versionVector });
      return;
    }
    const change: Change = { ...base, op: ChangeOperation.UPDATE, baseClock: local.versionVector };
    if (random.chance(0.3)) change.geometry = random.chance(0.1) ? null : random.pick(GEOMETRIES);
    const key = random.pick(PROPERTY_KEYS);
    if (random.chance(0.15)) change.unset = [key];
    else change.set = { [key]: random.pick<JsonValue>(PROPERTY_VALUES) };
    publish(origin, change);
  };

  FEATURES.forEach((featureId) => edit(0, featureId));
  for (let step = 0; step < STEPS; step += 1) {
    wallTime += random.integer(120_000) - 20_000; // the shared wall clock also jumps back now and then
    const action = random.next();
    if (action < 0.4) {
      const origin = random.integer(REPLICAS.length);
      edit(origin, random.pick(FEATURES));
    } else if (action < 0.85 && queue.length > 0) {
      const index = random.integer(queue.length);
      const message = queue[index];
      const roll = random.next();
      if (roll < 0.15)
        queue.splice(index, 1); // dropped
      else {
        if (roll >= 0.3) queue.splice(index, 1); // otherwise left in the queue: delivered again later
        receive(replicas[message.to], message.change);
        if (SERVERS.has(message.to)) {
          // A server relays what it receives, so devices that never meet still hear of each other.
          REPLICAS.forEach((_, to) => {
            if (to !== message.to && random.chance(0.3)) queue.push({ to, change: message.change });
          });
        }
      }
    } else if (action < 0.93) {
      // Servers gossip whole states (state-based sync) instead of changes.
      const [from, to] = random.chance(0.5) ? [3, 4] : [4, 3];
      const source = replicas[from];
      const target = replicas[to];
      for (const [featureId, state] of source.states) {
        const existing = target.states.get(featureId);
        target.states.set(featureId, existing === undefined ? state : mergeStates(existing, state, policy));
      }
    } else {
      const serverIndex = random.chance(0.5) ? 3 : 4;
      const server = replicas[serverIndex];
      const state = server.states.get(random.pick(FEATURES));
      const conflict = state?.conflicts[0];
      if (state !== undefined && conflict !== undefined) {
        const candidate = random.pick(conflict.candidates);
        const resolution =
          conflict.field === 'deleted' || !candidate.removed
            ? { value: candidate.value }
            : { removed: true as const };
        const resolver = { deviceId: `server:reviewer-${serverIndex}`, hlc: formatHlc(server.clock.now()) };
        const resolved = resolveConflict(state, conflict.field, resolution, resolver, policy);
        server.states.set(state.id, resolved.state);
        log.push(resolved.change);
        REPLICAS.forEach((_, index) => {
          if (index !== serverIndex && random.chance(0.7)) queue.push({ to: index, change: resolved.change });
        });
      }
    }
  }
  // Full delivery: everyone gets every change, shuffled, some twice.
  for (const replica of replicas) {
    for (const change of random.shuffle([...log, ...log.filter(() => random.chance(0.2))]))
      receive(replica, change);
  }
  return { replicas, log };
}

describe('replica simulation', () => {
  const policies: MergePolicy[] = Object.values(FieldPolicy).flatMap((fields) =>
    Object.values(DeleteRule).map((deletes) => ({ fields, deletes })),
  );

  it(`converges for ${SEEDS} seeds with random delivery order, duplicates, drops, gossip and resolutions`, () => {
    let conflictsSeen = 0;
    let resolutions = 0;
    for (let seed = 1; seed <= SEEDS; seed += 1) {
      const policy = policies[seed % policies.length];
      const { replicas, log } = simulate(seed, policy);
      resolutions += log.filter((change) => change.deviceId.startsWith('server:reviewer')).length;
      for (const featureId of FEATURES) {
        let reference: FeatureState | undefined;
        for (const change of log.filter((entry) => entry.featureId === featureId)) {
          reference = applyChange(reference, change, policy).state;
        }
        if (reference === undefined) throw new Error(`seed ${seed}: feature ${featureId} never created`);
        conflictsSeen += reference.conflicts.length;
        const expected = canonicalStateJson(reference);
        for (const replica of replicas) {
          const state = replica.states.get(featureId);
          if (state === undefined || canonicalStateJson(state) !== expected) {
            throw new Error(
              `seed ${seed} (${policy.fields}/${policy.deletes}): ${replica.id} diverged on ${featureId}`,
            );
          }
        }
      }
    }
    // The runs must have exercised conflicts and resolutions, or convergence proves little.
    expect(conflictsSeen).toBeGreaterThan(SEEDS / 4);
    expect(resolutions).toBeGreaterThan(SEEDS / 4);
  });
});
