import { DataSource } from 'typeorm';
import { dataSourceOptions, MIGRATIONS } from '@map-offline/entities';
import { createTestDatabase, TestDatabase } from '@map-offline/testing';

describe('migrations', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource({
      ...dataSourceOptions({ url: database.url, poolSize: 2 }),
      logging: ['error'],
    });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  // CI fails here when an entity changed without a migration: the schema the entities describe must be
  // exactly the schema the migrations build.
  it('leave nothing for the entities to change', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('are all applied to the template every test database is cloned from', async () => {
    const applied: { name: string }[] = await dataSource.query('SELECT name FROM migrations ORDER BY id');
    expect(applied.map((row) => row.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
  });

  it('enable PostGIS', async () => {
    const [row]: { version: string }[] = await dataSource.query('SELECT postgis_version() AS version');
    expect(row.version).toMatch(/^3\./);
  });
});
