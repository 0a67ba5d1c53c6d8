// What the local stack's s3rver (3.7) really does where it differs from AWS S3, measured, so the S3
// driver's workarounds stay justified and the gaps stay visible. If s3rver changes, these fail first.
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  createS3Client,
  S3ObjectStorageDriver,
  sha256Hex,
  StorageErrorCode,
  ValidatedObjectStorage,
  type S3StorageConfig,
} from '@map-offline/storage';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { readStackSettings } from '../../support/stack-env';
import { chunkedStream, uniqueRunPrefix } from './object-storage.contract';

/** Bytes. */
const PART_SIZE_BYTES = 5 * 1024 * 1024;

function stackConfig(): S3StorageConfig {
  const { s3 } = readStackSettings();
  return {
    driver: 's3',
    endpoint: s3.endpoint,
    region: s3.region,
    bucket: s3.bucket,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: s3.forcePathStyle,
    multipartPartSizeBytes: PART_SIZE_BYTES,
    multipartQueueSize: 2,
  };
}

/** Records the name of every command the client sends. */
function recordCommands(client: S3Client): string[] {
  const names: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      names.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommandNames' },
  );
  return names;
}

async function readBody(client: S3Client, bucket: string, key: string, range?: string): Promise<Buffer> {
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range }));
  return Buffer.from(await response.Body!.transformToByteArray());
}

