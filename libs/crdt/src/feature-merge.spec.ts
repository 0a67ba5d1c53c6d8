import fc from 'fast-check';
import { ApplyOutcome, applyChange, fieldsWrittenBy } from './apply-change';
import { Change, ChangeOperation } from './change';
import { FeatureState, FieldName } from './feature-state';
import { canonicalStateJson, mergeStates } from './feature-merge';
import { canonicalJson } from './json-value';
import { materializeFeature } from './materialize-feature';
import { DeleteRule, FieldPolicy, MergePolicy } from './merge-policy';
import { dominates } from './vector-clock';
import { historyArbitrary, playHistory, shuffledWithDuplicates } from './testing/edit-history.generator';
import { SeededRandom } from './testing/seeded-random';

const NUM_RUNS = 1_000;
const policyArbitrary: fc.Arbitrary<MergePolicy> = fc.record({
  fields: fc.constantFrom(...Object.values(FieldPolicy)),
  deletes: fc.constantFrom(...Object.values(DeleteRule)),
});
const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

function applyEach(changes: readonly Change[], policy: MergePolicy): FeatureState {
  let state: FeatureState | undefined;
  for (const change of changes) state = applyChange(state, change, policy).state;
  if (state === undefined) throw new Error('no change applied');
  return state;
}

/** A random non-empty subset, applied in a random order. */
function stateOfSubset(changes: readonly Change[], policy: MergePolicy, random: SeededRandom): FeatureState {
  const subset = changes.filter(() => random.chance(0.5));
  return applyEach(random.shuffle(subset.length > 0 ? subset : [changes[0]]), policy);
}

/** The field's value as the register states it, for comparing with an oracle. */
function writesTo(changes: readonly Change[], field: FieldName): Array<{ change: Change; value: string }> {
  return changes
    .filter((change) => fieldsWrittenBy(change).includes(field))
    .map((change) => ({ change, value: valueWritten(change, field) }));
}

function valueWritten(change: Change, field: FieldName): string {
  if (field === 'deleted') return String(change.op === ChangeOperation.DELETE);
  if (field === 'geometry') return canonicalJson(change.geometry ?? null);
  const key = field.slice('properties.'.length);
  return change.unset?.includes(key) ? 'removed' : canonicalJson(change.set?.[key]);
}

describe('feature merge (properties)', () => {
  it('applyChange over the same set of changes, in any order with duplicates, gives one state and one conflict set', () => {
    fc.assert(
      fc.property(historyArbitrary, policyArbitrary, seed, (history, policy, deliverySeed) => {
        const changes = playHistory(history);
        const reference = applyEach(changes, policy);
        const expected = canonicalStateJson(reference);
        for (let round = 0; round < 3; round += 1) {
          const delivered = applyEach(shuffledWithDuplicates(changes, deliverySeed + round), policy);
          expect(canonicalStateJson(delivered)).toBe(expected);
          expect(canonicalJson(delivered.conflicts)).toBe(canonicalJson(reference.conflicts));
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('mergeStates is commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(historyArbitrary, policyArbitrary, seed, (history, policy, subsetSeed) => {
        const changes = playHistory(history);
        const random = new SeededRandom(subsetSeed);
        const [a, b, c] = [0, 1, 2].map(() => stateOfSubset(changes, policy, random)) as [
          FeatureState,
          FeatureState,
          FeatureState,
        ];
        const text = canonicalStateJson;
        expect(text(mergeStates(a, b, policy))).toBe(text(mergeStates(b, a, policy)));
        expect(text(mergeStates(mergeStates(a, b, policy), c, policy))).toBe(
          text(mergeStates(a, mergeStates(b, c, policy), policy)),
        );
        expect(text(mergeStates(a, a, policy))).toBe(text(a));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('merging the states of two sets of changes equals applying their union', () => {
    fc.assert(
      fc.property(historyArbitrary, policyArbitrary, seed, (history, policy, subsetSeed) => {
        const changes = playHistory(history);
        const random = new SeededRandom(subsetSeed);
        const left = changes.filter(() => random.chance(0.6));
        const right = changes.filter((change) => !left.includes(change) || random.chance(0.3));
        if (left.length === 0 || right.length === 0) return;
        const union = changes.filter((change) => left.includes(change) || right.includes(change));
        const merged = mergeStates(applyEach(left, policy), applyEach(right, policy), policy);
        expect(canonicalStateJson(merged)).toBe(canonicalStateJson(applyEach(union, policy)));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('re-applying any applied change is DUPLICATE and returns the same state', () => {
    fc.assert(
      fc.property(historyArbitrary, policyArbitrary, seed, (history, policy, pickSeed) => {
        const changes = playHistory(history);
        const state = applyEach(changes, policy);
        const again = applyChange(state, new SeededRandom(pickSeed).pick(changes), policy);
        expect(again.outcome).toBe(ApplyOutcome.DUPLICATE);
        expect(again.state).toBe(state);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('AUTO_MERGE: a field is in conflict exactly when its concurrent latest writes hold different values', () => {
    // Oracle straight from the change set: the writes no other write of the field has seen.
    const policy = { fields: FieldPolicy.AUTO_MERGE, deletes: DeleteRule.REVIEW };
    fc.assert(
      fc.property(historyArbitrary, seed, (history, deliverySeed) => {
        const changes = playHistory(history);
        const state = applyEach(shuffledWithDuplicates(changes, deliverySeed), policy);
        const fields = new Set(changes.flatMap(fieldsWrittenBy));
        const expectedConflicts = [...fields]
          .filter((field) => {
            const writes = writesTo(changes, field);
            const latest = writes.filter(
              (write) => !writes.some((other) => dominates(other.change.clock, write.change.clock)),
            );
            return new Set(latest.map((write) => write.value)).size > 1;
          })
          .sort();
        expect(state.conflicts.map((conflict) => conflict.field)).toEqual(expectedConflicts);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('LAST_WRITER_WINS: every field holds the latest-HLC write among its concurrent latest writes', () => {
    const policy = { fields: FieldPolicy.LAST_WRITER_WINS, deletes: DeleteRule.DELETE_WINS };
    fc.assert(
      fc.property(historyArbitrary, seed, (history, deliverySeed) => {
        const changes = playHistory(history);
        const feature = materializeFeature(applyEach(shuffledWithDuplicates(changes, deliverySeed), policy));
        for (const field of new Set(changes.flatMap(fieldsWrittenBy))) {
          if (field === 'deleted') continue;
          const writes = writesTo(changes, field);
          const latest = writes.filter(
            (write) => !writes.some((other) => dominates(other.change.clock, write.change.clock)),
          );
          const winner = latest
            .sort((x, y) => (x.change.hlc < y.change.hlc ? -1 : x.change.hlc > y.change.hlc ? 1 : 0))
            .pop();
          const key = field.slice('properties.'.length);
          const actual =
            field === 'geometry'
              ? canonicalJson(feature.geometry)
              : Object.hasOwn(feature.properties, key)
                ? canonicalJson(feature.properties[key])
                : 'removed';
          expect(actual).toBe(winner?.value);
        }
        expect(feature.conflicts).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
