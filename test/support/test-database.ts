import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@map-offline/entities';

/** The migrated database every test file clones; rebuilt once per jest run by globalSetup. */
export const TEMPLATE_DATABASE = 'mapoffline_test_template';

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

/** Drops and re-creates the template, then runs every migration into it (about a second). */
export async function prepareTemplateDatabase(baseUrl: string): Promise<void> {
  await adminQuery(baseUrl, [
    `DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`,
    `CREATE DATABASE ${TEMPLATE_DATABASE}`,
  ]);
  const dataSource = new DataSource({
    ...dataSourceOptions({ url: withDatabase(baseUrl, TEMPLATE_DATABASE), poolSize: 2 }),
    logging: ['error'],
  });
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
