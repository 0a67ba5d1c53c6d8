// Presigned client tile uploads on the real stack, once per storage driver: s3rver (which, unlike AWS S3,
// checks neither signatures nor checksums, so every bad upload lands and must be caught at confirmation)
// and the filesystem driver (the gateway serves the URLs and refuses bad uploads at the PUT already).
import type { Polygon } from 'geojson';
import { bboxToGeometry, planCover, TileCoord } from '@map-offline/geo';
import { blobKeyForSha256 } from '@map-offline/storage';
import {
  confirmUploads,
  createRegion,
  getTile,
  putObject,
  registerSource,
  requestUploads,
  TicketView,
  TileUploadVariables,
} from './support/upload-api';
import { pngTile, sha256Of, uploadOf } from './support/tile-fixtures';
import { startUploadWorld, UploadDriver, UploadWorld } from './support/upload-world';

jest.setTimeout(60_000);

// A right triangle: its bounding box holds tiles that are not in its cover.
const TRIANGLE: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [10, 40],
      [14, 40],
      [10, 44],
      [10, 40],
    ],
  ],
};
const ZOOMS = { minZoom: 6, maxZoom: 10 };
const DRIVERS: UploadDriver[] = ['s3', 'filesystem'];

function tileKey(tile: TileCoord): string {
  return `${tile.z}/${tile.x}/${tile.y}`;
}

