// The packager's read-back checks catch what they exist for: a changed byte in any tile, a tile too many
// or too few, a wrong agg_tiles_hash, a basemap in the zip that is not the verified one.
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  datePackageVersion,
  decodePmtilesHeader,
  syntheticPackageTiles,
  writeCyberTrackerPackage,
  writeMbtiles,
  writePmtiles,
  type PackageTile,
  type TilesetMetadataInput,
} from '@map-offline/formats';
import type { TileCoord } from '@map-offline/geo';
import { verifyCyberTrackerZip } from '../../../apps/packager/src/verify/cybertracker-zip.verifier';
import {
  PackageVerificationError,
  type ExpectedTiles,
} from '../../../apps/packager/src/verify/expected-tiles';
import { verifyMbtiles } from '../../../apps/packager/src/verify/mbtiles-verifier';
import { verifyPmtiles } from '../../../apps/packager/src/verify/pmtiles-verifier';
import { sha256Hex } from '../../../apps/packager/src/verify/tile-body-match';
import { makeTemporaryDirectory, removeDirectory } from '../formats/support/format-test-files';

const BOUNDS: [number, number, number, number] = [5, 40, 15, 50];
const METADATA: TilesetMetadataInput = {
  name: 'Check',
  format: 'png',
  bounds: BOUNDS,
  minZoom: 3,
  maxZoom: 9,
};
const TILES: PackageTile[] = [
  ...syntheticPackageTiles({ format: 'png', minZoom: 3, maxZoom: 9, bounds: BOUNDS }),
];

function expectedFrom(tiles: readonly PackageTile[], batchLog?: number[]): ExpectedTiles {
  const byKey = new Map(tiles.map((tile) => [`${tile.tile.z}/${tile.tile.x}/${tile.tile.y}`, tile.sha256]));
  return {
    count: tiles.length,
    hashes: async (wanted: readonly TileCoord[]) => {
      batchLog?.push(wanted.length);
      return wanted.map((tile) => byKey.get(`${tile.z}/${tile.x}/${tile.y}`));
    },
  };
}

