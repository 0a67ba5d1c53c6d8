// Proves the servers the integration tests talk to are the real ones, configured as the apps need.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { readStackSettings } from '../../support/stack-env';

const settings = readStackSettings();

describe('local stack', () => {
  describe('Redis', () => {
    let redis: Redis;

    beforeAll(() => {
      redis = new Redis(settings.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    });

    afterAll(async () => {
      await redis.quit();
    });

    it('never evicts keys, so BullMQ state cannot vanish under memory pressure', async () => {
      await expect(redis.config('GET', 'maxmemory-policy')).resolves.toEqual([
        'maxmemory-policy',
        'noeviction',
      ]);
    });

    it('persists with the append-only file', async () => {
      await expect(redis.config('GET', 'appendonly')).resolves.toEqual(['appendonly', 'yes']);
    });
  });

  describe('PostgreSQL', () => {
    let client: Client;

    beforeAll(async () => {
      client = new Client({ connectionString: settings.postgres.url });
      await client.connect();
    });

    afterAll(async () => {
      await client.end();
    });

    it('has PostGIS', async () => {
      const result = await client.query<{ version: string }>('SELECT postgis_version() AS version');
      expect(result.rows[0]?.version).toMatch(/^3\.\d+/);
    });

    it('computes with geometry, not just reports a version', async () => {
      // 1 degree square at the equator: about 12,308 square kilometres on the spheroid.
      const result = await client.query<{ squareKilometres: number }>(
        `SELECT ST_Area(ST_MakeEnvelope(0, 0, 1, 1, 4326)::geography) / 1e6 AS "squareKilometres"`,
      );
      expect(result.rows[0]?.squareKilometres).toBeCloseTo(12308, -1);
    });

    it('lets the test role create and drop databases (template clones need it)', async () => {
      const name = `stack_check_${randomUUID().replaceAll('-', '')}`;
      await client.query(`CREATE DATABASE ${name}`);
      const created = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      await client.query(`DROP DATABASE ${name}`);
      expect(created.rowCount).toBe(1);
    });
  });

  describe('S3-compatible server', () => {
    const s3 = new S3Client({
      endpoint: settings.s3.endpoint,
      region: settings.s3.region,
      forcePathStyle: settings.s3.forcePathStyle,
      credentials: { accessKeyId: settings.s3.accessKeyId, secretAccessKey: settings.s3.secretAccessKey },
      // s3rver stores aws-chunked bodies (the SDK's default for checksummed streams) verbatim.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const key = `stack-check/${randomUUID()}.bin`;
    const body = Buffer.from('map-offline stack check: 0123456789');

    afterAll(async () => {
      await s3.send(new DeleteObjectCommand({ Bucket: settings.s3.bucket, Key: key }));
      s3.destroy();
    });

    it('round-trips an object in the configured bucket', async () => {
      await s3.send(
        new PutObjectCommand({
          Bucket: settings.s3.bucket,
          Key: key,
          Body: body,
          ContentType: 'application/octet-stream',
        }),
      );
      const object = await s3.send(new GetObjectCommand({ Bucket: settings.s3.bucket, Key: key }));
      await expect(object.Body?.transformToByteArray()).resolves.toEqual(new Uint8Array(body));
      const head = await s3.send(new HeadObjectCommand({ Bucket: settings.s3.bucket, Key: key }));
      expect(head.ContentLength).toBe(body.length);
    });

    it('serves a byte range through a presigned URL', async () => {
      await s3.send(new PutObjectCommand({ Bucket: settings.s3.bucket, Key: key, Body: body }));
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: settings.s3.bucket, Key: key }), {
        expiresIn: 60,
      });
      expect(url).toContain('X-Amz-Signature=');
      const first = body.indexOf('0');
      const last = body.length - 1;
      const response = await fetch(url, { headers: { Range: `bytes=${first}-${last}` } });
      expect(response.status).toBe(206);
      expect(response.headers.get('content-range')).toBe(`bytes ${first}-${last}/${body.length}`);
      await expect(response.text()).resolves.toBe('0123456789');
    });
  });
});
