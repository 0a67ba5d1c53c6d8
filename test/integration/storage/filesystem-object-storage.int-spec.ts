// The shared contract against the filesystem driver in a temporary directory, with its presigned URLs
// served by StorageObjectsController in a real Nest HTTP server on 127.0.0.1.
import { createObjectStorage } from '@map-offline/storage';
import { startFilesystemStorageServer } from './filesystem-storage.server';
import { describeObjectStorageContract } from './object-storage.contract';

/** Bytes; the filesystem driver streams without parts, the size only shapes the multipart tests. */
const PART_SIZE_BYTES = 5 * 1024 * 1024;

describeObjectStorageContract('filesystem driver', async () => {
  const server = await startFilesystemStorageServer();
  const storage = createObjectStorage(server.config);
  return {
    storage,
    multipartPartSizeBytes: PART_SIZE_BYTES,
    presignedPutEnforces: { checksum: true, size: true, otherKey: true, expiry: true },
    listsInUtf8ByteOrder: true,
    dispose: async () => {
      await storage.close();
      await server.close();
    },
  };
});
