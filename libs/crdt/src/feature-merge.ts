import type { Geometry } from 'geojson';
import { appliedFromDot, joinApplied } from './applied-changes';
import { Change, ChangeOperation, dotOf } from './change';
import { CrdtErrorCode, CrdtValidationError } from './crdt-error';
import { isServerDevice } from './device-id';
import {
  ConflictKind,
  DELETED_FIELD,
  FeatureState,
  FieldConflict,
  FieldName,
  FieldRegister,
  FieldWrite,
  GEOMETRY_FIELD,
  propertyField,
} from './feature-state';
import {
  buildRegister,
  compareWrites,
  distinctValueCount,
  joinWrites,
  rememberValueText,
  writesOf,
} from './field-register';
import { JsonValue, canonicalJson } from './json-value';
import { DeleteRule, FieldPolicy, MergePolicy, effectiveDeleteRule } from './merge-policy';
import {
  VectorClock,
  canonicalClockJson,
  compareStrings,
  copyClock,
  dominates,
  isConcurrent,
  mergeClocks,
} from './vector-clock';

/** The state a single change would give an empty replica: the "delta" that `applyChange` joins in. */
export function stateFromChange(change: Change, policy: MergePolicy): FeatureState {
  // Values are copied once here, so a caller that reuses its change objects cannot alter a state.
  const clock = copyClock(change.clock);
  const write = <V>(value: V): FieldWrite<V> => ({
    value: cloneValue(value),
    clock,
    hlc: change.hlc,
    deviceId: change.deviceId,
  });
  const properties = new Map<string, FieldRegister<JsonValue>>();
  let geometry: FieldRegister<Geometry | null> | undefined;
  if (change.op !== ChangeOperation.DELETE) {
    if (change.op === ChangeOperation.CREATE || change.geometry !== undefined)
      geometry = write(change.geometry ?? null);
    for (const [key, value] of Object.entries(change.set ?? {})) properties.set(key, write(value));
    for (const key of change.unset ?? []) properties.set(key, { ...write<JsonValue>(null), removed: true });
  }
  const state: FeatureState = {
    id: change.featureId,
    // Every change writes the tombstone, so a delete and an unaware update meet in one register.
    deleted: write(change.op === ChangeOperation.DELETE),
    properties: Object.fromEntries(properties),
    versionVector: clock,
    applied: appliedFromDot(dotOf(change)),
    heads: [clock],
    conflicts: [],
  };
  if (change.layerId !== undefined) state.layerId = change.layerId;
  if (geometry !== undefined) state.geometry = geometry;
  return finalizeState(state, policy);
}

/**
 * Deep copy through canonical JSON (like cloneJson), keeping the canonical text as the copy's value
 * key: the merge compares it right away, and computing it again was a second walk of every geometry.
 */
function cloneValue<V>(value: V): V {
  if (value === null || typeof value !== 'object') return value;
  const text = canonicalJson(value);
  const copy = JSON.parse(text) as V & object;
  rememberValueText(copy, text);
  return copy;
}

/**
 * The join of two states of the same feature: registers, applied changes, heads and version vectors
 * are each joined, then the values in force and the open conflicts are derived again under `policy`.
 * Commutative, associative and idempotent, so replicas that exchange states in any pattern converge.
 */
export function mergeStates(left: FeatureState, right: FeatureState, policy: MergePolicy): FeatureState {
  if (left.id !== right.id) {
    throw new CrdtValidationError(
      CrdtErrorCode.FEATURE_MISMATCH,
      'id',
      `the same feature id (${left.id})`,
      right.id,
    );
  }
  const propertyKeys = new Set([...Object.keys(left.properties), ...Object.keys(right.properties)]);
  const properties = [...propertyKeys].map((key) => {
    const writes = joinWrites(
      writesOf(ownRegister(left.properties, key)),
      writesOf(ownRegister(right.properties, key)),
    );
    return [key, buildRegister(writes, writes[writes.length - 1])] as const;
  });
  const deleted = joinWrites(writesOf(left.deleted), writesOf(right.deleted));
  const state: FeatureState = {
    id: left.id,
    deleted: buildRegister(deleted, deleted[deleted.length - 1]),
    properties: Object.fromEntries(properties),
    versionVector: mergeClocks(left.versionVector, right.versionVector),
    applied: joinApplied(left.applied, right.applied),
    heads: joinHeads(left.heads, right.heads),
    conflicts: [],
  };
  const layerId = joinLayerId(left.layerId, right.layerId);
  if (layerId !== undefined) state.layerId = layerId;
  const geometry = joinWrites(writesOf(left.geometry), writesOf(right.geometry));
  if (geometry.length > 0) state.geometry = buildRegister(geometry, geometry[geometry.length - 1]);
  return finalizeState(state, policy);
}

/**
 * Re-derives every value in force and the conflict list from the candidates and heads. A pure
 * function of the joined parts, which is why the derived parts never depend on arrival order.
 */
