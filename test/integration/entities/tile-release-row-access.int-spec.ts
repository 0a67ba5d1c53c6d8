import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  dataSourceOptions,
  OfflinePackagePinRepository,
  RegionReleaseRepository,
  ReleasedChunk,
  releaseInChunks,
  TileKey,
} from '@map-offline/entities';
import { createTestDatabase, TestDatabase } from '@map-offline/testing';

jest.setTimeout(180_000);

/** Zoom 0..9: 349,525 tiles, one region holding them all and one package pinning them all. Fewer, and PostgreSQL
 * estimates one pin per package without statistics, and the plain index scan wins anyway. */
const MAX_ZOOM = 9;
const TILES = ((1 << (2 * (MAX_ZOOM + 1))) - 1) / 3;
const CHUNK = 1_000;
/** Chunks measured one by one. */
const MEASURED_CHUNKS = 5;

type HolderTable = 'tile' | 'region_tile' | 'offline_package_tile';
const TABLES: HolderTable[] = ['tile', 'region_tile', 'offline_package_tile'];

/**
 * Releasing a region or a package goes chunk by chunk through holder rows that may number millions. Each
 * chunk must read about as many rows as it releases, whatever PostgreSQL's statistics say: a table filled
 * since its last ANALYZE is estimated at a few rows, and one analysed since is estimated in full. Before
 * this was fixed, a chunk read every holder row of its owner (a bitmap scan and a sort without statistics;
 * a hash join over every tile of the source with them), and the dead rows of earlier chunks on top.
 */
