/** What went wrong, independent of transport; the gateway maps each code to GraphQL exhaustively. */
export enum DomainErrorCode {
  /** Input breaks a rule; `field` names it. */
  INVALID_INPUT = 'INVALID_INPUT',
  /** A request over a configured limit; `field` and `limit` name it. */
  LIMIT_EXCEEDED = 'LIMIT_EXCEEDED',
  /** The object does not exist for this organisation (another tenant's objects are "not found" too). */
  NOT_FOUND = 'NOT_FOUND',
  /** The object is in a state that does not allow the operation (e.g. resume a completed job). */
  CONFLICT = 'CONFLICT',
  /** A dependency (Redis, PostgreSQL, storage) is unavailable; retry later. */
  UNAVAILABLE = 'UNAVAILABLE',
}

export interface DomainErrorDetails {
  field?: string;
  limit?: number;
  /** seconds the caller should wait before retrying, for UNAVAILABLE */
  retryAfterSeconds?: number;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: DomainErrorDetails = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalidInput = (field: string, message: string): DomainError =>
  new DomainError(DomainErrorCode.INVALID_INPUT, `${field}: ${message}`, { field });

export const notFound = (what: string, id: string): DomainError =>
  new DomainError(DomainErrorCode.NOT_FOUND, `${what} ${id} was not found`);

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot name an object, so it is "not found" rather than a server error. */
export function assertObjectId(what: string, id: string): void {
  if (!UUID_PATTERN.test(id)) throw notFound(what, id);
}
