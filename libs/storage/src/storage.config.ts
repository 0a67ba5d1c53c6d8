import { StorageError, StorageErrorCode } from './storage.error';

/**
 * `aws`: the SDK's default checksums plus `x-amz-checksum-sha256` on uploads, so AWS S3 verifies every
 * body. `when-required`: checksums only where an operation demands them, for S3-compatible servers that do
 * not understand the aws-chunked trailer framing (s3rver stores the framing as object bytes).
 */
export type S3ChecksumMode = 'aws' | 'when-required';

export interface S3StorageConfig {
  driver: 's3';
  /** Omit for AWS S3; set for MinIO, R2, Ceph or s3rver, e.g. `http://127.0.0.1:59000`. */
  endpoint?: string;
  /** Base URL clients reach for presigned URLs when it differs from `endpoint` (a cluster-internal name). */
  presignEndpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** Default: `aws` without an endpoint, `when-required` with one. */
  checksumMode?: S3ChecksumMode;
  /** Multipart part size in bytes (5 MiB to 5 GiB); memory per upload is about partSize x queueSize. */
  multipartPartSizeBytes?: number;
  /** Parts uploaded in parallel per upload. */
  multipartQueueSize?: number;
  /** Send `If-None-Match: *` on put-if-absent (AWS honours it; servers that ignore it are still safe). */
  conditionalWrites?: boolean;
}

export interface FilesystemStorageConfig {
  driver: 'filesystem';
  /** Directory holding the objects; created if missing. */
  rootDirectory: string;
  /** Where clients reach StorageObjectsController, e.g. `http://127.0.0.1:4000`, without a trailing `/`. */
  publicBaseUrl: string;
  /** HMAC-SHA256 key for presigned URLs, at least 32 bytes. */
  presignSecret: string;
}

export type StorageConfig = S3StorageConfig | FilesystemStorageConfig;

export const S3_DEFAULTS = {
  /** Bytes. */
  multipartPartSizeBytes: 8 * 1024 * 1024,
  multipartQueueSize: 2,
  conditionalWrites: true,
} as const;

/** Bytes; S3 refuses smaller parts (except the last) and larger ones. */
export const S3_PART_SIZE_LIMITS = { minimum: 5 * 1024 * 1024, maximum: 5 * 1024 ** 3 } as const;
/** Bytes of HMAC key material. */
export const MINIMUM_PRESIGN_SECRET_BYTES = 32;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function s3Problems(config: S3StorageConfig): string[] {
  const problems: string[] = [];
  for (const field of ['region', 'bucket', 'accessKeyId', 'secretAccessKey'] as const) {
    if (typeof config[field] !== 'string' || config[field].length === 0)
      problems.push(`${field} must be set`);
  }
  for (const field of ['endpoint', 'presignEndpoint'] as const) {
    const value = config[field];
    if (value !== undefined && !isHttpUrl(value))
      problems.push(`${field} must be an http(s) URL (got ${value})`);
  }
  const partSize = config.multipartPartSizeBytes;
  const { minimum, maximum } = S3_PART_SIZE_LIMITS;
  if (partSize !== undefined && (!Number.isInteger(partSize) || partSize < minimum || partSize > maximum)) {
    problems.push(
      `multipartPartSizeBytes must be a whole number from ${minimum} to ${maximum} bytes (got ${partSize})`,
    );
  }
  const queueSize = config.multipartQueueSize;
  if (queueSize !== undefined && (!Number.isInteger(queueSize) || queueSize < 1 || queueSize > 16)) {
    problems.push(`multipartQueueSize must be a whole number from 1 to 16 (got ${queueSize})`);
  }
  return problems;
}

function filesystemProblems(config: FilesystemStorageConfig): string[] {
  const problems: string[] = [];
  if (typeof config.rootDirectory !== 'string' || config.rootDirectory.length === 0) {
    problems.push('rootDirectory must be set');
  }
  if (typeof config.publicBaseUrl !== 'string' || !isHttpUrl(config.publicBaseUrl)) {
    problems.push(`publicBaseUrl must be an http(s) URL (got ${String(config.publicBaseUrl)})`);
  } else if (config.publicBaseUrl.endsWith('/')) {
    problems.push('publicBaseUrl must not end with `/`');
  }
  const secretBytes = typeof config.presignSecret === 'string' ? Buffer.byteLength(config.presignSecret) : 0;
  if (secretBytes < MINIMUM_PRESIGN_SECRET_BYTES) {
    problems.push(
      `presignSecret must be at least ${MINIMUM_PRESIGN_SECRET_BYTES} bytes (got ${secretBytes})`,
    );
  }
  return problems;
}

/** Every problem at once, so one boot failure lists everything to fix. */
export function storageConfigProblems(config: StorageConfig): string[] {
  switch (config.driver) {
    case 's3':
      return s3Problems(config);
    case 'filesystem':
      return filesystemProblems(config);
    default: {
      const unknown: { driver?: unknown } = config;
      return [`driver must be 's3' or 'filesystem' (got ${String(unknown.driver)})`];
    }
  }
}

export function assertValidStorageConfig(config: StorageConfig): void {
  const problems = storageConfigProblems(config);
  if (problems.length > 0) {
    throw new StorageError(
      StorageErrorCode.INVALID_CONFIG,
      `invalid storage config: ${problems.join('; ')}`,
      {
        field: 'storage',
      },
    );
  }
}
