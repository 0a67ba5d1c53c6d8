import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { Compression, TileType } from 'pmtiles';
import {
  decodeDirectory,
  decodePmtilesHeader,
  FormatErrorCode,
  syntheticPackageTiles,
  writePmtiles,
  ROOT_DIRECTORY_BUDGET_BYTES,
  type PackageTile,
  type TilesetMetadataInput,
} from '@map-offline/formats';
import {
  asAsync,
  distinctBodyBytes,
  makeTemporaryDirectory,
  openPmtiles,
  removeDirectory,
  shuffled,
} from './support/format-test-files';

const WORLD: [number, number, number, number] = [-180, -85.0511287798066, 180, 85.0511287798066];

function pngMetadata(minZoom: number, maxZoom: number): TilesetMetadataInput {
  return {
    name: 'Synthetic world',
    format: 'png',
    bounds: WORLD,
    center: [10, 20, 2],
    minZoom,
    maxZoom,
    attribution: '© test',
    description: 'generated tiles',
    version: 3,
  };
}

describe('writePmtiles', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await makeTemporaryDirectory('pmtiles');
  });

  afterAll(async () => {
    await removeDirectory(directory);
  });

  it('writes PNG tiles given in any order that the pmtiles reader returns byte for byte at every zoom', async () => {
    const tiles = [...syntheticPackageTiles({ format: 'png', minZoom: 0, maxZoom: 6 })];
    const path = join(directory, 'world-png.pmtiles');
    const result = await writePmtiles(path, asAsync(shuffled(tiles, 7)), pngMetadata(0, 6));

    const { reader, close } = await openPmtiles(path);
    try {
      for (const { tile, bytes } of tiles) {
        const found = await reader.getZxy(tile.z, tile.x, tile.y);
        expect(found).toBeDefined();
        expect(Buffer.from(found!.data).equals(bytes)).toBe(true);
      }
      await expect(reader.getZxy(7, 0, 0)).resolves.toBeUndefined();

      const header = await reader.getHeader();
      const distinct = distinctBodyBytes(tiles);
      expect(header).toMatchObject({
        specVersion: 3,
        clustered: true,
        internalCompression: Compression.Gzip,
        tileCompression: Compression.None,
        tileType: TileType.Png,
        minZoom: 0,
        maxZoom: 6,
        minLon: -180,
        minLat: -85.0511288,
        maxLon: 180,
        maxLat: 85.0511288,
        centerZoom: 2,
        centerLon: 10,
        centerLat: 20,
        numAddressedTiles: tiles.length,
        numTileContents: distinct.count,
        tileDataLength: distinct.bytes,
      });
      // Sea tiles come in aligned 4x4 blocks, 16 consecutive Hilbert ids: runs fold them into one entry.
      expect(header.numTileEntries).toBeLessThan(tiles.length);
      expect(header.rootDirectoryOffset + header.rootDirectoryLength).toBeLessThanOrEqual(16_384);
      expect(result).toMatchObject({ tileCount: tiles.length, uniqueTileCount: distinct.count });

      // De-duplicated: the file holds each distinct body once, plus header and directories.
      const { size } = await stat(path);
      expect(size).toBe(header.tileDataOffset + distinct.bytes);
      expect(result.bytes).toBe(size);
      expect(size).toBeLessThan(tiles.reduce((sum, tile) => sum + tile.bytes.length, 0));

      await expect(reader.getMetadata()).resolves.toEqual({
        name: 'Synthetic world',
        description: 'generated tiles',
        attribution: '© test',
        type: 'baselayer',
        version: '3.0.0',
      });
    } finally {
      await close();
    }
    // The spool file is gone; only the archive remains.
    await expect(readdir(directory)).resolves.toEqual(['world-png.pmtiles']);
  });

  it('lays out the archive as the specification describes: clustered data, runs, shared offsets', async () => {
    const tiles = [...syntheticPackageTiles({ format: 'png', minZoom: 0, maxZoom: 5 })];
    const path = join(directory, 'layout.pmtiles');
    await writePmtiles(path, tiles, pngMetadata(0, 5));
    const file = await readFile(path);
    const header = decodePmtilesHeader(file);
    expect(header.leafDirectoriesLength).toBe(0);
    expect(header.metadataOffset).toBe(header.rootDirectoryOffset + header.rootDirectoryLength);
    expect(header.tileDataOffset).toBe(header.leafDirectoriesOffset);

    const entries = decodeDirectory(
      gunzipSync(
        file.subarray(header.rootDirectoryOffset, header.rootDirectoryOffset + header.rootDirectoryLength),
      ),
    );
    expect(entries.length).toBe(header.tileEntries);
    expect(entries[0].offset).toBe(0);
    expect(entries.reduce((sum, entry) => sum + entry.runLength, 0)).toBe(tiles.length);
    let nextNewOffset = 0;
    const offsetsByBody = new Map<string, number>();
    for (const [index, entry] of entries.entries()) {
      if (index > 0)
        expect(entry.tileId).toBeGreaterThanOrEqual(entries[index - 1].tileId + entries[index - 1].runLength);
      expect(entry.runLength).toBeGreaterThan(0);
      expect(entry.length).toBeGreaterThan(0);
      // Clustered: each body is either the next one in the data section or a reference back.
      expect(entry.offset === nextNewOffset || entry.offset < nextNewOffset).toBe(true);
      if (entry.offset === nextNewOffset) nextNewOffset += entry.length;
      const body = file.subarray(
        header.tileDataOffset + entry.offset,
        header.tileDataOffset + entry.offset + entry.length,
      );
      const hash = createHash('sha256').update(body).digest('hex');
      expect(offsetsByBody.get(hash) ?? entry.offset).toBe(entry.offset);
      offsetsByBody.set(hash, entry.offset);
    }
    expect(nextNewOffset).toBe(header.tileDataLength);
    expect(offsetsByBody.size).toBe(header.tileContents);
    expect(entries.some((entry) => entry.runLength >= 16)).toBe(true);
  });

  it('moves entries into leaf directories when the root would not fit in 16 KiB', async () => {
    // A sparse set of unique bodies with scattered lengths: tile-id gaps and lengths vary from entry to
    // entry, so the directory does not compress into 16 KiB.
    const tiles: PackageTile[] = [];
    for (const tile of syntheticPackageTiles({ format: 'png', minZoom: 0, maxZoom: 8 })) {
      const scatter = (Math.imul(tile.tile.x + 1, 2654435761) ^ Math.imul(tile.tile.y + 1, 40503)) >>> 0;
      if (tile.tile.z > 2 && scatter % 5 < 3) continue;
      const bytes = Buffer.concat([tile.bytes, Buffer.alloc(scatter % 3000, tile.tile.z)]);
      tiles.push({ tile: tile.tile, bytes, sha256: createHash('sha256').update(bytes).digest('hex') });
    }
    const path = join(directory, 'leaves.pmtiles');
    const result = await writePmtiles(path, tiles, pngMetadata(0, 8));
    expect(result.leafDirectories).toBeGreaterThan(1);

    const file = await readFile(path);
    const header = decodePmtilesHeader(file);
    expect(header.leafDirectoriesLength).toBeGreaterThan(0);
    expect(header.rootDirectoryLength).toBeLessThanOrEqual(ROOT_DIRECTORY_BUDGET_BYTES);
    expect(header.rootDirectoryOffset + header.rootDirectoryLength).toBeLessThanOrEqual(16_384);
    const root = decodeDirectory(
      gunzipSync(
        file.subarray(header.rootDirectoryOffset, header.rootDirectoryOffset + header.rootDirectoryLength),
      ),
    );
    expect(root.every((entry) => entry.runLength === 0)).toBe(true);
    expect(root.length).toBe(result.leafDirectories);
    let leafEntries = 0;
    for (const pointer of root) {
      const start = header.leafDirectoriesOffset + pointer.offset;
      const leaf = decodeDirectory(gunzipSync(file.subarray(start, start + pointer.length)));
      expect(leaf[0].tileId).toBe(pointer.tileId);
      leafEntries += leaf.length;
    }
    expect(leafEntries).toBe(header.tileEntries);

    const { reader, close } = await openPmtiles(path);
    try {
      for (const { tile, bytes } of tiles) {
        const found = await reader.getZxy(tile.z, tile.x, tile.y);
        expect(found && Buffer.from(found.data).equals(bytes)).toBe(true);
      }
    } finally {
      await close();
    }
  });

  it('stores MVT gzipped with tile compression gzip and vector_layers in the metadata', async () => {
    const bounds: [number, number, number, number] = [5, 40, 15, 50];
    const tiles = [...syntheticPackageTiles({ format: 'mvt', minZoom: 2, maxZoom: 7, bounds })];
    // One tile arrives uncompressed: the writer gzips it so the whole archive is consistently gzip.
    const rawBody = gunzipSync(tiles[3].bytes);
    tiles[3] = { ...tiles[3], bytes: rawBody, sha256: createHash('sha256').update(rawBody).digest('hex') };
    const path = join(directory, 'vector.pmtiles');
    const vectorLayers = [{ id: 'water', fields: { name: 'String' as const }, minzoom: 2, maxzoom: 7 }];
    await writePmtiles(path, tiles, {
      name: 'Vector',
      format: 'mvt',
      bounds,
      minZoom: 2,
      maxZoom: 7,
      type: 'overlay',
      vectorLayers,
    });
    const { reader, close } = await openPmtiles(path);
    try {
      const header = await reader.getHeader();
      expect(header).toMatchObject({
        tileType: TileType.Mvt,
        tileCompression: Compression.Gzip,
        minLon: 5,
        minLat: 40,
        maxLon: 15,
        maxLat: 50,
        centerZoom: 2,
        centerLon: 10,
        centerLat: 45,
      });
      await expect(reader.getMetadata()).resolves.toMatchObject({
        type: 'overlay',
        vector_layers: vectorLayers,
      });
      for (const { tile, bytes } of tiles) {
        const found = await reader.getZxy(tile.z, tile.x, tile.y);
        // The reader gunzips per the header, so compare with the uncompressed tile.
        const expected = bytes[0] === 0x1f ? gunzipSync(bytes) : bytes;
        expect(found && Buffer.from(found.data).equals(expected)).toBe(true);
      }
    } finally {
      await close();
    }
    const file = await readFile(path);
    const header = decodePmtilesHeader(file);
    const metadataJson = gunzipSync(
      file.subarray(header.metadataOffset, header.metadataOffset + header.metadataLength),
    );
    expect(JSON.parse(metadataJson.toString('utf8'))).toMatchObject({ name: 'Vector', version: '1.0.0' });
    expect(gzipSync(rawBody).length).toBeGreaterThan(0);
  });

  it('refuses bad input and leaves no partial file behind', async () => {
    const tiles = [...syntheticPackageTiles({ format: 'png', minZoom: 0, maxZoom: 2 })];
    const otherBody = tiles.find((tile) => tile.sha256 !== tiles[0].sha256)!;
    const cases: Array<[string, PackageTile[], FormatErrorCode]> = [
      ['duplicate', [...tiles, tiles[4]], FormatErrorCode.DUPLICATE_TILE],
      [
        'hash',
        [{ ...tiles[0], sha256: otherBody.sha256 }, ...tiles.slice(1)],
        FormatErrorCode.TILE_HASH_MISMATCH,
      ],
      ['zoom', tiles.filter((tile) => tile.tile.z < 2), FormatErrorCode.ZOOM_RANGE_MISMATCH],
      [
        'format',
        [
          {
            ...tiles[0],
            bytes: Buffer.from('<html>'),
            sha256: createHash('sha256').update('<html>').digest('hex'),
          },
        ],
        FormatErrorCode.INVALID_TILE,
      ],
      ['empty', [], FormatErrorCode.EMPTY_TILESET],
    ];
    for (const [label, input, code] of cases) {
      const path = join(directory, `bad-${label}.pmtiles`);
      await expect(writePmtiles(path, input, pngMetadata(0, 2))).rejects.toMatchObject({ code });
      await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    }
    const existing = join(directory, 'existing.pmtiles');
    await writeFile(existing, 'keep me');
    await expect(writePmtiles(existing, tiles, pngMetadata(0, 2))).rejects.toMatchObject({
      code: FormatErrorCode.OUTPUT_EXISTS,
    });
    await expect(readFile(existing, 'utf8')).resolves.toBe('keep me');
    const leftovers = (await readdir(directory)).filter((name) => name.endsWith('.spool'));
    expect(leftovers).toEqual([]);
  });

  it('stops and cleans up when the caller aborts', async () => {
    const controller = new AbortController();
    const path = join(directory, 'aborted.pmtiles');
    async function* tilesThenAbort(): AsyncGenerator<PackageTile> {
      let count = 0;
      for (const tile of syntheticPackageTiles({ format: 'png', minZoom: 0, maxZoom: 4 })) {
        count += 1;
        if (count === 50) controller.abort();
        yield tile;
      }
    }
    await expect(
      writePmtiles(path, tilesThenAbort(), pngMetadata(0, 4), { signal: controller.signal }),
    ).rejects.toMatchObject({
      code: FormatErrorCode.ABORTED,
    });
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
