import { Inject, Injectable } from '@nestjs/common';
import { RegionReleasedError, TileUploadRepository, VerifiedBlob } from '@map-offline/entities';
import { AppLogger } from '@map-offline/observability';
import { APP_LOGGER } from '@map-offline/runtime';
import { mapBounded } from './bounded-map';
import { ReplacedBlobCollector } from './replaced-blob.collector';
import { regionBeingDeleted, UploadCallPreparer } from './upload-call.preparer';
import { judgeUpload, UploadVerdict } from './upload-verdict';
import { TileUploadCandidate, tileLabel } from './tile-upload-candidate';
import { TileUploadInput } from './tile-upload.input';
import { TILE_UPLOAD_LIMITS } from './tile-upload.limits';
import {
  TileConfirmationStatus,
  TileUploadConfirmation,
  TileUploadConfirmationResult,
} from './tile-upload.model';
import { isCorruptForKey, ObjectInspection, UploadedObjectInspector } from './uploaded-object.inspector';

const STORED_VERDICT: UploadVerdict = { status: TileConfirmationStatus.INDEXED, message: null };
const VANISHED_VERDICT: UploadVerdict = {
  status: TileConfirmationStatus.NOT_UPLOADED,
  message: 'the object was removed before it could be indexed; request and upload it again',
};

/**
 * confirmTileUploads: reads every uploaded object back (size from the bytes, SHA-256 computed here, format
 * from the first bytes), indexes exactly the tiles that match, and deletes rejected objects whose bytes
 * are not what their key names. Nothing that was not read back and matched is ever indexed.
 */
@Injectable()
export class TileUploadConfirmationService {
  constructor(
    private readonly preparer: UploadCallPreparer,
    private readonly repository: TileUploadRepository,
    private readonly inspector: UploadedObjectInspector,
    private readonly collector: ReplacedBlobCollector,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  async confirm(
    organisationId: string,
    regionId: string,
    input: TileUploadInput[],
  ): Promise<TileUploadConfirmationResult> {
    const { region, source, tiles } = await this.preparer.prepare(organisationId, regionId, input);
    const stored = await this.repository.findBlobs(tiles.map((tile) => tile.sha256));

    // A row means verified bytes are stored (rows never outlive them); only row-less hashes are read.
    const unstored = [...new Set(tiles.map((tile) => tile.sha256).filter((sha256) => !stored.has(sha256)))];
    const inspected = await mapBounded(unstored, TILE_UPLOAD_LIMITS.verifyConcurrency, (sha256) =>
      this.inspector.inspect(sha256),
    );
    const inspections = new Map(unstored.map((sha256, position) => [sha256, inspected[position]]));

    const verdicts = new Map<number, UploadVerdict>();
    for (const tile of tiles) {
      const blob = stored.get(tile.sha256);
      const inspection = inspections.get(tile.sha256);
      if (blob)
        verdicts.set(tile.index, blob.sizeBytes === tile.size ? STORED_VERDICT : storedSizeVerdict(tile));
      else if (inspection) verdicts.set(tile.index, judgeUpload(tile, inspection));
    }
    const deleted = await this.deleteCorrupt(inspections);

    const accepted = tiles.filter(
      (tile) => verdicts.get(tile.index)?.status === TileConfirmationStatus.INDEXED,
    );
    if (accepted.length > 0) {
      const vanished = await this.index(region.id, source.id, accepted, verifiedBlobs(accepted, inspections));
      for (const tile of accepted) if (vanished.has(tile.sha256)) verdicts.set(tile.index, VANISHED_VERDICT);
    }

    const results: TileUploadConfirmation[] = tiles.map((tile) => {
      const verdict = verdicts.get(tile.index) ?? VANISHED_VERDICT;
      return {
        index: tile.index,
        z: tile.z,
        x: tile.x,
        y: tile.y,
        sha256: tile.sha256,
        status: verdict.status,
        objectDeleted: verdict.status !== TileConfirmationStatus.INDEXED && deleted.has(tile.sha256),
        message: verdict.message,
      };
    });
    const indexed = results.filter((result) => result.status === TileConfirmationStatus.INDEXED).length;
    if (indexed < results.length) {
      this.logger.info(
        { regionId: region.id, indexed, rejected: results.length - indexed, objectsDeleted: deleted.size },
        'tile uploads rejected at confirmation',
      );
    }
    return { regionId: region.id, indexed, rejected: results.length - indexed, tiles: results };
  }

  /** Indexes the accepted tiles; returns the hashes whose object or row disappeared meanwhile. */
  private async index(
    regionId: string,
    sourceId: string,
    tiles: TileUploadCandidate[],
    blobs: VerifiedBlob[],
  ): Promise<Set<string>> {
    try {
      const result = await this.repository.indexUploadedTiles({
        regionId,
        sourceId,
        tiles,
        verifiedBlobs: blobs,
        objectStillPresent: (blob) => this.inspector.stillPresent(blob.sha256, blob.sizeBytes),
      });
      await this.collector.collect(result.replacedBlobs);
      return new Set(result.vanished);
    } catch (error) {
      if (error instanceof RegionReleasedError) throw regionBeingDeleted(regionId);
      throw error;
    }
  }

  /**
   * Deletes each object whose bytes are not what its key names, unless a row references the key; the
   * object is inspected again under the hash's upload lock, so a good upload that replaced the bad one
   * meanwhile is kept. Returns the hashes whose objects were deleted.
   */
  private async deleteCorrupt(inspections: Map<string, ObjectInspection>): Promise<Set<string>> {
    const corrupt = [...inspections].filter(([sha256, inspection]) => isCorruptForKey(sha256, inspection));
    const outcomes = await mapBounded(corrupt, TILE_UPLOAD_LIMITS.verifyConcurrency, ([sha256]) =>
      this.repository.deleteUnreferencedObject(sha256, async () => {
        if (!(await this.inspector.isCorrupt(sha256))) return false;
        await this.inspector.delete(sha256);
        return true;
      }),
    );
    return new Set(corrupt.filter((_, position) => outcomes[position]).map(([sha256]) => sha256));
  }
}

function storedSizeVerdict(tile: TileUploadCandidate): UploadVerdict {
  return {
    status: TileConfirmationStatus.SIZE_MISMATCH,
    message: `the stored bytes with this sha256 are not ${tile.size} bytes (tile ${tileLabel(tile)})`,
  };
}

/** One blob per verified, row-less hash, with the size read back and the first accepted tile's type. */
function verifiedBlobs(
  tiles: TileUploadCandidate[],
  inspections: Map<string, ObjectInspection>,
): VerifiedBlob[] {
  const blobs = new Map<string, VerifiedBlob>();
  for (const tile of tiles) {
    const inspection = inspections.get(tile.sha256);
    if (inspection?.kind !== 'read' || blobs.has(tile.sha256)) continue;
    blobs.set(tile.sha256, {
      sha256: tile.sha256,
      sizeBytes: inspection.sizeBytes,
      contentType: tile.contentType,
    });
  }
  return [...blobs.values()];
}
