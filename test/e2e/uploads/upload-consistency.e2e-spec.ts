// How uploads share the index and storage with everything else: replaced blobs are collected, keys are
// shared content addresses (one caller's wrong claim never deletes another's correct upload), a region
// being deleted takes no tiles, concurrent confirmations of the same tiles agree, and a full call of
// 1,000 tiles stays fast.
import { randomBytes } from 'node:crypto';
import { bboxToGeometry, planCover, TileCoord } from '@map-offline/geo';
import { blobKeyForSha256 } from '@map-offline/storage';
import {
  confirmUploads,
  createRegion,
  getTile,
  putObject,
  registerSource,
  requestUploads,
  TileUploadVariables,
} from './support/upload-api';
import { pngTile, uploadOf } from './support/tile-fixtures';
import { startUploadWorld, UploadDriver, UploadWorld } from './support/upload-world';

jest.setTimeout(120_000);

const AREA = bboxToGeometry([10, 40, 12, 42]);
const ZOOMS = { minZoom: 8, maxZoom: 13 };
const DRIVERS: UploadDriver[] = ['s3', 'filesystem'];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** uploads in flight at once from the test client */
const CLIENT_CONCURRENCY = 16;

/** Bytes that pass the PNG signature check and differ every call (cheap for a thousand tiles). */
function pseudoPng(): Buffer {
  return Buffer.concat([PNG_SIGNATURE, randomBytes(200)]);
}

