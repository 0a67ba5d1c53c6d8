import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { blobKeyForSha256, isStorageError, ObjectStorage, StorageErrorCode } from '@map-offline/storage';
import { TILE_UPLOAD_LIMITS } from './tile-upload.limits';

/** Bytes kept from the start of an object, enough for every tile format's signature (WebP needs 12). */
const LEADING_BYTES = 16;

/** What is at a blob key, judged from the bytes themselves: the store's own checksums are not trusted. */
export type ObjectInspection =
  | { kind: 'missing' }
  /** Larger than any tile may be: not read. */
  | { kind: 'oversized'; sizeBytes: number }
  | { kind: 'read'; sizeBytes: number; sha256: string; leadingBytes: Buffer };

/**
 * Reads an uploaded object back and hashes it. Servers that skip checksum checks (s3rver) keep whatever
 * a presigned PUT sent, and a HEAD's recorded SHA-256 is only what the uploader claimed, so the hash is
 * computed here, streaming (one chunk in memory), and reading stops past the tile size limit.
 */
@Injectable()
export class UploadedObjectInspector {
  constructor(private readonly storage: ObjectStorage) {}

  async inspect(sha256: string): Promise<ObjectInspection> {
    let object;
    try {
      // One GET, no HEAD first: its headers give the size before any of the body is read.
      object = await this.storage.getStream(blobKeyForSha256(sha256));
    } catch (error) {
      if (isStorageError(error) && error.code === StorageErrorCode.NOT_FOUND) return { kind: 'missing' };
      throw error;
    }
    if (object.totalSize > TILE_UPLOAD_LIMITS.maxTileBytes) {
      object.body.destroy();
      return { kind: 'oversized', sizeBytes: object.totalSize };
    }
    const hash = createHash('sha256');
    const leading: Buffer[] = [];
    let leadingLength = 0;
    let sizeBytes = 0;
    for await (const chunk of object.body as AsyncIterable<Buffer>) {
      sizeBytes += chunk.length;
      // Defensive: a server that under-reports the length must not make this read unbounded.
      if (sizeBytes > TILE_UPLOAD_LIMITS.maxTileBytes) {
        object.body.destroy();
        return { kind: 'oversized', sizeBytes };
      }
      hash.update(chunk);
      if (leadingLength < LEADING_BYTES) {
        leading.push(chunk.subarray(0, LEADING_BYTES - leadingLength));
        leadingLength += Math.min(chunk.length, LEADING_BYTES - leadingLength);
      }
    }
    return { kind: 'read', sizeBytes, sha256: hash.digest('hex'), leadingBytes: Buffer.concat(leading) };
  }

  /** True when an object is at the key of `sha256` and its bytes are not what the key names. */
  async isCorrupt(sha256: string): Promise<boolean> {
    return isCorruptForKey(sha256, await this.inspect(sha256));
  }

  async delete(sha256: string): Promise<void> {
    await this.storage.delete(blobKeyForSha256(sha256));
  }

  async stillPresent(sha256: string, sizeBytes: number): Promise<boolean> {
    const head = await this.storage.head(blobKeyForSha256(sha256));
    return head !== null && head.size === sizeBytes;
  }
}

/**
 * Keys are content addresses shared by every tenant: an object whose bytes hash to its key is correct
 * whoever put it there, so only objects that are not (or too large to be a tile) are ever deleted. This
 * keeps one caller's wrong claim from deleting another caller's good upload of the same bytes.
 */
export function isCorruptForKey(sha256: string, inspection: ObjectInspection): boolean {
  switch (inspection.kind) {
    case 'missing':
      return false;
    case 'oversized':
      return true;
    case 'read':
      return inspection.sha256 !== sha256;
  }
}
