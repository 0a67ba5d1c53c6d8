import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { Scope } from '@map-offline/auth';
import { FieldDevice, FunctionClock } from '@map-offline/crdt';
import { RunningProcess } from '@map-offline/runtime';
import { createTestWorld, GraphqlClient, startInProcess, TestWorld, tokenFor } from '@map-offline/testing';
import { SyncApi } from './sync-api';

export const SYNC_SCOPES: Scope[] = ['sync:read', 'sync:write', 'sync:resolve'];

/**
 * One server of the sync tests: its own database and queue prefix, a gateway and a sync-merger, both
 * in-process. Two worlds are two independent servers.
 */
export interface SyncWorld {
  world: TestWorld;
  gateway: RunningProcess;
  merger: RunningProcess;
  gatewayUrl: string;
  organisationId: string;
  api: SyncApi;
  clientWith(scopes: Scope[], organisationId?: string): Promise<GraphqlClient>;
  sql<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export async function startSyncWorld(
  options: { organisationId?: string; env?: Record<string, string> } = {},
): Promise<SyncWorld> {
  const world = await createTestWorld({ RATE_LIMIT_REQUESTS_PER_MINUTE: '100000', ...options.env });
  const gateway = await startInProcess('gateway', world.env);
  const merger = await startInProcess('sync-merger', world.env);
  const organisationId = options.organisationId ?? 'org-e2e-sync';
  const gatewayUrl = `http://127.0.0.1:${gateway.port}`;
  const pool = new Pool({ connectionString: world.database.url, max: 2 });
  const syncWorld: SyncWorld = {
    world,
    gateway,
    merger,
    gatewayUrl,
    organisationId,
    api: new SyncApi(
      new GraphqlClient(gatewayUrl, await tokenFor(organisationId, SYNC_SCOPES, 'reviewer-1')),
    ),
    clientWith: async (scopes, organisation = organisationId) =>
      new GraphqlClient(gatewayUrl, await tokenFor(organisation, scopes)),
    sql: async <Row>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as Row[],
    close: async () => {
      // The test may have replaced the merger (stopped and started one).
      await syncWorld.merger.stop();
      await gateway.stop();
      await pool.end();
      await world.close();
    },
  };
  return syncWorld;
}

/** A device whose clock is this machine's (the server's admission check compares against it). */
export function fieldDevice(id: string): FieldDevice {
  return new FieldDevice(id, new FunctionClock(() => Date.now()));
}

export function newId(): string {
  return randomUUID();
}

export const POINT = (longitude: number, latitude: number): { type: 'Point'; coordinates: number[] } => ({
  type: 'Point',
  coordinates: [longitude, latitude],
});
