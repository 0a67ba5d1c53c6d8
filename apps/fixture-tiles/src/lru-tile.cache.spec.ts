import { LruTileCache } from './lru-tile.cache';

describe('LruTileCache', () => {
  it('keeps at most maxEntries entries and maxBytes bytes', () => {
    const cache = new LruTileCache<string>(100, 3);
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, key, 10);
    expect(cache.size).toBe(3);
    expect(cache.bytes).toBe(30);
    cache.set('big', 'big', 90);
    expect(cache.bytes).toBeLessThanOrEqual(100);
    expect(cache.get('big')).toBe('big');
  });

  it('evicts the oldest entry not read since the last eviction pass, and spares one that was', () => {
    const cache = new LruTileCache<string>(1_000, 3);
    cache.set('a', 'a', 1);
    cache.set('b', 'b', 1);
    cache.set('c', 'c', 1);
    // The first eviction pass clears every flag (all entries are new) and drops the oldest, a.
    cache.set('d', 'd', 1);
    expect(cache.get('a')).toBeUndefined();
    // b is read again: the next pass passes over it and drops c, the oldest unread entry.
    expect(cache.get('b')).toBe('b');
    cache.set('e', 'e', 1);
    expect(cache.get('c')).toBeUndefined();
    expect(cache.get('b')).toBe('b');
    expect(cache.get('d')).toBe('d');
    expect(cache.get('e')).toBe('e');
  });

  it('does not store an entry larger than the whole cache, and replaces a key in place', () => {
    const cache = new LruTileCache<string>(50, 10);
    cache.set('huge', 'huge', 51);
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.bytes).toBe(0);
    cache.set('a', 'first', 20);
    cache.set('a', 'second', 30);
    expect(cache.get('a')).toBe('second');
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBe(30);
    cache.clear();
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
  });
});
