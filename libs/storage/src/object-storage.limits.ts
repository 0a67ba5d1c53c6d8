/** Limits shared by every driver; most mirror S3 so a key or size valid here is valid on any backend. */
export const OBJECT_STORAGE_LIMITS = {
  /** S3 key limit, in UTF-8 bytes. */
  maxKeyBytes: 1024,
  /** Largest object S3 stores (5 TiB), in bytes. */
  maxObjectBytes: 5 * 1024 ** 4,
  /** Largest single PUT S3 accepts (5 GiB), in bytes; a presigned PUT is one PUT. */
  maxSinglePutBytes: 5 * 1024 ** 3,
  /** SigV4 presigned URLs live at most 7 days, in seconds. */
  maxPresignExpirySeconds: 7 * 24 * 60 * 60,
  minPresignExpirySeconds: 1,
  /** S3 returns at most 1000 keys per list call. */
  maxListLimit: 1000,
  /** Characters; RFC 6838 bounds type and subtype at 127 each, plus parameters. */
  maxContentTypeLength: 255,
  /** Characters of a Content-Disposition value. */
  maxContentDispositionLength: 1024,
} as const;
