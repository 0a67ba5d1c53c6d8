import {
  ApplyOutcome,
  Change,
  ConflictReport,
  FeatureState,
  FieldConflict,
  MergePolicy,
  applyChange,
} from '@map-offline/crdt';
import { ChangeResultRecord, LoggedChange } from '@map-offline/entities';
import { conflictIdOf } from './conflict-identity';

/** A validated change in batch order; a resolution also says which conflict it decides. */
export interface PlannedChange {
  index: number;
  change: Change;
  resolution?: { conflictId: string; record: Record<string, unknown> };
}

export interface MergePlanInput {
  layerId: string;
  batchId: string;
  policy: MergePolicy;
  /** the locked features' states before the batch (undefined = new feature) */
  states: ReadonlyMap<string, FeatureState | undefined>;
  changes: readonly PlannedChange[];
}

export interface ConflictOpening {
  id: string;
  featureId: string;
  conflict: FieldConflict;
  /** how the change that opened it saw it (its own write and the others), when it wrote the field */
  report: ConflictReport | undefined;
  /** batch index of the change that opened it */
  index: number;
}

export interface ConflictClosing {
  id: string;
  featureId: string;
  index: number;
  status: 'RESOLVED' | 'SUPERSEDED';
  resolution: Record<string, unknown> | null;
}

export interface MergePlan {
  /** one per planned change, in order; sequences are added once the log is written */
  results: ChangeResultRecord[];
  /** the changes that altered a feature (duplicates change nothing and are not logged) */
  logged: LoggedChange[];
  /** the final state of every feature the batch altered */
  states: Map<string, FeatureState>;
  /** batch index of the last change that altered each feature */
  lastIndex: Map<string, number>;
  openings: ConflictOpening[];
  closings: ConflictClosing[];
}

/**
 * Applies a batch to the locked states, one change at a time in batch order, and records what each
 * step did: outcome, conflicts opened and closed, log entries. Pure: the same states and changes
 * always give the same plan; the final states depend only on the set of changes (libs/crdt).
 */
export function planMerge(input: MergePlanInput): MergePlan {
  // States this batch has produced so far, in front of the input's (which the caller owns and may
  // share between the batches of a group, so it is never written here).
  const states = new Map<string, FeatureState>();
  const stateOf = (featureId: string): FeatureState | undefined =>
    states.get(featureId) ?? input.states.get(featureId);
  const openConflicts = new Map<string, Map<string, FieldConflict>>();
  const conflictsOf = (featureId: string, state: FeatureState | undefined): Map<string, FieldConflict> => {
    const known = openConflicts.get(featureId);
    if (known !== undefined) return known;
    const computed = identify(input.layerId, featureId, state);
    openConflicts.set(featureId, computed);
    return computed;
  };
  const plan: MergePlan = {
    results: [],
    logged: [],
    states: new Map(),
    lastIndex: new Map(),
    openings: [],
    closings: [],
  };
  for (const planned of input.changes) {
    const { change, index } = planned;
    const featureId = change.featureId;
    const before = stateOf(featureId);
    const beforeConflicts = conflictsOf(featureId, before);
    const applied = applyChange(before, change, input.policy);
    if (applied.outcome === ApplyOutcome.DUPLICATE) {
      plan.results.push({ index, featureId, outcome: 'DUPLICATE' });
      continue;
    }
    states.set(featureId, applied.state);
    plan.states.set(featureId, applied.state);
    plan.lastIndex.set(featureId, index);
    const afterConflicts = identify(input.layerId, featureId, applied.state);
    openConflicts.set(featureId, afterConflicts);
    for (const [id, conflict] of afterConflicts) {
      if (beforeConflicts.has(id)) continue;
      const report = applied.conflicts.find((entry) => entry.field === conflict.field);
      plan.openings.push({ id, featureId, conflict, report, index });
    }
    for (const id of beforeConflicts.keys()) {
      if (afterConflicts.has(id)) continue;
      const decided = planned.resolution?.conflictId === id;
      plan.closings.push({
        id,
        featureId,
        index,
        status: decided ? 'RESOLVED' : 'SUPERSEDED',
        resolution: decided && planned.resolution ? planned.resolution.record : null,
      });
    }
    const conflictIds: string[] = [];
    if (applied.conflicts.length > 0) {
      const idByField = new Map([...afterConflicts].map(([id, conflict]) => [conflict.field, id]));
      for (const entry of applied.conflicts) {
        const id = idByField.get(entry.field);
        if (id !== undefined) conflictIds.push(id);
      }
    }
    const result: ChangeResultRecord = { index, featureId, outcome: applied.outcome };
    if (conflictIds.length > 0) result.conflictIds = conflictIds;
    plan.results.push(result);
    plan.logged.push({
      batchId: input.batchId,
      featureId,
      changeIndex: index,
      change,
      outcome: applied.outcome,
      mergedFields: applied.mergedFields,
      discardedFields: applied.discardedFields,
      conflictIds,
    });
  }
  return plan;
}

/** The open conflicts of a state by their derived ids. */
export function identify(
  layerId: string,
  featureId: string,
  state: FeatureState | undefined,
): Map<string, FieldConflict> {
  const conflicts = state?.conflicts ?? [];
  return new Map(conflicts.map((conflict) => [conflictIdOf(layerId, featureId, conflict), conflict]));
}