describe('package verifiers', () => {
  let directory: string;
  let mbtilesPath: string;
  let pmtilesPath: string;

  beforeAll(async () => {
    directory = await makeTemporaryDirectory('packager-verify');
    mbtilesPath = join(directory, 'check.mbtiles');
    pmtilesPath = join(directory, 'check.pmtiles');
    await writeMbtiles(mbtilesPath, TILES, METADATA);
    await writePmtiles(pmtilesPath, TILES, METADATA);
  });

  afterAll(async () => {
    if (directory) await removeDirectory(directory);
  });

  async function copyOf(path: string, name: string): Promise<string> {
    const copy = join(directory, name);
    await writeFile(copy, await readFile(path));
    return copy;
  }

  it('accepts the files as written, reading every tile in batches', async () => {
    const batches: number[] = [];
    await expect(
      verifyMbtiles(mbtilesPath, expectedFrom(TILES, batches), 'png', { batchSize: 100 }),
    ).resolves.toEqual({
      tiles: TILES.length,
    });
    expect(batches.reduce((sum, size) => sum + size, 0)).toBe(TILES.length);
    expect(Math.max(...batches)).toBeLessThanOrEqual(100);
    const pmtiles = await verifyPmtiles(pmtilesPath, expectedFrom(TILES), 'png', { batchSize: 100 });
    expect(pmtiles.tiles).toBe(TILES.length);
  });

  it('finds one changed byte in an MBTiles tile, and a wrong agg_tiles_hash', async () => {
    const changed = await copyOf(mbtilesPath, 'changed.mbtiles');
    const database = new Database(changed);
    const row = database.prepare('SELECT tile_id, tile_data FROM images LIMIT 1 OFFSET 7').get() as {
      tile_id: string;
      tile_data: Buffer;
    };
    const tampered = Buffer.from(row.tile_data);
    tampered[tampered.length - 1] ^= 0xff;
    database.prepare('UPDATE images SET tile_data = ? WHERE tile_id = ?').run(tampered, row.tile_id);
    database.close();
    await expect(verifyMbtiles(changed, expectedFrom(TILES), 'png')).rejects.toThrow(
      /does not hold the cached body/,
    );

    const rehashed = await copyOf(mbtilesPath, 'rehashed.mbtiles');
    const second = new Database(rehashed);
    second
      .prepare(`UPDATE metadata SET value = '00000000000000000000000000000000' WHERE name = 'agg_tiles_hash'`)
      .run();
    second.close();
    await expect(verifyMbtiles(rehashed, expectedFrom(TILES), 'png')).rejects.toThrow(/agg_tiles_hash/);
  });

  it('finds a tile too many or too few', async () => {
    await expect(verifyMbtiles(mbtilesPath, expectedFrom(TILES.slice(1)), 'png')).rejects.toThrow(
      PackageVerificationError,
    );
    await expect(verifyPmtiles(pmtilesPath, expectedFrom(TILES.slice(1)), 'png')).rejects.toThrow(
      /in the file but not in the package/,
    );
    const more = { ...expectedFrom(TILES), count: TILES.length + 1 };
    await expect(verifyPmtiles(pmtilesPath, more, 'png')).rejects.toThrow(/the package has/);
  });

  it('finds one changed byte in the PMTiles tile data', async () => {
    const changed = await copyOf(pmtilesPath, 'changed.pmtiles');
    const handle = await open(changed, 'r+');
    try {
      const headerBytes = Buffer.alloc(127);
      await handle.read(headerBytes, 0, 127, 0);
      const header = decodePmtilesHeader(headerBytes);
      // Somewhere in the middle of the tile data: inside some tile body.
      const position = header.tileDataOffset + Math.floor(header.tileDataLength / 2);
      const byte = Buffer.alloc(1);
      await handle.read(byte, 0, 1, position);
      byte[0] ^= 0xff;
      await handle.write(byte, 0, 1, position);
    } finally {
      await handle.close();
    }
    await expect(verifyPmtiles(changed, expectedFrom(TILES), 'png')).rejects.toThrow(
      /does not hold the cached body/,
    );
  });

  it('checks a zip from its own bytes: entries at the root, manifest, layers and the verified basemap', async () => {
    const zipPath = join(directory, 'check.zip');
    const manifest = {
      id: 'org.example.check',
      name: 'Check',
      version: datePackageVersion(new Date('2026-04-21T00:00:00Z')),
    };
    const layers = [{ filename: 'check.mbtiles', name: 'Check', active: true, opacity: 1 }];
    const written = await writeCyberTrackerPackage(zipPath, {
      manifest,
      layers,
      files: [{ kind: 'disk', filename: 'check.mbtiles', path: mbtilesPath }],
    });
    const mbtilesBytes = await readFile(mbtilesPath);
    const basemap = {
      entryName: 'check.mbtiles',
      sha256: sha256Hex(mbtilesBytes),
      bytes: mbtilesBytes.length,
    };
    const expected = { manifest, layers, entries: written.entries, basemap };
    await expect(verifyCyberTrackerZip(zipPath, expected)).resolves.toEqual({ entries: 3 });
    await expect(
      verifyCyberTrackerZip(zipPath, { ...expected, manifest: { ...manifest, version: '2026.04.22' } }),
    ).rejects.toThrow(/package.json/);
    await expect(
      verifyCyberTrackerZip(zipPath, {
        ...expected,
        basemap: { ...basemap, sha256: sha256Hex(Buffer.from('other')) },
      }),
    ).rejects.toThrow(/differs from the verified MBTiles/);
    await expect(
      verifyCyberTrackerZip(zipPath, { ...expected, entries: [...written.entries, 'extra.geojson'] }),
    ).rejects.toThrow(/entries are/);
  });
});
