import { createObjectStorage } from './create-object-storage.factory';
import { storageConfigProblems, type StorageConfig } from './storage.config';
import { StorageErrorCode } from './storage.error';
import { ValidatedObjectStorage } from './validated-object-storage.decorator';

describe('storage config', () => {
  it('lists every problem at once', () => {
    const config: StorageConfig = {
      driver: 's3',
      region: '',
      bucket: 'map-offline',
      accessKeyId: '',
      secretAccessKey: 'x',
      forcePathStyle: true,
      endpoint: 'ftp://nope',
      multipartPartSizeBytes: 1024,
    };
    expect(storageConfigProblems(config)).toEqual([
      'region must be set',
      'accessKeyId must be set',
      'endpoint must be an http(s) URL (got ftp://nope)',
      'multipartPartSizeBytes must be a whole number from 5242880 to 5368709120 bytes (got 1024)',
    ]);
  });

  it('refuses a short presign secret and a trailing slash on the public URL', () => {
    expect(() =>
      createObjectStorage({
        driver: 'filesystem',
        rootDirectory: '/tmp/x',
        publicBaseUrl: 'http://127.0.0.1:4000/',
        presignSecret: 'short',
      }),
    ).toThrow(
      expect.objectContaining({
        code: StorageErrorCode.INVALID_CONFIG,
        message:
          'invalid storage config: publicBaseUrl must not end with `/`; presignSecret must be at least 32 bytes (got 5)',
      }),
    );
  });

  it('builds a validated storage for each driver', async () => {
    const filesystem = createObjectStorage({
      driver: 'filesystem',
      rootDirectory: '/tmp/map-offline-unit',
      publicBaseUrl: 'http://127.0.0.1:4000',
      presignSecret: 's'.repeat(32),
    });
    expect(filesystem).toBeInstanceOf(ValidatedObjectStorage);
    const s3 = createObjectStorage({
      driver: 's3',
      region: 'us-east-1',
      bucket: 'b',
      accessKeyId: 'a',
      secretAccessKey: 's',
      forcePathStyle: true,
    });
    expect(s3).toBeInstanceOf(ValidatedObjectStorage);
    await s3.close();
  });
});
