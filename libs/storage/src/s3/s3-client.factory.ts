import { S3Client } from '@aws-sdk/client-s3';
import type { S3ChecksumMode, S3StorageConfig } from '../storage.config';

/** `aws` without a custom endpoint (real AWS S3), `when-required` for every S3-compatible server. */
export function resolveChecksumMode(config: S3StorageConfig): S3ChecksumMode {
  return config.checksumMode ?? (config.endpoint === undefined ? 'aws' : 'when-required');
}

/**
 * One client per endpoint. With `when-required` the SDK adds no flexible checksums: its default streams a
 * body with aws-chunked framing and a trailing checksum, and s3rver answered 200 but stored the framing
 * (18,165 bytes sent, 18,209 stored), so non-AWS servers get plain bodies and are verified by read-back.
 */
export function createS3Client(config: S3StorageConfig, endpoint: string | undefined): S3Client {
  const calculation = resolveChecksumMode(config) === 'aws' ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED';
  return new S3Client({
    region: config.region,
    endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    requestChecksumCalculation: calculation,
    responseChecksumValidation: calculation,
  });
}
