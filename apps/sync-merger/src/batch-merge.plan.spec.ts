import { DeleteRule, FieldDevice, FieldPolicy, FunctionClock } from '@map-offline/crdt';
import { identify, planMerge } from './batch-merge.plan';

const featureId = '3f0d6a52-1c2b-4f7e-8a90-5b6c7d8e9f01';
const policy = { fields: FieldPolicy.AUTO_MERGE, deletes: DeleteRule.REVIEW };

function devices() {
  let now = 1_700_000_000_000;
  const clock = new FunctionClock(() => (now += 10));
  return { a: new FieldDevice('tablet-a', clock), b: new FieldDevice('tablet-b', clock) };
}

describe('planMerge', () => {
  it('applies a batch in order, logs what changed and reports duplicates without logging them', () => {
    const { a } = devices();
    const created = a.create(featureId, null, { name: 'oak' });
    const updated = a.update(featureId, { set: { name: 'pine' } });
    const plan = planMerge({
      layerId: 'layer-1',
      batchId: 'batch-1',
      policy,
      states: new Map([[featureId, undefined]]),
      changes: [
        { index: 0, change: created },
        { index: 1, change: updated },
        { index: 2, change: created },
      ],
    });
    expect(plan.results.map((result) => result.outcome)).toEqual(['APPLIED', 'APPLIED', 'DUPLICATE']);
    expect(plan.logged.map((entry) => [entry.batchId, entry.changeIndex, entry.outcome])).toEqual([
      ['batch-1', 0, 'APPLIED'],
      ['batch-1', 1, 'APPLIED'],
    ]);
    expect(plan.lastIndex.get(featureId)).toBe(1);
    expect(plan.states.get(featureId)?.properties.name?.value).toBe('pine');
  });

  it('records the conflicts each change opens and closes, with ids in the results', () => {
    const { a, b } = devices();
    const created = a.create(featureId, null, { name: 'oak' });
    b.learn(featureId, created.clock);
    const pine = a.update(featureId, { set: { name: 'pine' } });
    const fig = b.update(featureId, { set: { name: 'fig' } });
    b.learn(featureId, pine.clock);
    const settled = b.update(featureId, { set: { name: 'elm' } });
    const plan = planMerge({
      layerId: 'layer-1',
      batchId: 'batch-1',
      policy,
      states: new Map(),
      changes: [created, pine, fig, settled].map((change, index) => ({ index, change })),
    });
    expect(plan.results.map((result) => result.outcome)).toEqual([
      'APPLIED',
      'APPLIED',
      'CONFLICT',
      'APPLIED',
    ]);
    expect(plan.openings).toHaveLength(1);
    const [opening] = plan.openings;
    expect(opening).toMatchObject({ featureId, index: 2, conflict: { field: 'properties.name' } });
    expect(opening.report?.device?.value).toBe('fig');
    expect(plan.results[2].conflictIds).toEqual([opening.id]);
    // A device that saw both versions wrote the field again: the conflict is superseded by its change.
    expect(plan.closings).toEqual([
      { id: opening.id, featureId, index: 3, status: 'SUPERSEDED', resolution: null },
    ]);
    expect(identify('layer-1', featureId, plan.states.get(featureId)).size).toBe(0);
  });
});
