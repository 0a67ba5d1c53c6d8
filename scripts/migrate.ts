/**
 * npm run migrate            applies pending migrations (idempotent; safe on every deploy)
 * npm run migrate -- check   fails if the entities would generate a new migration (CI)
 * npm run migrate -- preview prints the SQL the entities would need, to write a migration from
 */
import { DataSource } from 'typeorm';
import { ConfigError, loadAppConfig } from '@map-offline/config';
import { dataSourceOptions } from '@map-offline/entities';

async function main(): Promise<number> {
  const command = process.argv[2] ?? 'run';
  if (!['run', 'check', 'preview'].includes(command)) {
    console.error(`unknown command "${command}": use run, check or preview`);
    return 2;
  }
  const config = loadAppConfig('gateway');
  const dataSource = new DataSource({
    ...dataSourceOptions({ ...config.database, applicationName: 'map-offline-migrate' }),
    logging: ['error'],
  });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const migration of applied) console.log(`applied ${migration.name}`);
    if (command === 'run') {
      console.log(
        applied.length === 0 ? 'database schema is up to date' : `${applied.length} migration(s) applied`,
      );
      return 0;
    }
    const pending = await dataSource.driver.createSchemaBuilder().log();
    if (pending.upQueries.length === 0) {
      console.log('entities and migrations agree: no new migration needed');
      return 0;
    }
    for (const query of pending.upQueries) console.log(`${query.query};`);
    if (command === 'check') {
      console.error(`the entities need ${pending.upQueries.length} schema change(s) that no migration makes`);
      return 1;
    }
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
