import { NoSuchKey, NotFound, S3ServiceException } from '@aws-sdk/client-s3';
import { StorageError, StorageErrorCode } from '../storage.error';
import { isPreconditionFailed, mapS3Error } from './s3-error.mapper';

function serviceError(name: string, status: number | undefined, message = 'any text'): S3ServiceException {
  return new S3ServiceException({
    name,
    message,
    $fault: status !== undefined && status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

const context = { operation: 'GetObject', key: 'a/b' };

describe('mapS3Error', () => {
  it.each([
    ['NoSuchKey', 404, StorageErrorCode.NOT_FOUND, false],
    ['NoSuchBucket', 404, StorageErrorCode.INVALID_CONFIG, false],
    ['AccessDenied', 403, StorageErrorCode.ACCESS_DENIED, false],
    ['SignatureDoesNotMatch', 403, StorageErrorCode.ACCESS_DENIED, false],
    ['BadDigest', 400, StorageErrorCode.CHECKSUM_MISMATCH, false],
    ['XAmzContentSHA256Mismatch', 400, StorageErrorCode.CHECKSUM_MISMATCH, false],
    ['IncompleteBody', 400, StorageErrorCode.SIZE_MISMATCH, false],
    ['InvalidRange', 416, StorageErrorCode.RANGE_NOT_SATISFIABLE, false],
    ['ConditionalRequestConflict', 409, StorageErrorCode.CONFLICT, true],
    ['SlowDown', 503, StorageErrorCode.UNAVAILABLE, true],
    ['InternalError', 500, StorageErrorCode.UNAVAILABLE, true],
    ['TooManyRequests', 429, StorageErrorCode.UNAVAILABLE, true],
    ['RequestTimeout', 400, StorageErrorCode.UNAVAILABLE, true],
    ['InvalidArgument', 400, StorageErrorCode.UNKNOWN, false],
  ])('maps %s (HTTP %p) to %s, retryable %p', (name, status, code, retryable) => {
    const mapped = mapS3Error(serviceError(name, status), context);
    expect(mapped).toBeInstanceOf(StorageError);
    expect(mapped).toMatchObject({ code, retryable });
    expect(mapped.message).toBe(`S3 GetObject of a/b failed: ${name} (HTTP ${status})`);
    expect(mapped.cause).toBeInstanceOf(S3ServiceException);
  });

  it('decides by class and status, never by message text', () => {
    const misleading = serviceError('InternalError', 500, 'NoSuchKey: not found, access denied');
    expect(mapS3Error(misleading, context).code).toBe(StorageErrorCode.UNAVAILABLE);
    const notFound = new NotFound({ message: 'x', $metadata: { httpStatusCode: 404 } });
    expect(mapS3Error(notFound, context).code).toBe(StorageErrorCode.NOT_FOUND);
    const noSuchKey = new NoSuchKey({ message: 'x', $metadata: { httpStatusCode: 404 } });
    expect(mapS3Error(noSuchKey, context).code).toBe(StorageErrorCode.NOT_FOUND);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN'])(
    'treats a %s network failure as retryable',
    (code) => {
      const failure = Object.assign(new Error('connect failed'), { code });
      expect(mapS3Error(failure, context)).toMatchObject({
        code: StorageErrorCode.UNAVAILABLE,
        retryable: true,
      });
    },
  );

  it('treats SDK time-outs as retryable and anything else as a permanent UNKNOWN', () => {
    const timeout = Object.assign(new Error('late'), { name: 'TimeoutError' });
    expect(mapS3Error(timeout, context)).toMatchObject({
      code: StorageErrorCode.UNAVAILABLE,
      retryable: true,
    });
    expect(mapS3Error(new TypeError('bug'), context)).toMatchObject({
      code: StorageErrorCode.UNKNOWN,
      retryable: false,
    });
  });

  it('passes StorageErrors through and recognises 412 for put-if-absent', () => {
    const original = new StorageError(StorageErrorCode.CHECKSUM_MISMATCH, 'x');
    expect(mapS3Error(original, context)).toBe(original);
    expect(isPreconditionFailed(serviceError('PreconditionFailed', 412))).toBe(true);
    expect(isPreconditionFailed(serviceError('NoSuchKey', 404))).toBe(false);
  });
});
