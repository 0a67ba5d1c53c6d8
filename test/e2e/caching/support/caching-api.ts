import type { Geometry } from 'geojson';
import { TileCoord } from '@map-offline/geo';
import { eventually, GraphqlClient } from '@map-offline/testing';

export interface CacheAreaVariables {
  bbox?: number[];
  // any JSON: invalid geometries are sent on purpose
  geometry?: Geometry | Record<string, unknown>;
  minZoom?: number;
  maxZoom?: number;
  minScale?: number;
  maxScale?: number;
}

export interface JobView {
  id: string;
  kind: string;
  state: string;
  subjectId: string | null;
  error: string | null;
  progress: {
    doneUnits: number;
    totalUnits: number;
    fraction: number;
    bytes: number;
    errors: number;
    perZoom: { zoom: number; done: number }[];
  };
}

export interface CacheStatsView {
  tiles: number;
  storedTiles: number;
  emptyTiles: number;
  failedTiles: number;
  uniqueBlobs: number;
  storedBytes: number;
  logicalBytes: number;
  deduplicationRatio: number;
  perZoom: { zoom: number; tiles: number; storedTiles: number; emptyTiles: number; failedTiles: number }[];
  failureReasons: { reason: string; tiles: number }[];
}

export interface CacheRegionView {
  id: string;
  status: string;
  tileCount: number;
  tilesDone: number;
  tilesEmpty: number;
  tilesFailed: number;
  logicalBytes: number;
  completedAt: string | null;
}

const JOB_FIELDS = `id kind state subjectId error
  progress { doneUnits totalUnits fraction bytes errors perZoom { zoom done } }`;

// GraphQL enum values (JobState)
export const FINAL_JOB_STATES = ['COMPLETED', 'FAILED', 'CANCELLED'];

export async function registerSource(
  api: GraphqlClient,
  urlTemplate: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const data = await api.data<{ registerTileSource: { id: string } }>(
    `mutation ($input: RegisterTileSourceInput!) { registerTileSource(input: $input) { id } }`,
    {
      input: {
        name: `fixture ${Math.random().toString(36).slice(2, 10)}`,
        urlTemplate,
        format: 'PNG',
        maxRequestsPerSecond: 10_000,
        maxConcurrentRequests: 16,
        ...overrides,
      },
    },
  );
  return data.registerTileSource.id;
}

export const CREATE_REGION = `mutation ($input: CreateCacheRegionInput!) { createCacheRegion(input: $input) { ${JOB_FIELDS} } }`;

export async function createRegion(
  api: GraphqlClient,
  sourceId: string,
  area: CacheAreaVariables,
  name = 'e2e region',
): Promise<JobView> {
  const data = await api.data<{ createCacheRegion: JobView }>(CREATE_REGION, {
    input: { name, sourceId, area },
  });
  return data.createCacheRegion;
}

export async function job(api: GraphqlClient, id: string): Promise<JobView> {
  return (await api.data<{ job: JobView }>(`query ($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`, { id }))
    .job;
}

/** Polls job(id) until it reaches one of the states, or fails after timeoutMs. */
export async function waitForJob(
  api: GraphqlClient,
  id: string,
  timeoutMs: number,
  states: string[] = FINAL_JOB_STATES,
): Promise<JobView> {
  let last: JobView | undefined;
  try {
    return await eventually(
      async () => {
        last = await job(api, id);
        return states.includes(last.state) ? last : undefined;
      },
      timeoutMs,
      200,
    );
  } catch (error) {
    // Say where the job stood: "still active at 120 of 500" tells a stall from a slow run.
    throw new Error(
      `${(error as Error).message}; job ${id} wanted ${states.join('|')}, last seen ${JSON.stringify(last)}`,
    );
  }
}

export async function jobMutation(
  api: GraphqlClient,
  mutation: 'pauseJob' | 'resumeJob' | 'cancelJob',
  id: string,
): Promise<JobView> {
  const data = await api.data<Record<string, JobView>>(
    `mutation ($id: ID!) { ${mutation}(id: $id) { ${JOB_FIELDS} } }`,
    {
      id,
    },
  );
  return data[mutation];
}

export async function cacheStats(api: GraphqlClient, regionId?: string): Promise<CacheStatsView> {
  const data = await api.data<{ cacheStats: CacheStatsView }>(
    `query ($regionId: ID) { cacheStats(regionId: $regionId) {
       tiles storedTiles emptyTiles failedTiles uniqueBlobs storedBytes logicalBytes deduplicationRatio
       perZoom { zoom tiles storedTiles emptyTiles failedTiles }
       failureReasons { reason tiles } } }`,
    { regionId },
  );
  return data.cacheStats;
}

export async function cacheRegion(api: GraphqlClient, id: string): Promise<CacheRegionView> {
  const data = await api.data<{ cacheRegion: CacheRegionView }>(
    `query ($id: ID!) { cacheRegion(id: $id) {
       id status tileCount tilesDone tilesEmpty tilesFailed logicalBytes completedAt } }`,
    { id },
  );
  return data.cacheRegion;
}

export function tileKeyOf(tile: TileCoord): string {
  return `${tile.z}/${tile.x}/${tile.y}`;
}

/** The (z, x, y) set a region holds, from the world's region_tile table. */
export async function regionTileKeys(
  sql: <Row>(text: string, values?: unknown[]) => Promise<Row[]>,
  regionId: string,
): Promise<Set<string>> {
  const rows = await sql<{ z: number; x: number; y: number }>(
    `SELECT z, x, y FROM region_tile WHERE region_id = $1`,
    [regionId],
  );
  return new Set(rows.map((row) => tileKeyOf(row)));
}

/** Waits until read() returns the same number for quietMs, and returns it (or fails after timeoutMs). */
export async function waitUntilStable(
  read: () => Promise<number> | number,
  quietMs: number,
  timeoutMs: number,
): Promise<number> {
  let last = await read();
  let since = Date.now();
  return eventually(async () => {
    const now = await read();
    if (now !== last) {
      last = now;
      since = Date.now();
      return undefined;
    }
    return Date.now() - since >= quietMs ? now : undefined;
  }, timeoutMs);
}