describe('s3rver behaviour behind the S3 driver', () => {
  const config = stackConfig();
  const prefix = uniqueRunPrefix('s3rver-behaviour');
  const plainClient = createS3Client(config, config.endpoint);
  const recordingClient = createS3Client(config, config.endpoint);
  const commands = recordCommands(recordingClient);
  const storage = new ValidatedObjectStorage(new S3ObjectStorageDriver(config, recordingClient));

  afterAll(async () => {
    const keys: string[] = [];
    for await (const object of storage.listAll(prefix)) keys.push(object.key);
    await storage.deleteMany(keys);
    await storage.close();
    plainClient.destroy();
    recordingClient.destroy();
  });

  it('stores the aws-chunked framing as object bytes when the SDK adds its default streaming checksum', async () => {
    const key = `${prefix}default-checksums.bin`;
    const body = randomBytes(18_165);
    const defaultClient = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      requestChecksumCalculation: 'WHEN_SUPPORTED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    try {
      await defaultClient.send(
        new PutObjectCommand({
          Bucket: config.bucket,
          Key: key,
          Body: Readable.from([body]),
          ContentLength: body.length,
        }),
      );
      const stored = await readBody(plainClient, config.bucket, key);
      // Answered 200, but the chunk-size lines and the trailing checksum header were stored too.
      expect(stored.length).toBeGreaterThan(body.length);
      expect(stored.includes(Buffer.from('x-amz-checksum-crc32:'))).toBe(true);
      console.info(
        `s3rver with SDK default checksums: ${body.length} bytes sent, ${stored.length} bytes stored`,
      );
    } finally {
      defaultClient.destroy();
    }
    // The driver's `when-required` mode stores the bytes as sent.
    await storage.put(key, chunkedStream(body), {
      contentType: 'application/octet-stream',
      sha256: sha256Hex(body),
    });
    expect((await storage.get(key)).equals(body)).toBe(true);
  });

  it('ignores If-None-Match: * on PUT, so put-if-absent relies on HEAD first there', async () => {
    const key = `${prefix}if-none-match.txt`;
    await plainClient.send(
      new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: 'first', IfNoneMatch: '*' }),
    );
    // AWS S3 answers 412 Precondition Failed here; s3rver overwrites.
    await plainClient.send(
      new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: 'second', IfNoneMatch: '*' }),
    );
    await expect(readBody(plainClient, config.bucket, key)).resolves.toEqual(Buffer.from('second'));
  });

  it('accepts an x-amz-checksum-sha256 header that does not match the body', async () => {
    const key = `${prefix}wrong-checksum.txt`;
    const wrong = createHash('sha256').update('other bytes').digest('base64');
    // AWS S3 refuses this with 400 BadDigest.
    await plainClient.send(
      new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: 'actual bytes', ChecksumSHA256: wrong }),
    );
    await expect(readBody(plainClient, config.bucket, key)).resolves.toEqual(Buffer.from('actual bytes'));
    const head = await plainClient.send(
      new HeadObjectCommand({ Bucket: config.bucket, Key: key, ChecksumMode: 'ENABLED' }),
    );
    expect(head.ChecksumSHA256).toBeUndefined();
  });

  it('answers Range bytes=0-0 with the whole object; the driver cuts it to the first byte', async () => {
    const key = `${prefix}first-byte.txt`;
    await plainClient.send(new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: 'abcdef' }));
    const raw = await plainClient.send(
      new GetObjectCommand({ Bucket: config.bucket, Key: key, Range: 'bytes=0-0' }),
    );
    expect(raw.ContentRange).toBe('bytes 0-5/6');
    await raw.Body!.transformToByteArray();
    await expect(storage.get(key, { range: { start: 0, end: 0 } })).resolves.toEqual(Buffer.from('a'));
    await expect(readBody(plainClient, config.bucket, key, 'bytes=1-1')).resolves.toEqual(Buffer.from('b'));
  });

  it('does not verify SigV4 signatures of presigned URLs (only their expiry)', async () => {
    const key = `${prefix}tampered-signature.bin`;
    const body = randomBytes(64);
    const presigned = await storage.presignPut(key, {
      expiresInSeconds: 60,
      contentType: 'application/octet-stream',
      size: body.length,
      sha256: sha256Hex(body),
    });
    const url = new URL(presigned.url);
    // The signed headers are what AWS S3 would enforce; s3rver accepts any signature value.
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe(
      'content-length;content-type;host;x-amz-checksum-sha256',
    );
    url.searchParams.set('X-Amz-Signature', '0'.repeat(64));
    const response = await fetch(url, { method: 'PUT', headers: presigned.headers, body });
    expect(response.status).toBe(200);
    await expect(storage.get(key)).resolves.toEqual(body);
  });

  it('uploads above the part size in parts, and a checksum failure never completes the upload', async () => {
    const key = `${prefix}multipart.bin`;
    const body = randomBytes(2 * PART_SIZE_BYTES + 1024 * 1024 + 17);
    commands.length = 0;
    await storage.put(key, chunkedStream(body, 256 * 1024), {
      contentType: 'application/octet-stream',
      sha256: sha256Hex(body),
    });
    expect(commands.filter((name) => name !== 'HeadObjectCommand')).toEqual([
      'CreateMultipartUploadCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'CompleteMultipartUploadCommand',
    ]);
    expect((await storage.get(key)).equals(body)).toBe(true);

    const refusedKey = `${prefix}multipart-refused.bin`;
    commands.length = 0;
    await expect(
      storage.put(refusedKey, chunkedStream(body, 256 * 1024), {
        contentType: 'application/octet-stream',
        sha256: sha256Hex(Buffer.from('not the body')),
      }),
    ).rejects.toMatchObject({ code: StorageErrorCode.CHECKSUM_MISMATCH });
    expect(commands).not.toContain('CompleteMultipartUploadCommand');
    expect(commands).toContain('AbortMultipartUploadCommand');
    await expect(storage.head(refusedKey)).resolves.toBeNull();
  });

  it('does not implement AbortMultipartUpload (405), so refused multipart uploads leave parts on its disk', async () => {
    const key = `${prefix}abort.bin`;
    const created = await plainClient.send(
      new CreateMultipartUploadCommand({ Bucket: config.bucket, Key: key }),
    );
    await expect(
      plainClient.send(
        new AbortMultipartUploadCommand({ Bucket: config.bucket, Key: key, UploadId: created.UploadId }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 405 } });
  });

  it('holds at most about (queue size + 1) parts in memory while streaming 64 MiB', async () => {
    const key = `${prefix}bounded-memory.bin`;
    const totalBytes = 64 * 1024 * 1024;
    const chunkBytes = 256 * 1024;
    const chunkAt = (index: number): Buffer => Buffer.alloc(chunkBytes, index);
    const hash = createHash('sha256');
    for (let index = 0; index < totalBytes / chunkBytes; index++) hash.update(chunkAt(index));
    const digest = hash.digest('hex');

    // Bytes the uploader holds = bytes it pulled from the source - bytes of parts the server acknowledged.
    let pulledBytes = 0;
    let acknowledgedBytes = 0;
    let peakHeldBytes = 0;
    const client = createS3Client(config, config.endpoint);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'UploadPartCommand') {
          acknowledgedBytes += (args.input as { Body: Buffer }).Body.length;
        }
        return result;
      },
      { step: 'initialize', name: 'countAcknowledgedBytes' },
    );
    function* generate(): Generator<Buffer> {
      for (let index = 0; index < totalBytes / chunkBytes; index++) {
        peakHeldBytes = Math.max(peakHeldBytes, pulledBytes - acknowledgedBytes);
        pulledBytes += chunkBytes;
        yield chunkAt(index);
      }
    }
    const driver = new ValidatedObjectStorage(new S3ObjectStorageDriver(config, client));
    try {
      await driver.put(key, Readable.from(generate()), {
        contentType: 'application/octet-stream',
        sha256: digest,
        size: totalBytes,
      });
    } finally {
      client.destroy();
    }
    const peakMebibytes = peakHeldBytes / (1024 * 1024);
    console.info(
      `64 MiB streamed in 5 MiB parts, queue 2: at most ${peakMebibytes.toFixed(2)} MiB held at once`,
    );
    // Two parts in flight plus the part being filled, plus stream buffers; the whole body is 64 MiB.
    expect(peakHeldBytes).toBeLessThanOrEqual(3 * PART_SIZE_BYTES + 4 * chunkBytes);
    expect(pulledBytes).toBe(totalBytes);
    await expect(storage.head(key)).resolves.toMatchObject({ size: totalBytes, sha256: digest });
  });
});
