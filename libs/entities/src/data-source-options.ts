import { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entity-list';
import { MIGRATIONS } from './migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export interface DatabaseSettings {
  url: string;
  poolSize: number;
  /** Used in pg_stat_activity so an operator sees which app holds a connection. */
  applicationName?: string;
}

/** Schema changes only through migrations: synchronize is always off. */
export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    namingStrategy: new SnakeNamingStrategy(),
    // gen_random_uuid() is built into PostgreSQL 13+, so no uuid-ossp extension is needed
    uuidExtension: 'pgcrypto',
    synchronize: false,
    migrationsRun: false,
    poolSize: settings.poolSize,
    applicationName: settings.applicationName,
    // milliseconds: fail fast when PostgreSQL is down instead of hanging a request
    // (10 s, not less: a machine under full load took over 5 s to hand out a connection)
    connectTimeoutMS: 10_000,
  };
}
