/** Why a CRDT input was rejected. Callers branch on the code, never on the message. */
export enum CrdtErrorCode {
  INVALID_DEVICE_ID = 'INVALID_DEVICE_ID',
  INVALID_CLOCK = 'INVALID_CLOCK',
  INVALID_COUNTER = 'INVALID_COUNTER',
  CLOCK_TOO_LARGE = 'CLOCK_TOO_LARGE',
  INVALID_HLC = 'INVALID_HLC',
  HLC_DRIFT_EXCEEDED = 'HLC_DRIFT_EXCEEDED',
  INVALID_GEOMETRY = 'INVALID_GEOMETRY',
  INVALID_POSITION = 'INVALID_POSITION',
  COORDINATE_OUT_OF_RANGE = 'COORDINATE_OUT_OF_RANGE',
  RING_NOT_CLOSED = 'RING_NOT_CLOSED',
  RING_TOO_SHORT = 'RING_TOO_SHORT',
  LINE_TOO_SHORT = 'LINE_TOO_SHORT',
  TOO_MANY_POSITIONS = 'TOO_MANY_POSITIONS',
  NESTING_TOO_DEEP = 'NESTING_TOO_DEEP',
  UNKNOWN_MEMBER = 'UNKNOWN_MEMBER',
  INVALID_PROPERTY_KEY = 'INVALID_PROPERTY_KEY',
  INVALID_PROPERTY_VALUE = 'INVALID_PROPERTY_VALUE',
  PATCH_TOO_LARGE = 'PATCH_TOO_LARGE',
  INVALID_CHANGE = 'INVALID_CHANGE',
  FEATURE_MISMATCH = 'FEATURE_MISMATCH',
  CONFLICT_NOT_FOUND = 'CONFLICT_NOT_FOUND',
  /** A layer's property schema is not the supported JSON Schema subset. */
  INVALID_SCHEMA = 'INVALID_SCHEMA',
  /** A change's properties break its layer's property schema. */
  SCHEMA_VIOLATION = 'SCHEMA_VIOLATION',
}

/**
 * Thrown (or returned inside a `ValidationResult`) by every validating function of the CRDT library.
 * `field` is a path into the caller's input (`clock["tablet-7"]`, `geometry.coordinates[0][3][1]`,
 * `set.height`) and `limit` states what was allowed, so the sync-merger can store the message as the
 * reason one change was rejected while it keeps the rest of the batch.
 */
export class CrdtValidationError extends Error {
  override readonly name = 'CrdtValidationError';

  constructor(
    readonly code: CrdtErrorCode,
    readonly field: string,
    readonly limit: string,
    readonly value: unknown,
  ) {
    super(`${field} is invalid (${code}): got ${describeValue(value)}, expected ${limit}`);
  }
}

/** Either the validated value or the first problem found; lets a batch reject one item and go on. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; error: CrdtValidationError };

/** Runs a throwing validator and turns its `CrdtValidationError` into a result; other errors propagate. */
export function toValidationResult<T>(validate: () => T): ValidationResult<T> {
  try {
    return { ok: true, value: validate() };
  } catch (error: unknown) {
    if (error instanceof CrdtValidationError) return { ok: false, error };
    throw error;
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === undefined || value === null) return String(value);
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    // Cyclic or BigInt-holding input: the type is all we can say without walking it.
    json = undefined;
  }
  if (json === undefined) return typeof value;
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
