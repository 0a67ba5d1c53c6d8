// Offline packages end to end through GraphQL: cache a region from the fixture upstream, build an MBTiles,
// a PMTiles and a CyberTracker/SMART zip, and check each with readers that are not ours (SQLite, the
// pmtiles npm reader, yauzl, jsQR), tile by tile against the cache, plus the links that serve them.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PMTiles } from 'pmtiles';
import type { Scope } from '@map-offline/auth';
import { flipY } from '@map-offline/geo';
import { blobKeyForSha256 } from '@map-offline/storage';
import { tokenFor } from '@map-offline/testing';
import { makeTemporaryDirectory, removeDirectory } from '../../integration/formats/support/format-test-files';
import { readZipEntries, type ZipEntryContent } from '../../integration/formats/support/zip-reader';
import { createRegion, registerSource, waitForJob } from '../caching/support/caching-api';
import { packageRuleViolations } from './support/cybertracker-package.rules';
import { buildPackage, getPackage, PackageView, qrCodeOf, waitForPackage } from './support/packages-api';
import { PACKAGE_SCOPES, PackagesWorld, startPackagesWorld } from './support/packages-world';
import { applinkPayload, decodeQrPng } from './support/qr-decode';

jest.setTimeout(300_000);

const ORGANISATION = 'org-e2e-packages';
// The Gabonese coast: land, sea (one shared body) and a coastline.
const BBOX = [8.5, -1.5, 11.5, 2.5];
const ZOOMS = { minZoom: 2, maxZoom: 10 };

interface CachedTile {
  z: number;
  x: number;
  y: number;
  bytes: Buffer;
  sha256: string;
}

const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

const wells = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { name: 'A', depth: 50 },
      geometry: { type: 'Point', coordinates: [9.5, 0.5] },
    },
    {
      type: 'Feature',
      properties: { name: 'B', depth: 10 },
      geometry: { type: 'Point', coordinates: [10, 1] },
    },
    {
      type: 'Feature',
      properties: { name: 'C', depth: 90 },
      geometry: { type: 'Point', coordinates: [20, 5] },
    },
  ],
};
const roads = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { name: 'N1' },
      geometry: {
        type: 'LineString',
        coordinates: [
          [5, 0],
          [10, 0],
        ],
      },
    },
  ],
};
const weatherContent = {
  content: { id: 'weather-en', language: 'en', defaultLocale: 'en-US' },
  datasets: [
    {
      id: 'world-weather',
      filter: { featureIds: ['world'] },
      rows: [
        {
          path: ['Weather'],
          view: {
            title: 'Local weather',
            subtitle: 'wttr.in',
            blocks: [
              { type: 'notice', label: 'Note', tone: 'note', text: 'Open the embedded view.' },
              { type: 'web', value: 'https://wttr.in/<latitude>,<longitude>?0', orientation: 'portrait' },
            ],
          },
        },
      ],
    },
  ],
};
const weatherGeometry = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { featureId: 'world' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [-180, -90],
            [180, -90],
            [180, 90],
            [-180, 90],
            [-180, -90],
          ],
        ],
      },
    },
  ],
};

