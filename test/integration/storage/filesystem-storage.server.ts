// A real HTTP server for the filesystem driver's presigned URLs, shared by the filesystem test files.
import { StorageModule, type FilesystemStorageConfig } from '@map-offline/storage';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FilesystemStorageServer {
  app: INestApplication;
  config: FilesystemStorageConfig;
  rootDirectory: string;
  close(): Promise<void>;
}

/**
 * Serves StorageModule (as the gateway would import it) on a free port of 127.0.0.1, in an app created with
 * `rawBody: true` like the gateway should be. The app's own storage signs no URLs, so it is built before the
 * port is known; the storage under test gets the real base URL with the same secret and root directory, like
 * a second replica sharing the disk.
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
