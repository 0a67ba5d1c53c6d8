import { ApplyOutcome, applyChange } from './apply-change';
import { Change, ChangeOperation } from './change';
import { ConflictKind, FeatureState } from './feature-state';
import { canonicalStateJson } from './feature-merge';
import { formatHlc } from './hybrid-logical-clock';
import { materializeFeature } from './materialize-feature';
import { DeleteRule, FieldPolicy, MergePolicy } from './merge-policy';
import { resolveConflict } from './resolve-conflict';
import { VectorClock } from './vector-clock';

const FEATURE = '9d2e4c1a-7b3f-4e58-a6d0-2c8b1f9e0a47';
const autoMerge: MergePolicy = { fields: FieldPolicy.AUTO_MERGE, deletes: DeleteRule.REVIEW };

function hlc(wallTime: number, nodeId: string): string {
  return formatHlc({ wallTime, counter: 0, nodeId });
}

function change(deviceId: string, clock: VectorClock, wallTime: number, rest: Partial<Change> = {}): Change {
  return {
    featureId: FEATURE,
    deviceId,
    op: ChangeOperation.UPDATE,
    clock,
    hlc: hlc(wallTime, deviceId),
    ...rest,
  };
}

const create = change('tablet-a', { 'tablet-a': 1 }, 1_000, {
  op: ChangeOperation.CREATE,
  layerId: 'trees',
  geometry: { type: 'Point', coordinates: [36.8, -1.28] },
  set: { name: 'oak', height: 10 },
});

function created(policy: MergePolicy = autoMerge): FeatureState {
  return applyChange(undefined, create, policy).state;
}

/** Applies changes in order and returns the final state plus the outcome of each step. */
function applyAll(changes: Change[], policy: MergePolicy, start = created(policy)) {
  let state = start;
  const outcomes: ApplyOutcome[] = [];
  for (const next of changes) {
    const result = applyChange(state, next, policy);
    state = result.state;
    outcomes.push(result.outcome);
  }
  return { state, outcomes };
}

// Two tablets that both synced the creation, then edited offline without seeing each other.
const fromA = (set: Change['set'], wallTime = 2_000, extra: Partial<Change> = {}) =>
  change('tablet-a', { 'tablet-a': 2 }, wallTime, { set, baseClock: { 'tablet-a': 1 }, ...extra });
const fromB = (set: Change['set'], wallTime = 3_000, extra: Partial<Change> = {}) =>
  change('tablet-b', { 'tablet-a': 1, 'tablet-b': 1 }, wallTime, {
    set,
    baseClock: { 'tablet-a': 1 },
    ...extra,
  });

