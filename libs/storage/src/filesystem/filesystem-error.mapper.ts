import { StorageError, StorageErrorCode } from '../storage.error';

export function systemErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code } = error as { code?: unknown };
  return typeof code === 'string' ? code : undefined;
}

function storageCodeFor(systemCode: string | undefined): StorageErrorCode {
  switch (systemCode) {
    case 'ENOENT':
      return StorageErrorCode.NOT_FOUND;
    // A key whose path crosses an existing object (`a` stored, writing `a/b`) or the reverse.
    case 'ENOTDIR':
    case 'EISDIR':
      return StorageErrorCode.KEY_CONFLICT;
    case 'ENAMETOOLONG':
      return StorageErrorCode.INVALID_KEY;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return StorageErrorCode.ACCESS_DENIED;
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EMFILE':
    case 'ENFILE':
    case 'EBUSY':
    case 'EAGAIN':
    case 'EIO':
      return StorageErrorCode.UNAVAILABLE;
    default:
      return StorageErrorCode.UNKNOWN;
  }
}

/** Node system errors become StorageErrors by their `code`, never by message text. */
export function mapFilesystemError(error: unknown, operation: string, key?: string): StorageError {
  if (error instanceof StorageError) return error;
  const systemCode = systemErrorCode(error);
  const subject = key === undefined ? operation : `${operation} of ${key}`;
  return new StorageError(
    storageCodeFor(systemCode),
    `filesystem ${subject} failed: ${systemCode ?? 'unknown error'}`,
    {
      cause: error,
    },
  );
}
