import { CrdtValidationError } from '@map-offline/crdt';
import { DomainError, DomainErrorCode } from '@map-offline/contracts';

/** A CRDT validation error in API input is an input error naming the field (under `prefix`). */
export function invalidSyncInput(error: CrdtValidationError, prefix: string): DomainError {
  const field = error.field.startsWith(prefix) ? error.field : `${prefix}.${error.field}`;
  return new DomainError(DomainErrorCode.INVALID_INPUT, `${field}: ${error.message}`, { field });
}

/** Runs a libs/crdt validator on API input and turns its error into an input error. */
export function checkSyncInput<T>(validate: () => T, prefix: string): T {
  try {
    return validate();
  } catch (error) {
    if (error instanceof CrdtValidationError) throw invalidSyncInput(error, prefix);
    throw error;
  }
}
