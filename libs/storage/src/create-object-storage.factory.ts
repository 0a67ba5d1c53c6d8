import { FilesystemObjectStorageDriver } from './filesystem/filesystem-object-storage.driver';
import { FilesystemUrlSigner } from './filesystem/filesystem-url.signer';
import type { ObjectStorage } from './object-storage.port';
import { S3ObjectStorageDriver } from './s3/s3-object-storage.driver';
import { assertValidStorageConfig, type FilesystemStorageConfig, type StorageConfig } from './storage.config';
import { ValidatedObjectStorage } from './validated-object-storage.decorator';

export function createFilesystemUrlSigner(config: FilesystemStorageConfig): FilesystemUrlSigner {
  return new FilesystemUrlSigner(config.presignSecret, config.publicBaseUrl);
}

/** The driver the config names, wrapped in the validator; fails with every config problem listed. */
export function createObjectStorage(config: StorageConfig): ObjectStorage {
  assertValidStorageConfig(config);
  switch (config.driver) {
    case 's3':
      return new ValidatedObjectStorage(new S3ObjectStorageDriver(config));
    case 'filesystem':
      return new ValidatedObjectStorage(
        new FilesystemObjectStorageDriver(config, createFilesystemUrlSigner(config)),
      );
  }
}
