// Presigning is computed locally (no request leaves), so what AWS S3 would enforce can be checked here.
import type { S3StorageConfig } from '../storage.config';
import { resolveChecksumMode } from './s3-client.factory';
import { S3ObjectStorageDriver } from './s3-object-storage.driver';

const sha256 = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const config: S3StorageConfig = {
  driver: 's3',
  region: 'eu-central-1',
  bucket: 'map-offline',
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  forcePathStyle: false,
};

describe('S3ObjectStorageDriver presigning', () => {
  const driver = new S3ObjectStorageDriver(config);
  afterAll(() => driver.close());

  it('signs Content-Length, Content-Type and x-amz-checksum-sha256 into a presigned PUT', async () => {
    const presigned = await driver.presignPut('packages/p1/area.zip', {
      expiresInSeconds: 900,
      contentType: 'application/zip',
      size: 4096,
      sha256,
    });
    const url = new URL(presigned.url);
    expect(url.host).toBe('map-offline.s3.eu-central-1.amazonaws.com');
    expect(url.pathname).toBe('/packages/p1/area.zip');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe(
      'content-length;content-type;host;x-amz-checksum-sha256',
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    // The checksum is a header the client must send (S3 checks the body against the header), not a query value.
    expect(url.searchParams.has('x-amz-checksum-sha256')).toBe(false);
    expect(url.searchParams.get('x-amz-meta-sha256')).toBe(sha256);
    expect(presigned.headers).toEqual({
      'Content-Type': 'application/zip',
      'Content-Length': '4096',
      'x-amz-checksum-sha256': Buffer.from(sha256, 'hex').toString('base64'),
    });
    expect(presigned.expiresAt.getTime() - Date.now()).toBeGreaterThan(898_000);
    expect(presigned.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(900_000);
  });

  it('puts the Content-Disposition override into a presigned GET', async () => {
    const presigned = await driver.presignGet('packages/p1/area.zip', {
      expiresInSeconds: 60,
      responseContentDisposition: 'attachment; filename="area.zip"',
    });
    const url = new URL(presigned.url);
    expect(url.searchParams.get('response-content-disposition')).toBe('attachment; filename="area.zip"');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    expect(presigned).toMatchObject({ method: 'GET', headers: {} });
  });

  it('signs for the public endpoint when one is configured', async () => {
    const internal = new S3ObjectStorageDriver({
      ...config,
      endpoint: 'http://minio.storage.svc:9000',
      presignEndpoint: 'https://files.example.org',
      forcePathStyle: true,
    });
    const presigned = await internal.presignGet('a/b', { expiresInSeconds: 60 });
    expect(presigned.url.startsWith('https://files.example.org/map-offline/a/b?')).toBe(true);
    await internal.close();
  });
});

describe('resolveChecksumMode', () => {
  it('uses full checksums on AWS and only required ones on other endpoints unless told', () => {
    expect(resolveChecksumMode(config)).toBe('aws');
    expect(resolveChecksumMode({ ...config, endpoint: 'http://127.0.0.1:59000' })).toBe('when-required');
    expect(resolveChecksumMode({ ...config, endpoint: 'https://r2.example', checksumMode: 'aws' })).toBe(
      'aws',
    );
  });
});
