import { NoSuchKey, NotFound, S3ServiceException } from '@aws-sdk/client-s3';
import { StorageError, StorageErrorCode } from '../storage.error';

// System error codes of a failed connection; a later attempt may reach the server.
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);
// Names the SDK gives to client-side time-outs.
const TIMEOUT_ERROR_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
// S3 error codes (the `Code` element, carried as the exception name) that mean the body was not what the
// signed checksum or length promised.
const CHECKSUM_ERROR_NAMES = new Set(['BadDigest', 'InvalidDigest', 'XAmzContentSHA256Mismatch']);
const SIZE_ERROR_NAMES = new Set(['IncompleteBody', 'EntityTooSmall', 'EntityTooLarge']);

export interface S3ErrorContext {
  operation: string;
  key?: string;
}

function describe(context: S3ErrorContext): string {
  return context.key === undefined ? `S3 ${context.operation}` : `S3 ${context.operation} of ${context.key}`;
}

function networkCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code } = error as { code?: unknown };
  return typeof code === 'string' ? code : undefined;
}

/** True for S3 412 Precondition Failed, the answer to `If-None-Match: *` when the key exists. */
export function isPreconditionFailed(error: unknown): boolean {
  return error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412;
}

export function isNotFound(error: unknown): boolean {
  return (
    error instanceof NoSuchKey ||
    error instanceof NotFound ||
    (error instanceof S3ServiceException &&
      error.$metadata.httpStatusCode === 404 &&
      error.name !== 'NoSuchBucket')
  );
}

function codeForServiceException(error: S3ServiceException): StorageErrorCode {
  const status = error.$metadata.httpStatusCode;
  if (error.name === 'NoSuchBucket') return StorageErrorCode.INVALID_CONFIG;
  if (isNotFound(error)) return StorageErrorCode.NOT_FOUND;
  if (CHECKSUM_ERROR_NAMES.has(error.name)) return StorageErrorCode.CHECKSUM_MISMATCH;
  if (SIZE_ERROR_NAMES.has(error.name)) return StorageErrorCode.SIZE_MISMATCH;
  if (TIMEOUT_ERROR_NAMES.has(error.name)) return StorageErrorCode.UNAVAILABLE;
  if (status === undefined)
    return error.$retryable === undefined ? StorageErrorCode.UNKNOWN : StorageErrorCode.UNAVAILABLE;
  if (status === 401 || status === 403) return StorageErrorCode.ACCESS_DENIED;
  if (status === 409) return StorageErrorCode.CONFLICT;
  if (status === 416) return StorageErrorCode.RANGE_NOT_SATISFIABLE;
  if (status === 429 || status >= 500) return StorageErrorCode.UNAVAILABLE;
  return StorageErrorCode.UNKNOWN;
}

/**
 * SDK failures become StorageErrors by exception class, HTTP status and S3 error code, never by message
 * text. 5xx, 429, time-outs and connection failures are retryable; everything else is permanent.
 */
export function mapS3Error(error: unknown, context: S3ErrorContext): StorageError {
  if (error instanceof StorageError) return error;
  if (error instanceof S3ServiceException) {
    const code = codeForServiceException(error);
    const status = error.$metadata.httpStatusCode ?? 'no status';
    return new StorageError(code, `${describe(context)} failed: ${error.name} (HTTP ${status})`, {
      cause: error,
    });
  }
  const name = error instanceof Error ? error.name : typeof error;
  const systemCode = networkCode(error);
  if ((systemCode !== undefined && NETWORK_ERROR_CODES.has(systemCode)) || TIMEOUT_ERROR_NAMES.has(name)) {
    return new StorageError(
      StorageErrorCode.UNAVAILABLE,
      `${describe(context)} failed: ${systemCode ?? name} (network)`,
      { cause: error },
    );
  }
  return new StorageError(StorageErrorCode.UNKNOWN, `${describe(context)} failed: ${systemCode ?? name}`, {
    cause: error,
  });
}
