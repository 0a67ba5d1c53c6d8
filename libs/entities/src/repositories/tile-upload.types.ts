/** A tile a client uploaded (or found already stored), to be indexed for one region. */
export interface UploadedTile {
  z: number;
  x: number;
  /** XYZ row (north at 0). */
  y: number;
  /** Lower-case hex SHA-256 of the tile's bytes: the blob it points at. */
  sha256: string;
}

/** A blob whose object the caller has read back and verified, but which had no row when it checked. */
export interface VerifiedBlob {
  sha256: string;
  /** bytes, as read back from storage */
  sizeBytes: number;
  contentType: string;
}

/** What the tile_blob row of a hash records. */
export interface StoredBlob {
  sha256: string;
  /** bytes */
  sizeBytes: number;
  contentType: string;
}

export interface TileUploadCommit {
  regionId: string;
  sourceId: string;
  /** Every tile to index; each points at a blob that has a row or is in `verifiedBlobs`. */
  tiles: UploadedTile[];
  /** Objects verified by the caller that had no row; rows are created for those still present. */
  verifiedBlobs: VerifiedBlob[];
  /**
   * Called inside the transaction, under the blob's upload lock, for each verified blob that still has no
   * row: true when its object is still in storage with the verified size. A false keeps its tiles out.
   */
  objectStillPresent: (blob: VerifiedBlob) => Promise<boolean>;
}

export interface TileUploadCommitResult {
  /** Tiles now indexed and members of the region (including ones that already were). */
  indexed: UploadedTile[];
  /** Hashes whose row or object disappeared before the commit; their tiles were not indexed. */
  vanished: string[];
  /** region_tile rows added by this commit */
  addedMembers: number;
  /** Blobs the replaced tiles pointed at and no longer do: candidates for the garbage collector. */
  replacedBlobs: string[];
}
