import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import {
  FormatErrorCode,
  MbtilesReader,
  syntheticPackageTiles,
  writeMbtiles,
  type PackageTile,
  type TilesetMetadataInput,
} from '@map-offline/formats';
import {
  asAsync,
  distinctBodyBytes,
  makeTemporaryDirectory,
  removeDirectory,
  shuffled,
} from './support/format-test-files';

const WORLD: [number, number, number, number] = [-180, -85.0511287798066, 180, 85.0511287798066];

/** Real 256 px PNGs (GDAL decodes one to learn the band count): one shared sea colour, unique land colours. */
async function realPngTiles(maxZoom: number): Promise<PackageTile[]> {
  const tiles: PackageTile[] = [];
  const sea = await solidPng(20, 60, 160);
  for (const { tile } of syntheticPackageTiles({ format: 'png', minZoom: 0, maxZoom })) {
    const isSea = ((tile.x >> 2) + (tile.y >> 2) + tile.z) % 3 === 0;
    const bytes = isSea ? sea : await solidPng(tile.z * 40, tile.x % 256, tile.y % 256);
    tiles.push({ tile, bytes, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  return tiles;
}

async function solidPng(red: number, green: number, blue: number): Promise<Buffer> {
  return sharp({
    create: { width: 256, height: 256, channels: 3, background: { r: red, g: green, b: blue } },
  })
    .png()
    .toBuffer();
}

/** agg_tiles_hash recomputed without SQL ordering: sort in JS by (z, x, TMS row) and hash the concatenation. */
function expectedAggregateHash(tiles: readonly PackageTile[]): string {
  const rows = tiles
    .map(({ tile, bytes }) => ({ z: tile.z, x: tile.x, row: 2 ** tile.z - 1 - tile.y, bytes }))
    .sort((left, right) => left.z - right.z || left.x - right.x || left.row - right.row);
  const hash = createHash('md5');
  for (const row of rows) hash.update(`${row.z}${row.x}${row.row}`).update(row.bytes);
  return hash.digest('hex').toUpperCase();
}

const pngMetadata: TilesetMetadataInput = {
  name: 'Real PNG world',
  format: 'png',
  bounds: WORLD,
  center: [0, 0, 1],
  minZoom: 0,
  maxZoom: 4,
  attribution: '<a href="https://example.org">Example</a>',
  description: 'solid colour tiles',
  version: 2,
};

describe('writeMbtiles', () => {
  let directory: string;
  let pngTiles: PackageTile[];
  let pngPath: string;

  beforeAll(async () => {
    directory = await makeTemporaryDirectory('mbtiles');
    pngTiles = await realPngTiles(4);
    pngPath = join(directory, 'world.mbtiles');
    await writeMbtiles(pngPath, asAsync(shuffled(pngTiles, 3)), pngMetadata);
  });

  afterAll(async () => {
    await removeDirectory(directory);
  });

  it('returns every tile byte for byte through the reader (XYZ in) and through plain SQL on the tiles view (TMS)', () => {
    const reader = MbtilesReader.open(pngPath);
    const database = new Database(pngPath, { readonly: true });
    try {
      const byTmsRow = database.prepare(
        'SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?',
      );
      for (const { tile, bytes } of pngTiles) {
        expect(reader.getTile(tile.z, tile.x, tile.y)?.equals(bytes)).toBe(true);
        const row = byTmsRow.get(tile.z, tile.x, 2 ** tile.z - 1 - tile.y) as
          { tile_data: Buffer } | undefined;
        expect(row?.tile_data.equals(bytes)).toBe(true);
      }
      expect(reader.getTile(5, 0, 0)).toBeUndefined();
      expect(reader.tileCount()).toBe(pngTiles.length);
    } finally {
      database.close();
      reader.close();
    }
  });

  it('writes the MBTiles 1.3 metadata rows and an agg_tiles_hash that recomputes independently', () => {
    const reader = MbtilesReader.open(pngPath);
    try {
      const metadata = reader.metadata();
      expect(metadata).toEqual({
        name: 'Real PNG world',
        format: 'png',
        bounds: WORLD.join(','),
        center: '0,0,1',
        minzoom: '0',
        maxzoom: '4',
        attribution: '<a href="https://example.org">Example</a>',
        description: 'solid colour tiles',
        type: 'baselayer',
        version: '2',
        agg_tiles_hash: expectedAggregateHash(pngTiles),
      });
      expect(reader.computeAggregateTilesHash()).toBe(metadata.agg_tiles_hash);
      expect(reader.integrityCheck()).toBe('ok');
    } finally {
      reader.close();
    }
  });

  it('stores each distinct tile once behind a map/images schema with a unique index and a tiles view', () => {
    const database = new Database(pngPath, { readonly: true });
    try {
      const objects = database
        .prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
        .all() as Array<{ type: string; name: string }>;
      expect(objects).toEqual(
        expect.arrayContaining([
          { type: 'table', name: 'map' },
          { type: 'table', name: 'images' },
          { type: 'table', name: 'metadata' },
          { type: 'view', name: 'tiles' },
          { type: 'index', name: 'map_index' },
          { type: 'index', name: 'images_id' },
        ]),
      );
      const mapIndex = database.prepare('PRAGMA index_list(map)').all() as Array<{
        name: string;
        unique: number;
      }>;
      expect(mapIndex).toContainEqual(expect.objectContaining({ name: 'map_index', unique: 1 }));
      const distinct = distinctBodyBytes(pngTiles);
      const images = database
        .prepare('SELECT count(*) AS count, sum(length(tile_data)) AS bytes FROM images')
        .get();
      expect(images).toEqual({ count: distinct.count, bytes: distinct.bytes });
      // tile_id is the uppercase MD5 of the body (martin's `mbtiles validate` convention).
      const mismatched = (
        database.prepare('SELECT tile_id, tile_data FROM images').all() as Array<{
          tile_id: string;
          tile_data: Buffer;
        }>
      ).filter(
        (image) => createHash('md5').update(image.tile_data).digest('hex').toUpperCase() !== image.tile_id,
      );
      expect(mismatched).toEqual([]);
      expect(database.pragma('application_id', { simple: true })).toBe(0x4d504258);
      // Built with the journal off; finished as an ordinary rollback-journal database.
      expect(database.pragma('journal_mode', { simple: true })).toBe('delete');
    } finally {
      database.close();
    }
  });

  const gdalinfo = spawnSync('gdalinfo', ['--version'], { encoding: 'utf8' });
  const gdalAvailable = gdalinfo.status === 0;

  it('opens in GDAL with the right bounds and zoom levels (needs gdal-bin; warns without it)', () => {
    if (!gdalAvailable) {
      console.warn('gdalinfo not installed: apt-get install -y gdal-bin to run this check');
      return;
    }
    const result = spawnSync('gdalinfo', ['-json', pngPath], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    const info = JSON.parse(result.stdout) as {
      driverShortName: string;
      size: [number, number];
      metadata: { '': Record<string, string> };
      wgs84Extent: { coordinates: number[][][] };
      bands: Array<{ overviews?: unknown[] }>;
    };
    expect(info.driverShortName).toBe('MBTiles');
    // Zoom 4 is 16 x 256 pixels across the world; zooms 0..3 are its four overviews.
    expect(info.size).toEqual([4096, 4096]);
    expect(info.bands[0].overviews).toHaveLength(4);
    expect(info.metadata['']).toMatchObject({ ZOOM_LEVEL: '4', name: 'Real PNG world', format: 'png' });
    const longitudes = info.wgs84Extent.coordinates[0].map((corner) => corner[0]);
    const latitudes = info.wgs84Extent.coordinates[0].map((corner) => corner[1]);
    expect(Math.min(...longitudes)).toBeCloseTo(-180, 6);
    expect(Math.max(...longitudes)).toBeCloseTo(180, 6);
    expect(Math.min(...latitudes)).toBeCloseTo(-85.0511288, 5);
    expect(Math.max(...latitudes)).toBeCloseTo(85.0511288, 5);
  });

  it('writes MVT as gzipped pbf with the vector_layers json row', async () => {
    const bounds: [number, number, number, number] = [5, 40, 15, 50];
    const tiles = [...syntheticPackageTiles({ format: 'mvt', minZoom: 3, maxZoom: 8, bounds })];
    const raw = gunzipSync(tiles[0].bytes);
    tiles[0] = { ...tiles[0], bytes: raw, sha256: createHash('sha256').update(raw).digest('hex') };
    const path = join(directory, 'vector.mbtiles');
    const vectorLayers = [{ id: 'roads', fields: { class: 'String' as const, lanes: 'Number' as const } }];
    const result = await writeMbtiles(path, tiles, {
      name: 'Vector',
      format: 'mvt',
      bounds,
      minZoom: 3,
      maxZoom: 8,
      type: 'overlay',
      vectorLayers,
    });
    const reader = MbtilesReader.open(path);
    try {
      const metadata = reader.metadata();
      expect(metadata).toMatchObject({
        format: 'pbf',
        type: 'overlay',
        center: '10,45,3',
        bounds: '5,40,15,50',
      });
      expect(JSON.parse(metadata.json)).toEqual({ vector_layers: vectorLayers });
      for (const { tile, bytes } of tiles) {
        const stored = reader.getTile(tile.z, tile.x, tile.y)!;
        expect(stored[0]).toBe(0x1f);
        expect(gunzipSync(stored).equals(bytes[0] === 0x1f ? gunzipSync(bytes) : bytes)).toBe(true);
      }
      expect(metadata.agg_tiles_hash).toBe(result.aggregateTilesHash);
    } finally {
      reader.close();
    }
  });

  it('refuses duplicates, wrong hashes and bad metadata, naming the field, and removes the partial file', async () => {
    const tiles = [...syntheticPackageTiles({ format: 'png', minZoom: 0, maxZoom: 3 })];
    const metadata: TilesetMetadataInput = {
      name: 'x',
      format: 'png',
      bounds: WORLD,
      minZoom: 0,
      maxZoom: 3,
    };
    const duplicatePath = join(directory, 'duplicate.mbtiles');
    await expect(writeMbtiles(duplicatePath, [...tiles, tiles[10]], metadata)).rejects.toMatchObject({
      code: FormatErrorCode.DUPLICATE_TILE,
      message: `tile ${tiles[10].tile.z}/${tiles[10].tile.x}/${tiles[10].tile.y} arrived twice`,
    });
    await expect(stat(duplicatePath)).rejects.toMatchObject({ code: 'ENOENT' });
    const wrongHash = { ...tiles[5], sha256: createHash('sha256').update('other').digest('hex') };
    await expect(writeMbtiles(join(directory, 'hash.mbtiles'), [wrongHash], metadata)).rejects.toMatchObject({
      code: FormatErrorCode.TILE_HASH_MISMATCH,
    });
    await expect(
      writeMbtiles(join(directory, 'bad-format.mbtiles'), tiles, {
        ...metadata,
        format: 'gif' as 'png',
        name: '',
      }),
    ).rejects.toMatchObject({
      code: FormatErrorCode.INVALID_METADATA,
      problems: ['metadata.name must not be empty', 'metadata.format must be one of png, jpeg, webp, mvt'],
    });
    await expect(
      writeMbtiles(join(directory, 'bad-bounds.mbtiles'), tiles, {
        ...metadata,
        bounds: [10, 0, 5, 1],
        minZoom: 4,
      }),
    ).rejects.toMatchObject({
      code: FormatErrorCode.INVALID_METADATA,
      problems: [
        'metadata.bounds west must be less than east',
        'metadata.minZoom must not be greater than maxZoom',
      ],
    });
    await expect(
      writeMbtiles(join(directory, 'missing-zoom.mbtiles'), tiles, { ...metadata, maxZoom: 5 }),
    ).rejects.toMatchObject({
      code: FormatErrorCode.ZOOM_RANGE_MISMATCH,
      message: 'metadata.maxZoom is 5 but the highest tile zoom is 3',
    });
    const names = await readdir(directory);
    expect(names.filter((name) => !['world.mbtiles', 'vector.mbtiles'].includes(name))).toEqual([]);
  });
});
