import type { Readable } from 'node:stream';
import {
  assertValidBody,
  assertValidContentDisposition,
  assertValidContentType,
  assertValidExpiry,
  assertValidKey,
  assertValidListAfter,
  assertValidListLimit,
  assertValidPrefix,
  assertValidRange,
  assertValidSha256,
  assertValidSize,
} from './object-storage-input.validator';
import { OBJECT_STORAGE_LIMITS as LIMITS } from './object-storage.limits';
import {
  ObjectStorage,
  type GetObjectOptions,
  type ListObjectsOptions,
  type ObjectHead,
  type ObjectListPage,
  type ObjectStream,
  type PresignedRequest,
  type PresignGetOptions,
  type PresignPutOptions,
  type PutIfAbsentResult,
  type PutObjectOptions,
} from './object-storage.port';

function assertPutOptions(body: unknown, options: PutObjectOptions): void {
  assertValidBody(body);
  assertValidContentType(options.contentType, 'options.contentType');
  assertValidSha256(options.sha256, 'options.sha256');
  if (options.size !== undefined) assertValidSize(options.size, 'options.size', LIMITS.maxObjectBytes);
}

function assertGetOptions(options: GetObjectOptions | undefined): void {
  if (options?.range !== undefined) assertValidRange(options.range, 'options.range');
}

/**
 * Wraps any driver and rejects bad input with a typed StorageError before the driver sees it, so the
 * drivers hold no argument checks and every backend refuses the same things with the same message.
 */
export class ValidatedObjectStorage extends ObjectStorage {
  constructor(private readonly driver: ObjectStorage) {
    super();
  }

  async putIfAbsent(
    key: string,
    body: Buffer | Readable,
    options: PutObjectOptions,
  ): Promise<PutIfAbsentResult> {
    assertValidKey(key);
    assertPutOptions(body, options);
    return this.driver.putIfAbsent(key, body, options);
  }

  async put(key: string, body: Buffer | Readable, options: PutObjectOptions): Promise<void> {
    assertValidKey(key);
    assertPutOptions(body, options);
    return this.driver.put(key, body, options);
  }

  async get(key: string, options?: GetObjectOptions): Promise<Buffer> {
    assertValidKey(key);
    assertGetOptions(options);
    return this.driver.get(key, options);
  }

  async getStream(key: string, options?: GetObjectOptions): Promise<ObjectStream> {
    assertValidKey(key);
    assertGetOptions(options);
    return this.driver.getStream(key, options);
  }

  async head(key: string): Promise<ObjectHead | null> {
    assertValidKey(key);
    return this.driver.head(key);
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    return this.driver.delete(key);
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    keys.forEach((key, index) => assertValidKey(key, `keys[${index}]`));
    return this.driver.deleteMany(keys);
  }

  async list(prefix: string, options: ListObjectsOptions): Promise<ObjectListPage> {
    assertValidPrefix(prefix);
    if (options.after !== undefined) assertValidListAfter(options.after, 'options.after');
    assertValidListLimit(options.limit, 'options.limit');
    return this.driver.list(prefix, options);
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<PresignedRequest> {
    assertValidKey(key);
    assertValidExpiry(options.expiresInSeconds, 'options.expiresInSeconds');
    if (options.responseContentDisposition !== undefined) {
      assertValidContentDisposition(options.responseContentDisposition, 'options.responseContentDisposition');
    }
    return this.driver.presignGet(key, options);
  }

  async presignPut(key: string, options: PresignPutOptions): Promise<PresignedRequest> {
    assertValidKey(key);
    assertValidExpiry(options.expiresInSeconds, 'options.expiresInSeconds');
    assertValidContentType(options.contentType, 'options.contentType');
    assertValidSize(options.size, 'options.size', LIMITS.maxSinglePutBytes);
    assertValidSha256(options.sha256, 'options.sha256');
    return this.driver.presignPut(key, options);
  }

  override async close(): Promise<void> {
    return this.driver.close();
  }
}
