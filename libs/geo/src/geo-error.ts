/** Why a geo input was rejected. Callers branch on the code, never on the message. */
export enum GeoErrorCode {
  ZOOM_OUT_OF_RANGE = 'ZOOM_OUT_OF_RANGE',
  MIN_GREATER_THAN_MAX = 'MIN_GREATER_THAN_MAX',
  INVALID_COORDINATE = 'INVALID_COORDINATE',
  INVALID_TILE = 'INVALID_TILE',
  INVALID_QUADKEY = 'INVALID_QUADKEY',
  INVALID_SCALE = 'INVALID_SCALE',
  INVALID_GEOMETRY = 'INVALID_GEOMETRY',
  RING_NOT_CLOSED = 'RING_NOT_CLOSED',
  RING_TOO_SHORT = 'RING_TOO_SHORT',
  INVALID_BATCH = 'INVALID_BATCH',
}

/**
 * Thrown by every validating function of the geo library. `field` is a path into the caller's input
 * (`zoom`, `bbox[2]`, `coordinates[0][3][1]`) and `limit` states what was allowed, so the message can be
 * shown to the operator as is and the gateway can map `code` to its own error.
 */
export class GeoValidationError extends Error {
  override readonly name = 'GeoValidationError';

  constructor(
    readonly code: GeoErrorCode,
    readonly field: string,
    readonly limit: string,
    readonly value: unknown,
  ) {
    super(`${field} is invalid (${code}): got ${describeValue(value)}, expected ${limit}`);
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined || value === null) return String(value);
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    // Cyclic input: the type is all we can say without walking it.
    json = undefined;
  }
  if (json === undefined) return typeof value;
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
