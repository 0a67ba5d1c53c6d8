import { ACCESS_METADATA_KEY } from '@map-offline/auth';
import { StorageObjectsController } from './storage-objects.controller';

describe('StorageObjectsController', () => {
  it('is declared public, so the gateway guard lets signed URLs through without a bearer token', () => {
    expect(Reflect.getMetadata(ACCESS_METADATA_KEY, StorageObjectsController)).toEqual({ kind: 'public' });
  });
});
