/**
 * Every failure that leaves the storage library is a StorageError with one of these codes, so callers
 * (job handlers, the gateway) decide by code and never by message text.
 */
export enum StorageErrorCode {
  /** The object key breaks the key rules (empty, `..`, leading `/`, control characters, too long). */
  INVALID_KEY = 'INVALID_KEY',
  /** A SHA-256 string is not 64 lowercase hexadecimal characters. */
  INVALID_CHECKSUM = 'INVALID_CHECKSUM',
  /** Any other argument is out of range: size, byte range, expiry, page limit, content type. */
  INVALID_ARGUMENT = 'INVALID_ARGUMENT',
  /** The storage configuration is incomplete or contradictory. */
  INVALID_CONFIG = 'INVALID_CONFIG',
  NOT_FOUND = 'NOT_FOUND',
  /** The uploaded bytes do not hash to the SHA-256 the caller declared. Nothing was stored. */
  CHECKSUM_MISMATCH = 'CHECKSUM_MISMATCH',
  /** The uploaded byte count differs from the size the caller declared. Nothing was stored. */
  SIZE_MISMATCH = 'SIZE_MISMATCH',
  /** The byte range starts at or beyond the end of the object (HTTP 416). */
  RANGE_NOT_SATISFIABLE = 'RANGE_NOT_SATISFIABLE',
  /** The key cannot be stored next to an existing one (filesystem driver: `a` and `a/b` both as objects). */
  KEY_CONFLICT = 'KEY_CONFLICT',
  /** Another conditional write to the same key is in flight (S3 409); retrying settles it. */
  CONFLICT = 'CONFLICT',
  /** Credentials or bucket policy refuse the operation. */
  ACCESS_DENIED = 'ACCESS_DENIED',
  /** Network failure, time-out, throttling or a 5xx answer; the same call may succeed later. */
  UNAVAILABLE = 'UNAVAILABLE',
  /** Anything the driver could not classify; treated as permanent so it is looked at. */
  UNKNOWN = 'UNKNOWN',
}

const RETRYABLE_CODES: ReadonlySet<StorageErrorCode> = new Set([
  StorageErrorCode.UNAVAILABLE,
  StorageErrorCode.CONFLICT,
]);

export interface StorageErrorOptions {
  /** The argument or config field at fault, for validation errors. */
  field?: string;
  /** Overrides the retryability implied by the code. */
  retryable?: boolean;
  cause?: unknown;
}

export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;
  readonly field: string | undefined;
  /** True when the same call may succeed later (network, 5xx, throttling): job handlers rethrow to retry. */
  readonly retryable: boolean;

  constructor(code: StorageErrorCode, message: string, options: StorageErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
    this.retryable = options.retryable ?? RETRYABLE_CODES.has(code);
  }
}

export function isStorageError(error: unknown, code?: StorageErrorCode): error is StorageError {
  return error instanceof StorageError && (code === undefined || error.code === code);
}