describe('offline packages (e2e)', () => {
  let world: PackagesWorld;
  let directory: string;
  let regionId: string;
  let cached: CachedTile[];
  const packages = new Map<string, PackageView>();

  beforeAll(async () => {
    world = await startPackagesWorld(ORGANISATION);
    directory = await makeTemporaryDirectory('packages-e2e');
    const sourceId = await registerSource(world.api, world.stack.fixture.templates.png, {
      attribution: '© fixture contributors',
    });
    const job = await createRegion(world.api, sourceId, { bbox: BBOX, ...ZOOMS }, 'Gabon coast');
    const done = await waitForJob(world.api, job.id, 120_000);
    if (done.state !== 'COMPLETED') throw new Error(`caching ended ${done.state}: ${done.error}`);
    regionId = job.subjectId ?? '';
    const rows = await world.stack.sql<{ z: number; x: number; y: number; blob_sha256: string }>(
      `SELECT m.z, m.x, m.y, t.blob_sha256 FROM region_tile m
         JOIN tile t ON t.source_id = m.source_id AND t.z = m.z AND t.x = m.x AND t.y = m.y
        WHERE m.region_id = $1 AND t.status = 'stored' ORDER BY m.z, m.x, m.y`,
      [regionId],
    );
    cached = [];
    for (const row of rows) {
      const sha256 = row.blob_sha256.trim();
      cached.push({
        z: row.z,
        x: row.x,
        y: row.y,
        sha256,
        bytes: await world.stack.bucket.get(blobKeyForSha256(sha256)),
      });
    }

    const requests: Record<string, Record<string, unknown>> = {
      mbtiles: {
        name: 'Gabon coast',
        format: 'MBTILES',
        regionIds: [regionId],
        packageId: 'org.example.gabon',
        language: 'en',
      },
      pmtiles: {
        name: 'Gabon coast',
        format: 'PMTILES',
        regionIds: [regionId],
        packageId: 'org.example.gabon',
      },
      zip: {
        name: 'Gabon coast',
        format: 'CYBERTRACKER_ZIP',
        regionIds: [regionId],
        packageId: 'org.example.gabon',
        version: '2026.04.21',
        language: 'en',
        continueOnErrors: true,
        layers: [
          {
            name: 'Roads',
            geojson: roads,
            active: false,
            opacity: 0.5,
            symbol: { 'stroke-style': 'dash', 'stroke-size': 4.4, 'stroke-color': '#ffff00' },
          },
          {
            name: 'Deep wells',
            fileName: 'wells',
            geojson: wells,
            filter: [{ property: 'depth', operator: 'GREATER_THAN', value: '20' }],
            symbol: { 'marker-style': 'triangle', 'marker-size': 5.5, 'marker-color': '#ffff00' },
          },
          {
            name: 'Broken',
            geojson: {
              type: 'FeatureCollection',
              features: [
                { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [500, 0] } },
              ],
            },
          },
        ],
        lookups: [
          { name: 'Weather', fileName: 'weather', geometry: weatherGeometry, content: weatherContent },
        ],
      },
    };
    const started = new Map<string, string>();
    for (const [label, input] of Object.entries(requests)) {
      started.set(label, (await buildPackage(world.api, input)).packageId);
    }
    for (const [label, id] of started) {
      const built = await waitForPackage(world.api, id);
      if (built.state !== 'READY')
        throw new Error(`${label} package ended ${built.state}: ${built.failureReason}`);
      packages.set(label, built);
    }
  });

  afterAll(async () => {
    await world?.close();
    if (directory) await removeDirectory(directory);
  });

  function built(label: string): PackageView {
    const found = packages.get(label);
    if (!found) throw new Error(`no ${label} package`);
    return found;
  }

  async function download(url: string, init: RequestInit = {}): Promise<Buffer> {
    const response = await fetch(url, init);
    expect(response.ok).toBe(true);
    return Buffer.from(await response.arrayBuffer());
  }

  it('estimates a package exactly from the tile index before building', async () => {
    const data = await world.api.data<{ estimatePackage: Record<string, unknown> }>(
      `query ($input: EstimatePackageInput!) { estimatePackage(input: $input) {
         tiles uniqueTiles tileBytes estimatedFileBytes minZoom maxZoom tilesToCache exact } }`,
      { input: { format: 'MBTILES', regionIds: [regionId] } },
    );
    const distinct = new Map(cached.map((tile) => [tile.sha256, tile.bytes.length]));
    expect(data.estimatePackage).toMatchObject({
      tiles: cached.length,
      uniqueTiles: distinct.size,
      tileBytes: [...distinct.values()].reduce((sum, bytes) => sum + bytes, 0),
      minZoom: ZOOMS.minZoom,
      maxZoom: ZOOMS.maxZoom,
      tilesToCache: 0,
      exact: true,
    });
    // An estimate, not a promise: within a quarter of the real files.
    for (const label of ['mbtiles', 'pmtiles']) {
      const format = label === 'mbtiles' ? 'MBTILES' : 'PMTILES';
      const estimate = await world.api.data<{ estimatePackage: { estimatedFileBytes: number } }>(
        `query ($input: EstimatePackageInput!) { estimatePackage(input: $input) { estimatedFileBytes } }`,
        { input: { format, regionIds: [regionId] } },
      );
      const ratio = estimate.estimatePackage.estimatedFileBytes / (built(label).sizeBytes ?? 1);
      expect(ratio).toBeGreaterThan(0.8);
      expect(ratio).toBeLessThan(1.25);
    }
  });

  it('records what was built: format, size, sha256, tile count, zooms, bounds', () => {
    const distinct = new Set(cached.map((tile) => tile.sha256)).size;
    expect(distinct).toBeLessThan(cached.length);
    for (const label of ['mbtiles', 'pmtiles', 'zip']) {
      const view = built(label);
      expect(view).toMatchObject({
        state: 'READY',
        tileCount: cached.length,
        uniqueTileCount: distinct,
        minZoom: ZOOMS.minZoom,
        maxZoom: ZOOMS.maxZoom,
        bounds: BBOX,
        tileFormat: 'png',
        regionIds: [regionId],
      });
      expect(view.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(built('mbtiles').format).toBe('MBTILES');
    expect(built('pmtiles').fileName).toMatch(/^org\.example\.gabon-\d{4}\.\d{2}\.\d{2}\.pmtiles$/);
    expect(built('zip').fileName).toBe('org.example.gabon-2026.04.21.zip');
    // Three builds of one package id: revisions 1, 2, 3 in request order.
    expect(['mbtiles', 'pmtiles', 'zip'].map((label) => built(label).revision)).toEqual([1, 2, 3]);
  });

  it('serves the recorded bytes from downloadUrl, a presigned GET that honours HTTP Range', async () => {
    for (const label of ['mbtiles', 'pmtiles', 'zip']) {
      const view = built(label);
      const bytes = await download(view.downloadUrl ?? '');
      expect(bytes.length).toBe(view.sizeBytes);
      expect(sha256Hex(bytes)).toBe(view.sha256);
      const range = await fetch(view.downloadUrl ?? '', { headers: { Range: 'bytes=16-47' } });
      expect(range.status).toBe(206);
      expect(Buffer.from(await range.arrayBuffer()).equals(bytes.subarray(16, 48))).toBe(true);
    }
  });

  it('builds an MBTiles file that SQLite reads back tile by tile, byte-exact, at every zoom', async () => {
    const path = join(directory, 'gabon.mbtiles');
    await writeFile(path, await download(built('mbtiles').downloadUrl ?? ''));
    const database = new Database(path, { readonly: true });
    try {
      const read = database.prepare<[number, number, number], { tile_data: Buffer }>(
        'SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?',
      );
      for (const tile of cached) {
        expect(read.get(tile.z, tile.x, flipY(tile.y, tile.z))?.tile_data.equals(tile.bytes)).toBe(true);
      }
      const total = database.prepare('SELECT count(*) AS count FROM tiles').get() as { count: number };
      expect(total.count).toBe(cached.length);
      const metadata = Object.fromEntries(
        (database.prepare('SELECT name, value FROM metadata').all() as { name: string; value: string }[]).map(
          (row) => [row.name, row.value],
        ),
      );
      expect(metadata).toMatchObject({
        name: 'Gabon coast',
        format: 'png',
        bounds: BBOX.join(','),
        minzoom: String(ZOOMS.minZoom),
        maxzoom: String(ZOOMS.maxZoom),
        attribution: '© fixture contributors',
        type: 'baselayer',
        version: '1',
      });
      expect(metadata.center.split(',').map(Number)).toEqual([10, 0.5, ZOOMS.minZoom]);
    } finally {
      database.close();
    }
  });

  it('builds a PMTiles file that the pmtiles reader reads back over HTTP range requests, byte-exact', async () => {
    const reader = new PMTiles(built('pmtiles').downloadUrl ?? '');
    const header = await reader.getHeader();
    expect(header).toMatchObject({
      specVersion: 3,
      minZoom: ZOOMS.minZoom,
      maxZoom: ZOOMS.maxZoom,
      numAddressedTiles: cached.length,
      clustered: true,
    });
    expect([header.minLon, header.minLat, header.maxLon, header.maxLat]).toEqual(BBOX);
    await expect(reader.getMetadata()).resolves.toMatchObject({ name: 'Gabon coast', version: '2.0.0' });
    for (const tile of cached) {
      const found = await reader.getZxy(tile.z, tile.x, tile.y);
      expect(found && Buffer.from(found.data).equals(tile.bytes)).toBe(true);
    }
  });

  describe('the CyberTracker/SMART zip', () => {
    let entries: ZipEntryContent[];

    beforeAll(async () => {
      const path = join(directory, 'gabon.zip');
      await writeFile(path, await download(built('zip').downloadUrl ?? ''));
      entries = await readZipEntries(path);
    });

    const json = (name: string): unknown => {
      const entry = entries.find((candidate) => candidate.name === name);
      if (!entry) throw new Error(`${name} is not in the zip`);
      return JSON.parse(entry.data.toString('utf8'));
    };

    it('passes every rule of sections 1-3 of the package format', () => {
      expect(packageRuleViolations(entries)).toEqual([]);
      expect(entries.map((entry) => entry.name).sort()).toEqual(
        [
          'Gabon-coast.mbtiles',
          'Roads.geojson',
          'layers.json',
          'package.json',
          'weather.geojson',
          'weather.json',
          'wells.geojson',
        ].sort(),
      );
    });

    it('identifies the package and lists its layers in order, the basemap first', () => {
      expect(json('package.json')).toEqual({
        id: 'org.example.gabon',
        name: 'Gabon coast',
        version: '2026.04.21',
        language: 'en',
      });
      expect(json('layers.json')).toEqual([
        { filename: 'Gabon-coast.mbtiles', name: 'Gabon coast', active: true, opacity: 1 },
        {
          filename: 'Roads.geojson',
          name: 'Roads',
          active: false,
          opacity: 0.5,
          symbol: { 'stroke-style': 'dash', 'stroke-size': 4.4, 'stroke-color': '#ffff00' },
        },
        {
          filename: 'wells.geojson',
          name: 'Deep wells',
          active: true,
          symbol: { 'marker-style': 'triangle', 'marker-size': 5.5, 'marker-color': '#ffff00' },
        },
        { filename: 'weather.geojson', name: 'Weather', active: true, lookup: true },
      ]);
    });

    it('stores the basemap uncompressed, with the same tiles as the cache', async () => {
      const basemap = entries.find((entry) => entry.name === 'Gabon-coast.mbtiles');
      expect(basemap?.compressionMethod).toBe(0);
      const path = join(directory, 'basemap-from-zip.mbtiles');
      await writeFile(path, basemap?.data ?? Buffer.alloc(0));
      const database = new Database(path, { readonly: true });
      try {
        const read = database.prepare<[number, number, number], { tile_data: Buffer }>(
          'SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?',
        );
        for (const tile of cached)
          expect(read.get(tile.z, tile.x, flipY(tile.y, tile.z))?.tile_data.equals(tile.bytes)).toBe(true);
      } finally {
        database.close();
      }
    });

    it('filters and clips the GeoJSON layers to the area, and reports the layer that failed', () => {
      const roadsLayer = json('Roads.geojson') as typeof roads;
      // The road from 5 E to 10 E is cut at the area's west edge (8.5 E).
      expect(roadsLayer.features[0].geometry.coordinates).toEqual([
        [8.5, 0],
        [10, 0],
      ]);
      const wellsLayer = json('wells.geojson') as typeof wells;
      // depth > 20 keeps A and C; C lies outside the area.
      expect(wellsLayer.features.map((feature) => feature.properties.name)).toEqual(['A']);
      expect(built('zip').errors).toEqual([
        {
          layer: 'Broken',
          kind: 'layer',
          message: expect.stringContaining('longitude must be within -180..180'),
        },
      ]);
      expect(json('weather.json')).toEqual(weatherContent);
    });
  });

  it('encodes the applink as a QR code whose payload is the stable link that serves the recorded bytes', async () => {
    const view = built('zip');
    for (const [app, base] of [
      ['CYBERTRACKER', 'https://cybertrackerwiki.org/applink/?x='],
      ['SMART', 'https://cybertrackerwiki.org/applink-smart/?x='],
    ] as const) {
      const link = await decodeQrPng(await qrCodeOf(world.api, view.id, app));
      expect(link).toBe(app === 'SMART' ? view.smartApplink : view.applink);
      expect(link.startsWith(base)).toBe(true);
      expect(applinkPayload(link)).toEqual({ webUpdateUrl: view.stableDownloadUrl });
    }
    const stable = view.stableDownloadUrl;
    expect(stable).toMatch(
      new RegExp(`^${world.gatewayUrl}/packages/${view.id}/download\\?token=[A-Za-z0-9_-]{43}$`),
    );
    // A device follows the redirect without any header of ours.
    const redirect = await fetch(stable, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('cache-control')).toBe('no-store');
    const bytes = await download(redirect.headers.get('location') ?? '');
    expect(sha256Hex(bytes)).toBe(view.sha256);
    expect(sha256Hex(await download(stable))).toBe(view.sha256);
  });

  it('has applinks only for zips, which is what CyberTracker and SMART install', () => {
    expect(built('mbtiles').applink).toBeNull();
    expect(built('pmtiles').smartApplink).toBeNull();
  });

  it('checks access on the stable link: the token, or a bearer token with package:read of the organisation', async () => {
    const view = built('mbtiles');
    const bare = `${world.gatewayUrl}/packages/${view.id}/download`;
    const bearer = async (scopes: Scope[], organisation = ORGANISATION): Promise<Response> =>
      fetch(bare, {
        redirect: 'manual',
        headers: { authorization: `Bearer ${await tokenFor(organisation, scopes)}` },
      });
    expect((await fetch(bare, { redirect: 'manual' })).status).toBe(401);
    expect((await fetch(`${bare}?token=${'A'.repeat(43)}`, { redirect: 'manual' })).status).toBe(404);
    expect((await bearer(PACKAGE_SCOPES)).status).toBe(302);
    expect((await bearer(['cache:read'])).status).toBe(403);
    expect((await bearer(PACKAGE_SCOPES, 'org-someone-else')).status).toBe(404);
    // Range requests through the redirect reach storage unchanged (PMTiles readers depend on it).
    const ranged = await fetch(built('pmtiles').stableDownloadUrl, { headers: { Range: 'bytes=0-6' } });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).toString('utf8')).toBe('PMTiles');
  });

  it('revokes printed links by rotating the token', async () => {
    const view = built('pmtiles');
    const data = await world.api.data<{ rotatePackageLink: { stableDownloadUrl: string } }>(
      `mutation ($id: ID!) { rotatePackageLink(id: $id) { stableDownloadUrl } }`,
      { id: view.id },
    );
    expect(data.rotatePackageLink.stableDownloadUrl).not.toBe(view.stableDownloadUrl);
    expect((await fetch(view.stableDownloadUrl, { redirect: 'manual' })).status).toBe(404);
    expect((await fetch(data.rotatePackageLink.stableDownloadUrl, { redirect: 'manual' })).status).toBe(302);
  });

  it('records versions in a form that compares correctly as strings', async () => {
    const versions: string[] = [];
    for (const version of ['1.2.3', '1.10.0']) {
      const { packageId } = await buildPackage(world.api, {
        name: 'Wells only',
        format: 'CYBERTRACKER_ZIP',
        includeBasemap: false,
        version,
        layers: [{ name: 'Wells', geojson: wells }],
      });
      const view = await waitForPackage(world.api, packageId);
      expect(view.state).toBe('READY');
      versions.push(view.version);
    }
    expect(versions).toEqual(['000001.000002.000003', '000001.000010.000000']);
    expect(versions[0] < versions[1]).toBe(true);
    const invalid = await world.api.request(
      `mutation ($input: BuildPackageInput!) { buildPackage(input: $input) { id } }`,
      { input: { name: 'Bad', format: 'MBTILES', regionIds: [regionId], version: 'v2-beta' } },
    );
    expect(invalid.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('lists packages newest first, filtered by format', async () => {
    const data = await world.api.data<{ packages: { id: string; format: string }[] }>(
      `{ packages(format: PMTILES) { id format } }`,
    );
    expect(data.packages.map((entry) => entry.id)).toEqual([built('pmtiles').id]);
    const one = await getPackage(world.api, built('zip').id);
    expect(one.sha256).toBe(built('zip').sha256);
  });
});
