import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageErrorCode } from '../storage.error';
import { FilesystemObjectStorageDriver } from './filesystem-object-storage.driver';
import { TemporaryTokens } from './temporary-tokens';

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
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

  it('publishes the bytes and the sidecar and leaves no temporary file behind', async () => {
    const bytes = Buffer.from('tile bytes');
    await expect(
      driver.putIfAbsent('blobs/ab/cd/one', bytes, { contentType: 'image/png', sha256: sha256(bytes) }),
    ).resolves.toEqual({ created: true });
    await expect(readFile(join(root, 'blobs/ab/cd/one'))).resolves.toEqual(bytes);
    await expect(readFile(join(root, 'blobs/ab/cd/one~meta.json'), 'utf8').then(JSON.parse)).resolves.toEqual(
      {
        contentType: 'image/png',
        sha256: sha256(bytes),
        size: bytes.length,
      },
    );
    await expect(readdir(join(root, 'blobs/ab/cd'))).resolves.toEqual(['one', 'one~meta.json']);
  });

  it('put renames both files into place and leaves nothing else', async () => {
    const bytes = Buffer.from('replaced tile');
    const options = { contentType: 'image/png', sha256: sha256(bytes) };
    await driver.put('blobs/ab/cd/two', bytes, options);
    await driver.put('blobs/ab/cd/two', bytes, options);
    await expect(readFile(join(root, 'blobs/ab/cd/two'))).resolves.toEqual(bytes);
    await expect(readdir(join(root, 'blobs/ab/cd'))).resolves.toEqual(['two', 'two~meta.json']);
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
    await expect(readFile(join(root, 'layers/a/second'))).resolves.toEqual(second);
  });

  it('says created once when the same key is written concurrently', async () => {
    const bytes = Buffer.from('same tile');
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        driver.putIfAbsent('blobs/ab/cd/same', bytes, { contentType: 'image/png', sha256: sha256(bytes) }),
      ),
    );
    expect(results.filter((result) => result.created)).toHaveLength(1);
    await expect(readdir(join(root, 'blobs/ab/cd'))).resolves.toEqual(['same', 'same~meta.json']);
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
