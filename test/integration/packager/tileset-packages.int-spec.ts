// The packager turns cached tiles into MBTiles and PMTiles files that other readers open exactly as the
// specifications say: every tile read back byte-exact at every zoom (SQLite for MBTiles, the `pmtiles`
// npm reader for PMTiles), metadata and header checked, and GDAL opening the MBTiles.
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PMTiles, TileType } from 'pmtiles';
import { flipY, MAX_LATITUDE, tileToBBox, type BBox } from '@map-offline/geo';
import { makeTemporaryDirectory, openPmtiles, removeDirectory } from '../formats/support/format-test-files';
import {
  buildPackage,
  insertSource,
  PackagerWorld,
  PackageRow,
  seedRegion,
  SeededRegion,
  sha256Hex,
  startPackagerWorld,
  waitForPackage,
} from './support/packager-world';

jest.setTimeout(180_000);

// Part of the Gulf of Guinea: the area's bounds are what the metadata must say.
const BBOX: BBox = [8.5, -1.5, 11.5, 2.5];
const ZOOMS = { minZoom: 3, maxZoom: 9 };
const ATTRIBUTION = '© test contributors';

describe('MBTiles and PMTiles packages from the cache (integration)', () => {
  let world: PackagerWorld;
  let seeded: SeededRegion;
  let directory: string;
  const built = new Map<'mbtiles' | 'pmtiles', { row: PackageRow; path: string; bytes: Buffer }>();

  beforeAll(async () => {
    world = await startPackagerWorld();
    directory = await makeTemporaryDirectory('packager-int');
    const sourceId = await insertSource(world, { attribution: ATTRIBUTION });
    seeded = await seedRegion(world, { sourceId, bbox: BBOX, ...ZOOMS });
    for (const format of ['mbtiles', 'pmtiles'] as const) {
      const { packageId } = await buildPackage(world, { format, sourceId, regionIds: [seeded.regionId] });
      const row = await waitForPackage(world, packageId);
      if (row.state !== 'ready')
        throw new Error(`${format} package ended ${row.state}: ${row.failure_reason}`);
      const bytes = await world.bucket.get(row.object_key ?? '');
      const path = join(directory, `downloaded.${format}`);
      await writeFile(path, bytes);
      built.set(format, { row, path, bytes });
    }
  });

  afterAll(async () => {
    await world?.close();
    if (directory) await removeDirectory(directory);
  });

  function packageOf(format: 'mbtiles' | 'pmtiles'): { row: PackageRow; path: string; bytes: Buffer } {
    const found = built.get(format);
    if (!found) throw new Error(`no ${format} package was built`);
    return found;
  }

  it.each(['mbtiles', 'pmtiles'] as const)(
    'records size, sha256, counts, zooms and bounds of the %s file',
    (format) => {
      const { row, bytes } = packageOf(format);
      const distinct = new Set(seeded.tiles.map((tile) => tile.sha256)).size;
      expect(row.sha256?.trim()).toBe(sha256Hex(bytes));
      expect(Number(row.size_bytes)).toBe(bytes.length);
      expect(Number(row.tile_count)).toBe(seeded.tiles.length);
      expect(Number(row.unique_tile_count)).toBe(distinct);
      expect([row.min_zoom, row.max_zoom]).toEqual([ZOOMS.minZoom, ZOOMS.maxZoom]);
      expect(row.bounds).toEqual(BBOX);
      expect(row.object_key).toMatch(
        new RegExp(`^packages/org-packager-int/${row.id}/org\\.example\\.test-2026\\.04\\.21\\.${format}$`),
      );
    },
  );

  it('writes MBTiles 1.3 that SQLite reads back tile by tile, byte-exact, at every zoom', () => {
    const database = new Database(packageOf('mbtiles').path, { readonly: true });
    try {
      const read = database.prepare<[number, number, number], { tile_data: Buffer }>(
        'SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?',
      );
      const perZoom = new Map<number, number>();
      for (const { tile, bytes } of seeded.tiles) {
        const row = read.get(tile.z, tile.x, flipY(tile.y, tile.z));
        expect(row?.tile_data.equals(bytes)).toBe(true);
        perZoom.set(tile.z, (perZoom.get(tile.z) ?? 0) + 1);
      }
      const counts = database
        .prepare(
          'SELECT zoom_level AS zoom, count(*) AS tiles FROM tiles GROUP BY zoom_level ORDER BY zoom_level',
        )
        .all() as { zoom: number; tiles: number }[];
      expect(counts).toEqual([...perZoom.entries()].map(([zoom, tiles]) => ({ zoom, tiles })));
      const metadata = Object.fromEntries(
        (database.prepare('SELECT name, value FROM metadata').all() as { name: string; value: string }[]).map(
          (row) => [row.name, row.value],
        ),
      );
      expect(metadata).toMatchObject({
        name: 'Test package',
        format: 'png',
        bounds: BBOX.join(','),
        minzoom: String(ZOOMS.minZoom),
        maxzoom: String(ZOOMS.maxZoom),
        type: 'baselayer',
        version: '1',
        attribution: ATTRIBUTION,
      });
      const [longitude, latitude, zoom] = metadata.center.split(',').map(Number);
      expect([longitude, latitude, zoom]).toEqual([10, 0.5, ZOOMS.minZoom]);
      expect(metadata.agg_tiles_hash).toMatch(/^[0-9A-F]{32}$/);
      // Sea tiles are stored once (de-duplicated layout: map + images behind the tiles view).
      const images = database.prepare('SELECT count(*) AS count FROM images').get() as { count: number };
      expect(images.count).toBe(new Set(seeded.tiles.map((tile) => tile.sha256)).size);
    } finally {
      database.close();
    }
  });

  it('opens in GDAL (gdalinfo) with the bounds and zoom levels of the package', () => {
    const version = spawnSync('gdalinfo', ['--version'], { encoding: 'utf8' });
    // Required, not optional: `node scripts/stack.mjs tools` installs gdal-bin.
    expect({ gdalinfoInstalled: version.status === 0, error: version.error?.message }).toEqual({
      gdalinfoInstalled: true,
      error: undefined,
    });
    const result = spawnSync('gdalinfo', ['-json', packageOf('mbtiles').path], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    const info = JSON.parse(result.stdout) as {
      driverShortName: string;
      size: [number, number];
      metadata: { '': Record<string, string> };
      wgs84Extent: { coordinates: number[][][] };
      bands: { overviews?: unknown[] }[];
    };
    expect(info.driverShortName).toBe('MBTiles');
    expect(info.metadata['']).toMatchObject({
      ZOOM_LEVEL: String(ZOOMS.maxZoom),
      minzoom: String(ZOOMS.minZoom),
      maxzoom: String(ZOOMS.maxZoom),
      name: 'Test package',
      format: 'png',
    });
    // Overviews are the shallower zooms, each half the size of the one before (GDAL stops once they get
    // smaller than a tile, so there may be fewer than maxZoom - minZoom of them).
    const overviews = (info.bands[0].overviews ?? []) as { size: [number, number] }[];
    expect(overviews.length).toBeGreaterThanOrEqual(1);
    expect(overviews.length).toBeLessThanOrEqual(ZOOMS.maxZoom - ZOOMS.minZoom);
    overviews.forEach((overview, index) => {
      const previous = index === 0 ? info.size : overviews[index - 1].size;
      // GDAL rounds each halving either way: within a pixel.
      expect(Math.abs(overview.size[0] - previous[0] / 2)).toBeLessThanOrEqual(1);
      expect(Math.abs(overview.size[1] - previous[1] / 2)).toBeLessThanOrEqual(1);
    });
    const longitudes = info.wgs84Extent.coordinates[0].map((corner) => corner[0]);
    const latitudes = info.wgs84Extent.coordinates[0].map((corner) => corner[1]);
    const [west, south, east, north] = BBOX;
    // GDAL clips the raster to the bounds metadata, to the nearest pixel of the deepest zoom.
    const pixelDegrees = 360 / (256 * 2 ** ZOOMS.maxZoom);
    expect(Math.abs(Math.min(...longitudes) - west)).toBeLessThanOrEqual(pixelDegrees);
    expect(Math.abs(Math.max(...longitudes) - east)).toBeLessThanOrEqual(pixelDegrees);
    expect(Math.abs(Math.min(...latitudes) - south)).toBeLessThanOrEqual(pixelDegrees);
    expect(Math.abs(Math.max(...latitudes) - north)).toBeLessThanOrEqual(pixelDegrees);
    expect(info.size[0]).toBeGreaterThan(0);
  });

  it('writes PMTiles v3 that the pmtiles reader reads back tile by tile, byte-exact, at every zoom', async () => {
    const { reader, close } = await openPmtiles(packageOf('pmtiles').path);
    try {
      const header = await reader.getHeader();
      expect(header).toMatchObject({
        specVersion: 3,
        tileType: TileType.Png,
        minZoom: ZOOMS.minZoom,
        maxZoom: ZOOMS.maxZoom,
        numAddressedTiles: seeded.tiles.length,
        numTileContents: new Set(seeded.tiles.map((tile) => tile.sha256)).size,
        clustered: true,
        centerZoom: ZOOMS.minZoom,
      });
      expect(header.rootDirectoryOffset + header.rootDirectoryLength).toBeLessThanOrEqual(16_384);
      expect(
        [header.minLon, header.minLat, header.maxLon, header.maxLat].map((value) => Number(value.toFixed(6))),
      ).toEqual(BBOX);
      const metadata = (await reader.getMetadata()) as Record<string, unknown>;
      expect(metadata).toMatchObject({
        name: 'Test package',
        type: 'baselayer',
        version: '1.0.0',
        attribution: ATTRIBUTION,
      });
      for (const { tile, bytes } of seeded.tiles) {
        const found = await reader.getZxy(tile.z, tile.x, tile.y);
        expect(found && Buffer.from(found.data).equals(bytes)).toBe(true);
      }
      // A tile outside the area is not in the archive.
      const [west, , , north] = tileToBBox({ z: ZOOMS.maxZoom, x: 0, y: 0 });
      expect(west).toBe(-180);
      expect(north).toBeCloseTo(MAX_LATITUDE, 6);
      await expect(reader.getZxy(ZOOMS.maxZoom, 0, 0)).resolves.toBeUndefined();
    } finally {
      await close();
    }
  });

  it('serves the PMTiles file over HTTP range requests from a presigned URL', async () => {
    const { row, bytes } = packageOf('pmtiles');
    const presigned = await world.storage.presignGet(row.object_key ?? '', { expiresInSeconds: 60 });
    const response = await fetch(presigned.url, { headers: { Range: 'bytes=0-126' } });
    expect(response.status).toBe(206);
    const header = Buffer.from(await response.arrayBuffer());
    expect(header.equals(bytes.subarray(0, 127))).toBe(true);
    expect(header.subarray(0, 7).toString('utf8')).toBe('PMTiles');
    // The `pmtiles` reader itself, over HTTP, against the presigned URL.
    const remote = new PMTiles(presigned.url);
    const first = seeded.tiles[seeded.tiles.length - 1];
    const tile = await remote.getZxy(first.tile.z, first.tile.x, first.tile.y);
    expect(tile && Buffer.from(tile.data).equals(first.bytes)).toBe(true);
  });
});
