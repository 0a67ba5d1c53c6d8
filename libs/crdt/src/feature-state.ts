import type { Geometry } from 'geojson';
import { VectorClock } from './vector-clock';
import { JsonValue } from './json-value';

/** `geometry`, `deleted` (the tombstone) or `properties.<key>`: each has its own register. */
export type FieldName = 'geometry' | 'deleted' | `properties.${string}`;

export const GEOMETRY_FIELD = 'geometry';
export const DELETED_FIELD = 'deleted';
export const PROPERTY_FIELD_PREFIX = 'properties.';

export function propertyField(key: string): FieldName {
  return `${PROPERTY_FIELD_PREFIX}${key}`;
}

/** One write of one field by one change. */
export interface FieldWrite<V> {
  /** the value written; `null` when `removed` */
  value: V;
  /** present (true) when the change unset the property; a removal is a write like any other */
  removed?: true;
  /** the clock of the change that wrote it */
  clock: VectorClock;
  /** the encoded HLC of that change */
  hlc: string;
  deviceId: string;
}

/**
 * A multi-value register. The top-level write is the value in force under the layer's policy; when
 * more than one write is maximal (written concurrently, none has seen the others) `candidates` holds
 * all of them, sorted by (hlc, deviceId, clock, value), including the one in force. The candidates
 * are the state that merges; the value in force is derived from them, so it never depends on order.
 */
export interface FieldRegister<V> extends FieldWrite<V> {
  candidates?: FieldWrite<V>[];
}

/** One change, named by its device and that device's counter for the feature. */
export interface Dot {
  deviceId: string;
  counter: number;
}

/** Which changes were applied: every counter up to `vector[device]`, plus the out-of-order `dots`. */
export interface AppliedChanges {
  vector: VectorClock;
  dots: Dot[];
}

export enum ConflictKind {
  /** Concurrent writes of different values to the same field. */
  CONCURRENT_WRITES = 'CONCURRENT_WRITES',
  /** A delete concurrent with an update (the `deleted` register holds both true and false). */
  DELETE_UPDATE = 'DELETE_UPDATE',
  /** MANUAL only: a field written by a change concurrent with another change of the feature. */
  CONCURRENT_CHANGE = 'CONCURRENT_CHANGE',
}

/** An open conflict, derived from the registers and heads; the same for every order of arrival. */
export interface FieldConflict {
  field: FieldName;
  kind: ConflictKind;
  /** the concurrent writes to choose between (for CONCURRENT_CHANGE, the write under review) */
  candidates: FieldWrite<unknown>[];
  /** CONCURRENT_CHANGE: the heads (latest changes) that did not see the candidates */
  concurrentWith?: VectorClock[];
}

/** The field-level CRDT state of one feature. Plain JSON; `canonicalStateJson` gives its canonical text. */
export interface FeatureState {
  /** client-generated UUID */
  id: string;
  layerId?: string;
  /** the tombstone: written true by DELETE, false by CREATE and UPDATE */
  deleted: FieldRegister<boolean>;
  /** absent until a change that sets the geometry has been applied */
  geometry?: FieldRegister<Geometry | null>;
  properties: Record<string, FieldRegister<JsonValue>>;
  /** pointwise max of the clocks of every applied change */
  versionVector: VectorClock;
  applied: AppliedChanges;
  /** clocks of the applied changes no other applied change has seen (one unless edits are concurrent) */
  heads: VectorClock[];
  /** open conflicts under the policy the state was built with, sorted by field */
  conflicts: FieldConflict[];
}

/** What the sync-merger writes to its `feature` columns and shows a device. */
export interface MaterializedFeature {
  id: string;
  layerId?: string;
  deleted: boolean;
  geometry: Geometry | null;
  properties: Record<string, JsonValue>;
  versionVector: VectorClock;
  conflicts: FieldConflict[];
}