export function finalizeState(state: FeatureState, policy: MergePolicy): FeatureState {
  const conflicts: FieldConflict[] = [];
  const deletedWrites = writesOf(state.deleted);
  const deletedWinner = pickDeleted(deletedWrites, effectiveDeleteRule(policy));
  if (distinctValueCount(deletedWrites) > 1 && effectiveDeleteRule(policy) === DeleteRule.REVIEW) {
    conflicts.push({ field: DELETED_FIELD, kind: ConflictKind.DELETE_UPDATE, candidates: deletedWrites });
  }
  const resolve = <V>(field: FieldName, register: FieldRegister<V>): FieldRegister<V> => {
    const writes = writesOf(register);
    const conflict = fieldConflict(field, writes, state.heads, policy);
    if (conflict !== undefined) conflicts.push(conflict);
    return buildRegister(writes, pickWinner(writes, policy.fields));
  };
  const result: FeatureState = {
    id: state.id,
    deleted: buildRegister(deletedWrites, deletedWinner),
    properties: {},
    versionVector: state.versionVector,
    applied: state.applied,
    heads: state.heads,
    conflicts,
  };
  if (state.layerId !== undefined) result.layerId = state.layerId;
  if (state.geometry !== undefined) result.geometry = resolve(GEOMETRY_FIELD, state.geometry);
  const keys = Object.keys(state.properties).sort(compareStrings);
  result.properties = Object.fromEntries(
    keys.map((key) => [
      key,
      resolve(propertyField(key), ownRegister(state.properties, key) as FieldRegister<JsonValue>),
    ]),
  );
  conflicts.sort((a, b) => compareStrings(a.field, b.field));
  // Key order of the result follows one fixed layout, so JSON.stringify is already canonical enough
  // for equality checks; canonicalStateJson sorts every level for hashing.
  return result;
}

function fieldConflict(
  field: FieldName,
  writes: FieldWrite<unknown>[],
  heads: readonly VectorClock[],
  policy: MergePolicy,
): FieldConflict | undefined {
  const reviewed = policy.fields === FieldPolicy.AUTO_MERGE || policy.fields === FieldPolicy.MANUAL;
  if (reviewed && distinctValueCount(writes) > 1) {
    return { field, kind: ConflictKind.CONCURRENT_WRITES, candidates: writes };
  }
  if (policy.fields !== FieldPolicy.MANUAL) return undefined;
  // MANUAL: a latest change that did not write this field, concurrent with a write of it, means two
  // devices changed the feature without seeing each other; the write is held for review.
  const writerClocks = new Set(writes.map((write) => canonicalClockJson(write.clock)));
  const concurrentWith = heads.filter(
    (head) =>
      !writerClocks.has(canonicalClockJson(head)) && writes.some((write) => isConcurrent(head, write.clock)),
  );
  if (concurrentWith.length === 0) return undefined;
  return { field, kind: ConflictKind.CONCURRENT_CHANGE, candidates: writes, concurrentWith };
}

/** The write in force among concurrent writes; depends only on the set and the policy. */
export function pickWinner<V>(writes: readonly FieldWrite<V>[], policy: FieldPolicy): FieldWrite<V> {
  // One write wins under every policy (most registers): no sorted copy.
  if (writes.length === 1) return writes[0];
  const sorted = [...writes].sort(compareWrites);
  const latest = (pool: FieldWrite<V>[]): FieldWrite<V> => pool[pool.length - 1];
  switch (policy) {
    case FieldPolicy.AUTO_MERGE:
    case FieldPolicy.MANUAL:
    case FieldPolicy.LAST_WRITER_WINS:
      return latest(sorted);
    case FieldPolicy.SERVER_WINS: {
      const server = sorted.filter((write) => isServerDevice(write.deviceId));
      // The earliest edit is the value that was established first; a later concurrent edit does not replace it.
      return (server.length > 0 ? server : sorted)[0];
    }
    case FieldPolicy.CLIENT_WINS: {
      const devices = sorted.filter((write) => !isServerDevice(write.deviceId));
      return latest(devices.length > 0 ? devices : sorted);
    }
  }
}

function pickDeleted(writes: readonly FieldWrite<boolean>[], rule: DeleteRule): FieldWrite<boolean> {
  if (writes.length === 1) return writes[0];
  const sorted = [...writes].sort(compareWrites);
  const deletes = sorted.filter((write) => write.value);
  const updates = sorted.filter((write) => !write.value);
  if (deletes.length === 0 || updates.length === 0) return sorted[sorted.length - 1];
  // REVIEW keeps the feature visible: nothing a field worker collected disappears before someone decides.
  const pool = rule === DeleteRule.DELETE_WINS ? deletes : updates;
  return pool[pool.length - 1];
}

/** Union of two antichains of clocks, keeping the maximal ones; only clocks of different groups are compared. */
function joinHeads(...groups: ReadonlyArray<readonly VectorClock[]>): VectorClock[] {
  const byKey = new Map<string, { head: VectorClock; group: number }>();
  groups.forEach((group, groupIndex) => {
    for (const head of group) {
      const key = canonicalClockJson(head);
      if (!byKey.has(key)) byKey.set(key, { head, group: groupIndex });
    }
  });
  const heads = [...byKey.entries()];
  return heads
    .filter(
      ([, entry]) =>
        !heads.some(([, other]) => other.group !== entry.group && dominates(other.head, entry.head)),
    )
    .sort(([left], [right]) => compareStrings(left, right))
    .map(([, entry]) => entry.head);
}

/** A feature belongs to one layer; if two changes disagree, the smallest id is kept on every replica. */
function joinLayerId(left: string | undefined, right: string | undefined): string | undefined {
  if (left === undefined) return right;
  if (right === undefined) return left;
  return compareStrings(left, right) <= 0 ? left : right;
}

function ownRegister<V>(
  registers: Record<string, FieldRegister<V>>,
  key: string,
): FieldRegister<V> | undefined {
  return Object.hasOwn(registers, key) ? registers[key] : undefined;
}

/** Sorted-key JSON of a state, for equality, hashing and storage. */
export function canonicalStateJson(state: FeatureState): string {
  return canonicalJson(state);
}
