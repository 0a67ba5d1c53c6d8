import { TileStatus } from '../tile.entity';

/** What the index knows about one tile of a batch (x, y at the batch's zoom). */
export interface IndexedTile {
  x: number;
  y: number;
  status: TileStatus;
  blobSha256: string | null;
  etag: string | null;
  fetchedAt: Date;
  /** true when the region being seeded already holds this tile */
  inRegion: boolean;
}

export interface NewBlob {
  sha256: string;
  sizeBytes: number;
  contentType: string;
}

/** The outcome of one tile to write into the index. */
export interface TileWrite {
  x: number;
  y: number;
  status: TileStatus;
  blobSha256: string | null;
  etag: string | null;
  expiresAt: Date | null;
  failureReason: string | null;
}

export interface BatchCommit {
  jobRunId: string;
  regionId: string;
  sourceId: string;
  zoom: number;
  /** Blobs uploaded by this batch; rows are created if absent. */
  newBlobs: NewBlob[];
  /** Tiles with a new fetch result (fetched, empty, failed). */
  writes: TileWrite[];
  /** Tiles whose upstream copy was confirmed unchanged (304 or same hash): only fetched_at moves. */
  confirmed: { x: number; y: number; etag: string | null; expiresAt: Date | null }[];
  /** Every tile of the batch that is settled and belongs in the region (including ones indexed earlier). */
  members: { x: number; y: number }[];
  /** Set when the batch is finished (no retry will follow): marks it done and counts its units. */
  finishedBatch?: { key: string; units: number };
}

export interface BatchCommitResult {
  /** Tiles that became members of the region in this commit (0 when redelivered). */
  addedMembers: number;
  /** false when a redelivered batch had already been marked finished */
  batchNewlyFinished: boolean;
  /**
   * Blobs the written tiles pointed at before this commit and no longer do (a refresh that got new bytes,
   * a tile that became empty): garbage-collection candidates once the commit is visible.
   */
  replacedBlobs: string[];
}

/** A blob the batch relied on was garbage-collected meanwhile; the batch must re-upload and retry. */
export class BlobVanishedError extends Error {
  constructor(readonly missing: string[]) {
    super(
      `${missing.length} blob(s) were removed by the garbage collector during the batch; retrying uploads them again`,
    );
    this.name = 'BlobVanishedError';
  }
}

/** Index rows the batch linked to were deleted with another region meanwhile; the batch must retry. */
export class TilesVanishedError extends Error {
  constructor(readonly count: number) {
    super(
      `${count} tile(s) were released by a region deletion during the batch; retrying fetches them again`,
    );
    this.name = 'TilesVanishedError';
  }
}

/** The region is being deleted; its remaining batches have nothing to do. */
export class RegionReleasedError extends Error {
  constructor(
    readonly regionId: string,
    /**
     * Blobs the batch uploaded whose rows were recorded without any tile: the caller hands them to the
     * garbage collector (an object without a row would never be collected).
     */
    readonly abandonedBlobs: string[] = [],
  ) {
    super(`cache region ${regionId} is being deleted; the batch stops`);
    this.name = 'RegionReleasedError';
  }
}