async function inParallel<Item>(items: Item[], concurrency: number, work: (item: Item) => Promise<void>) {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

describe.each(DRIVERS)('uploads beside the index and the collector, %s driver (e2e)', (driver) => {
  let stack: UploadWorld;
  let sourceId: string;
  let regionId: string;
  const cover = [...planCover(AREA, ZOOMS).tilesAt(ZOOMS.maxZoom)];
  let nextTile = 0;
  let nextSeed = driver === 's3' ? 10_000 : 20_000;

  const takeTiles = (count: number): TileCoord[] => {
    const tiles = cover.slice(nextTile, nextTile + count);
    nextTile += count;
    if (tiles.length < count) throw new Error('the test area is too small');
    return tiles;
  };
  const freshPng = (): Promise<Buffer> => {
    nextSeed += 1;
    return pngTile(nextSeed);
  };

  async function upload(input: TileUploadVariables, bytes: Buffer): Promise<void> {
    const response = await requestUploads(stack.api, regionId, [input]);
    const ticket = response.data?.requestTileUploads.tiles[0].upload;
    if (!ticket) throw new Error(`no upload offered: ${JSON.stringify(response)}`);
    await expect(putObject(ticket.url, ticket.headers, bytes)).resolves.toMatchObject({ status: 200 });
  }

  async function blobRows(sha256: string): Promise<number> {
    return (await stack.sql(`SELECT 1 FROM tile_blob WHERE sha256 = $1`, [sha256])).length;
  }

  beforeAll(async () => {
    stack = await startUploadWorld(driver);
    sourceId = await registerSource(stack.api);
    regionId = await createRegion(stack.api, sourceId, AREA, ZOOMS);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('replaces a tile with a new upload and collects the blob no tile uses any more', async () => {
    const [tile, neighbour] = takeTiles(2);
    const [oldBytes, newBytes] = [await freshPng(), await freshPng()];
    const [oldInput, newInput] = [uploadOf(tile, oldBytes), uploadOf(tile, newBytes)];
    await upload(oldInput, oldBytes);
    await confirmUploads(stack.api, regionId, [oldInput]);

    await upload(newInput, newBytes);
    const confirmed = await confirmUploads(stack.api, regionId, [newInput]);
    expect(confirmed.data?.confirmTileUploads.tiles[0].status).toBe('INDEXED');
    const served = await getTile(stack.gatewayUrl, stack.token, sourceId, tile);
    expect(served.body.equals(newBytes)).toBe(true);
    await expect(blobRows(oldInput.sha256)).resolves.toBe(0);
    await expect(stack.storage.head(blobKeyForSha256(oldInput.sha256))).resolves.toBeNull();

    // A blob another tile still points at survives its replacement.
    const sharedInput = uploadOf(neighbour, newBytes);
    await requestUploads(stack.api, regionId, [sharedInput]); // ALREADY_STORED: indexed at once
    const newest = await freshPng();
    const newestInput = uploadOf(tile, newest);
    await upload(newestInput, newest);
    await confirmUploads(stack.api, regionId, [newestInput]);
    await expect(blobRows(newInput.sha256)).resolves.toBe(1);
    await expect(stack.storage.head(blobKeyForSha256(newInput.sha256))).resolves.not.toBeNull();
    const neighbourServed = await getTile(stack.gatewayUrl, stack.token, sourceId, neighbour);
    expect(neighbourServed.body.equals(newBytes)).toBe(true);
  });

  it("never deletes another caller's correct upload over a wrong claim about the same bytes", async () => {
    const [mine, theirs] = takeTiles(2);
    const bytes = await freshPng();
    const mineInput = uploadOf(mine, bytes);
    await upload(mineInput, bytes);

    // Another caller (another organisation would do the same: keys are shared) claims other sizes.
    const wrongClaim = { ...uploadOf(theirs, bytes), size: bytes.length + 1 };
    const refused = await confirmUploads(stack.api, regionId, [wrongClaim]);
    expect(refused.data?.confirmTileUploads.tiles[0]).toMatchObject({
      status: 'SIZE_MISMATCH',
      objectDeleted: false,
    });
    await expect(stack.storage.head(blobKeyForSha256(mineInput.sha256))).resolves.not.toBeNull();

    const confirmed = await confirmUploads(stack.api, regionId, [mineInput]);
    expect(confirmed.data?.confirmTileUploads.tiles[0].status).toBe('INDEXED');
    // Once a row exists, a wrong size for the same hash is refused before any URL is signed.
    const response = await requestUploads(stack.api, regionId, [wrongClaim]);
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'tiles[0].size',
    });
  });

  it('confirms the same tiles from parallel calls once each', async () => {
    const tiles = takeTiles(40);
    const inputs: TileUploadVariables[] = [];
    for (const tile of tiles) {
      const bytes = pseudoPng();
      const input = uploadOf(tile, bytes);
      inputs.push(input);
      await upload(input, bytes);
    }
    const calls = await Promise.all(
      [0, 1, 2, 3].map((turn) =>
        confirmUploads(stack.api, regionId, turn % 2 === 0 ? inputs : [...inputs].reverse()),
      ),
    );
    for (const call of calls) {
      expect(call.errors).toBeUndefined();
      expect(call.data?.confirmTileUploads.indexed).toBe(40);
    }
    const hashes = inputs.map((input) => input.sha256);
    await expect(
      stack.sql(`SELECT 1 FROM tile_blob WHERE sha256 = ANY($1::char(64)[])`, [hashes]),
    ).resolves.toHaveLength(40);
    await expect(
      stack.sql(
        `SELECT 1 FROM region_tile m JOIN tile t USING (source_id, z, x, y)
          WHERE m.region_id = $1 AND t.blob_sha256 = ANY($2::char(64)[])`,
        [regionId, hashes],
      ),
    ).resolves.toHaveLength(40);
  });

  it('handles a full call of 1,000 tiles: sign, upload, confirm, then 1,000 already stored', async () => {
    const tiles = takeTiles(2_000);
    const bodies = tiles.slice(0, 1_000).map(() => pseudoPng());
    const inputs = tiles.slice(0, 1_000).map((tile, index) => uploadOf(tile, bodies[index]));

    let started = Date.now();
    const requested = await requestUploads(stack.api, regionId, inputs);
    const requestMs = Date.now() - started;
    expect(requested.data?.requestTileUploads.toUpload).toBe(1_000);
    const tickets = requested.data?.requestTileUploads.tiles ?? [];

    started = Date.now();
    await inParallel(tickets, CLIENT_CONCURRENCY, async (ticket) => {
      if (!ticket.upload) throw new Error('no upload offered');
      const put = await putObject(ticket.upload.url, ticket.upload.headers, bodies[ticket.index]);
      if (put.status !== 200) throw new Error(`PUT answered ${put.status}`);
    });
    const uploadMs = Date.now() - started;

    started = Date.now();
    const confirmed = await confirmUploads(stack.api, regionId, inputs);
    const confirmMs = Date.now() - started;
    expect(confirmed.data?.confirmTileUploads).toMatchObject({ indexed: 1_000, rejected: 0 });

    // The other 1,000 tiles carry the same bytes: all indexed by the request itself.
    const copies = tiles.slice(1_000).map((tile, index) => uploadOf(tile, bodies[index]));
    started = Date.now();
    const stored = await requestUploads(stack.api, regionId, copies);
    const alreadyStoredMs = Date.now() - started;
    expect(stored.data?.requestTileUploads).toMatchObject({ alreadyStored: 1_000, toUpload: 0 });

    process.stdout.write(
      `uploads (${driver}): request 1000 ${requestMs} ms, PUT 1000 (x${CLIENT_CONCURRENCY}) ${uploadMs} ms, ` +
        `confirm 1000 ${confirmMs} ms, already stored 1000 ${alreadyStoredMs} ms\n`,
    );
    // Loose bounds (2 cores, shared with other test files): an order of magnitude over the measured times.
    expect(requestMs).toBeLessThan(10_000);
    expect(confirmMs).toBeLessThan(30_000);
    expect(alreadyStoredMs).toBeLessThan(10_000);
  });

  it('answers CONFLICT for a region being deleted and indexes nothing', async () => {
    const otherRegion = await createRegion(stack.api, sourceId, AREA, ZOOMS);
    const [tile] = takeTiles(1);
    const bytes = await freshPng();
    const input = uploadOf(tile, bytes);
    await stack.api.data(`mutation ($id: ID!) { deleteCacheRegion(id: $id) { id } }`, { id: otherRegion });
    // No tile seeder runs here, so the region stays "deleting".
    for (const call of [requestUploads, confirmUploads]) {
      const response = await call(stack.api, otherRegion, [input]);
      expect(response.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    }
    await expect(blobRows(input.sha256)).resolves.toBe(0);
  });
});
