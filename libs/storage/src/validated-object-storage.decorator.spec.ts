import { Readable } from 'node:stream';
import { sha256Hex } from './content-addressed-key';
import {
  ObjectStorage,
  type ObjectHead,
  type ObjectListPage,
  type ObjectStream,
  type PresignedRequest,
  type PutIfAbsentResult,
} from './object-storage.port';
import { StorageErrorCode } from './storage.error';
import { ValidatedObjectStorage } from './validated-object-storage.decorator';

/** Records what reaches the driver; the decorator must stop bad input before it. */
class RecordingDriver extends ObjectStorage {
  readonly calls: Array<[string, unknown[]]> = [];
  private record(method: string, ...args: unknown[]): void {
    this.calls.push([method, args]);
  }
  async putIfAbsent(...args: unknown[]): Promise<PutIfAbsentResult> {
    this.record('putIfAbsent', ...args);
    return { created: true };
  }
  async put(...args: unknown[]): Promise<void> {
    this.record('put', ...args);
  }
  async get(...args: unknown[]): Promise<Buffer> {
    this.record('get', ...args);
    return Buffer.from('ok');
  }
  async getStream(...args: unknown[]): Promise<ObjectStream> {
    this.record('getStream', ...args);
    return { body: Readable.from([]), contentLength: 0, totalSize: 0, contentType: 'x/y', etag: '""' };
  }
  async head(...args: unknown[]): Promise<ObjectHead | null> {
    this.record('head', ...args);
    return null;
  }
  async delete(...args: unknown[]): Promise<void> {
    this.record('delete', ...args);
  }
  async deleteMany(...args: unknown[]): Promise<void> {
    this.record('deleteMany', ...args);
  }
  async list(...args: unknown[]): Promise<ObjectListPage> {
    this.record('list', ...args);
    return { objects: [], nextAfter: null };
  }
  async presignGet(...args: unknown[]): Promise<PresignedRequest> {
    this.record('presignGet', ...args);
    return { url: 'http://x', method: 'GET', headers: {}, expiresAt: new Date(0) };
  }
  async presignPut(...args: unknown[]): Promise<PresignedRequest> {
    this.record('presignPut', ...args);
    return { url: 'http://x', method: 'PUT', headers: {}, expiresAt: new Date(0) };
  }
}

const body = Buffer.from('tile');
const putOptions = { contentType: 'image/png', sha256: sha256Hex(body) };

describe('ValidatedObjectStorage', () => {
  let driver: RecordingDriver;
  let storage: ValidatedObjectStorage;

  beforeEach(() => {
    driver = new RecordingDriver();
    storage = new ValidatedObjectStorage(driver);
  });

  it('passes valid calls through unchanged', async () => {
    await expect(storage.putIfAbsent('blobs/aa/bb/x', body, putOptions)).resolves.toEqual({ created: true });
    await expect(storage.get('a/b', { range: { start: 0, end: 0 } })).resolves.toEqual(Buffer.from('ok'));
    await expect(storage.list('blobs/', { limit: 10, after: 'blobs/aa' })).resolves.toEqual({
      objects: [],
      nextAfter: null,
    });
    expect(driver.calls).toEqual([
      ['putIfAbsent', ['blobs/aa/bb/x', body, putOptions]],
      ['get', ['a/b', { range: { start: 0, end: 0 } }]],
      ['list', ['blobs/', { limit: 10, after: 'blobs/aa' }]],
    ]);
  });

  it.each([
    ['a bad key', () => storage.put('../x', body, putOptions), StorageErrorCode.INVALID_KEY, 'key'],
    [
      'a bad sha256',
      () => storage.put('x', body, { ...putOptions, sha256: 'abc' }),
      StorageErrorCode.INVALID_CHECKSUM,
      'options.sha256',
    ],
    [
      'a negative size',
      () => storage.putIfAbsent('x', body, { ...putOptions, size: -1 }),
      StorageErrorCode.INVALID_ARGUMENT,
      'options.size',
    ],
    [
      'a body that is neither Buffer nor stream',
      () => storage.put('x', 'text' as unknown as Buffer, putOptions),
      StorageErrorCode.INVALID_ARGUMENT,
      'body',
    ],
    [
      'a reversed range',
      () => storage.get('x', { range: { start: 3, end: 1 } }),
      StorageErrorCode.INVALID_ARGUMENT,
      'options.range.end',
    ],
    [
      'an absurd expiry',
      () => storage.presignGet('x', { expiresInSeconds: 31_536_000 }),
      StorageErrorCode.INVALID_ARGUMENT,
      'options.expiresInSeconds',
    ],
    [
      'a presigned PUT above 5 GiB',
      () =>
        storage.presignPut('x', {
          expiresInSeconds: 60,
          contentType: 'a/b',
          size: 6 * 1024 ** 3,
          sha256: putOptions.sha256,
        }),
      StorageErrorCode.INVALID_ARGUMENT,
      'options.size',
    ],
    [
      'a page of 5000',
      () => storage.list('', { limit: 5000 }),
      StorageErrorCode.INVALID_ARGUMENT,
      'options.limit',
    ],
    [
      'a bad key in deleteMany',
      () => storage.deleteMany(['ok', '/bad']),
      StorageErrorCode.INVALID_KEY,
      'keys[1]',
    ],
  ])('rejects %s before the driver is called', async (_label, call, code, field) => {
    await expect(call()).rejects.toMatchObject({ code, field, retryable: false });
    expect(driver.calls).toEqual([]);
  });

  it('delegates close to the driver', async () => {
    const closing = jest.spyOn(driver, 'close');
    await storage.close();
    expect(closing).toHaveBeenCalledTimes(1);
  });
});
