import { createHash, randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import sharp from 'sharp';
import { loadAppConfig } from '@map-offline/config';
import { PackageBuildRequest } from '@map-offline/contracts';
import { latitudeToRow, longitudeToColumn, type BBox, type TileCoord } from '@map-offline/geo';
import { QueueProducer } from '@map-offline/queue';
import { RunningProcess } from '@map-offline/runtime';
import { blobKeyForSha256, createObjectStorage, ObjectStorage } from '@map-offline/storage';
import { createTestWorld, eventually, startInProcess, TestWorld } from '@map-offline/testing';
import { createTestBucket, TestBucket } from '../../../e2e/caching/support/object-bucket';

export const ORGANISATION = 'org-packager-int';

/** One cached tile as seeded: its coordinate and the exact bytes stored for it. */
export interface SeededTile {
  tile: TileCoord;
  bytes: Buffer;
  sha256: string;
}

export interface SeededRegion {
  sourceId: string;
  regionId: string;
  tiles: SeededTile[];
}

/**
 * A test file's stack for the packager alone: its own database, queue prefix and bucket, the packager
 * in-process, and helpers that write a cache the way the seeder leaves it (tile source, region, region
 * membership, tile index, blob rows and blob objects) without fetching anything.
 */
export interface PackagerWorld {
  world: TestWorld;
  bucket: TestBucket;
  storage: ObjectStorage;
  producer: QueueProducer;
  packager: RunningProcess;
  sql<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export async function startPackagerWorld(): Promise<PackagerWorld> {
  const bucket = await createTestBucket();
  const world = await createTestWorld({ S3_BUCKET: bucket.name });
  const config = loadAppConfig('packager', world.env);
  const storage = createObjectStorage(config.storage);
  const producer = new QueueProducer({
    redisUrl: config.redis.url,
    prefix: config.redis.queuePrefix,
    connectionName: 'packager-int-test',
  });
  const pool = new Pool({ connectionString: world.database.url, max: 3 });
  const packager = await startInProcess('packager', world.env);
  return {
    world,
    bucket,
    storage,
    producer,
    packager,
    sql: async <Row>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as Row[],
    close: async () => {
      await packager.stop();
      await producer.close();
      await storage.close();
      await pool.end();
      await world.close();
      await bucket.drop();
    },
  };
}

/** A real 256 x 256 PNG of one colour (GDAL decodes tiles, so they must be images). */
export async function solidPng(red: number, green: number, blue: number): Promise<Buffer> {
  return sharp({
    create: { width: 256, height: 256, channels: 3, background: { r: red, g: green, b: blue } },
  })
    .png({ compressionLevel: 9 })
    .toBuffer();
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Every tile covering a bbox at zooms min..max, XYZ. */
export function tilesOf(bbox: BBox, minZoom: number, maxZoom: number): TileCoord[] {
  const tiles: TileCoord[] = [];
  const [west, south, east, north] = bbox;
  for (let z = minZoom; z <= maxZoom; z += 1) {
    for (let x = longitudeToColumn(west, z); x <= longitudeToColumn(east, z); x += 1) {
      for (let y = latitudeToRow(north, z); y <= latitudeToRow(south, z); y += 1) tiles.push({ z, x, y });
    }
  }
  return tiles;
}

/** "Sea" tiles (every third 2 x 2 block) share one body, as open sea does in real caches. */
export function isSea(tile: TileCoord): boolean {
  return ((tile.x >> 1) + (tile.y >> 1) + tile.z) % 3 === 0;
}

export async function insertSource(
  world: PackagerWorld,
  options: { format?: string; attribution?: string; organisationId?: string } = {},
): Promise<string> {
  const [row] = await world.sql<{ id: string }>(
    `INSERT INTO tile_source (organisation_id, name, url_template, scheme, format, min_zoom, max_zoom,
                              attribution, max_requests_per_second, max_concurrent_requests)
     VALUES ($1, $2, 'http://127.0.0.1:1/{z}/{x}/{y}.png', 'xyz', $3, 0, 20, $4, 10, 4) RETURNING id`,
    [
      options.organisationId ?? ORGANISATION,
      `source ${randomBytes(4).toString('hex')}`,
      options.format ?? 'png',
      options.attribution ?? '© test contributors',
    ],
  );
  return row.id;
}

/**
 * Seeds a completed region over `bbox` whose tiles are real PNGs: sea tiles share one body, land tiles
 * each get their own colour. Blob objects go to the world's bucket, rows to its database.
 */
export async function seedRegion(
  world: PackagerWorld,
  options: {
    sourceId: string;
    bbox: BBox;
    minZoom: number;
    maxZoom: number;
    status?: string;
    organisationId?: string;
  },
): Promise<SeededRegion> {
  const sea = await solidPng(170, 211, 223);
  const tiles: SeededTile[] = [];
  for (const tile of tilesOf(options.bbox, options.minZoom, options.maxZoom)) {
    const bytes = isSea(tile)
      ? sea
      : await solidPng((tile.x * 37) % 256, (tile.y * 59) % 256, (tile.z * 83) % 256);
    tiles.push({ tile, bytes, sha256: sha256Hex(bytes) });
  }
  const [west, south, east, north] = options.bbox;
  const [region] = await world.sql<{ id: string }>(
    `INSERT INTO cache_region (organisation_id, name, source_id, area, min_zoom, max_zoom, status, tile_count,
                               tiles_done, completed_at)
     VALUES ($1, 'seeded region', $2, ST_Multi(ST_MakeEnvelope($3, $4, $5, $6, 4326)), $7, $8, $9, $10, $10, now())
     RETURNING id`,
    [
      options.organisationId ?? ORGANISATION,
      options.sourceId,
      west,
      south,
      east,
      north,
      options.minZoom,
      options.maxZoom,
      options.status ?? 'completed',
      tiles.length,
    ],
  );
  await storeTiles(world, options.sourceId, region.id, tiles);
  return { sourceId: options.sourceId, regionId: region.id, tiles };
}

export async function storeTiles(
  world: PackagerWorld,
  sourceId: string,
  regionId: string,
  tiles: SeededTile[],
): Promise<void> {
  const blobs = new Map(tiles.map((tile) => [tile.sha256, tile.bytes]));
  for (const [sha256, bytes] of blobs) {
    await world.storage.putIfAbsent(blobKeyForSha256(sha256), bytes, { contentType: 'image/png', sha256 });
  }
  await world.sql(
    `INSERT INTO tile_blob (sha256, size_bytes, content_type)
     SELECT * FROM unnest($1::char(64)[], $2::int[], $3::varchar[]) ON CONFLICT DO NOTHING`,
    [
      [...blobs.keys()],
      [...blobs.values()].map((bytes) => bytes.length),
      [...blobs.keys()].map(() => 'image/png'),
    ],
  );
  await world.sql(
    `INSERT INTO tile (source_id, z, x, y, status, blob_sha256, fetched_at)
     SELECT $1, t.z, t.x, t.y, 'stored', t.sha, now()
       FROM unnest($2::smallint[], $3::int[], $4::int[], $5::char(64)[]) AS t(z, x, y, sha)
     ON CONFLICT DO NOTHING`,
    [
      sourceId,
      tiles.map((tile) => tile.tile.z),
      tiles.map((tile) => tile.tile.x),
      tiles.map((tile) => tile.tile.y),
      tiles.map((tile) => tile.sha256),
    ],
  );
  await world.sql(
    `INSERT INTO region_tile (region_id, z, x, y, source_id)
     SELECT $1, t.z, t.x, t.y, $2 FROM unnest($3::smallint[], $4::int[], $5::int[]) AS t(z, x, y)
     ON CONFLICT DO NOTHING`,
    [
      regionId,
      sourceId,
      tiles.map((tile) => tile.tile.z),
      tiles.map((tile) => tile.tile.x),
      tiles.map((tile) => tile.tile.y),
    ],
  );
}

export interface RecordedPackage {
  packageId: string;
  jobRunId: string;
}

/** Records a package and its build run the way the gateway does, then enqueues the build. */
export async function buildPackage(
  world: PackagerWorld,
  options: {
    format: 'mbtiles' | 'pmtiles' | 'cybertracker-zip';
    sourceId: string | null;
    regionIds: string[];
    name?: string;
    request?: Partial<PackageBuildRequest>;
    organisationId?: string;
  },
): Promise<RecordedPackage> {
  const organisationId = options.organisationId ?? ORGANISATION;
  const name = options.name ?? 'Test package';
  const extension = options.format === 'cybertracker-zip' ? 'zip' : options.format;
  const request: PackageBuildRequest = {
    includeBasemap: true,
    continueOnErrors: false,
    layers: [],
    lookups: [],
    ...options.request,
  };
  const [pkg] = await world.sql<{ id: string }>(
    `INSERT INTO offline_package (organisation_id, name, package_identifier, version, revision, language, format,
                                  state, source_id, region_ids, file_name, request, download_token)
     VALUES ($1, $2, 'org.example.test', '2026.04.21', 1, 'en', $3, 'queued', $4, $5::uuid[], $6, $7::jsonb, $8)
     RETURNING id`,
    [
      organisationId,
      name,
      options.format,
      options.sourceId,
      options.regionIds,
      `org.example.test-2026.04.21.${extension}`,
      JSON.stringify(request),
      randomBytes(32).toString('base64url'),
    ],
  );
  const [run] = await world.sql<{ id: string }>(
    `INSERT INTO job_run (organisation_id, kind, state, subject_id, requested_by)
     VALUES ($1, 'build-package', 'queued', $2, 'packager-int-test') RETURNING id`,
    [organisationId, pkg.id],
  );
  await world.sql(`UPDATE offline_package SET job_run_id = $2 WHERE id = $1`, [pkg.id, run.id]);
  await world.producer.enqueue(
    { name: 'build-package', data: { organisationId, jobRunId: run.id, packageId: pkg.id } },
    { jobId: `build-package_${run.id}` },
  );
  return { packageId: pkg.id, jobRunId: run.id };
}

export interface PackageRow {
  id: string;
  state: string;
  object_key: string | null;
  sha256: string | null;
  size_bytes: string | null;
  tile_count: string;
  unique_tile_count: string;
  min_zoom: number | null;
  max_zoom: number | null;
  bounds: number[] | null;
  failure_reason: string | null;
  layer_errors: { layer: string; kind: string; message: string }[];
}

export async function packageRow(world: PackagerWorld, id: string): Promise<PackageRow | undefined> {
  const [row] = await world.sql<PackageRow>(`SELECT * FROM offline_package WHERE id = $1`, [id]);
  return row;
}

/** Waits until the package leaves the build states; returns its row. */
export async function waitForPackage(
  world: PackagerWorld,
  id: string,
  timeoutMs = 60_000,
): Promise<PackageRow> {
  return eventually(async () => {
    const row = await packageRow(world, id);
    return row && ['ready', 'failed', 'cancelled'].includes(row.state) ? row : undefined;
  }, timeoutMs);
}