describe('releasing a region or a package reads only the rows it releases', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    // One connection: the statistics flush below must come from the backend that ran the release.
    dataSource = new DataSource({
      ...dataSourceOptions({ url: database.url, poolSize: 1 }),
      logging: ['error'],
    });
    await dataSource.initialize();
    for (const table of TABLES) {
      // The statistics must stay as each test leaves them, whatever autovacuum would do meanwhile.
      await dataSource.query(`ALTER TABLE ${table} SET (autovacuum_enabled = false)`);
    }
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  interface World {
    sourceId: string;
    regionId: string;
    packageId: string;
    /** the blob of the tiles below MAX_ZOOM */
    shallowBlob: string;
    /** the blob of the tiles at MAX_ZOOM */
    deepestBlob: string;
  }

  /** A source whose tiles (zooms 0..MAX_ZOOM) one region holds and one package pins; two blobs. */
  async function createWorld(): Promise<World> {
    const suffix = randomBytes(4).toString('hex');
    const [source] = await dataSource.query(
      `INSERT INTO tile_source (organisation_id, name, url_template, scheme, format, min_zoom, max_zoom,
                                attribution, max_requests_per_second, max_concurrent_requests)
       VALUES ('org-release', $1, 'http://127.0.0.1:1/{z}/{x}/{y}.png', 'xyz', 'png', 0, 20, '', 10, 4)
       RETURNING id`,
      [`source ${suffix}`],
    );
    const [shallowBlob, deepestBlob] = [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')];
    await dataSource.query(
      `INSERT INTO tile_blob (sha256, size_bytes, content_type) VALUES ($1, 10, 'image/png'), ($2, 10, 'image/png')`,
      [shallowBlob, deepestBlob],
    );
    await dataSource.query(
      `INSERT INTO tile (source_id, z, x, y, status, blob_sha256, fetched_at)
       SELECT $1, z, x, y, 'stored', CASE WHEN z = $2 THEN $4 ELSE $3 END, now()
         FROM generate_series(0, $2) z
         CROSS JOIN LATERAL generate_series(0, (1 << z) - 1) x
         CROSS JOIN LATERAL generate_series(0, (1 << z) - 1) y`,
      [source.id, MAX_ZOOM, shallowBlob, deepestBlob],
    );
    const [region] = await dataSource.query(
      `INSERT INTO cache_region (organisation_id, name, source_id, area, min_zoom, max_zoom, status, tile_count)
       VALUES ('org-release', 'world', $1, ST_Multi(ST_MakeEnvelope(-180, -85, 180, 85, 4326)), 0, $2,
               'completed', $3)
       RETURNING id`,
      [source.id, MAX_ZOOM, TILES],
    );
    await dataSource.query(
      `INSERT INTO region_tile (region_id, z, x, y, source_id) SELECT $1, z, x, y, $2 FROM tile WHERE source_id = $2`,
      [region.id, source.id],
    );
    const [pkg] = await dataSource.query(
      `INSERT INTO offline_package (organisation_id, name, package_identifier, version, revision, format, state,
                                    region_ids, file_name, request, download_token, source_id)
       VALUES ('org-release', 'world', $1, '1', 1, 'mbtiles', 'ready', ARRAY[$2::uuid], 'world.mbtiles', '{}',
               $1, $3)
       RETURNING id`,
      [`package-${suffix}`, region.id, source.id],
    );
    await dataSource.query(
      `INSERT INTO offline_package_tile (package_id, source_id, z, x, y)
       SELECT $1, $2, z, x, y FROM tile WHERE source_id = $2`,
      [pkg.id, source.id],
    );
    return { sourceId: source.id, regionId: region.id, packageId: pkg.id, shallowBlob, deepestBlob };
  }

  /** Rows each table has had read (by sequential scans, plus index entries read), on this backend. */
  async function rowsRead(): Promise<Record<HolderTable, number>> {
    // This backend's counters reach the shared statistics when it goes idle; force that to happen now.
    await dataSource.query(`SELECT pg_stat_force_next_flush()`);
    const rows: { relname: HolderTable; read: string }[] = await dataSource.query(
      `SELECT t.relname, COALESCE(t.seq_tup_read, 0) + COALESCE(sum(i.idx_tup_read), 0) AS read
         FROM pg_stat_user_tables t LEFT JOIN pg_stat_user_indexes i ON i.relid = t.relid
        WHERE t.relname = ANY($1)
        GROUP BY t.relname, t.seq_tup_read`,
      [TABLES],
    );
    return Object.fromEntries(rows.map((row) => [row.relname, Number(row.read)])) as Record<
      HolderTable,
      number
    >;
  }

  /** Rows each table had read while `work` ran. */
  async function rowsReadBy(work: () => Promise<unknown>): Promise<Record<HolderTable, number>> {
    const before = await rowsRead();
    await work();
    const after = await rowsRead();
    return Object.fromEntries(TABLES.map((table) => [table, after[table] - before[table]])) as Record<
      HolderTable,
      number
    >;
  }

  async function count(sql: string, parameters: unknown[]): Promise<number> {
    const [row]: { n: number }[] = await dataSource.query(
      `SELECT count(*)::int AS n FROM (${sql}) AS rows`,
      parameters,
    );
    return row.n;
  }

  for (const statistics of ['none', 'analysed'] as const) {
    it(`releases a package chunk by chunk without reading its other pins (statistics: ${statistics})`, async () => {
      // TRUNCATE also forgets the tables' statistics: as in a new deployment, they have none.
      await dataSource.query(`TRUNCATE offline_package_tile, region_tile, tile CASCADE`);
      const world = await createWorld();
      if (statistics === 'analysed')
        await dataSource.query(`ANALYZE tile, region_tile, offline_package_tile`);
      const pins = new OfflinePackagePinRepository(dataSource);

      let after: TileKey | null = null;
      for (let chunk = 0; chunk < MEASURED_CHUNKS; chunk += 1) {
        let released: ReleasedChunk | undefined;
        const read = await rowsReadBy(async () => {
          released = await pins.releaseChunk(world.packageId, world.sourceId, CHUNK, after);
        });
        expect(released?.membersRemoved).toBe(CHUNK);
        // The region still holds every tile: the pins go, the tiles stay.
        expect(released?.tilesRemoved).toBe(0);
        // The chunk's pins through the primary key, and a probe per pin into region_tile (which holds them all).
        expect(read.offline_package_tile).toBeLessThanOrEqual(3 * CHUNK);
        expect(read.tile).toBeLessThanOrEqual(2 * CHUNK);
        expect(read.region_tile).toBeLessThanOrEqual(2 * CHUNK);
        after = released?.last ?? null;
      }
    });
  }

  it('releases the region, then the package with a pin added behind its cursor, and removes every tile', async () => {
    // TRUNCATE also forgets the tables' statistics: as in a new deployment, they have none.
    await dataSource.query(`TRUNCATE offline_package_tile, region_tile, tile CASCADE`);
    const world = await createWorld();
    const regions = new RegionReleaseRepository(dataSource);
    const pins = new OfflinePackagePinRepository(dataSource);

    const region = await releaseInChunks(
      CHUNK,
      (after) => regions.releaseChunk(world.regionId, world.sourceId, CHUNK, after),
      async () => undefined,
    );
    // The package pins every tile: none of them may go with the region.
    expect(region).toEqual({ membersRemoved: TILES, tilesRemoved: 0, candidateBlobs: 0 });

    // A pin added behind the cursor while the release runs (a retried pinning of a tile cached again).
    let addedBehind = false;
    const blobs = new Set<string>();
    const pkg = await releaseInChunks(
      CHUNK,
      (after) => pins.releaseChunk(world.packageId, world.sourceId, CHUNK, after),
      async (chunk, totals) => {
        for (const blob of chunk.candidateBlobs) blobs.add(blob);
        if (!addedBehind && totals.membersRemoved >= 10 * CHUNK) {
          addedBehind = true;
          await dataSource.query(
            `INSERT INTO tile (source_id, z, x, y, status, blob_sha256, fetched_at)
             VALUES ($1, 0, 0, 0, 'stored', $2, now())`,
            [world.sourceId, world.deepestBlob],
          );
          await dataSource.query(
            `INSERT INTO offline_package_tile (package_id, source_id, z, x, y) VALUES ($1, $2, 0, 0, 0)`,
            [world.packageId, world.sourceId],
          );
        }
      },
    );
    expect(addedBehind).toBe(true);
    expect(pkg.membersRemoved).toBe(TILES + 1);
    expect(pkg.tilesRemoved).toBe(TILES + 1);
    expect([...blobs].sort()).toEqual([world.shallowBlob, world.deepestBlob].sort());
    await expect(count(`SELECT 1 FROM tile WHERE source_id = $1`, [world.sourceId])).resolves.toBe(0);
    await expect(
      count(`SELECT 1 FROM offline_package_tile WHERE package_id = $1`, [world.packageId]),
    ).resolves.toBe(0);
  });
});
