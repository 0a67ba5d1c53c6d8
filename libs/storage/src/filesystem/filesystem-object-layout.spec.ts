import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ObjectStorage } from '../object-storage.port';
import { StorageErrorCode } from '../storage.error';
import { readAll } from '../stream-bytes';
import { FilesystemObjectStorageDriver } from './filesystem-object-storage.driver';
import { encodeObjectHeader, FIXED_HEADER_BYTES, OBJECT_FILE_MAGIC } from './object-file.header';

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function streamed(storage: ObjectStorage, key: string, range?: { start: number; end?: number }) {
  const object = await storage.getStream(key, range === undefined ? {} : { range });
  return { ...object, bytes: await readAll(object.body) };
}

describe('filesystem driver object layout', () => {
  let root: string;
  let driver: FilesystemObjectStorageDriver;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'fs-layout-'));
    driver = new FilesystemObjectStorageDriver({
      driver: 'filesystem',
      rootDirectory: root,
      publicBaseUrl: 'http://127.0.0.1:4000',
      presignSecret: 'a-test-secret-of-at-least-32-bytes-long',
    });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  describe('the header never reaches a reader', () => {
    // Bytes that begin with the magic themselves: only the header's magic may be taken as one.
    const bytes = Buffer.concat([OBJECT_FILE_MAGIC, Buffer.from('0123456789abcdefghij')]);

    it.each([
      ['a buffer', (): Buffer | Readable => bytes],
      ['a stream', (): Buffer | Readable => Readable.from([bytes.subarray(0, 5), bytes.subarray(5)])],
    ])('returns exactly the bytes written from %s', async (_name, body) => {
      const key = 'layers/one/object.bin';
      await driver.put(key, body(), { contentType: 'image/png', sha256: sha256(bytes) });

      await expect(driver.get(key)).resolves.toEqual(bytes);
      await expect(driver.get(key, { range: { start: 2, end: 9 } })).resolves.toEqual(bytes.subarray(2, 10));

      const whole = await streamed(driver, key);
      expect(whole.bytes).toEqual(bytes);
      expect(whole).toMatchObject({
        contentLength: bytes.length,
        totalSize: bytes.length,
        contentType: 'image/png',
        etag: `"${sha256(bytes)}"`,
      });
      expect(whole.range).toBeUndefined();

      const first = await streamed(driver, key, { start: 0, end: 0 });
      expect(first.bytes).toEqual(bytes.subarray(0, 1));
      expect(first).toMatchObject({ contentLength: 1, totalSize: bytes.length, range: { start: 0, end: 0 } });
      const tail = await streamed(driver, key, { start: bytes.length - 3 });
      expect(tail.bytes).toEqual(bytes.subarray(bytes.length - 3));
      expect(tail.range).toEqual({ start: bytes.length - 3, end: bytes.length - 1 });
      const clamped = await streamed(driver, key, { start: 20, end: 10_000 });
      expect(clamped.bytes).toEqual(bytes.subarray(20));
      await expect(driver.getStream(key, { range: { start: bytes.length } })).rejects.toMatchObject({
        code: StorageErrorCode.RANGE_NOT_SATISFIABLE,
      });

      await expect(driver.head(key)).resolves.toMatchObject({
        size: bytes.length,
        contentType: 'image/png',
        sha256: sha256(bytes),
        etag: `"${sha256(bytes)}"`,
      });
      await expect(driver.list('layers/', { limit: 10 })).resolves.toEqual({
        objects: [{ key, size: bytes.length }],
        nextAfter: null,
      });
      // The file holds more than the object: the header is really there, and really left out.
      expect((await stat(join(root, key))).size).toBeGreaterThan(bytes.length);
    });

    it('stores an empty object as a header alone and reads it back empty', async () => {
      const empty = Buffer.alloc(0);
      await driver.put('empty', empty, { contentType: 'text/plain', sha256: sha256(empty) });
      await expect(driver.get('empty')).resolves.toEqual(empty);
      const whole = await streamed(driver, 'empty');
      expect(whole.bytes).toEqual(empty);
      expect(whole).toMatchObject({ contentLength: 0, totalSize: 0 });
      await expect(driver.getStream('empty', { range: { start: 0 } })).rejects.toMatchObject({
        code: StorageErrorCode.RANGE_NOT_SATISFIABLE,
      });
      await expect(driver.head('empty')).resolves.toMatchObject({ size: 0, contentType: 'text/plain' });
      await expect(driver.list('', { limit: 10 })).resolves.toEqual({
        objects: [{ key: 'empty', size: 0 }],
        nextAfter: null,
      });
    });

    it('reads a header longer than the first read of a file (a long content type)', async () => {
      const contentType = `application/x-${'long'.repeat(200)}`;
      const body = Buffer.from('long header body');
      await driver.putIfAbsent('long', body, { contentType, sha256: sha256(body) });
      await expect(driver.head('long')).resolves.toMatchObject({ size: body.length, contentType });
      const range = await streamed(driver, 'long', { start: 5, end: 10 });
      expect(range.bytes).toEqual(body.subarray(5, 11));
      expect(range.contentType).toBe(contentType);
      await expect(driver.get('long')).resolves.toEqual(body);
    });
  });

  describe('objects written by the earlier two-file layout', () => {
    const bytes = Buffer.from('legacy tile bytes, no header');

    async function writeLegacy(key: string, sidecar: object | undefined): Promise<void> {
      const path = join(root, key);
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, bytes);
      if (sidecar !== undefined) await writeFile(`${path}~meta.json`, JSON.stringify(sidecar));
    }

    it('reads a legacy object and its sidecar and deletes both', async () => {
      const key = 'blobs/aa/bb/legacy';
      await writeLegacy(key, { contentType: 'image/jpeg', sha256: sha256(bytes), size: bytes.length });

      await expect(driver.get(key)).resolves.toEqual(bytes);
      const range = await streamed(driver, key, { start: 7, end: 10 });
      expect(range.bytes).toEqual(bytes.subarray(7, 11));
      expect(range).toMatchObject({
        totalSize: bytes.length,
        contentType: 'image/jpeg',
        etag: `"${sha256(bytes)}"`,
      });
      await expect(driver.head(key)).resolves.toMatchObject({
        size: bytes.length,
        contentType: 'image/jpeg',
        sha256: sha256(bytes),
      });
      await expect(driver.list('blobs/', { limit: 10 })).resolves.toEqual({
        objects: [{ key, size: bytes.length }],
        nextAfter: null,
      });
      await expect(
        driver.putIfAbsent(key, bytes, { contentType: 'image/jpeg', sha256: sha256(bytes) }),
      ).resolves.toEqual({ created: false });

      await driver.delete(key);
      await expect(readdir(join(root, 'blobs/aa/bb'))).resolves.toEqual([]);
      await expect(driver.head(key)).resolves.toBeNull();
    });

    it('reads a legacy object without a sidecar as before: default type, size and time etag', async () => {
      await writeLegacy('bare', undefined);
      const head = await driver.head('bare');
      expect(head).toMatchObject({ size: bytes.length, contentType: 'application/octet-stream' });
      expect(head?.sha256).toBeUndefined();
      expect(head?.etag).toMatch(new RegExp(`^"${bytes.length.toString(16)}-[0-9a-f]+"$`));
      await expect(driver.get('bare')).resolves.toEqual(bytes);
    });

    it('replaces a legacy object with the one-file layout and no longer reads its sidecar', async () => {
      await writeLegacy('replaced', { contentType: 'text/plain', sha256: sha256(bytes), size: bytes.length });
      const next = Buffer.from('new');
      await driver.put('replaced', next, { contentType: 'image/png', sha256: sha256(next) });
      await expect(driver.head('replaced')).resolves.toMatchObject({
        size: next.length,
        contentType: 'image/png',
        sha256: sha256(next),
      });
      await expect(driver.get('replaced')).resolves.toEqual(next);
      await driver.delete('replaced');
      await expect(readdir(root)).resolves.toEqual([]);
    });
  });

  describe('a corrupt header is an error naming the key, never data', () => {
    const key = 'broken/object';
    const expected = { code: StorageErrorCode.UNKNOWN, message: expect.stringContaining(key) as unknown };
    const header = encodeObjectHeader({ contentType: 'image/png', sha256: sha256(Buffer.from('x')) });
    const lengthTooLarge = Buffer.from(header);
    lengthTooLarge.writeUInt32BE(100_000, OBJECT_FILE_MAGIC.length);
    const notAnObject = Buffer.from(header);
    notAnObject.write('[', FIXED_HEADER_BYTES);

    async function writeBroken(file: Buffer): Promise<void> {
      await mkdir(join(root, 'broken'));
      await writeFile(join(root, key), file);
    }

    it.each([
      ['the magic alone', OBJECT_FILE_MAGIC, true],
      ['a length field cut short', Buffer.concat([OBJECT_FILE_MAGIC, Buffer.from([0, 0])]), true],
      ['metadata cut short', header.subarray(0, header.length - 3), true],
      ['a length past the end of the file', Buffer.concat([lengthTooLarge, Buffer.from('x')]), true],
      ['metadata that is not a JSON object', Buffer.concat([notAnObject, Buffer.from('x')]), false],
    ])('reports %s from every read', async (_name, file, sizeUnknown) => {
      await writeBroken(file);
      await expect(driver.get(key)).rejects.toMatchObject(expected);
      await expect(driver.get(key, { range: { start: 0 } })).rejects.toMatchObject(expected);
      await expect(driver.getStream(key)).rejects.toMatchObject(expected);
      await expect(driver.head(key)).rejects.toMatchObject(expected);
      // Listings read only the magic and the length, so they catch what leaves the size unknown.
      if (sizeUnknown) await expect(driver.list('broken/', { limit: 10 })).rejects.toMatchObject(expected);
      else await expect(driver.list('broken/', { limit: 10 })).resolves.toMatchObject({ objects: [{ key }] });
    });

    it.each([
      ['unparsable metadata', '{"contentType":}'],
      ['metadata without a SHA-256', '{"contentType":"image/png","sha256":"not-a-hash"}'],
    ])('reports %s from the reads that return metadata', async (_name, metadata) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(Buffer.byteLength(metadata));
      await writeBroken(
        Buffer.concat([OBJECT_FILE_MAGIC, length, Buffer.from(metadata), Buffer.from('body')]),
      );
      await expect(driver.getStream(key)).rejects.toMatchObject(expected);
      await expect(driver.getStream(key, { range: { start: 1 } })).rejects.toMatchObject(expected);
      await expect(driver.head(key)).rejects.toMatchObject(expected);
      // get() checks the framing only (it returns no metadata), and the framing still places the bytes.
      await expect(driver.get(key)).resolves.toEqual(Buffer.from('body'));
    });
  });
});
