import {
  applyChange,
  ConflictKind,
  covers,
  DeleteRule,
  FeatureState,
  FieldDevice,
  FieldPolicy,
  FunctionClock,
} from '@map-offline/crdt';
import { identify } from './batch-merge.plan';
import { RejectionCode } from './change-admission';
import { resolutionChange, serverTimestamp } from './resolution-change';
import { serverEditChange, ServerEditRejection } from './server-edit-change';

const featureId = '3f0d6a52-1c2b-4f7e-8a90-5b6c7d8e9f01';
const policy = { fields: FieldPolicy.AUTO_MERGE, deletes: DeleteRule.REVIEW };
// The server's wall clock is behind the devices' on purpose: the decision must still sort after them.
const serverClock = new FunctionClock(() => 1_600_000_000_000);

function conflicted(): FeatureState {
  let now = 1_700_000_000_000;
  const clock = new FunctionClock(() => (now += 10));
  const a = new FieldDevice('tablet-a', clock);
  const b = new FieldDevice('tablet-b', clock);
  const created = a.create(featureId, null, { name: 'oak' });
  b.learn(featureId, created.clock);
  let state = applyChange(undefined, created, policy).state;
  state = applyChange(state, a.update(featureId, { set: { name: 'pine' } }), policy).state;
  return applyChange(state, b.update(featureId, { set: { name: 'fig' } }), policy).state;
}

describe('resolutionChange', () => {
  it('decides an open conflict with a change that dominates the feature and sorts after every write', () => {
    const state = conflicted();
    const [conflictId, conflict] = [...identify('layer-1', featureId, state)][0];
    expect(conflict.kind).toBe(ConflictKind.CONCURRENT_WRITES);
    const outcome = resolutionChange(
      'layer-1',
      state,
      {
        conflictId,
        featureId,
        field: conflict.field,
        resolution: 'MERGED',
        value: 'elm',
        resolverId: 'server:ann',
      },
      policy,
      serverClock,
    );
    if (!outcome.ok) throw new Error(outcome.reason);
    expect(covers(outcome.change.clock, state.versionVector)).toBe(true);
    expect(outcome.change.clock['server:ann']).toBe(1);
    expect(outcome.change.hlc > (conflict.candidates[1]?.hlc ?? '')).toBe(true);
    expect(outcome.record).toEqual({ resolution: 'MERGED', by: 'server:ann', value: 'elm' });
    const resolved = applyChange(state, outcome.change, policy).state;
    expect(resolved.conflicts).toEqual([]);
    expect(resolved.properties.name?.value).toBe('elm');
  });

  it('refuses a decision on a conflict that is not open as it was reviewed', () => {
    const outcome = resolutionChange(
      'layer-1',
      conflicted(),
      {
        conflictId: '00000000-0000-8000-8000-000000000000',
        featureId,
        field: 'properties.name',
        resolution: 'KEEP_SERVER',
        value: 'pine',
        resolverId: 'server:ann',
      },
      policy,
      serverClock,
    );
    expect(outcome).toMatchObject({ ok: false, code: RejectionCode.CONFLICT_NOT_OPEN });
  });
});

describe('serverEditChange', () => {
  it('gives an office edit a clock that dominates the feature, and checks it like device input', () => {
    const state = conflicted();
    const outcome = serverEditChange(
      state,
      { featureId, editorId: 'server:office', op: 'UPDATE', set: { height: 4 } },
      null,
      serverClock,
    );
    if (!outcome.ok) throw new Error(outcome.reason);
    expect(covers(outcome.change.clock, state.versionVector)).toBe(true);
    expect(outcome.change.baseClock).toEqual(state.versionVector);
    expect(outcome.change.hlc).toBe(serverTimestamp(state, 'server:office', serverClock));
    const invalid = serverEditChange(
      state,
      {
        featureId,
        editorId: 'server:office',
        op: 'UPDATE',
        geometry: { type: 'Point', coordinates: [500, 0] },
      },
      null,
      serverClock,
    );
    expect(invalid).toMatchObject({ ok: false, code: 'COORDINATE_OUT_OF_RANGE' });
  });

  it('creates only new features and edits only existing ones', () => {
    expect(
      serverEditChange(
        conflicted(),
        { featureId, editorId: 'server:office', op: 'CREATE' },
        null,
        serverClock,
      ),
    ).toMatchObject({ ok: false, code: ServerEditRejection.FEATURE_EXISTS });
    expect(
      serverEditChange(undefined, { featureId, editorId: 'server:office', op: 'DELETE' }, null, serverClock),
    ).toMatchObject({ ok: false, code: ServerEditRejection.FEATURE_NOT_FOUND });
    const created = serverEditChange(
      undefined,
      { featureId, editorId: 'server:office', op: 'CREATE', set: { name: 'oak' } },
      { properties: { name: { type: 'string' } }, required: ['name'] },
      serverClock,
    );
    expect(created).toMatchObject({ ok: true, change: { clock: { 'server:office': 1 } } });
  });
});
