import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { Scope } from '@map-offline/auth';
import { loadAppConfig } from '@map-offline/config';
import { RunningProcess } from '@map-offline/runtime';
import { createObjectStorage, ObjectStorage } from '@map-offline/storage';
import {
  createTestWorld,
  freePort,
  GraphqlClient,
  startInProcess,
  TestWorld,
  tokenFor,
} from '@map-offline/testing';
import { createTestBucket, TestBucket } from '../../caching/support/object-bucket';

export type UploadDriver = 's3' | 'filesystem';

export const UPLOAD_SCOPES: Scope[] = ['cache:read', 'cache:write', 'sources:admin'];

/**
 * One test file's stack for uploads: its own database and queue prefix, the gateway in-process, and
 * storage either in a bucket of its own on s3rver or in a temporary directory served by the gateway
 * itself (filesystem driver: presigned URLs point at the gateway, so its port is chosen up front).
 */
export interface UploadWorld {
  driver: UploadDriver;
  world: TestWorld;
  gateway: RunningProcess;
  gatewayUrl: string;
  organisationId: string;
  token: string;
  /** every upload scope in the world's organisation */
  api: GraphqlClient;
  /** the same store the gateway uses, opened by the test to look at objects */
  storage: ObjectStorage;
  sql<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<Row[]>;
  clientWith(scopes: Scope[], organisationId?: string): Promise<GraphqlClient>;
  close(): Promise<void>;
}

export async function startUploadWorld(driver: UploadDriver): Promise<UploadWorld> {
  let bucket: TestBucket | undefined;
  let root: string | undefined;
  let env: Record<string, string>;
  if (driver === 's3') {
    bucket = await createTestBucket();
    env = { STORAGE_DRIVER: 's3', S3_BUCKET: bucket.name };
  } else {
    root = await mkdtemp(path.join(tmpdir(), 'uploads-e2e-'));
    const port = await freePort();
    env = {
      STORAGE_DRIVER: 'filesystem',
      STORAGE_FS_ROOT: root,
      GATEWAY_PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    };
  }
  const world = await createTestWorld({ TILE_SOURCE_ALLOWED_HOSTS: '127.0.0.1', ...env });
  const gateway = await startInProcess('gateway', world.env);
  const storage = createObjectStorage(loadAppConfig('gateway', world.env).storage);
  const organisationId = `org-uploads-${driver}`;
  const token = await tokenFor(organisationId, UPLOAD_SCOPES);
  const gatewayUrl = `http://127.0.0.1:${gateway.port}`;
  const pool = new Pool({ connectionString: world.database.url, max: 2 });
  return {
    driver,
    world,
    gateway,
    gatewayUrl,
    organisationId,
    token,
    api: new GraphqlClient(gatewayUrl, token),
    storage,
    sql: async <Row>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as Row[],
    clientWith: async (scopes, organisation = organisationId) =>
      new GraphqlClient(gatewayUrl, await tokenFor(organisation, scopes)),
    close: async () => {
      await gateway.stop();
      await storage.close();
      await pool.end();
      await world.close();
      await bucket?.drop();
      if (root) await rm(root, { recursive: true, force: true });
    },
  };
}
