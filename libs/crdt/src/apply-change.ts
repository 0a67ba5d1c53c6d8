import { hasApplied } from './applied-changes';
import { Change, ChangeOperation, dotOf } from './change';
import { CrdtErrorCode, CrdtValidationError } from './crdt-error';
import {
  ConflictKind,
  DELETED_FIELD,
  FeatureState,
  FieldConflict,
  FieldName,
  FieldRegister,
  FieldWrite,
  GEOMETRY_FIELD,
  PROPERTY_FIELD_PREFIX,
  propertyField,
} from './feature-state';
import { sameWrite, valueKeyOf, writesOf } from './field-register';
import { canonicalStateJson, mergeStates, stateFromChange } from './feature-merge';
import { MergePolicy } from './merge-policy';
import { VectorClock, canonicalClockJson, covers, dominates } from './vector-clock';

export enum ApplyOutcome {
  /** Causally after everything applied before (or the first change): simply applied. */
  APPLIED = 'APPLIED',
  /** Concurrent with earlier changes, merged without an open conflict on its fields. */
  MERGED = 'MERGED',
  /** Concurrent, and at least one field is now in an open conflict that involves this change. */
  CONFLICT = 'CONFLICT',
  /** Already applied: the state is returned unchanged. */
  DUPLICATE = 'DUPLICATE',
}

/** One conflict as the device that pushed the change sees it. */
export interface ConflictReport {
  field: FieldName;
  kind: ConflictKind;
  /** the device's `baseClock`, so the merger can read the common ancestor value from its change log */
  baseClock?: VectorClock;
  /** the other concurrent writes already in the state */
  server: FieldWrite<unknown>[];
  /** this change's write, if it wrote the field */
  device?: FieldWrite<unknown>;
}

export interface ApplyResult {
  state: FeatureState;
  outcome: ApplyOutcome;
  /** fields this change wrote whose value in force is now the change's value */
  mergedFields: FieldName[];
  /** fields this change wrote that lost: overwritten by a later write, or by the policy */
  discardedFields: FieldName[];
  /** conflicts this change opened or joined; the full open set is `state.conflicts` */
  conflicts: ConflictReport[];
}

/**
 * Applies one validated change: the join of the state with the change's own one-change state. The
 * final state and its conflict list depend only on the set of changes applied, never on their order
 * or repetition; the outcome and reports describe this one step for the log and the device.
 */
export function applyChange(
  state: FeatureState | undefined,
  change: Change,
  policy: MergePolicy,
): ApplyResult {
  if (state !== undefined && state.id !== change.featureId) {
    throw new CrdtValidationError(
      CrdtErrorCode.FEATURE_MISMATCH,
      'featureId',
      `the state's feature id (${state.id})`,
      change.featureId,
    );
  }
  const delta = stateFromChange(change, policy);
  if (state === undefined) {
    return {
      state: delta,
      outcome: ApplyOutcome.APPLIED,
      mergedFields: fieldsWrittenBy(change),
      discardedFields: [],
      conflicts: [],
    };
  }
  const fields = fieldsWrittenBy(change);
  const seen = hasApplied(state.applied, dotOf(change));
  if (seen && isAbsorbed(state, delta, change, fields)) {
    return { state, outcome: ApplyOutcome.DUPLICATE, mergedFields: [], discardedFields: [], conflicts: [] };
  }
  const next = mergeStates(state, delta, policy);
  // A re-sent change whose content differs from the first copy (a device bug) lands here: the join
  // still decides deterministically, and it is a duplicate only if nothing changed.
  if (seen && canonicalStateJson(next) === canonicalStateJson(state)) {
    return { state, outcome: ApplyOutcome.DUPLICATE, mergedFields: [], discardedFields: [], conflicts: [] };
  }
  const mergedFields: FieldName[] = [];
  const discardedFields: FieldName[] = [];
  for (const field of fields) {
    const register = registerOf(next, field);
    const own = writeOf(delta, field);
    const inForce = register !== undefined && own !== undefined && valueKeyOf(register) === valueKeyOf(own);
    const kept = own !== undefined && writesOf(register).some((write) => sameWrite(write, own));
    (inForce && kept ? mergedFields : discardedFields).push(field);
  }
  // Without open conflicts after the join there is nothing to report (most changes).
  const conflicts: ConflictReport[] = [];
  if (next.conflicts.length > 0) {
    const previous = new Set(state.conflicts.map(conflictKey));
    const written = new Set(fields);
    for (const conflict of next.conflicts) {
      if (!written.has(conflict.field) && previous.has(conflictKey(conflict))) continue;
      if (involves(conflict, change))
        conflicts.push(report(conflict, writeOf(delta, conflict.field), change.baseClock));
    }
  }
  let outcome: ApplyOutcome;
  if (conflicts.length > 0) outcome = ApplyOutcome.CONFLICT;
  else if (covers(change.clock, state.versionVector)) outcome = ApplyOutcome.APPLIED;
  else outcome = ApplyOutcome.MERGED;
  return { state: next, outcome, mergedFields, discardedFields, conflicts };
}

