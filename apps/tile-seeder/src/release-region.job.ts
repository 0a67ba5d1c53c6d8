import { Injectable } from '@nestjs/common';
import { ReleaseRegionPayload } from '@map-offline/contracts';
import {
  BlobCollectionRepository,
  JobRunRepository,
  RegionReleaseRepository,
  releaseInChunks,
} from '@map-offline/entities';
import { JobContext, JobHandler } from '@map-offline/queue';
import { blobKeyForSha256, ObjectStorage } from '@map-offline/storage';
import { SeedingRecordLoader } from './seeding-records';

/** Membership rows released per transaction: short transactions keep seed batches of the source moving. */
const RELEASE_CHUNK = 5_000;
/** Blobs collected per transaction. */
const COLLECT_CHUNK = 500;

/**
 * Deletes a region in resumable chunks: each chunk releases membership and orphaned tiles, then the
 * blobs they used are collected unless something still references them. Redelivery continues where
 * the previous attempt stopped, because released rows are gone.
 */
@Injectable()
export class ReleaseRegionJob {
  constructor(
    private readonly records: SeedingRecordLoader,
    private readonly release: RegionReleaseRepository,
    private readonly collection: BlobCollectionRepository,
    private readonly jobRuns: JobRunRepository,
    private readonly storage: ObjectStorage,
  ) {}

  @JobHandler('release-region')
  async run(payload: ReleaseRegionPayload, context: JobContext): Promise<Record<string, unknown>> {
    const run = await this.jobRuns.find(payload.organisationId, payload.jobRunId);
    if (!run || run.state === 'completed') return { skipped: 'already released' };
    const region = await this.records.findRegion(payload.organisationId, payload.regionId);
    if (!region) {
      // A previous attempt deleted the record and stopped before recording the end.
      await this.jobRuns.finish(run.id, 'completed', { alreadyDeleted: true }, null);
      return { skipped: 'region record already deleted' };
    }
    await this.jobRuns.markActive(run.id);

    let blobs = 0;
    const released = await releaseInChunks(
      RELEASE_CHUNK,
      (after) => this.release.releaseChunk(region.id, region.sourceId, RELEASE_CHUNK, after),
      async (chunk, totals) => {
        blobs += await this.collect(chunk.candidateBlobs);
        await context.reportProgress({ membersReleased: totals.membersRemoved });
      },
    );
    await this.release.deleteRegionRecord(region.id);
    const result = {
      membersReleased: released.membersRemoved,
      tilesRemoved: released.tilesRemoved,
      blobsCollected: blobs,
    };
    await this.jobRuns.finish(run.id, 'completed', result, null);
    context.logger.info(result, 'cache region deleted');
    return result;
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
