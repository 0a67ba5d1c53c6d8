import { ApplyResult, applyChange } from './apply-change';
import { Change, ChangeOperation, assertChange } from './change';
import { CrdtErrorCode, CrdtValidationError } from './crdt-error';
import { assertDeviceId } from './device-id';
import {
  DELETED_FIELD,
  FeatureState,
  FieldName,
  GEOMETRY_FIELD,
  PROPERTY_FIELD_PREFIX,
} from './feature-state';
import { MergePolicy } from './merge-policy';
import { incrementClock } from './vector-clock';

/** The reviewer's decision: a value for the field (for `deleted`, true or false), or removing a property. */
export type Resolution = { value: unknown } | { removed: true };

/** Who resolves: a unique actor id (for example `server:user-<uuid>`) and an HLC from its clock. */
export interface Resolver {
  deviceId: string;
  hlc: string;
}

export interface ResolveResult extends ApplyResult {
  /** the resolution as an ordinary change: log it and replicate it like any device change */
  change: Change;
}

/**
 * Closes the open conflict on `field` by writing the chosen value with a clock that dominates every
 * candidate (the feature's version vector plus one change of the resolver). Because the resolution
 * is itself a change, other servers and devices converge on it by applying it like any other.
 * Two resolvers sharing an id on different servers would reuse a counter; give each actor its own id.
 */
export function resolveConflict(
  state: FeatureState,
  field: FieldName,
  resolution: Resolution,
  resolver: Resolver,
  policy: MergePolicy,
): ResolveResult {
  if (!state.conflicts.some((conflict) => conflict.field === field)) {
    throw new CrdtValidationError(
      CrdtErrorCode.CONFLICT_NOT_FOUND,
      'field',
      'a field with an open conflict',
      field,
    );
  }
  assertDeviceId(resolver.deviceId, 'resolver.deviceId');
  const base = {
    featureId: state.id,
    deviceId: resolver.deviceId,
    clock: incrementClock(state.versionVector, resolver.deviceId),
    hlc: resolver.hlc,
    baseClock: state.versionVector,
  };
  const removed = 'removed' in resolution;
  const value = 'value' in resolution ? resolution.value : undefined;
  let input: Record<string, unknown>;
  if (field === DELETED_FIELD) {
    if (typeof value !== 'boolean') {
      throw new CrdtValidationError(
        CrdtErrorCode.INVALID_CHANGE,
        'resolution.value',
        'true (delete) or false (keep)',
        value,
      );
    }
    // Keeping the feature is an UPDATE that writes nothing but the tombstone (false).
    input = { ...base, op: value ? ChangeOperation.DELETE : ChangeOperation.UPDATE };
  } else if (field === GEOMETRY_FIELD) {
    if (removed)
      throw new CrdtValidationError(
        CrdtErrorCode.INVALID_CHANGE,
        'resolution',
        'a geometry or null',
        resolution,
      );
    input = { ...base, op: ChangeOperation.UPDATE, geometry: value };
  } else {
    const key = field.slice(PROPERTY_FIELD_PREFIX.length);
    input = removed
      ? { ...base, op: ChangeOperation.UPDATE, unset: [key] }
      : { ...base, op: ChangeOperation.UPDATE, set: Object.fromEntries([[key, value]]) };
  }
  const change = assertChange(input);
  return { ...applyChange(state, change, policy), change };
}
