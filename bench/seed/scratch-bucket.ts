import { randomBytes } from 'node:crypto';
import type { Agent } from 'node:http';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { StackSettings } from '../../test/support/stack-env';

/** keys per DeleteObjects request (the S3 maximum) */
const DELETE_CHUNK = 1000;

/** An S3 client for the stack's S3-compatible server; checksums only where the API requires them. */
export function createStackS3Client(
  settings: StackSettings['s3'],
  connections: { httpAgent?: Agent } = {},
): S3Client {
  return new S3Client({
    ...(connections.httpAgent === undefined ? {} : { requestHandler: { httpAgent: connections.httpAgent } }),
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    // s3rver stores the SDK's default aws-chunked checksum framing as part of the object.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * A bucket of its own for one run: blob keys are content hashes, so in a shared bucket a run would find
 * the objects of an earlier run (or of a test) and skip their uploads.
 */
export class ScratchBucket {
  private constructor(
    private readonly client: S3Client,
    readonly name: string,
  ) {}

  static async create(client: S3Client, purpose: string): Promise<ScratchBucket> {
    const name = `bench-${purpose}-${randomBytes(4).toString('hex')}`;
    await client.send(new CreateBucketCommand({ Bucket: name }));
    return new ScratchBucket(client, name);
  }

  /** Objects in the bucket (after a run: what it stored). */
  async countObjects(): Promise<number> {
    return (await this.allKeys()).length;
  }

  /** Deletes every object, then the bucket. */
  async destroy(): Promise<void> {
    const keys = await this.allKeys();
    for (let start = 0; start < keys.length; start += DELETE_CHUNK) {
      const chunk = keys.slice(start, start + DELETE_CHUNK).map((key) => ({ Key: key }));
      await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.name, Delete: { Objects: chunk, Quiet: true } }),
      );
    }
    await this.client.send(new DeleteBucketCommand({ Bucket: this.name }));
  }

  /** Every key, by ListObjects v1 pages as the storage driver lists s3rver; collected before any delete. */
  private async allKeys(): Promise<string[]> {
    const keys: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await this.client.send(new ListObjectsCommand({ Bucket: this.name, Marker: marker }));
      const pageKeys = (page.Contents ?? []).map((object) => object.Key ?? '').filter((key) => key !== '');
      keys.push(...pageKeys);
      if (page.IsTruncated !== true || pageKeys.length === 0) break;
      marker = pageKeys[pageKeys.length - 1];
    }
    return keys;
  }
}
