import { Injectable } from '@nestjs/common';
import { blobKeyForSha256, ObjectStorage } from '@map-offline/storage';

export interface BlobToUpload {
  sha256: string;
  bytes: Buffer;
  contentType: string;
}

/** Uploads in flight per batch: object stores answer PUTs in parallel far better than one by one. */
const UPLOAD_CONCURRENCY = 16;

/** Writes new blobs to content-addressed keys; storage verifies the SHA-256 where it can. */
@Injectable()
export class BlobUploader {
  constructor(private readonly storage: ObjectStorage) {}

  /** Returns how many objects were really created (others existed already). */
  async uploadAll(blobs: BlobToUpload[]): Promise<number> {
    let created = 0;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < blobs.length) {
        const blob = blobs[next];
        next += 1;
        const result = await this.storage.putIfAbsent(blobKeyForSha256(blob.sha256), blob.bytes, {
          contentType: blob.contentType,
          sha256: blob.sha256,
          size: blob.bytes.length,
        });
        if (result.created) created += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, blobs.length) }, lane));
    return created;
  }
}
