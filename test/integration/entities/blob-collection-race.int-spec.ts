import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { BlobCollectionRepository, dataSourceOptions } from '@map-offline/entities';
import { createTestDatabase, TestDatabase } from '@map-offline/testing';

jest.setTimeout(120_000);

/** Unreferenced blobs the collector looks at in one statement: enough to take it several milliseconds. */
const CANDIDATES = 5_000;
/** Delays (ms) after the collection starts at which the racing batch commits: 0 to 30. */
const COMMIT_DELAYS_MS = Array.from({ length: 31 }, (_, index) => index);

/**
 * The garbage collector against a seed batch that commits a tile using a blob while the collector's
 * statement runs. The statement decides "unreferenced" on the snapshot it started with and locks rows
 * afterwards (in hash order, after sorting); a batch that held the blob FOR SHARE and committed in
 * between has released its lock, so the collector gets the row. It must not delete a blob the batch's
 * committed tile now references.
 */
describe('blob collection racing a batch that commits a reference', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let batch: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource({
      ...dataSourceOptions({ url: database.url, poolSize: 4 }),
      logging: ['error'],
    });
    await dataSource.initialize();
    batch = new Client({ connectionString: database.url });
    await batch.connect();
  });

  afterAll(async () => {
    await batch.end();
    await dataSource.destroy();
    await database.drop();
  });

  it('never deletes a blob whose tile committed while the collector ran', async () => {
    const collection = new BlobCollectionRepository(dataSource);
    const sourceId = randomUUID();
    const violations: string[] = [];
    for (const [attempt, delayMs] of COMMIT_DELAYS_MS.entries()) {
      const hashes = Array.from({ length: CANDIDATES }, () => randomBytes(32).toString('hex')).sort();
      await dataSource.query(
        `INSERT INTO tile_blob (sha256, size_bytes, content_type)
         SELECT h, 10, 'image/png' FROM unnest($1::char(64)[]) AS h`,
        [hashes],
      );
      // The last hash in order: the collector locks it last, long after its snapshot.
      const target = hashes[hashes.length - 1];
      // The batch as the seeder runs it: the blob row FOR SHARE, then the tile that uses it.
      await batch.query('BEGIN');
      await batch.query(`SELECT 1 FROM tile_blob WHERE sha256 = $1 FOR SHARE`, [target]);
      await batch.query(
        `INSERT INTO tile (source_id, z, x, y, status, blob_sha256, fetched_at) VALUES ($1, 1, $2, 0, 'stored', $3, now())`,
        [sourceId, attempt, target],
      );
      const deleted = new Set<string>();
      const collecting = collection.collect(hashes, CANDIDATES, async (chunk) => {
        for (const hash of chunk) deleted.add(hash);
      });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await batch.query('COMMIT');
      const removed = await collecting;

      const [row] = await dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM tile_blob WHERE sha256 = $1`,
        [target],
      );
      if (row.n !== 1 || deleted.has(target) || removed.includes(target)) {
        violations.push(`commit after ${delayMs} ms: blob of a committed tile deleted`);
      }
      // The other blobs are unreferenced: the collector removes them whatever the timing.
      expect(removed.length).toBeGreaterThanOrEqual(CANDIDATES - 1);
      await dataSource.query(`DELETE FROM tile WHERE source_id = $1`, [sourceId]);
      await dataSource.query(`DELETE FROM tile_blob`);
    }
    expect(violations).toEqual([]);
  });
});
