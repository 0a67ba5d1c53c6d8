import { lastKeyOf, ReleasedChunk, releaseInChunks, TileKey } from './tile-release';

/** An in-memory holder table released in key order, as the repositories' releaseChunk does. */
class HolderRows {
  readonly starts: (TileKey | null)[] = [];
  private readonly rows: TileKey[];

  constructor(keys: TileKey[]) {
    this.rows = [...keys];
  }

  add(key: TileKey): void {
    this.rows.push(key);
  }

  get size(): number {
    return this.rows.length;
  }

  release(chunkSize: number, after: TileKey | null): ReleasedChunk {
    this.starts.push(after);
    const picked = this.rows
      .filter((row) => after === null || compare(row, after) > 0)
      .sort(compare)
      .slice(0, chunkSize);
    for (const row of picked) this.rows.splice(this.rows.indexOf(row), 1);
    // Returned in no particular order, as DELETE ... RETURNING does.
    const returned = [...picked].reverse();
    return {
      membersRemoved: returned.length,
      tilesRemoved: 0,
      candidateBlobs: [],
      last: lastKeyOf(returned),
    };
  }
}

function compare(a: TileKey, b: TileKey): number {
  return a.z - b.z || a.x - b.x || a.y - b.y;
}

function keysOfZoom(z: number): TileKey[] {
  const keys: TileKey[] = [];
  for (let x = 0; x < 1 << z; x += 1) for (let y = 0; y < 1 << z; y += 1) keys.push({ z, x, y });
  return keys;
}

describe('lastKeyOf', () => {
  it('gives the greatest key in (z, x, y) order, whatever the order of the rows', () => {
    const rows = [
      { z: 3, x: 1, y: 7 },
      { z: 4, x: 0, y: 0 },
      { z: 3, x: 7, y: 0 },
    ];
    expect(lastKeyOf(rows)).toEqual({ z: 4, x: 0, y: 0 });
    expect(
      lastKeyOf([
        { z: 2, x: 1, y: 3 },
        { z: 2, x: 1, y: 2 },
      ]),
    ).toEqual({ z: 2, x: 1, y: 3 });
  });

  it('is null for no rows', () => {
    expect(lastKeyOf([])).toBeNull();
  });
});

describe('releaseInChunks', () => {
  it('starts each chunk after the previous one, and ends with a short pass from the start', async () => {
    const holders = new HolderRows(keysOfZoom(3)); // 64 rows
    const totals = await releaseInChunks(
      10,
      async (after) => holders.release(10, after),
      async () => undefined,
    );
    expect(totals.membersRemoved).toBe(64);
    expect(holders.size).toBe(0);
    // Six full chunks each continue from the last; the short seventh is followed by one pass from the start.
    expect(holders.starts.map((start) => start && `${start.z}/${start.x}/${start.y}`)).toEqual([
      null,
      '3/1/1',
      '3/2/3',
      '3/3/5',
      '3/4/7',
      '3/6/1',
      '3/7/3',
      null,
    ]);
  });

  it('releases rows added behind the cursor while it runs', async () => {
    const holders = new HolderRows(keysOfZoom(3));
    let chunks = 0;
    const totals = await releaseInChunks(
      10,
      async (after) => holders.release(10, after),
      async () => {
        chunks += 1;
        if (chunks === 3) holders.add({ z: 0, x: 0, y: 0 });
      },
    );
    expect(totals.membersRemoved).toBe(65);
    expect(holders.size).toBe(0);
  });

  it('reports running totals after every chunk', async () => {
    const holders = new HolderRows(keysOfZoom(2)); // 16 rows
    const seen: number[] = [];
    await releaseInChunks(
      5,
      async (after) => holders.release(5, after),
      async (_chunk, totals) => {
        seen.push(totals.membersRemoved);
      },
    );
    expect(seen).toEqual([5, 10, 15, 16, 16]);
  });

  it('stops after one chunk when the first chunk is short', async () => {
    const holders = new HolderRows(keysOfZoom(1));
    const totals = await releaseInChunks(
      10,
      async (after) => holders.release(10, after),
      async () => undefined,
    );
    expect(totals).toEqual({ membersRemoved: 4, tilesRemoved: 0, candidateBlobs: 0 });
    expect(holders.starts).toEqual([null]);
  });
});
