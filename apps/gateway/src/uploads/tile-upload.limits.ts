/** Limits of client tile uploads; each keeps one call's work (and the gateway's memory) bounded. */
export const TILE_UPLOAD_LIMITS = {
  /** Tiles per requestTileUploads or confirmTileUploads call. */
  maxTilesPerCall: 1_000,
  /** Bytes of one tile; far above real map tiles (tens of KB), small enough to hash in the gateway. */
  maxTileBytes: 4 * 1024 * 1024,
  /** Seconds a presigned PUT stays valid unless the caller asks for less or more. */
  defaultExpirySeconds: 600,
  minExpirySeconds: 1,
  /** Seconds; a URL is a bearer credential for one key, so it should not outlive an upload session. */
  maxExpirySeconds: 3_600,
  /** Objects read back and hashed at once during a confirmation (memory: one stream chunk each). */
  verifyConcurrency: 16,
  /** Presigned URLs signed at once (local HMAC work for S3, no request). */
  presignConcurrency: 16,
} as const;
