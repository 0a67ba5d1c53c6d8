import { createHash } from 'node:crypto';
import { StorageError, StorageErrorCode } from './storage.error';

/** Prefix of every content-addressed blob (tiles); the rest of the key is derived from the SHA-256. */
export const BLOB_KEY_PREFIX = 'blobs/';

const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;

export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && SHA256_HEX_PATTERN.test(value);
}

export function assertSha256Hex(value: unknown, field = 'sha256'): asserts value is string {
  if (!isSha256Hex(value)) {
    const shown = typeof value === 'string' ? `${value.length} characters` : typeof value;
    throw new StorageError(
      StorageErrorCode.INVALID_CHECKSUM,
      `${field} must be a SHA-256 digest of exactly 64 lowercase hexadecimal characters (got ${shown})`,
      { field },
    );
  }
}

/**
 * `blobs/ab/cd/abcd…`: two fan-out levels of 256 each keep directories (filesystem driver) and S3 key
 * ranges small, so no single prefix holds millions of entries.
 */
export function blobKeyForSha256(sha256Hex: string): string {
  assertSha256Hex(sha256Hex);
  return `${BLOB_KEY_PREFIX}${sha256Hex.slice(0, 2)}/${sha256Hex.slice(2, 4)}/${sha256Hex}`;
}

/** The inverse of blobKeyForSha256; null for keys that are not well-formed blob keys. */
export function sha256ForBlobKey(key: string): string | null {
  const match = /^blobs\/([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{64})$/.exec(key);
  if (match === null) return null;
  const [, first, second, digest] = match;
  return digest.startsWith(`${first}${second}`) ? digest : null;
}

export function sha256Hex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/** S3 `x-amz-checksum-sha256` carries the digest in base64, not hex. */
export function sha256HexToBase64(sha256HexDigest: string): string {
  assertSha256Hex(sha256HexDigest);
  return Buffer.from(sha256HexDigest, 'hex').toString('base64');
}
