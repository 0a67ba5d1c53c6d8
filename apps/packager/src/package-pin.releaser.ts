import { Injectable } from '@nestjs/common';
import {
  BlobCollectionRepository,
  OfflinePackageEntity,
  OfflinePackagePinRepository,
  releaseInChunks,
} from '@map-offline/entities';
import { blobKeyForSha256, ObjectStorage } from '@map-offline/storage';

/** Pins released per transaction: short transactions keep seed batches of the source moving. */
const RELEASE_CHUNK = 5_000;
/** Blobs collected per transaction. */
const COLLECT_CHUNK = 500;

/**
 * Releases a package's tile pins in resumable chunks: tiles that no region holds and no other package pins
 * leave the index, and their blobs are collected unless another tile still uses them. A redelivered job
 * continues where the previous attempt stopped, because released pins are gone.
 */
@Injectable()
export class PackagePinReleaser {
  constructor(
    private readonly pins: OfflinePackagePinRepository,
    private readonly collection: BlobCollectionRepository,
    private readonly storage: ObjectStorage,
  ) {}

  async releaseAll(
    pkg: Pick<OfflinePackageEntity, 'id' | 'sourceId'>,
    onChunk?: (pinsReleased: number) => Promise<void>,
  ): Promise<{ pinsReleased: number; tilesRemoved: number; blobsCollected: number }> {
    let blobsCollected = 0;
    if (pkg.sourceId === null) return { pinsReleased: 0, tilesRemoved: 0, blobsCollected };
    const sourceId = pkg.sourceId;
    const released = await releaseInChunks(
      RELEASE_CHUNK,
      (after) => this.pins.releaseChunk(pkg.id, sourceId, RELEASE_CHUNK, after),
      async (chunk, totals) => {
        blobsCollected += await this.collect(chunk.candidateBlobs);
        await onChunk?.(totals.membersRemoved);
      },
    );
    return { pinsReleased: released.membersRemoved, tilesRemoved: released.tilesRemoved, blobsCollected };
  }

  private async collect(candidates: string[]): Promise<number> {
    let collected = 0;
    for (let start = 0; start < candidates.length; start += COLLECT_CHUNK) {
      const removed = await this.collection.collect(
        candidates.slice(start, start + COLLECT_CHUNK),
        COLLECT_CHUNK,
        (hashes) => this.storage.deleteMany(hashes.map((hash) => blobKeyForSha256(hash))),
      );
      collected += removed.length;
    }
    return collected;
  }
}
