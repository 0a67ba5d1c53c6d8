import { Inject, Injectable } from '@nestjs/common';
import { BlobCollectionRepository } from '@map-offline/entities';
import { AppLogger } from '@map-offline/observability';
import { APP_LOGGER } from '@map-offline/runtime';
import { blobKeyForSha256, ObjectStorage } from '@map-offline/storage';

/** Blobs collected per transaction. */
const COLLECT_CHUNK = 500;

/**
 * Collects blobs a batch left unused: the ones its committed tiles stopped using (a refresh that got new
 * bytes), or the ones it uploaded for a region deleted meanwhile. It goes through the collector's own protocol (row FOR UPDATE SKIP LOCKED, re-checked unreferenced, object deleted before
 * the row), so a blob another tile or a running batch still uses is never touched.
 */
@Injectable()
export class UnusedBlobCollector {
  constructor(
    private readonly collection: BlobCollectionRepository,
    private readonly storage: ObjectStorage,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  /** Returns how many blobs were removed; never throws (what the batch committed stays committed). */
  async collect(hashes: string[]): Promise<number> {
    let collected = 0;
    try {
      for (let start = 0; start < hashes.length; start += COLLECT_CHUNK) {
        const removed = await this.collection.collect(
          hashes.slice(start, start + COLLECT_CHUNK),
          COLLECT_CHUNK,
          (chunk) => this.storage.deleteMany(chunk.map((hash) => blobKeyForSha256(hash))),
        );
        collected += removed.length;
      }
    } catch (error) {
      // Failing the batch now would not bring the candidates back (a retry sees the new blobs only);
      // the rows stay unreferenced until a collection over all blobs removes them.
      this.logger.warn(
        { err: error, blobs: hashes.length },
        'replaced blobs not collected; left for a later sweep',
      );
    }
    return collected;
  }
}
