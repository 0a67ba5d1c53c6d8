import { Injectable } from '@nestjs/common';
import { blobKeyForSha256, ObjectStorage } from '@map-offline/storage';

export interface BlobToUpload {
  sha256: string;
  bytes: Buffer;
  contentType: string;
}

/** Uploads in flight per batch: object stores answer PUTs in parallel far better than one by one. */
const UPLOAD_CONCURRENCY = 16;

/**
 * Writes new blobs to content-addressed keys; storage verifies the SHA-256 where it can. The caller passes
 * only blobs the index has no row for, so the object is almost always missing: a plain put, not
 * putIfAbsent, whose existence check costs a HEAD per blob on S3 (a 404 the SDK turns into an exception)
 * and an lstat plus link-and-unlink on the filesystem. When the object does exist (left by a crashed
 * attempt, or another seeder racing for the same tile) the key names the bytes, so rewriting it stores the
 * same bytes again.
 */
@Injectable()
export class BlobUploader {
  constructor(private readonly storage: ObjectStorage) {}

  /** Returns how many objects were written. */
  async uploadAll(blobs: BlobToUpload[]): Promise<number> {
    let written = 0;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < blobs.length) {
        const blob = blobs[next];
        next += 1;
        await this.storage.put(blobKeyForSha256(blob.sha256), blob.bytes, {
          contentType: blob.contentType,
          sha256: blob.sha256,
          size: blob.bytes.length,
        });
        written += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, blobs.length) }, lane));
    return written;
  }
}
