import { Injectable } from '@nestjs/common';
import { invalidInput } from '@map-offline/contracts';
import { RegionReleasedError, StoredBlob, TileUploadRepository } from '@map-offline/entities';
import { blobKeyForSha256, ObjectStorage } from '@map-offline/storage';
import { mapBounded } from './bounded-map';
import { ReplacedBlobCollector } from './replaced-blob.collector';
import { regionBeingDeleted, UploadCallPreparer } from './upload-call.preparer';
import { TileUploadCandidate, tileLabel } from './tile-upload-candidate';
import { TileUploadInput } from './tile-upload.input';
import { TILE_UPLOAD_LIMITS } from './tile-upload.limits';
import { PresignedUpload, TileUploadRequest, TileUploadStatus, TileUploadTicket } from './tile-upload.model';
import { validateExpiry } from './tile-upload.validator';

/**
 * requestTileUploads: tiles whose bytes are stored already are indexed at once; every other tile gets a
 * presigned PUT bound to its content-addressed key, its size and its SHA-256. Nothing else is written:
 * an uploaded object counts only once confirmTileUploads has read it back.
 */
@Injectable()
export class TileUploadRequestService {
  constructor(
    private readonly preparer: UploadCallPreparer,
    private readonly repository: TileUploadRepository,
    private readonly storage: ObjectStorage,
    private readonly collector: ReplacedBlobCollector,
  ) {}

  async request(
    organisationId: string,
    regionId: string,
    input: TileUploadInput[],
    expiresInSeconds: number,
  ): Promise<TileUploadRequest> {
    const expiry = validateExpiry(expiresInSeconds);
    const { region, source, tiles } = await this.preparer.prepare(organisationId, regionId, input);
    const stored = await this.repository.findBlobs(tiles.map((tile) => tile.sha256));
    assertSizesMatchStored(tiles, stored);

    const linked = new Set<string>();
    const alreadyStored = tiles.filter((tile) => stored.has(tile.sha256));
    if (alreadyStored.length > 0) {
      try {
        const result = await this.repository.indexUploadedTiles({
          regionId: region.id,
          sourceId: source.id,
          tiles: alreadyStored,
          verifiedBlobs: [],
          objectStillPresent: () => Promise.resolve(false),
        });
        for (const tile of result.indexed) linked.add(tileLabel(tile));
        await this.collector.collect(result.replacedBlobs);
      } catch (error) {
        if (error instanceof RegionReleasedError) throw regionBeingDeleted(region.id);
        throw error;
      }
    }

    // A blob collected since it was looked up is simply uploaded again.
    const toUpload = tiles.filter((tile) => !linked.has(tileLabel(tile)));
    const uploads = await mapBounded(toUpload, TILE_UPLOAD_LIMITS.presignConcurrency, (tile) =>
      this.presign(tile, expiry),
    );
    const uploadByIndex = new Map(toUpload.map((tile, position) => [tile.index, uploads[position]]));
    const tickets: TileUploadTicket[] = tiles.map((tile) => {
      const upload = uploadByIndex.get(tile.index) ?? null;
      return {
        index: tile.index,
        z: tile.z,
        x: tile.x,
        y: tile.y,
        sha256: tile.sha256,
        status: upload ? TileUploadStatus.UPLOAD : TileUploadStatus.ALREADY_STORED,
        upload,
      };
    });
    return {
      regionId: region.id,
      alreadyStored: tiles.length - toUpload.length,
      toUpload: toUpload.length,
      tiles: tickets,
    };
  }

  private async presign(tile: TileUploadCandidate, expiresInSeconds: number): Promise<PresignedUpload> {
    const signed = await this.storage.presignPut(blobKeyForSha256(tile.sha256), {
      expiresInSeconds,
      contentType: tile.contentType,
      size: tile.size,
      sha256: tile.sha256,
    });
    return {
      url: signed.url,
      method: signed.method,
      headers: Object.entries(signed.headers).map(([name, value]) => ({ name, value })),
      expiresAt: signed.expiresAt,
    };
  }
}

/**
 * A hash names one byte string, so a stored blob's size is the truth; a tile declaring another size is a
 * client error, and it gets no URL that could overwrite the stored bytes.
 */
function assertSizesMatchStored(tiles: TileUploadCandidate[], stored: Map<string, StoredBlob>): void {
  for (const tile of tiles) {
    const blob = stored.get(tile.sha256);
    if (blob && blob.sizeBytes !== tile.size) {
      throw invalidInput(
        `tiles[${tile.index}].size`,
        'differs from the size of the stored bytes with this sha256',
      );
    }
  }
}
