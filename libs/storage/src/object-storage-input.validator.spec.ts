import {
  assertValidContentDisposition,
  assertValidContentType,
  assertValidExpiry,
  assertValidKey,
  assertValidListLimit,
  assertValidPrefix,
  assertValidRange,
  assertValidSize,
} from './object-storage-input.validator';
import { OBJECT_STORAGE_LIMITS } from './object-storage.limits';
import { StorageError, StorageErrorCode } from './storage.error';

function failureOf(check: () => void): StorageError {
  try {
    check();
  } catch (error) {
    if (error instanceof StorageError) return error;
    throw error;
  }
  throw new Error('expected the check to throw a StorageError');
}

describe('assertValidKey', () => {
  it.each([
    'blobs/ab/cd/abcd',
    'packages/7f3c/area 1.mbtiles',
    'räume/weg~1/%41.png',
    'a'.repeat(1024),
    '..hidden/.x/x..y',
  ])('accepts %j', (key) => {
    expect(() => assertValidKey(key)).not.toThrow();
  });

  it.each([
    ['', 'must not be empty'],
    ['/absolute', 'must not start with `/`'],
    ['a/../b', 'must not contain a `..` segment'],
    ['..', 'must not contain a `..` segment'],
    ['a/./b', 'must not contain a `.` segment'],
    ['a//b', 'must not contain empty segments'],
    ['folder/', 'must not contain empty segments'],
    ['line\nbreak', 'must not contain control characters (found U+000a at index 4)'],
    ['nul\u0000', 'must not contain control characters (found U+0000 at index 3)'],
    ['del\u007f', 'must not contain control characters (found U+007f at index 3)'],
    ['next-line\u0085', 'must not contain control characters (found U+0085 at index 9)'],
    ['lone\ud800surrogate', 'must be well-formed Unicode'],
  ])('rejects %j: %s', (key, rule) => {
    const error = failureOf(() => assertValidKey(key));
    expect(error.code).toBe(StorageErrorCode.INVALID_KEY);
    expect(error.field).toBe('key');
    expect(error.message).toContain(`key ${rule}`);
    expect(error.retryable).toBe(false);
  });

  it('counts UTF-8 bytes, not characters, against the 1024-byte limit', () => {
    // "ä" is two bytes in UTF-8: 512 of them are exactly 1024 bytes, one more is over.
    expect(() => assertValidKey('ä'.repeat(512))).not.toThrow();
    const error = failureOf(() => assertValidKey(`${'ä'.repeat(512)}x`));
    expect(error.message).toBe('key must be at most 1024 bytes of UTF-8 (got 1025 bytes)');
    expect(OBJECT_STORAGE_LIMITS.maxKeyBytes).toBe(1024);
  });

  it('names the field it was given', () => {
    expect(failureOf(() => assertValidKey('', 'keys[3]')).message).toBe('keys[3] must not be empty');
  });

  it('rejects values that are not strings', () => {
    expect(failureOf(() => assertValidKey(42)).message).toBe('key must be a string (got number)');
  });
});

describe('assertValidPrefix', () => {
  it.each(['', 'blobs/', 'blobs/ab', 'packages/area-1'])('accepts %j', (prefix) => {
    expect(() => assertValidPrefix(prefix)).not.toThrow();
  });

  it.each(['/blobs', 'a/../', 'a//', 'tab\t'])('rejects %j', (prefix) => {
    expect(failureOf(() => assertValidPrefix(prefix)).code).toBe(StorageErrorCode.INVALID_KEY);
  });
});

describe('assertValidSize', () => {
  it('accepts zero and the maximum', () => {
    expect(() => assertValidSize(0, 'size', 10)).not.toThrow();
    expect(() => assertValidSize(10, 'size', 10)).not.toThrow();
  });

  it.each([
    [-1, 'options.size must not be negative (got -1)'],
    [1.5, 'options.size must be a whole number of bytes (got 1.5)'],
    [Number.NaN, 'options.size must be a whole number of bytes (got NaN)'],
    [11, 'options.size must be at most 10 bytes (got 11)'],
  ])('rejects %p', (size, message) => {
    const error = failureOf(() => assertValidSize(size, 'options.size', 10));
    expect(error).toMatchObject({ code: StorageErrorCode.INVALID_ARGUMENT, field: 'options.size', message });
  });
});

describe('assertValidExpiry', () => {
  it('accepts 1 second to 7 days', () => {
    expect(() => assertValidExpiry(1)).not.toThrow();
    expect(() => assertValidExpiry(604_800)).not.toThrow();
  });

  it.each([0, -5, 604_801, 2.5, 1e12])('rejects %p with the limits in the message', (seconds) => {
    const error = failureOf(() => assertValidExpiry(seconds));
    expect(error.code).toBe(StorageErrorCode.INVALID_ARGUMENT);
    expect(error.message).toBe(
      `expiresInSeconds must be a whole number of seconds from 1 to 604800 (got ${seconds})`,
    );
  });
});

describe('assertValidContentType', () => {
  it.each(['image/png', 'application/vnd.mapbox-vector-tile', 'text/plain; charset=utf-8', 'a/b;q="x y"'])(
    'accepts %j',
    (contentType) => {
      expect(() => assertValidContentType(contentType)).not.toThrow();
    },
  );

  it.each(['', 'png', 'image/png\r\nX-Injected: 1', 'image/ png', `image/${'x'.repeat(300)}`])(
    'rejects %j',
    (contentType) => {
      expect(failureOf(() => assertValidContentType(contentType)).field).toBe('contentType');
    },
  );
});

describe('assertValidContentDisposition', () => {
  it('accepts an attachment with a file name', () => {
    expect(() => assertValidContentDisposition('attachment; filename="area.mbtiles"')).not.toThrow();
  });

  it('rejects header injection and non-ASCII', () => {
    expect(() => assertValidContentDisposition('attachment\r\nSet-Cookie: x')).toThrow(StorageError);
    expect(() => assertValidContentDisposition('attachment; filename="Räume"')).toThrow(StorageError);
  });
});

describe('assertValidListLimit and assertValidRange', () => {
  it('bounds the page size to 1..1000', () => {
    expect(() => assertValidListLimit(1000)).not.toThrow();
    expect(failureOf(() => assertValidListLimit(1001)).message).toBe(
      'limit must be a whole number from 1 to 1000 (got 1001)',
    );
    expect(() => assertValidListLimit(0)).toThrow(StorageError);
  });

  it('accepts open and single-byte ranges and rejects reversed or negative ones', () => {
    expect(() => assertValidRange({ start: 0, end: 0 })).not.toThrow();
    expect(() => assertValidRange({ start: 7 })).not.toThrow();
    expect(failureOf(() => assertValidRange({ start: 5, end: 4 })).message).toBe(
      'range.end must not be before range.start (got 5-4)',
    );
    expect(failureOf(() => assertValidRange({ start: -1 })).field).toBe('range.start');
  });
});
