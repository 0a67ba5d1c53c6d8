import type { Geometry } from 'geojson';
import { CrdtErrorCode, CrdtValidationError, ValidationResult, toValidationResult } from './crdt-error';
import { assertDeviceId, isValidDeviceId } from './device-id';
import { DEFAULT_GEOMETRY_LIMITS, GeometryLimits, assertGeometry } from './geometry-validation';
import { formatHlc, parseHlc } from './hybrid-logical-clock';
import { JsonValue } from './json-value';
import {
  DEFAULT_PROPERTY_PATCH_LIMITS,
  PropertyPatchLimits,
  assertPropertyPatch,
} from './property-patch-validation';
import { MAX_CLOCK_ENTRIES, VectorClock, assertVectorClock, counterOf, covers } from './vector-clock';

export enum ChangeOperation {
  CREATE = 'CREATE',
  UPDATE = 'UPDATE',
  DELETE = 'DELETE',
}

/** One edit of one feature by one device, as pushed after reconnecting. */
export interface Change {
  featureId: string;
  /** set by CREATE; later changes may repeat it */
  layerId?: string;
  deviceId: string;
  op: ChangeOperation;
  /** CREATE: the initial geometry (missing = null); UPDATE: missing = untouched, null = cleared */
  geometry?: Geometry | null;
  set?: Record<string, JsonValue>;
  unset?: string[];
  /** the device's clock for this feature after the edit; clock[deviceId] numbers this change */
  clock: VectorClock;
  /** encoded HLC of the edit (see formatHlc) */
  hlc: string;
  /** the feature's version vector the device last synced, if it sends it; only reported back */
  baseClock?: VectorClock;
}

export interface ChangeLimits {
  geometry: GeometryLimits;
  properties: PropertyPatchLimits;
  /** entries in `clock` and `baseClock` */
  maxClockEntries: number;
}

export const DEFAULT_CHANGE_LIMITS: ChangeLimits = {
  geometry: DEFAULT_GEOMETRY_LIMITS,
  properties: DEFAULT_PROPERTY_PATCH_LIMITS,
  maxClockEntries: MAX_CLOCK_ENTRIES,
};

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CHANGE_MEMBERS = [
  'featureId',
  'layerId',
  'deviceId',
  'op',
  'geometry',
  'set',
  'unset',
  'clock',
  'hlc',
  'baseClock',
];

/** The number this change has in its device's sequence for the feature. */
export function dotOf(change: Pick<Change, 'deviceId' | 'clock'>): { deviceId: string; counter: number } {
  return { deviceId: change.deviceId, counter: counterOf(change.clock, change.deviceId) };
}

/**
 * Checks one change from untrusted input and returns a clean copy (feature id lower-cased, clocks
 * canonical, HLC re-encoded), or throws the first problem as a `CrdtValidationError`.
 */
export function assertChange(input: unknown, limits: ChangeLimits = DEFAULT_CHANGE_LIMITS): Change {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new CrdtValidationError(CrdtErrorCode.INVALID_CHANGE, 'change', 'an object', input);
  }
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!CHANGE_MEMBERS.includes(key)) {
      throw new CrdtValidationError(
        CrdtErrorCode.UNKNOWN_MEMBER,
        key,
        `only the members ${CHANGE_MEMBERS.join(', ')}`,
        key,
      );
    }
  }
  const { featureId, layerId, deviceId, op, geometry, set, unset, clock, hlc, baseClock } = record;
  if (typeof featureId !== 'string' || !UUID_PATTERN.test(featureId)) {
    throw new CrdtValidationError(
      CrdtErrorCode.INVALID_CHANGE,
      'featureId',
      'a UUID (8-4-4-4-12 hex digits)',
      featureId,
    );
  }
  if (layerId !== undefined && !isValidDeviceId(layerId)) {
    throw new CrdtValidationError(
      CrdtErrorCode.INVALID_CHANGE,
      'layerId',
      'an id of 1..128 characters of [A-Za-z0-9._:@-]',
      layerId,
    );
  }
  assertDeviceId(deviceId, 'deviceId');
  if (op !== ChangeOperation.CREATE && op !== ChangeOperation.UPDATE && op !== ChangeOperation.DELETE) {
    throw new CrdtValidationError(CrdtErrorCode.INVALID_CHANGE, 'op', 'CREATE, UPDATE or DELETE', op);
  }
  const checkedClock = assertVectorClock(clock, 'clock', { maxEntries: limits.maxClockEntries });
  const ownCounter = counterOf(checkedClock, deviceId);
  if (ownCounter < 1) {
    throw new CrdtValidationError(
      CrdtErrorCode.INVALID_CLOCK,
      `clock[${JSON.stringify(deviceId)}]`,
      'at least 1 (the change counts itself)',
      ownCounter,
    );
  }
  const checkedHlc = formatHlc(parseHlc(hlc, 'hlc'));
  const change: Change = {
    featureId: featureId.toLowerCase(),
    deviceId,
    op,
    clock: checkedClock,
    hlc: checkedHlc,
  };
  if (layerId !== undefined) change.layerId = layerId;
  if (baseClock !== undefined) {
    const checkedBase = assertVectorClock(baseClock, 'baseClock', { maxEntries: limits.maxClockEntries });
    if (!covers(checkedClock, checkedBase) || counterOf(checkedBase, deviceId) >= ownCounter) {
      throw new CrdtValidationError(
        CrdtErrorCode.INVALID_CLOCK,
        'baseClock',
        'a clock strictly before `clock`',
        baseClock,
      );
    }
    change.baseClock = checkedBase;
  }
  if (op === ChangeOperation.DELETE) {
    for (const [name, value] of [
      ['geometry', geometry],
      ['set', set],
      ['unset', unset],
    ] as const) {
      if (value !== undefined) {
        throw new CrdtValidationError(CrdtErrorCode.INVALID_CHANGE, name, 'absent on a DELETE', value);
      }
    }
    return change;
  }
  if (op === ChangeOperation.CREATE && unset !== undefined) {
    throw new CrdtValidationError(CrdtErrorCode.INVALID_CHANGE, 'unset', 'absent on a CREATE', unset);
  }
  if (geometry !== undefined) {
    change.geometry = geometry === null ? null : assertGeometry(geometry, 'geometry', limits.geometry);
  }
  const patch = assertPropertyPatch(set, unset, limits.properties);
  if (set !== undefined) change.set = patch.set;
  if (unset !== undefined) change.unset = patch.unset;
  return change;
}

/** Like `assertChange`, but returns the problem so a batch can reject one change and keep the rest. */
export function validateChange(
  input: unknown,
  limits: ChangeLimits = DEFAULT_CHANGE_LIMITS,
): ValidationResult<Change> {
  return toValidationResult(() => assertChange(input, limits));
}