/** The fields a change writes, in a fixed order. */
export function fieldsWrittenBy(change: Change): FieldName[] {
  const fields: FieldName[] = [DELETED_FIELD];
  if (change.op === ChangeOperation.DELETE) return fields;
  if (change.op === ChangeOperation.CREATE || change.geometry !== undefined) fields.push(GEOMETRY_FIELD);
  const keys = [...Object.keys(change.set ?? {}), ...(change.unset ?? [])].sort();
  return [...fields, ...keys.map(propertyField)];
}

export function registerOf(state: FeatureState, field: FieldName): FieldRegister<unknown> | undefined {
  if (field === DELETED_FIELD) return state.deleted;
  if (field === GEOMETRY_FIELD) return state.geometry;
  const key = field.slice(PROPERTY_FIELD_PREFIX.length);
  return Object.hasOwn(state.properties, key) ? state.properties[key] : undefined;
}

function writeOf(delta: FeatureState, field: FieldName): FieldWrite<unknown> | undefined {
  const register = registerOf(delta, field);
  return register === undefined ? undefined : writesOf(register)[0];
}

/** The change wrote one of the candidates, or (MANUAL) is one of the heads the write did not see. */
function involves(conflict: FieldConflict, change: Change): boolean {
  const ownClock = canonicalClockJson(change.clock);
  if (conflict.candidates.some((write) => canonicalClockJson(write.clock) === ownClock)) return true;
  return (conflict.concurrentWith ?? []).some((head) => canonicalClockJson(head) === ownClock);
}

/** Identifies a conflict by field, kind and the clocks involved (values follow from the clocks). */
function conflictKey(conflict: FieldConflict): string {
  const clocks = [...conflict.candidates.map((write) => write.clock), ...(conflict.concurrentWith ?? [])];
  return `${conflict.field}|${conflict.kind}|${clocks.map(canonicalClockJson).join('|')}`;
}

/**
 * True when joining the change would leave the state as it is: each write it carries is already a
 * candidate or was overwritten by a later one, and its clock is below a head.
 */
function isAbsorbed(
  state: FeatureState,
  delta: FeatureState,
  change: Change,
  fields: readonly FieldName[],
): boolean {
  if (change.layerId !== undefined && (state.layerId === undefined || state.layerId > change.layerId))
    return false;
  if (!state.heads.some((head) => covers(head, change.clock))) return false;
  return fields.every((field) => {
    const own = writeOf(delta, field);
    if (own === undefined) return true;
    return writesOf(registerOf(state, field)).some(
      (write) => sameWrite(write, own) || dominates(write.clock, own.clock),
    );
  });
}

function report(
  conflict: FieldConflict,
  own: FieldWrite<unknown> | undefined,
  baseClock: VectorClock | undefined,
): ConflictReport {
  const server = conflict.candidates.filter((write) => own === undefined || !sameWrite(write, own));
  const entry: ConflictReport = { field: conflict.field, kind: conflict.kind, server };
  if (own !== undefined && server.length < conflict.candidates.length) entry.device = own;
  if (baseClock !== undefined) entry.baseClock = baseClock;
  return entry;
}
