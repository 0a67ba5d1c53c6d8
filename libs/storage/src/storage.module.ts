import { Module, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { createFilesystemUrlSigner, createObjectStorage } from './create-object-storage.factory';
import { FilesystemUrlSigner } from './filesystem/filesystem-url.signer';
import { StorageObjectsController } from './filesystem/storage-objects.controller';
import { ObjectStorage } from './object-storage.port';
import type { StorageConfig } from './storage.config';

/**
 * `StorageModule.forRoot(config)` provides ObjectStorage (validated, driver chosen by `config.driver`).
 * With the filesystem driver it also mounts StorageObjectsController, which serves the presigned URLs.
 */
@Module({})
export class StorageModule implements OnApplicationShutdown {
  constructor(private readonly storage: ObjectStorage) {}

  static forRoot(config: StorageConfig): DynamicModule {
    const storage = createObjectStorage(config);
    const providers: Provider[] = [{ provide: ObjectStorage, useValue: storage }];
    if (config.driver === 'filesystem') {
      providers.push({ provide: FilesystemUrlSigner, useValue: createFilesystemUrlSigner(config) });
    }
    return {
      module: StorageModule,
      // One object store per process, used by feature modules throughout the app.
      global: true,
      providers,
      controllers: config.driver === 'filesystem' ? [StorageObjectsController] : [],
      exports: [ObjectStorage],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}
