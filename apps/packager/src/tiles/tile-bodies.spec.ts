import { createHash } from 'node:crypto';
import { blobKeyForSha256 } from '@map-offline/storage';
import { BlobCache } from './blob-cache';
import { TileBodies } from './tile-bodies';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A storage stand-in that counts reads per key and can be told to fail or to wait. */
function fakeStorage(bodies: Record<string, string>) {
  const reads = new Map<string, number>();
  let release: (() => void) | undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let gated = false;
  return {
    reads,
    hold: () => (gated = true),
    release: () => release?.(),
    get: async (key: string): Promise<Buffer> => {
      reads.set(key, (reads.get(key) ?? 0) + 1);
      if (gated) await gate;
      const hash = key.slice(key.lastIndexOf('/') + 1);
      const text = Object.entries(bodies).find(([, value]) => sha(value) === hash)?.[1] ?? bodies[hash];
      if (text === undefined) throw new Error(`missing ${key}`);
      return Buffer.from(text);
    },
  };
}

describe('TileBodies', () => {
  it('joins concurrent reads of one body into one object read', async () => {
    const storage = fakeStorage({ sea: 'sea' });
    storage.hold();
    const bodies = new TileBodies(storage, new BlobCache(1024 * 1024, 1024));
    const both = Promise.all([bodies.body(sha('sea')), bodies.body(sha('sea'))]);
    storage.release();
    const [first, second] = await both;
    expect(first.toString()).toBe('sea');
    expect(second).toBe(first);
    expect(storage.reads.get(blobKeyForSha256(sha('sea')))).toBe(1);
  });

  it('caches a body from its second read on, or at once when the caller says it repeats', async () => {
    const storage = fakeStorage({ a: 'land a', b: 'land b' });
    const bodies = new TileBodies(storage, new BlobCache(1024 * 1024, 1024));
    for (let read = 0; read < 4; read += 1) await bodies.body(sha('land a'));
    expect(storage.reads.get(blobKeyForSha256(sha('land a')))).toBe(2);
    await bodies.body(sha('land b'), true);
    await bodies.body(sha('land b'));
    expect(storage.reads.get(blobKeyForSha256(sha('land b')))).toBe(1);
    expect(bodies.cached(sha('land b'))?.toString()).toBe('land b');
    expect(bodies.reads).toBe(3);
  });

  it('passes a failed read on and does not remember it', async () => {
    const storage = fakeStorage({});
    const bodies = new TileBodies(storage, new BlobCache(1024, 1024));
    await expect(bodies.body(sha('gone'))).rejects.toThrow('missing');
    await expect(bodies.body(sha('gone'))).rejects.toThrow('missing');
    expect(storage.reads.get(blobKeyForSha256(sha('gone')))).toBe(2);
  });
});

describe('BlobCache', () => {
  it('evicts the least recently used bodies to stay within its bytes, per-entry overhead included', () => {
    // 256 bytes of overhead + 100 of body: three entries fit in 1,100 bytes, four do not.
    const cache = new BlobCache(1_100, 1_000);
    for (const name of ['a', 'b', 'c']) cache.set(name, Buffer.alloc(100));
    expect(cache.get('a')).toBeDefined();
    cache.set('d', Buffer.alloc(100));
    expect(cache.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((name) => cache.get(name) !== undefined)).toEqual([true, true, true]);
    expect(cache.sizeBytes).toBe(3 * 356);
  });

  it('never caches a body above the entry limit', () => {
    const cache = new BlobCache(1_000_000, 64);
    cache.set('big', Buffer.alloc(65));
    expect(cache.get('big')).toBeUndefined();
    expect(cache.sizeBytes).toBe(0);
  });
});
