import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { StorageError, StorageErrorCode } from './storage.error';

export interface ExpectedContent {
  /** Hex SHA-256 the bytes must hash to. */
  sha256: string;
  /** Bytes, when known. */
  size?: number;
}

/**
 * Passes bytes through while hashing and counting them, and fails the stream before it ends when they do
 * not match what the caller declared. Uploaders commit only after the stream ended cleanly (the filesystem
 * renames, lib-storage sends the last part and completes), so a mismatch leaves nothing behind.
 */
export class ChecksumVerifyingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private bytesSeen = 0;

  constructor(private readonly expected: ExpectedContent) {
    super();
  }

  /** Bytes that went through so far. */
  get byteCount(): number {
    return this.bytesSeen;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytesSeen += chunk.length;
    if (this.expected.size !== undefined && this.bytesSeen > this.expected.size) {
      // Fail early so an oversized body never fills the disk or a multipart upload.
      callback(sizeMismatch(this.expected.size, `more than ${this.expected.size}`));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expected.size !== undefined && this.bytesSeen !== this.expected.size) {
      callback(sizeMismatch(this.expected.size, String(this.bytesSeen)));
      return;
    }
    const actual = this.hash.digest('hex');
    if (actual !== this.expected.sha256) {
      callback(checksumMismatch(this.expected.sha256, actual));
      return;
    }
    callback();
  }
}

export function sizeMismatch(expectedBytes: number, actual: string): StorageError {
  return new StorageError(
    StorageErrorCode.SIZE_MISMATCH,
    `body is ${actual} bytes but size says ${expectedBytes} bytes; nothing was stored`,
    { field: 'size' },
  );
}

export function checksumMismatch(expectedHex: string, actualHex: string): StorageError {
  return new StorageError(
    StorageErrorCode.CHECKSUM_MISMATCH,
    `body hashes to SHA-256 ${actualHex} but sha256 says ${expectedHex}; nothing was stored`,
    { field: 'sha256' },
  );
}

/** The same checks for a body already in memory, without a stream. */
export function verifyBuffer(body: Buffer, expected: ExpectedContent, actualSha256Hex: string): void {
  if (expected.size !== undefined && body.length !== expected.size) {
    throw sizeMismatch(expected.size, String(body.length));
  }
  if (actualSha256Hex !== expected.sha256) throw checksumMismatch(expected.sha256, actualSha256Hex);
}
