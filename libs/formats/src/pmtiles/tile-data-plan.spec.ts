import { gunzipSync } from 'node:zlib';
import { decodeDirectory } from './directory-codec';
import { DirectoryEntries } from './directory-entries';
import { layoutDirectories, ROOT_DIRECTORY_BUDGET_BYTES } from './directory-layout';
import { planTileData } from './tile-data-plan';
import type { CollectedTiles } from './tile-collection';

function collected(tiles: Array<[tileId: number, content: number]>, lengths: number[]): CollectedTiles {
  return {
    tileCount: tiles.length,
    tileIds: Float64Array.from(tiles.map(([id]) => id)),
    contentIndexes: Uint32Array.from(tiles.map(([, content]) => content)),
    contentCount: lengths.length,
    contentSpoolOffsets: new Float64Array(lengths.length),
    contentLengths: Uint32Array.from(lengths),
  };
}

describe('planTileData', () => {
  it('sorts by tile id, folds consecutive equal bodies into runs and places each body once, in id order', () => {
    // Bodies: 0 = sea (10 bytes), 1 and 2 land. Input order is scrambled.
    const plan = planTileData(
      collected(
        [
          [7, 0],
          [3, 1],
          [5, 0],
          [6, 0],
          [9, 2],
          [4, 0],
          [10, 0],
        ],
        [10, 20, 30],
      ),
    );
    const entries = Array.from({ length: plan.entries.count }, (_, index) => [
      plan.entries.tileIds[index],
      plan.entries.offsets[index],
      plan.entries.lengths[index],
      plan.entries.runLengths[index],
    ]);
    expect(entries).toEqual([
      [3, 0, 20, 1],
      [4, 20, 10, 4],
      [9, 30, 30, 1],
      [10, 20, 10, 1],
    ]);
    expect(Array.from(plan.contentWriteOrder)).toEqual([1, 0, 2]);
    expect(plan.tileDataLength).toBe(60);
    expect(plan.addressedTiles).toBe(7);
  });

  it('reports a duplicate tile id by its z/x/y', () => {
    expect(() =>
      planTileData(
        collected(
          [
            [1, 0],
            [1, 0],
          ],
          [5],
        ),
      ),
    ).toThrow('tile 1/0/0 arrived twice');
  });
});

describe('layoutDirectories', () => {
  it('keeps a small directory in the root', () => {
    const entries = new DirectoryEntries();
    for (let index = 0; index < 100; index += 1) entries.push(index, index * 10, 10, 1);
    const layout = layoutDirectories(entries);
    expect(layout.leaves).toEqual([]);
    expect(decodeDirectory(gunzipSync(layout.root))).toHaveLength(100);
  });

  it('splits a large directory into leaves whose entries, in order, are exactly the input', () => {
    const entries = new DirectoryEntries();
    let state = 12345;
    let tileId = 0;
    let offset = 0;
    for (let index = 0; index < 200_000; index += 1) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      tileId += 1 + (state % 50);
      const length = 1 + (state % 5000);
      entries.push(tileId, offset, length, 1 + (state % 3));
      offset += length;
    }
    const layout = layoutDirectories(entries);
    expect(layout.root.length).toBeLessThanOrEqual(ROOT_DIRECTORY_BUDGET_BYTES);
    const root = decodeDirectory(gunzipSync(layout.root));
    expect(root.length).toBe(layout.leaves.length);
    const all = layout.leaves.flatMap((leaf) => decodeDirectory(gunzipSync(leaf)));
    expect(all).toHaveLength(entries.count);
    all.forEach((entry, index) => {
      if (index % 997 !== 0) return;
      expect(entry).toEqual({
        tileId: entries.tileIds[index],
        offset: entries.offsets[index],
        length: entries.lengths[index],
        runLength: entries.runLengths[index],
      });
    });
    let leafOffset = 0;
    root.forEach((pointer, index) => {
      expect(pointer.runLength).toBe(0);
      expect(pointer.offset).toBe(leafOffset);
      expect(pointer.length).toBe(layout.leaves[index].length);
      leafOffset += pointer.length;
    });
  });
});
