import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@map-offline/entities';

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(baseUrl: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(baseUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * The bench's own migrated template (not the test template, which a concurrent jest run drops and
 * rebuilds), cloned into a fresh database for every run so no run finds tiles of the one before.
 */
export class BenchDatabases {
  private readonly clones = new Set<string>();

  private constructor(
    private readonly baseUrl: string,
    private readonly template: string,
  ) {}

  static async create(baseUrl: string): Promise<BenchDatabases> {
    const template = `mapoffline_seedbench_template_${randomBytes(4).toString('hex')}`;
    await adminQuery(baseUrl, `CREATE DATABASE ${template}`);
    const dataSource = new DataSource({
      ...dataSourceOptions({ url: withDatabase(baseUrl, template), poolSize: 2 }),
      logging: ['error'],
    });
    try {
      await dataSource.initialize();
      await dataSource.runMigrations({ transaction: 'each' });
    } catch (error) {
      await dataSource.destroy().catch(() => undefined);
      await adminQuery(baseUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
      throw error;
    }
    await dataSource.destroy();
    return new BenchDatabases(baseUrl, template);
  }

  /** A fresh migrated database; its URL. */
  async clone(): Promise<string> {
    const name = `mapoffline_seedbench_${randomBytes(6).toString('hex')}`;
    await adminQuery(this.baseUrl, `CREATE DATABASE ${name} TEMPLATE ${this.template}`);
    this.clones.add(name);
    return withDatabase(this.baseUrl, name);
  }

  async drop(url: string): Promise<void> {
    const name = new URL(url).pathname.slice(1);
    await adminQuery(this.baseUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    this.clones.delete(name);
  }

  /** Drops every clone still there and the template. */
  async close(): Promise<void> {
    for (const name of [...this.clones]) {
      await adminQuery(this.baseUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
    this.clones.clear();
    await adminQuery(this.baseUrl, `DROP DATABASE IF EXISTS ${this.template} WITH (FORCE)`);
  }
}
