import { Readable } from 'node:stream';
import { assertSha256Hex } from './content-addressed-key';
import { OBJECT_STORAGE_LIMITS as LIMITS } from './object-storage.limits';
import type { ByteRange } from './object-storage.port';
import { StorageError, StorageErrorCode } from './storage.error';

// C0 controls, DEL and C1 controls: never valid in a key, and dangerous in headers and log lines.
// eslint-disable-next-line no-control-regex -- matching control characters is the point of this pattern
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
// A lone UTF-16 surrogate has no UTF-8 encoding, so S3 and the filesystem would see a different key.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const CONTENT_TYPE = new RegExp(
  `^${TOKEN}/${TOKEN}(\\s*;\\s*${TOKEN}=(${TOKEN}|"[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]*"))*$`,
);
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

function invalidKey(field: string, rule: string): StorageError {
  return new StorageError(StorageErrorCode.INVALID_KEY, `${field} ${rule}`, { field });
}

function invalidArgument(field: string, rule: string): StorageError {
  return new StorageError(StorageErrorCode.INVALID_ARGUMENT, `${field} ${rule}`, { field });
}

/** Checks shared by keys, prefixes and `after` markers. */
function assertKeyCharacters(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string') throw invalidKey(field, `must be a string (got ${typeof value})`);
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > LIMITS.maxKeyBytes) {
    throw invalidKey(field, `must be at most ${LIMITS.maxKeyBytes} bytes of UTF-8 (got ${bytes} bytes)`);
  }
  const control = CONTROL_CHARACTER.exec(value);
  if (control !== null) {
    const codePoint = control[0].charCodeAt(0).toString(16).padStart(4, '0');
    throw invalidKey(
      field,
      `must not contain control characters (found U+${codePoint} at index ${control.index})`,
    );
  }
  if (LONE_SURROGATE.test(value))
    throw invalidKey(field, 'must be well-formed Unicode (found a lone surrogate)');
}

function assertSegments(segments: readonly string[], field: string): void {
  for (const segment of segments) {
    if (segment === '') throw invalidKey(field, 'must not contain empty segments (`//` or a trailing `/`)');
    if (segment === '.' || segment === '..') {
      throw invalidKey(field, `must not contain a \`${segment}\` segment`);
    }
  }
}

/**
 * Keys must be portable across every driver: at most 1024 bytes, no leading `/`, no empty, `.` or `..`
 * segments (a filesystem would resolve them), no control characters.
 */
export function assertValidKey(key: unknown, field = 'key'): asserts key is string {
  assertKeyCharacters(key, field);
  if (key.length === 0) throw invalidKey(field, 'must not be empty');
  if (key.startsWith('/')) throw invalidKey(field, 'must not start with `/`');
  assertSegments(key.split('/'), field);
}

/** A list prefix may be empty or end in `/`; every complete segment follows the key rules. */
export function assertValidPrefix(prefix: unknown, field = 'prefix'): asserts prefix is string {
  assertKeyCharacters(prefix, field);
  if (prefix.startsWith('/')) throw invalidKey(field, 'must not start with `/`');
  const segments = prefix.split('/');
  assertSegments(segments.slice(0, -1), field);
}

/** `after` is only compared with keys, so it needs no segment rules. */
export function assertValidListAfter(after: unknown, field = 'after'): asserts after is string {
  assertKeyCharacters(after, field);
}

export function assertValidSize(size: unknown, field: string, maximumBytes: number): asserts size is number {
  if (typeof size !== 'number' || !Number.isSafeInteger(size)) {
    throw invalidArgument(field, `must be a whole number of bytes (got ${String(size)})`);
  }
  if (size < 0) throw invalidArgument(field, `must not be negative (got ${size})`);
  if (size > maximumBytes)
    throw invalidArgument(field, `must be at most ${maximumBytes} bytes (got ${size})`);
}

export function assertValidContentType(
  contentType: unknown,
  field = 'contentType',
): asserts contentType is string {
  if (typeof contentType !== 'string' || contentType.length === 0) {
    throw invalidArgument(field, 'must be a non-empty media type such as `image/png`');
  }
  if (contentType.length > LIMITS.maxContentTypeLength) {
    throw invalidArgument(
      field,
      `must be at most ${LIMITS.maxContentTypeLength} characters (got ${contentType.length})`,
    );
  }
  if (!CONTENT_TYPE.test(contentType)) {
    throw invalidArgument(
      field,
      'must be a media type `type/subtype` with optional `; name=value` parameters',
    );
  }
}

export function assertValidContentDisposition(value: unknown, field = 'responseContentDisposition'): void {
  if (typeof value !== 'string' || !PRINTABLE_ASCII.test(value)) {
    throw invalidArgument(field, 'must be non-empty printable ASCII (encode file names with `filename*=`)');
  }
  if (value.length > LIMITS.maxContentDispositionLength) {
    throw invalidArgument(
      field,
      `must be at most ${LIMITS.maxContentDispositionLength} characters (got ${value.length})`,
    );
  }
}

export function assertValidExpiry(seconds: unknown, field = 'expiresInSeconds'): asserts seconds is number {
  const { minPresignExpirySeconds: minimum, maxPresignExpirySeconds: maximum } = LIMITS;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < minimum || seconds > maximum) {
    throw invalidArgument(
      field,
      `must be a whole number of seconds from ${minimum} to ${maximum} (got ${String(seconds)})`,
    );
  }
}

export function assertValidListLimit(limit: unknown, field = 'limit'): asserts limit is number {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > LIMITS.maxListLimit) {
    throw invalidArgument(
      field,
      `must be a whole number from 1 to ${LIMITS.maxListLimit} (got ${String(limit)})`,
    );
  }
}

export function assertValidRange(range: ByteRange, field = 'range'): void {
  assertValidSize(range.start, `${field}.start`, LIMITS.maxObjectBytes);
  if (range.end === undefined) return;
  assertValidSize(range.end, `${field}.end`, LIMITS.maxObjectBytes);
  if (range.end < range.start) {
    throw invalidArgument(
      `${field}.end`,
      `must not be before ${field}.start (got ${range.start}-${range.end})`,
    );
  }
}

export function assertValidBody(body: unknown, field = 'body'): asserts body is Buffer | Readable {
  if (!Buffer.isBuffer(body) && !(body instanceof Readable)) {
    throw invalidArgument(field, 'must be a Buffer or a Readable stream');
  }
}

export function assertValidSha256(sha256: unknown, field = 'sha256'): asserts sha256 is string {
  assertSha256Hex(sha256, field);
}
