// Filesystem-only behaviour beyond the shared contract: the HTTP details of StorageObjectsController,
// atomic publication, put-if-absent races and keys that collide on a filesystem.
import { createObjectStorage, ObjectStorage, sha256Hex, StorageErrorCode } from '@map-offline/storage';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { startFilesystemStorageServer, type FilesystemStorageServer } from './filesystem-storage.server';

async function listFilesRecursively(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('filesystem driver specifics', () => {
  let server: FilesystemStorageServer;
  let storage: ObjectStorage;

  beforeAll(async () => {
    server = await startFilesystemStorageServer();
    storage = createObjectStorage(server.config);
  });

  afterAll(async () => {
    await storage.close();
    await server.close();
  });

  describe('StorageObjectsController', () => {
    const body = randomBytes(100);
    const key = 'http/object.bin';

    beforeAll(async () => {
      await storage.put(key, body, { contentType: 'application/octet-stream', sha256: sha256Hex(body) });
    });

    it('answers a suffix range, refuses a range past the end with 416, and serves HEAD without a body', async () => {
      const { url } = await storage.presignGet(key, { expiresInSeconds: 60 });
      const suffix = await fetch(url, { headers: { Range: 'bytes=-10' } });
      expect(suffix.status).toBe(206);
      expect(suffix.headers.get('content-range')).toBe('bytes 90-99/100');
      expect(Buffer.from(await suffix.arrayBuffer())).toEqual(body.subarray(90));
      const outside = await fetch(url, { headers: { Range: 'bytes=100-' } });
      expect(outside.status).toBe(416);
      expect(outside.headers.get('content-range')).toBe('bytes */100');
      await outside.arrayBuffer();
      const head = await fetch(url, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe('100');
      expect(head.headers.get('etag')).toBe(`"${sha256Hex(body)}"`);
      expect((await head.arrayBuffer()).byteLength).toBe(0);
    });

    it('refuses unsigned requests and answers 404 for a signed URL of a missing key', async () => {
      const unsigned = await fetch(`${server.config.publicBaseUrl}/storage/objects/${key}`);
      expect(unsigned.status).toBe(403);
      await expect(unsigned.json()).resolves.toMatchObject({ error: 'MALFORMED' });
      const { url } = await storage.presignGet('http/missing.bin', { expiresInSeconds: 60 });
      const missing = await fetch(url);
      expect(missing.status).toBe(404);
      await missing.arrayBuffer();
    });

    it('requires Content-Length on PUT and the signed Content-Type', async () => {
      const upload = randomBytes(64);
      const presigned = await storage.presignPut('http/put.bin', {
        expiresInSeconds: 60,
        contentType: 'application/octet-stream',
        size: upload.length,
        sha256: sha256Hex(upload),
      });
      const chunkedStatus = await new Promise<number>((resolve, reject) => {
        const outgoing = request(
          presigned.url,
          { method: 'PUT', headers: { 'Transfer-Encoding': 'chunked' } },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        outgoing.on('error', reject);
        outgoing.end(upload);
      });
      expect(chunkedStatus).toBe(411);
      const wrongType = await fetch(presigned.url, {
        method: 'PUT',
        headers: { ...presigned.headers, 'Content-Type': 'text/html' },
        body: upload,
      });
      expect(wrongType.status).toBe(400);
      await expect(wrongType.json()).resolves.toMatchObject({ error: 'CONTENT_TYPE_MISMATCH' });
      await expect(storage.head('http/put.bin')).resolves.toBeNull();
    });

    it('stores a JSON body byte-exact although the app body parser read it (rawBody: true)', async () => {
      const json = Buffer.from('{ "features": [ ],   "spacing": "kept" }');
      const presigned = await storage.presignPut('http/edits.json', {
        expiresInSeconds: 60,
        contentType: 'application/json',
        size: json.length,
        sha256: sha256Hex(json),
      });
      const response = await fetch(presigned.url, { method: 'PUT', headers: presigned.headers, body: json });
      expect(response.status).toBe(200);
      await expect(storage.get('http/edits.json')).resolves.toEqual(json);
    });
  });

  describe('atomic publication', () => {
    it('shows nothing under the key until a streamed upload has completed', async () => {
      const key = 'atomic/slow.bin';
      const body = randomBytes(256 * 1024);
      const slow = new PassThrough();
      const writing = storage.put(key, slow, {
        contentType: 'application/octet-stream',
        sha256: sha256Hex(body),
      });
      slow.write(body.subarray(0, 100_000));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await expect(storage.head(key)).resolves.toBeNull();
      await expect(storage.get(key)).rejects.toMatchObject({ code: StorageErrorCode.NOT_FOUND });
      await expect(storage.list('atomic/', { limit: 10 })).resolves.toEqual({ objects: [], nextAfter: null });
      slow.end(body.subarray(100_000));
      await writing;
      expect((await storage.get(key)).equals(body)).toBe(true);
    });

    it('leaves no temporary files behind after a refused upload', async () => {
      const body = randomBytes(10_000);
      await expect(
        storage.put('atomic/refused.bin', body, {
          contentType: 'application/octet-stream',
          sha256: sha256Hex(Buffer.from('x')),
        }),
      ).rejects.toMatchObject({ code: StorageErrorCode.CHECKSUM_MISMATCH });
      const files = await listFilesRecursively(join(server.rootDirectory, 'atomic'));
      expect(files.filter((file) => file.includes('~tmp-'))).toEqual([]);
      expect(files.some((file) => file.includes('refused'))).toBe(false);
    });

    it('lets exactly one of eight racing put-if-absent writers create the object', async () => {
      const key = `race/${sha256Hex(randomBytes(8))}`;
      const body = randomBytes(200_000);
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          storage.putIfAbsent(key, body, { contentType: 'image/png', sha256: sha256Hex(body) }),
        ),
      );
      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect((await storage.get(key)).equals(body)).toBe(true);
      await expect(storage.head(key)).resolves.toMatchObject({
        sha256: sha256Hex(body),
        contentType: 'image/png',
      });
      const files = await listFilesRecursively(join(server.rootDirectory, 'race'));
      expect(files.filter((file) => file.includes('~tmp-'))).toEqual([]);
    });
  });

  describe('one file per object', () => {
    it('serves the bytes without the header over a presigned URL, whole and by range', async () => {
      const key = 'layout/new.bin';
      const body = randomBytes(1000);
      await storage.put(key, body, { contentType: 'image/webp', sha256: sha256Hex(body) });
      const files = await listFilesRecursively(join(server.rootDirectory, 'layout'));
      expect(files).toEqual([join(server.rootDirectory, key)]);
      expect((await stat(files[0])).size).toBeGreaterThan(body.length);
      const { url } = await storage.presignGet(key, { expiresInSeconds: 60 });
      const whole = await fetch(url);
      expect(whole.headers.get('content-length')).toBe('1000');
      expect(whole.headers.get('content-type')).toBe('image/webp');
      expect(whole.headers.get('etag')).toBe(`"${sha256Hex(body)}"`);
      expect(Buffer.from(await whole.arrayBuffer())).toEqual(body);
      const range = await fetch(url, { headers: { Range: 'bytes=0-15' } });
      expect(range.status).toBe(206);
      expect(range.headers.get('content-range')).toBe('bytes 0-15/1000');
      expect(Buffer.from(await range.arrayBuffer())).toEqual(body.subarray(0, 16));
    });

    it('still serves and deletes an object of the earlier two-file layout (bytes + ~meta.json)', async () => {
      const key = 'legacy/tile.png';
      const body = randomBytes(300);
      const directory = join(server.rootDirectory, 'legacy');
      await mkdir(directory, { recursive: true });
      await writeFile(join(directory, 'tile.png'), body);
      await writeFile(
        join(directory, 'tile.png~meta.json'),
        JSON.stringify({ contentType: 'image/png', sha256: sha256Hex(body), size: body.length }),
      );
      await expect(storage.head(key)).resolves.toMatchObject({
        size: 300,
        contentType: 'image/png',
        sha256: sha256Hex(body),
      });
      const { url } = await storage.presignGet(key, { expiresInSeconds: 60 });
      const suffix = await fetch(url, { headers: { Range: 'bytes=-20' } });
      expect(suffix.status).toBe(206);
      expect(suffix.headers.get('content-range')).toBe('bytes 280-299/300');
      expect(suffix.headers.get('content-type')).toBe('image/png');
      expect(suffix.headers.get('etag')).toBe(`"${sha256Hex(body)}"`);
      expect(Buffer.from(await suffix.arrayBuffer())).toEqual(body.subarray(280));
      await expect(storage.list('legacy/', { limit: 10 })).resolves.toEqual({
        objects: [{ key, size: 300 }],
        nextAfter: null,
      });
      await storage.delete(key);
      await expect(readdir(directory)).resolves.toEqual([]);
    });
  });

  describe('keys that collide on a filesystem', () => {
    it('refuses an object below an existing object, and an object above existing ones, with KEY_CONFLICT', async () => {
      const body = Buffer.from('x');
      const options = { contentType: 'text/plain', sha256: sha256Hex(body) };
      await storage.put('conflict/a', body, options);
      await expect(storage.put('conflict/a/b', body, options)).rejects.toMatchObject({
        code: StorageErrorCode.KEY_CONFLICT,
      });
      await storage.put('conflict/c/d', body, options);
      await expect(storage.put('conflict/c', body, options)).rejects.toMatchObject({
        code: StorageErrorCode.KEY_CONFLICT,
      });
      await expect(storage.putIfAbsent('conflict/c', body, options)).rejects.toMatchObject({
        code: StorageErrorCode.KEY_CONFLICT,
      });
      // A prefix is not an object: reads say so, deletes do nothing.
      await expect(storage.head('conflict/c')).resolves.toBeNull();
      await expect(storage.get('conflict/c')).rejects.toMatchObject({ code: StorageErrorCode.NOT_FOUND });
      await storage.delete('conflict/c');
      await expect(storage.get('conflict/c/d')).resolves.toEqual(body);
    });
  });
});