describe('applyChange', () => {
  it('creates a feature from its first change', () => {
    const result = applyChange(undefined, create, autoMerge);
    expect(result.outcome).toBe(ApplyOutcome.APPLIED);
    expect(materializeFeature(result.state)).toEqual({
      id: FEATURE,
      layerId: 'trees',
      deleted: false,
      geometry: { type: 'Point', coordinates: [36.8, -1.28] },
      properties: { name: 'oak', height: 10 },
      versionVector: { 'tablet-a': 1 },
      conflicts: [],
    });
  });

  it('applies a causally later change of the same field without a conflict', () => {
    const later = change('tablet-b', { 'tablet-a': 1, 'tablet-b': 1 }, 500, { set: { name: 'pine' } });
    const result = applyChange(created(), later, autoMerge);
    // HLC 500 is earlier than the creation's 1000, yet causality decides: the later edit wins.
    expect(result.outcome).toBe(ApplyOutcome.APPLIED);
    expect(result.mergedFields).toEqual(['deleted', 'properties.name']);
    expect(materializeFeature(result.state).properties).toEqual({ name: 'pine', height: 10 });
  });

  it('marks a change already applied as DUPLICATE and changes nothing', () => {
    const first = applyChange(created(), fromA({ name: 'pine' }), autoMerge);
    const again = applyChange(first.state, fromA({ name: 'pine' }), autoMerge);
    expect(again.outcome).toBe(ApplyOutcome.DUPLICATE);
    expect(again.state).toBe(first.state);
    expect(applyChange(again.state, create, autoMerge).outcome).toBe(ApplyOutcome.DUPLICATE);
  });

  it('does not treat a change as a duplicate because another change named it in its clock', () => {
    // tablet-b saw tablet-a's second change and edited; that edit reaches the server first.
    const aSecond = fromA({ height: 11 });
    const bAfter = change('tablet-b', { 'tablet-a': 2, 'tablet-b': 1 }, 4_000, { set: { name: 'pine' } });
    const { state } = applyAll([bAfter, aSecond], autoMerge);
    expect(materializeFeature(state).properties).toEqual({ name: 'pine', height: 11 });
  });

  it('merges concurrent edits of different properties', () => {
    const { state, outcomes } = applyAll([fromA({ name: 'pine' }), fromB({ height: 12 })], autoMerge);
    expect(outcomes).toEqual([ApplyOutcome.APPLIED, ApplyOutcome.MERGED]);
    expect(materializeFeature(state).properties).toEqual({ name: 'pine', height: 12 });
    expect(state.conflicts).toEqual([]);
  });

  it('merges a concurrent geometry edit with a property edit', () => {
    const moved = fromA(undefined, 2_000, { geometry: { type: 'Point', coordinates: [36.9, -1.3] } });
    const { state } = applyAll([moved, fromB({ name: 'pine' })], autoMerge);
    expect(materializeFeature(state)).toMatchObject({
      geometry: { type: 'Point', coordinates: [36.9, -1.3] },
      properties: { name: 'pine', height: 10 },
      conflicts: [],
    });
  });

  it('never reports identical concurrent edits as a conflict, under any policy', () => {
    for (const fields of Object.values(FieldPolicy)) {
      const policy = { fields, deletes: DeleteRule.REVIEW };
      const { state, outcomes } = applyAll(
        [fromA({ name: 'pine' }), fromB({ name: 'pine' })],
        policy,
        created(policy),
      );
      expect(outcomes).toEqual([ApplyOutcome.APPLIED, ApplyOutcome.MERGED]);
      expect(state.conflicts).toEqual([]);
      expect(materializeFeature(state).properties.name).toBe('pine');
      // Both writes stay as candidates so a third concurrent write is still compared with both.
      expect(state.properties.name?.candidates).toHaveLength(2);
    }
  });

  it('treats identical concurrent geometries as identical whatever their key order', () => {
    const geometryA = { type: 'Point' as const, coordinates: [1, 2] };
    const geometryB = JSON.parse('{"coordinates":[1,2],"type":"Point"}') as typeof geometryA;
    const { state } = applyAll(
      [fromA(undefined, 2_000, { geometry: geometryA }), fromB(undefined, 3_000, { geometry: geometryB })],
      autoMerge,
    );
    expect(state.conflicts).toEqual([]);
  });

  describe('concurrent writes of different values to one field', () => {
    const edits = [fromA({ name: 'pine' }, 2_000), fromB({ name: 'cedar' }, 3_000)];

    it('AUTO_MERGE opens a conflict holding both candidates and shows the latest provisionally', () => {
      const first = applyChange(created(), edits[0], autoMerge);
      const second = applyChange(first.state, edits[1], autoMerge);
      expect(second.outcome).toBe(ApplyOutcome.CONFLICT);
      expect(second.conflicts).toHaveLength(1);
      expect(second.conflicts[0]).toMatchObject({
        field: 'properties.name',
        kind: ConflictKind.CONCURRENT_WRITES,
        baseClock: { 'tablet-a': 1 },
        server: [{ value: 'pine', deviceId: 'tablet-a' }],
        device: { value: 'cedar', deviceId: 'tablet-b' },
      });
      expect(
        second.state.conflicts.map((conflict) => conflict.candidates.map((write) => write.value)),
      ).toEqual([['pine', 'cedar']]);
      expect(materializeFeature(second.state).properties.name).toBe('cedar');
    });

    it('LAST_WRITER_WINS keeps the greatest HLC, whatever arrives last', () => {
      const policy = { fields: FieldPolicy.LAST_WRITER_WINS, deletes: DeleteRule.REVIEW };
      const forwards = applyAll(edits, policy, created(policy)).state;
      const backwards = applyAll([...edits].reverse(), policy, created(policy)).state;
      expect(materializeFeature(forwards).properties.name).toBe('cedar');
      expect(canonicalStateJson(backwards)).toBe(canonicalStateJson(forwards));
      expect(forwards.conflicts).toEqual([]);
    });

    it('LAST_WRITER_WINS breaks an HLC wall-time tie by counter, then node id', () => {
      const policy = { fields: FieldPolicy.LAST_WRITER_WINS, deletes: DeleteRule.REVIEW };
      const { state } = applyAll(
        [fromA({ name: 'pine' }, 2_000), fromB({ name: 'cedar' }, 2_000)],
        policy,
        created(policy),
      );
      expect(materializeFeature(state).properties.name).toBe('cedar');
    });

    it('SERVER_WINS keeps the office edit over a later field edit', () => {
      const policy = { fields: FieldPolicy.SERVER_WINS, deletes: DeleteRule.REVIEW };
      const office = change('server:office', { 'tablet-a': 1, 'server:office': 1 }, 2_000, {
        set: { name: 'office-oak' },
      });
      const { state } = applyAll([fromB({ name: 'cedar' }, 9_000), office], policy, created(policy));
      expect(materializeFeature(state).properties.name).toBe('office-oak');
      expect(state.conflicts).toEqual([]);
    });

    it('SERVER_WINS between two field devices keeps the earliest edit', () => {
      const policy = { fields: FieldPolicy.SERVER_WINS, deletes: DeleteRule.REVIEW };
      const { state } = applyAll([...edits].reverse(), policy, created(policy));
      expect(materializeFeature(state).properties.name).toBe('pine');
    });

    it('CLIENT_WINS keeps the field edit over an office edit', () => {
      const policy = { fields: FieldPolicy.CLIENT_WINS, deletes: DeleteRule.REVIEW };
      const office = change('server:office', { 'tablet-a': 1, 'server:office': 1 }, 9_000, {
        set: { name: 'office-oak' },
      });
      const { state } = applyAll([office, fromB({ name: 'cedar' }, 3_000)], policy, created(policy));
      expect(materializeFeature(state).properties.name).toBe('cedar');
    });

    it('MANUAL opens the same conflict as AUTO_MERGE', () => {
      const policy = { fields: FieldPolicy.MANUAL, deletes: DeleteRule.DELETE_WINS };
      const { state } = applyAll(edits, policy, created(policy));
      expect(state.conflicts.map((conflict) => [conflict.field, conflict.kind])).toEqual([
        ['properties.name', ConflictKind.CONCURRENT_WRITES],
      ]);
    });
  });

  it('MANUAL holds concurrent edits of different fields for review', () => {
    const policy = { fields: FieldPolicy.MANUAL, deletes: DeleteRule.REVIEW };
    const { state, outcomes } = applyAll(
      [fromA({ name: 'pine' }), fromB({ height: 12 })],
      policy,
      created(policy),
    );
    expect(outcomes).toEqual([ApplyOutcome.APPLIED, ApplyOutcome.CONFLICT]);
    expect(state.conflicts.map((conflict) => [conflict.field, conflict.kind])).toEqual([
      ['properties.height', ConflictKind.CONCURRENT_CHANGE],
      ['properties.name', ConflictKind.CONCURRENT_CHANGE],
    ]);
    // Both values are shown meanwhile; nothing is lost.
    expect(materializeFeature(state).properties).toEqual({ name: 'pine', height: 12 });
  });

  describe('delete against a concurrent update', () => {
    const deletion = change('tablet-a', { 'tablet-a': 2 }, 2_000, { op: ChangeOperation.DELETE });
    const update = fromB({ height: 12 }, 3_000);

    it('DELETE_WINS deletes the feature and keeps the update in its registers', () => {
      const policy = { fields: FieldPolicy.AUTO_MERGE, deletes: DeleteRule.DELETE_WINS };
      const { state } = applyAll([update, deletion], policy, created(policy));
      expect(materializeFeature(state)).toMatchObject({
        deleted: true,
        properties: { height: 12 },
        conflicts: [],
      });
    });

    it('UPDATE_WINS restores the feature', () => {
      const policy = { fields: FieldPolicy.AUTO_MERGE, deletes: DeleteRule.UPDATE_WINS };
      const { state } = applyAll([deletion, update], policy, created(policy));
      expect(materializeFeature(state)).toMatchObject({ deleted: false, conflicts: [] });
    });

    it('REVIEW opens a DELETE_UPDATE conflict and keeps the feature visible', () => {
      const { state, outcomes } = applyAll([deletion, update], autoMerge);
      expect(outcomes).toEqual([ApplyOutcome.APPLIED, ApplyOutcome.CONFLICT]);
      expect(materializeFeature(state).deleted).toBe(false);
      expect(state.conflicts.map((conflict) => [conflict.field, conflict.kind])).toEqual([
        ['deleted', ConflictKind.DELETE_UPDATE],
      ]);
    });

    it('MANUAL reviews the delete even when the rule says DELETE_WINS', () => {
      const policy = { fields: FieldPolicy.MANUAL, deletes: DeleteRule.DELETE_WINS };
      const { state } = applyAll([deletion, update], policy, created(policy));
      expect(state.conflicts.map((conflict) => conflict.field)).toContain('deleted');
    });

    it('a delete made after seeing the update simply deletes', () => {
      const laterDelete = change('tablet-a', { 'tablet-a': 2, 'tablet-b': 1 }, 4_000, {
        op: ChangeOperation.DELETE,
      });
      const { state, outcomes } = applyAll([update, laterDelete], autoMerge);
      expect(outcomes).toEqual([ApplyOutcome.APPLIED, ApplyOutcome.APPLIED]);
      expect(materializeFeature(state)).toMatchObject({ deleted: true, conflicts: [] });
    });
  });

  it('an UPDATE that arrives before its CREATE still converges to the same feature', () => {
    const update = change('tablet-b', { 'tablet-a': 1, 'tablet-b': 1 }, 2_000, { set: { height: 12 } });
    const early = applyAll(
      [update, create],
      autoMerge,
      applyChange(undefined, update, autoMerge).state,
    ).state;
    const inOrder = applyAll([update], autoMerge).state;
    expect(canonicalStateJson(early)).toBe(canonicalStateJson(inOrder));
  });

  it('unsetting a property removes it and a concurrent set of it is a conflict', () => {
    const removal = fromA(undefined, 2_000, { unset: ['height'] });
    const alone = applyAll([removal], autoMerge).state;
    expect(materializeFeature(alone).properties).toEqual({ name: 'oak' });
    const { state } = applyAll([removal, fromB({ height: 15 })], autoMerge);
    expect(state.conflicts.map((conflict) => conflict.field)).toEqual(['properties.height']);
  });

  it('rejects a change for another feature', () => {
    const other = { ...fromA({ name: 'x' }), featureId: '00000000-0000-4000-8000-000000000000' };
    expect(() => applyChange(created(), other, autoMerge)).toThrow(/featureId/);
  });
});

