import { Pool } from 'pg';
import { Scope } from '@map-offline/auth';
import {
  FixtureTileServer,
  FixtureTileServerOptions,
  startFixtureTileServer,
} from '@map-offline/fixture-tiles';
import { RunningProcess } from '@map-offline/runtime';
import { createTestWorld, GraphqlClient, startInProcess, TestWorld, tokenFor } from '@map-offline/testing';
import { createTestBucket, TestBucket } from './object-bucket';

export const ALL_CACHING_SCOPES: Scope[] = ['cache:read', 'cache:write', 'sources:admin', 'queue:submit'];

export interface CachingWorldOptions {
  /** extra environment for every app of the world */
  env?: Record<string, string>;
  fixture?: FixtureTileServerOptions;
  /** an upstream shared with another world (not closed with this one); otherwise a fixture server of its own */
  upstream?: FixtureTileServer;
  /** start one tile seeder inside the test process (default true) */
  seeder?: boolean;
  organisationId?: string;
}

/**
 * One test file's stack: its own database, queue prefix and bucket, the fixture tile server as the only
 * upstream, the gateway in-process, and optionally a seeder in-process.
 */
export interface CachingWorld {
  world: TestWorld;
  env: Record<string, string>;
  fixture: FixtureTileServer;
  gateway: RunningProcess;
  gatewayUrl: string;
  seeder?: RunningProcess;
  bucket: TestBucket;
  organisationId: string;
  /** a client with every caching scope of the world's organisation */
  api: GraphqlClient;
  token: string;
  /** queries the world's own database */
  sql<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<Row[]>;
  clientWith(scopes: Scope[], organisationId?: string): Promise<GraphqlClient>;
  startSeeder(): Promise<RunningProcess>;
  close(): Promise<void>;
}

export async function startCachingWorld(options: CachingWorldOptions = {}): Promise<CachingWorld> {
  const bucket = await createTestBucket();
  const world = await createTestWorld({
    TILE_SOURCE_ALLOWED_HOSTS: '127.0.0.1',
    S3_BUCKET: bucket.name,
    ...options.env,
  });
  const fixture =
    options.upstream ?? (await startFixtureTileServer({ resolution: '110m', ...options.fixture }));
  const gateway = await startInProcess('gateway', world.env);
  const organisationId = options.organisationId ?? 'org-e2e-caching';
  const token = await tokenFor(organisationId, ALL_CACHING_SCOPES);
  const gatewayUrl = `http://127.0.0.1:${gateway.port}`;
  const pool = new Pool({ connectionString: world.database.url, max: 2 });
  const seeders: RunningProcess[] = [];
  const startSeeder = async (): Promise<RunningProcess> => {
    const seeder = await startInProcess('tile-seeder', world.env);
    seeders.push(seeder);
    return seeder;
  };
  const seeder = options.seeder === false ? undefined : await startSeeder();

  return {
    world,
    env: world.env,
    fixture,
    gateway,
    gatewayUrl,
    seeder,
    bucket,
    organisationId,
    token,
    api: new GraphqlClient(gatewayUrl, token),
    sql: async <Row>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as Row[],
    clientWith: async (scopes, organisation = organisationId) =>
      new GraphqlClient(gatewayUrl, await tokenFor(organisation, scopes)),
    startSeeder,
    close: async () => {
      // Workers first (they write to the database and the bucket), then the gateway, then the data.
      for (const running of seeders) await running.stop();
      await gateway.stop();
      if (!options.upstream) await fixture.close();
      await pool.end();
      await world.close();
      await bucket.drop();
    },
  };
}
