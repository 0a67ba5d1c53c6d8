import { Inject, Injectable } from '@nestjs/common';
import { BlobCollectionRepository } from '@map-offline/entities';
import { AppLogger } from '@map-offline/observability';
import { APP_LOGGER } from '@map-offline/runtime';
import { blobKeyForSha256, ObjectStorage } from '@map-offline/storage';

/**
 * Collects blobs that uploaded tiles replaced, through the garbage collector's own protocol (row FOR
 * UPDATE SKIP LOCKED, re-checked unreferenced, object deleted before row), so a blob another tile still
 * uses or a seed batch is about to use is never touched.
 */
@Injectable()
export class ReplacedBlobCollector {
  constructor(
    private readonly blobs: BlobCollectionRepository,
    private readonly storage: ObjectStorage,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  async collect(hashes: string[]): Promise<void> {
    if (hashes.length === 0) return;
    try {
      await this.blobs.collect(hashes, hashes.length, (collected) =>
        this.storage.deleteMany(collected.map(blobKeyForSha256)),
      );
    } catch (error) {
      // The tiles are committed; failing the call now would tell the client they were not. The rows stay
      // unreferenced until a collection over all blobs (collect without candidates) removes them.
      this.logger.warn(
        { err: error, blobs: hashes.length },
        'replaced blobs not collected; left for a later sweep',
      );
    }
  }
}