describe('resolveConflict', () => {
  const resolver = { deviceId: 'server:user-7', hlc: hlc(10_000, 'server:user-7') };

  it('writes the chosen value with a clock that dominates every candidate and closes the conflict', () => {
    const { state } = applyAll([fromA({ name: 'pine' }), fromB({ name: 'cedar' })], autoMerge);
    const resolved = resolveConflict(state, 'properties.name', { value: 'pine' }, resolver, autoMerge);
    expect(resolved.state.conflicts).toEqual([]);
    expect(materializeFeature(resolved.state).properties.name).toBe('pine');
    expect(resolved.change.clock).toEqual({ 'server:user-7': 1, 'tablet-a': 2, 'tablet-b': 1 });
    expect(resolved.outcome).toBe(ApplyOutcome.APPLIED);
  });

  it('is an ordinary change: another server applying the same changes and the resolution converges', () => {
    const edits = [fromA({ name: 'pine' }), fromB({ name: 'cedar' })];
    const first = applyAll(edits, autoMerge).state;
    const { change: resolution, state: resolved } = resolveConflict(
      first,
      'properties.name',
      { removed: true },
      resolver,
      autoMerge,
    );
    const other = applyAll([resolution, edits[1], edits[0]], autoMerge).state;
    expect(canonicalStateJson(other)).toBe(canonicalStateJson(resolved));
    expect(materializeFeature(other).properties).toEqual({ height: 10 });
  });

  it('resolves a delete-update conflict by keeping or deleting the feature', () => {
    const deletion = change('tablet-a', { 'tablet-a': 2 }, 2_000, { op: ChangeOperation.DELETE });
    const { state } = applyAll([deletion, fromB({ height: 12 })], autoMerge);
    const kept = resolveConflict(state, 'deleted', { value: false }, resolver, autoMerge).state;
    expect(materializeFeature(kept)).toMatchObject({ deleted: false, conflicts: [] });
    const gone = resolveConflict(state, 'deleted', { value: true }, resolver, autoMerge).state;
    expect(materializeFeature(gone)).toMatchObject({ deleted: true, conflicts: [] });
  });

  it('closes every MANUAL review of the feature at once', () => {
    const policy = { fields: FieldPolicy.MANUAL, deletes: DeleteRule.REVIEW };
    const { state } = applyAll([fromA({ name: 'pine' }), fromB({ height: 12 })], policy, created(policy));
    const resolved = resolveConflict(state, 'properties.name', { value: 'pine' }, resolver, policy);
    expect(resolved.state.conflicts).toEqual([]);
  });

  it('refuses a field without an open conflict and an invalid resolved value', () => {
    expect(() => resolveConflict(created(), 'properties.name', { value: 'x' }, resolver, autoMerge)).toThrow(
      /CONFLICT_NOT_FOUND/,
    );
    const { state } = applyAll(
      [
        fromA(undefined, 2_000, { geometry: null }),
        fromB(undefined, 3_000, { geometry: { type: 'Point', coordinates: [1, 1] } }),
      ],
      autoMerge,
    );
    expect(() =>
      resolveConflict(
        state,
        'geometry',
        { value: { type: 'Point', coordinates: [500, 1] } },
        resolver,
        autoMerge,
      ),
    ).toThrow(/COORDINATE_OUT_OF_RANGE/);
  });
});
