import { StorageErrorCode } from './storage.error';

function assertUnreachable(value: never): never {
  throw new Error(`unhandled storage error code ${String(value)}`);
}

/** The HTTP status for each code; a new code does not compile until it is placed here. */
export function httpStatusForStorageError(code: StorageErrorCode): number {
  switch (code) {
    case StorageErrorCode.INVALID_KEY:
    case StorageErrorCode.INVALID_CHECKSUM:
    case StorageErrorCode.INVALID_ARGUMENT:
    case StorageErrorCode.CHECKSUM_MISMATCH:
    case StorageErrorCode.SIZE_MISMATCH:
      return 400;
    case StorageErrorCode.ACCESS_DENIED:
      return 403;
    case StorageErrorCode.NOT_FOUND:
      return 404;
    case StorageErrorCode.KEY_CONFLICT:
    case StorageErrorCode.CONFLICT:
      return 409;
    case StorageErrorCode.RANGE_NOT_SATISFIABLE:
      return 416;
    case StorageErrorCode.UNAVAILABLE:
      return 503;
    case StorageErrorCode.INVALID_CONFIG:
    case StorageErrorCode.UNKNOWN:
      return 500;
    default:
      return assertUnreachable(code);
  }
}
