import { createReadStream } from 'node:fs';
import type { OfflinePackageFormat } from '@map-offline/entities';
import type { AppLogger } from '@map-offline/observability';
import { ObjectStorage } from '@map-offline/storage';
import { PackageVerificationError } from '../verify/expected-tiles';

/** Media types the download is served with. */
export const PACKAGE_CONTENT_TYPES: Record<OfflinePackageFormat, string> = {
  mbtiles: 'application/vnd.sqlite3',
  pmtiles: 'application/vnd.pmtiles',
  'cybertracker-zip': 'application/zip',
};

/** `packages/<organisation>/<package id>/<file name>`: one folder per package, the name users see last. */
export function packageObjectKey(organisationId: string, packageId: string, fileName: string): string {
  return `packages/${organisationId}/${packageId}/${fileName}`;
}

/**
 * Uploads a finished file as a stream (multipart on S3, so memory stays bounded whatever its size), with
 * its SHA-256 and size so storage refuses different bytes, then checks what storage holds. On any
 * failure the key is deleted, so no half-written or unverified object stays behind.
 */
export async function uploadPackageFile(
  storage: ObjectStorage,
  logger: AppLogger,
  file: { path: string; key: string; contentType: string; sha256: string; bytes: number },
): Promise<void> {
  try {
    await storage.put(file.key, createReadStream(file.path), {
      contentType: file.contentType,
      sha256: file.sha256,
      size: file.bytes,
    });
    const head = await storage.head(file.key);
    if (!head || head.size !== file.bytes || (head.sha256 !== undefined && head.sha256 !== file.sha256)) {
      throw new PackageVerificationError(
        `storage holds ${head?.size ?? 'no'} bytes (sha256 ${head?.sha256 ?? 'unknown'}) for ${file.key}; ` +
          `${file.bytes} bytes with sha256 ${file.sha256} were uploaded`,
      );
    }
  } catch (error) {
    await removeObject(storage, logger, file.key);
    throw error;
  }
}

/** Deletes an object after a failure; the failure is what the caller reports, so this one is only logged. */
export async function removeObject(storage: ObjectStorage, logger: AppLogger, key: string): Promise<void> {
  try {
    await storage.delete(key);
  } catch (error) {
    logger.error({ err: error, key }, 'could not delete the object of a failed package build');
  }
}
