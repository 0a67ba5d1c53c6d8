import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { readStackSettings } from '@map-offline/testing';

/**
 * A bucket of its own for one test file. Blob keys are derived from the content only, so worlds sharing
 * one bucket would share objects: a garbage collection in one file could delete an object another file's
 * index still points at, and "was this object created?" could not be answered. A bucket per file keeps
 * object counts and deletions exact.
 */
export interface TestBucket {
  name: string;
  client: S3Client;
  /** true when the object exists (HEAD 200), false on 404 */
  exists(key: string): Promise<boolean>;
  /** the object's bytes */
  get(key: string): Promise<Buffer>;
  /** every key under the prefix */
  keys(prefix?: string): Promise<string[]>;
  drop(): Promise<void>;
}

export async function createTestBucket(): Promise<TestBucket> {
  const settings = readStackSettings().s3;
  const client = new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
  });
  const name = `e2e-caching-${randomBytes(5).toString('hex')}`;
  await client.send(new CreateBucketCommand({ Bucket: name }));

  const keys = async (prefix = ''): Promise<string[]> => {
    const found: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await client.send(
        new ListObjectsCommand({ Bucket: name, Prefix: prefix, Marker: marker }),
      );
      const contents = page.Contents ?? [];
      for (const object of contents) if (object.Key) found.push(object.Key);
      if (!page.IsTruncated || contents.length === 0) return found;
      marker = contents[contents.length - 1].Key;
    }
  };

  return {
    name,
    client,
    keys,
    get: async (key) => {
      const object = await client.send(new GetObjectCommand({ Bucket: name, Key: key }));
      if (!object.Body) throw new Error(`object ${key} has no body`);
      return Buffer.from(await object.Body.transformToByteArray());
    },
    exists: async (key) => {
      try {
        await client.send(new HeadObjectCommand({ Bucket: name, Key: key }));
        return true;
      } catch (error) {
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
          return false;
        throw error;
      }
    },
    drop: async () => {
      const all = await keys();
      for (let start = 0; start < all.length; start += 1000) {
        const slice = all.slice(start, start + 1000).map((key) => ({ Key: key }));
        await client.send(new DeleteObjectsCommand({ Bucket: name, Delete: { Objects: slice } }));
      }
      await client.send(new DeleteBucketCommand({ Bucket: name }));
      client.destroy();
    },
  };
}
