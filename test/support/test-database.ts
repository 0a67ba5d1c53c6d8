import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, MIGRATIONS } from '@map-offline/entities';

/**
 * The migrated database every test file clones. Its name carries a hash of the migrations' code, so a
 * changed migration gets a fresh template while concurrent jest runs share an existing one (rebuilding it
 * per run dropped the template under other runs' feet).
 */
export const TEMPLATE_DATABASE = `mapoffline_test_template_${createHash('sha256')
  .update(MIGRATIONS.map((migration) => migration.toString()).join('\n'))
  .digest('hex')
  .slice(0, 12)}`;

/** Arbitrary but fixed key of the advisory lock that serialises template creation. */
const TEMPLATE_LOCK_KEY = 7_316_402;
const READY_COMMENT = 'map-offline test template: migrated';

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(baseUrl: string, statements: string[]): Promise<void> {
  const client = new Client({ connectionString: withDatabase(baseUrl, 'postgres') });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Creates and migrates the template unless a finished one exists; safe when several runs start at once. */
export async function prepareTemplateDatabase(baseUrl: string): Promise<void> {
  const admin = new Client({ connectionString: withDatabase(baseUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    const ready = await admin.query(
      `SELECT 1 FROM pg_database d JOIN pg_shdescription s ON s.objoid = d.oid
        WHERE d.datname = $1 AND s.description = $2`,
      [TEMPLATE_DATABASE, READY_COMMENT],
    );
    if (ready.rowCount === 0) {
      await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
      await migrate(withDatabase(baseUrl, TEMPLATE_DATABASE));
      await admin.query(`COMMENT ON DATABASE ${TEMPLATE_DATABASE} IS '${READY_COMMENT}'`);
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]).catch(() => undefined);
    await admin.end();
  }
}

async function migrate(url: string): Promise<void> {
  const dataSource = new DataSource({ ...dataSourceOptions({ url, poolSize: 2 }), logging: ['error'] });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file, cloned from the template (tens of milliseconds):
 * test files never see each other's rows, and run in parallel.
 */
export async function createTestDatabase(baseUrl = process.env.DATABASE_URL ?? ''): Promise<TestDatabase> {
  if (!baseUrl) throw new Error('DATABASE_URL is not set: run the tests through jest (globalSetup sets it)');
  const name = `mapoffline_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(baseUrl, [`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`]);
  return {
    name,
    url: withDatabase(baseUrl, name),
    drop: () => adminQuery(baseUrl, [`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]),
  };
}
