import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { StorageErrorCode } from '../storage.error';
import { FilesystemObjectStorageDriver } from './filesystem-object-storage.driver';
import { FIXED_HEADER_BYTES, OBJECT_FILE_MAGIC } from './object-file.header';
import { TemporaryTokens } from './temporary-tokens';

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The expected file: magic, metadata length (uint32 big-endian), metadata JSON, bytes. */
function objectFile(contentType: string, bytes: Buffer): Buffer {
  const metadata = Buffer.from(JSON.stringify({ contentType, sha256: sha256(bytes) }));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(metadata.length);
  return Buffer.concat([OBJECT_FILE_MAGIC, length, metadata, bytes]);
}

describe('filesystem driver write path (buffers)', () => {
  let root: string;
  let driver: FilesystemObjectStorageDriver;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'fs-write-path-'));
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

  it('publishes one file, header then bytes, and leaves no temporary file behind', async () => {
    const bytes = Buffer.from('tile bytes');
    await expect(
      driver.putIfAbsent('blobs/ab/cd/one', bytes, { contentType: 'image/png', sha256: sha256(bytes) }),
    ).resolves.toEqual({ created: true });
    const file = await readFile(join(root, 'blobs/ab/cd/one'));
    expect(file).toEqual(objectFile('image/png', bytes));
    expect(file.length).toBe(FIXED_HEADER_BYTES + file.readUInt32BE(8) + bytes.length);
    await expect(readdir(join(root, 'blobs/ab/cd'))).resolves.toEqual(['one']);
  });

  it('put renames the one file into place and leaves nothing else', async () => {
    const first = Buffer.from('first tile');
    const bytes = Buffer.from('replaced tile');
    await driver.put('blobs/ab/cd/two', first, { contentType: 'image/png', sha256: sha256(first) });
    await driver.put('blobs/ab/cd/two', bytes, { contentType: 'image/webp', sha256: sha256(bytes) });
    await expect(readFile(join(root, 'blobs/ab/cd/two'))).resolves.toEqual(objectFile('image/webp', bytes));
    await expect(readdir(join(root, 'blobs/ab/cd'))).resolves.toEqual(['two']);
  });

  it('writes a streamed body after the same header', async () => {
    const bytes = Buffer.alloc(200_000, 7);
    await driver.put('packages/p.bin', Readable.from([bytes.subarray(0, 70_000), bytes.subarray(70_000)]), {
      contentType: 'application/octet-stream',
      sha256: sha256(bytes),
      size: bytes.length,
    });
    await expect(readFile(join(root, 'packages/p.bin'))).resolves.toEqual(
      objectFile('application/octet-stream', bytes),
    );
    await expect(readdir(join(root, 'packages'))).resolves.toEqual(['p.bin']);
  });

  it('refuses a wrong hash or size before writing anything', async () => {
    const bytes = Buffer.from('tile bytes');
    await expect(
      driver.putIfAbsent('blobs/x', bytes, {
        contentType: 'image/png',
        sha256: sha256(Buffer.from('other')),
      }),
    ).rejects.toMatchObject({ code: StorageErrorCode.CHECKSUM_MISMATCH });
    await expect(
      driver.put('blobs/x', bytes, { contentType: 'image/png', sha256: sha256(bytes), size: 3 }),
    ).rejects.toMatchObject({ code: StorageErrorCode.SIZE_MISMATCH });
    await expect(readdir(join(root, 'blobs'))).resolves.toEqual([]);
  });

  it('creates a remembered directory again when it was removed behind its back', async () => {
    const first = Buffer.from('first');
    const second = Buffer.from('second');
    await driver.put('layers/a/first', first, { contentType: 'text/plain', sha256: sha256(first) });
    await rm(join(root, 'layers'), { recursive: true });
    await expect(
      driver.putIfAbsent('layers/a/second', second, { contentType: 'text/plain', sha256: sha256(second) }),
    ).resolves.toEqual({ created: true });
    await expect(readFile(join(root, 'layers/a/second'))).resolves.toEqual(objectFile('text/plain', second));
  });

  it('says created once when the same key is written concurrently', async () => {
    const bytes = Buffer.from('same tile');
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        driver.putIfAbsent('blobs/ab/cd/same', bytes, { contentType: 'image/png', sha256: sha256(bytes) }),
      ),
    );
    expect(results.filter((result) => result.created)).toHaveLength(1);
    await expect(readdir(join(root, 'blobs/ab/cd'))).resolves.toEqual(['same']);
    await expect(driver.get('blobs/ab/cd/same')).resolves.toEqual(bytes);
  });
});

describe('TemporaryTokens', () => {
  it('never repeats within a process and differs between instances', () => {
    const tokens = new TemporaryTokens();
    const seen = new Set(Array.from({ length: 1000 }, () => tokens.next()));
    expect(seen.size).toBe(1000);
    expect(new TemporaryTokens().next()).not.toBe(new TemporaryTokens().next());
  });
});
