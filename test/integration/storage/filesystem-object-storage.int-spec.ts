// The shared contract against the filesystem driver in a temporary directory, with its presigned URLs
// served by StorageObjectsController in a real Nest HTTP server on 127.0.0.1.
import { createObjectStorage, StorageModule, type FilesystemStorageConfig } from '@map-offline/storage';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeObjectStorageContract } from './object-storage.contract';

/** Bytes; the filesystem driver streams without parts, the size only shapes the multipart tests. */
const PART_SIZE_BYTES = 5 * 1024 * 1024;

export interface FilesystemStorageServer {
  app: INestApplication;
  config: FilesystemStorageConfig;
  rootDirectory: string;
  close(): Promise<void>;
}

/**
 * Serves StorageModule (as the gateway would import it) on a free port. The app's own storage signs no URLs,
 * so it is built before the port is known; the storage under test gets the real base URL and the same
 * secret and root, like a second replica sharing the disk.
 */
export async function startFilesystemStorageServer(): Promise<FilesystemStorageServer> {
  const rootDirectory = await mkdtemp(join(tmpdir(), 'map-offline-storage-'));
  const presignSecret = randomBytes(32).toString('hex');
  const placeholder: FilesystemStorageConfig = {
    driver: 'filesystem',
    rootDirectory,
    presignSecret,
    publicBaseUrl: 'http://127.0.0.1:1',
  };
  const moduleRef = await Test.createTestingModule({
    imports: [StorageModule.forRoot(placeholder)],
  }).compile();
  const app = moduleRef.createNestApplication({ rawBody: true, logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    rootDirectory,
    config: { ...placeholder, publicBaseUrl: `http://127.0.0.1:${port}` },
    close: async () => {
      await app.close();
      await rm(rootDirectory, { recursive: true, force: true });
    },
  };
}

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