describe.each(DRIVERS)('presigned tile uploads, %s driver (e2e)', (driver) => {
  let stack: UploadWorld;
  let sourceId: string;
  let regionId: string;
  const cover = [...planCover(TRIANGLE, ZOOMS).tilesAt(ZOOMS.maxZoom)];
  const coverKeys = new Set(cover.map(tileKey));
  let nextTile = 0;
  let nextSeed = driver === 's3' ? 1 : 5_000;

  const takeTile = (): TileCoord => {
    const tile = cover[nextTile];
    nextTile += 1;
    return tile;
  };
  const freshPng = (): Promise<Buffer> => {
    nextSeed += 1;
    return pngTile(nextSeed);
  };

  async function requestOne(input: TileUploadVariables, expiresInSeconds?: number): Promise<TicketView> {
    const response = await requestUploads(stack.api, regionId, [input], expiresInSeconds);
    expect(response.errors).toBeUndefined();
    const ticket = response.data?.requestTileUploads.tiles[0];
    if (!ticket) throw new Error('no ticket returned');
    return ticket;
  }

  async function uploadAndConfirm(tile: TileCoord, bytes: Buffer): Promise<void> {
    const input = uploadOf(tile, bytes);
    const ticket = await requestOne(input);
    if (!ticket.upload) throw new Error(`tile ${tileKey(tile)} was not offered an upload`);
    await expect(putObject(ticket.upload.url, ticket.upload.headers, bytes)).resolves.toMatchObject({
      status: 200,
    });
    const confirmed = await confirmUploads(stack.api, regionId, [input]);
    expect(confirmed.data?.confirmTileUploads.tiles[0].status).toBe('INDEXED');
  }

  /** Nothing of the tile reached the index, the region or storage. */
  async function expectNothingIndexed(tile: TileCoord, sha256: string): Promise<void> {
    await expect(getTile(stack.gatewayUrl, stack.token, sourceId, tile)).resolves.toMatchObject({
      status: 404,
    });
    await expect(
      stack.sql(`SELECT 1 FROM tile WHERE source_id = $1 AND z = $2 AND x = $3 AND y = $4`, [
        sourceId,
        tile.z,
        tile.x,
        tile.y,
      ]),
    ).resolves.toEqual([]);
    await expect(stack.sql(`SELECT 1 FROM tile_blob WHERE sha256 = $1`, [sha256])).resolves.toEqual([]);
    await expect(stack.storage.head(blobKeyForSha256(sha256))).resolves.toBeNull();
  }

  beforeAll(async () => {
    stack = await startUploadWorld(driver);
    sourceId = await registerSource(stack.api);
    regionId = await createRegion(stack.api, sourceId, TRIANGLE, ZOOMS);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('indexes a good upload only once it is confirmed, then serves it byte-exact', async () => {
    const tile = takeTile();
    const bytes = await freshPng();
    const input = uploadOf(tile, bytes);
    const ticket = await requestOne(input);
    expect(ticket).toMatchObject({ index: 0, ...tile, sha256: input.sha256, status: 'UPLOAD' });
    expect(ticket.upload?.method).toBe('PUT');
    const lifetimeMs = Date.parse(ticket.upload?.expiresAt ?? '') - Date.now();
    expect(lifetimeMs).toBeGreaterThan(590_000);
    expect(lifetimeMs).toBeLessThanOrEqual(600_000);
    if (!ticket.upload) throw new Error('no upload');

    await expect(putObject(ticket.upload.url, ticket.upload.headers, bytes)).resolves.toMatchObject({
      status: 200,
    });
    // Uploaded but unconfirmed: not served.
    await expect(getTile(stack.gatewayUrl, stack.token, sourceId, tile)).resolves.toMatchObject({
      status: 404,
    });

    const confirmed = await confirmUploads(stack.api, regionId, [input]);
    expect(confirmed.errors).toBeUndefined();
    expect(confirmed.data?.confirmTileUploads).toEqual({
      regionId,
      indexed: 1,
      rejected: 0,
      tiles: [
        { index: 0, ...tile, sha256: input.sha256, status: 'INDEXED', objectDeleted: false, message: null },
      ],
    });
    const served = await getTile(stack.gatewayUrl, stack.token, sourceId, tile);
    expect(served.status).toBe(200);
    expect(served.contentType).toBe('image/png');
    expect(served.body.equals(bytes)).toBe(true);
    await expect(
      stack.sql(`SELECT 1 FROM region_tile WHERE region_id = $1 AND z = $2 AND x = $3 AND y = $4`, [
        regionId,
        tile.z,
        tile.x,
        tile.y,
      ]),
    ).resolves.toHaveLength(1);
    await expect(
      stack.sql<{ size_bytes: number; content_type: string }>(
        `SELECT size_bytes, content_type FROM tile_blob WHERE sha256 = $1`,
        [input.sha256],
      ),
    ).resolves.toEqual([{ size_bytes: bytes.length, content_type: 'image/png' }]);

    // Confirming again changes nothing.
    const again = await confirmUploads(stack.api, regionId, [input]);
    expect(again.data?.confirmTileUploads.tiles[0].status).toBe('INDEXED');
  });

  it('indexes a tile whose bytes are stored already at once, with nothing to upload', async () => {
    const first = takeTile();
    const second = takeTile();
    const bytes = await freshPng();
    await uploadAndConfirm(first, bytes);

    const response = await requestUploads(stack.api, regionId, [uploadOf(second, bytes)]);
    expect(response.data?.requestTileUploads).toMatchObject({
      alreadyStored: 1,
      toUpload: 0,
      tiles: [{ index: 0, ...second, status: 'ALREADY_STORED', upload: null }],
    });
    const served = await getTile(stack.gatewayUrl, stack.token, sourceId, second);
    expect(served.status).toBe(200);
    expect(served.body.equals(bytes)).toBe(true);
  });

  it('refuses a body with another checksum', async () => {
    const tile = takeTile();
    const bytes = await freshPng();
    const input = uploadOf(tile, bytes);
    const ticket = await requestOne(input);
    if (!ticket.upload) throw new Error('no upload');
    const other = Buffer.from(bytes);
    other[other.length - 1] ^= 0xff; // same size, other hash

    const put = await putObject(ticket.upload.url, ticket.upload.headers, other);
    // s3rver ignores x-amz-checksum-sha256 (AWS S3 answers 400 BadDigest); the filesystem driver refuses.
    expect(put.status).toBe(driver === 'filesystem' ? 400 : 200);

    const confirmed = await confirmUploads(stack.api, regionId, [input]);
    expect(confirmed.data?.confirmTileUploads.tiles[0]).toMatchObject(
      driver === 'filesystem'
        ? { status: 'NOT_UPLOADED', objectDeleted: false }
        : { status: 'CHECKSUM_MISMATCH', objectDeleted: true },
    );
    await expectNothingIndexed(tile, input.sha256);
  });

  it('refuses a body of another size', async () => {
    const tile = takeTile();
    const bytes = await freshPng();
    const input = uploadOf(tile, bytes);
    const ticket = await requestOne(input);
    if (!ticket.upload) throw new Error('no upload');

    const put = await putObject(
      ticket.upload.url,
      ticket.upload.headers,
      Buffer.concat([bytes, Buffer.from([0])]),
    );
    // Content-Length is a signed header (AWS S3 answers 403); s3rver does not check signatures.
    expect(put.status).toBe(driver === 'filesystem' ? 400 : 200);

    const confirmed = await confirmUploads(stack.api, regionId, [input]);
    expect(confirmed.data?.confirmTileUploads.tiles[0]).toMatchObject(
      driver === 'filesystem'
        ? { status: 'NOT_UPLOADED', objectDeleted: false }
        : { status: 'SIZE_MISMATCH', objectDeleted: true },
    );
    await expectNothingIndexed(tile, input.sha256);
  });

  it('refuses a body larger than any tile', async () => {
    const tile = takeTile();
    const bytes = await freshPng();
    const input = uploadOf(tile, bytes);
    const ticket = await requestOne(input);
    if (!ticket.upload) throw new Error('no upload');
    const huge = Buffer.concat([bytes, Buffer.alloc(5 * 1024 * 1024)]); // over the 4 MiB tile limit

    const put = await putObject(ticket.upload.url, ticket.upload.headers, huge);
    expect(put.status).toBe(driver === 'filesystem' ? 400 : 200);
    const confirmed = await confirmUploads(stack.api, regionId, [input]);
    expect(confirmed.data?.confirmTileUploads.tiles[0]).toMatchObject(
      driver === 'filesystem'
        ? { status: 'NOT_UPLOADED', objectDeleted: false }
        : { status: 'SIZE_MISMATCH', objectDeleted: true },
    );
    await expectNothingIndexed(tile, input.sha256);
  });

  it('refuses an upload to an expired URL', async () => {
    const tile = takeTile();
    const bytes = await freshPng();
    const input = uploadOf(tile, bytes);
    const ticket = await requestOne(input, 1);
    if (!ticket.upload) throw new Error('no upload');
    expect(Date.parse(ticket.upload.expiresAt) - Date.now()).toBeLessThanOrEqual(1_000);
    // Both stores count whole seconds: 2.5 s is past the expiry however the clock ticks.
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    await expect(putObject(ticket.upload.url, ticket.upload.headers, bytes)).resolves.toMatchObject({
      status: 403,
    });
    const confirmed = await confirmUploads(stack.api, regionId, [input]);
    expect(confirmed.data?.confirmTileUploads.tiles[0]).toMatchObject({ status: 'NOT_UPLOADED' });
    await expectNothingIndexed(tile, input.sha256);
  });

  it('refuses a URL re-pointed at another key', async () => {
    const [first, second] = [takeTile(), takeTile()];
    const [firstBytes, secondBytes] = [await freshPng(), await freshPng()];
    const [firstInput, secondInput] = [uploadOf(first, firstBytes), uploadOf(second, secondBytes)];
    const response = await requestUploads(stack.api, regionId, [firstInput, secondInput]);
    const firstUpload = response.data?.requestTileUploads.tiles[0].upload;
    if (!firstUpload) throw new Error('no upload');
    const firstKey = blobKeyForSha256(firstInput.sha256);
    expect(firstUpload.url).toContain(firstKey);
    const repointed = firstUpload.url.replace(firstKey, blobKeyForSha256(secondInput.sha256));

    // The first tile's bytes sent to the second tile's key with the first tile's signature.
    const put = await putObject(repointed, firstUpload.headers, firstBytes);
    expect(put.status).toBe(driver === 'filesystem' ? 403 : 200);

    const confirmed = await confirmUploads(stack.api, regionId, [firstInput, secondInput]);
    const [firstResult, secondResult] = confirmed.data?.confirmTileUploads.tiles ?? [];
    expect(firstResult).toMatchObject({ status: 'NOT_UPLOADED', objectDeleted: false });
    if (driver === 'filesystem') {
      expect(secondResult).toMatchObject({ status: 'NOT_UPLOADED', objectDeleted: false });
    } else {
      expect(['SIZE_MISMATCH', 'CHECKSUM_MISMATCH']).toContain(secondResult?.status);
      expect(secondResult?.objectDeleted).toBe(true);
    }
    await expectNothingIndexed(first, firstInput.sha256);
    await expectNothingIndexed(second, secondInput.sha256);
  });

  it('refuses bytes that are not the declared format and keeps an object that matches its key', async () => {
    const tile = takeTile();
    const page = Buffer.from(`<html><body>captive portal ${driver}</body></html>`);
    const input = uploadOf(tile, page);
    const ticket = await requestOne(input);
    if (!ticket.upload) throw new Error('no upload');
    await expect(putObject(ticket.upload.url, ticket.upload.headers, page)).resolves.toMatchObject({
      status: 200,
    });

    const confirmed = await confirmUploads(stack.api, regionId, [input]);
    expect(confirmed.data?.confirmTileUploads.tiles[0]).toMatchObject({
      status: 'FORMAT_MISMATCH',
      objectDeleted: false,
    });
    await expect(getTile(stack.gatewayUrl, stack.token, sourceId, tile)).resolves.toMatchObject({
      status: 404,
    });
    await expect(stack.sql(`SELECT 1 FROM tile_blob WHERE sha256 = $1`, [input.sha256])).resolves.toEqual([]);
    // Its bytes are exactly what the key names: another caller's correct claim may still use them.
    await expect(stack.storage.head(blobKeyForSha256(input.sha256))).resolves.toMatchObject({
      size: page.length,
    });
  });

  it('names the field of the first bad tile and signs nothing', async () => {
    const bytes = await freshPng();
    const inside = cover[cover.length - 1];
    const bboxTiles = [...planCover(bboxToGeometry([10, 40, 14, 44]), ZOOMS).tilesAt(ZOOMS.maxZoom)];
    const outside = bboxTiles.find((tile) => !coverKeys.has(tileKey(tile)));
    if (!outside) throw new Error('the triangle covers its whole bbox');
    const good = uploadOf(inside, bytes);
    const cases: { tiles: TileUploadVariables[]; code: string; field: string }[] = [
      { tiles: [good, uploadOf(outside, bytes)], code: 'BAD_USER_INPUT', field: 'tiles[1]' },
      {
        tiles: [{ ...good, sha256: good.sha256.toUpperCase() }],
        code: 'BAD_USER_INPUT',
        field: 'tiles[0].sha256',
      },
      {
        tiles: [{ ...good, contentType: 'image/jpeg' }],
        code: 'BAD_USER_INPUT',
        field: 'tiles[0].contentType',
      },
      { tiles: [{ ...good, z: 5, x: 0, y: 0 }], code: 'BAD_USER_INPUT', field: 'tiles[0].z' },
      { tiles: [good, good], code: 'BAD_USER_INPUT', field: 'tiles[1]' },
      { tiles: [{ ...good, size: 4 * 1024 * 1024 + 1 }], code: 'LIMIT_EXCEEDED', field: 'tiles[0].size' },
      { tiles: Array.from({ length: 1_001 }, () => good), code: 'LIMIT_EXCEEDED', field: 'tiles' },
    ];
    for (const { tiles, code, field } of cases) {
      for (const call of [requestUploads, confirmUploads]) {
        const response = await call(stack.api, regionId, tiles);
        expect({ field, extensions: response.errors?.[0]?.extensions }).toMatchObject({
          field,
          extensions: { code, field },
        });
      }
    }
    const expiry = await requestUploads(stack.api, regionId, [good], 3_601);
    expect(expiry.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'expiresInSeconds',
    });
    await expect(
      stack.sql(`SELECT 1 FROM tile WHERE source_id = $1 AND z = $2 AND x = $3 AND y = $4`, [
        sourceId,
        inside.z,
        inside.x,
        inside.y,
      ]),
    ).resolves.toEqual([]);
  });

  it("answers NOT_FOUND for another organisation's region", async () => {
    const tile = takeTile();
    const bytes = await freshPng();
    const stranger = await stack.clientWith(['cache:read', 'cache:write'], 'org-uploads-other');
    for (const call of [requestUploads, confirmUploads]) {
      const response = await call(stranger, regionId, [uploadOf(tile, bytes)]);
      expect(response.data).toBeNull();
      expect(response.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    await expectNothingIndexed(tile, sha256Of(bytes));
  });

  it('answers 403 without the cache:write scope', async () => {
    const tile = takeTile();
    const bytes = await freshPng();
    const reader = await stack.clientWith(['cache:read']);
    for (const call of [requestUploads, confirmUploads]) {
      const response = await call(reader, regionId, [uploadOf(tile, bytes)]);
      expect(response.status).toBe(403);
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});
