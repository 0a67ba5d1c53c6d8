import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signDevelopmentToken } from '@map-offline/auth';
import { GraphqlClient } from '../../test/support/graphql-client';
import { sampleProcessTree } from '../support/process-tree.sampler';
import { deleteQueueKeys } from '../support/queue-keys';
import { ContenderResult, startMachineMeter } from './contender-result';
import { MapOfflineApps } from './map-offline-apps';
import { ScratchBucket } from './scratch-bucket';
import type { SeedArea } from './seed-area';
import type { SeedRunContext } from './seed-run-context';

/** milliseconds between job polls; finishedAt (not the poll) ends the wall time */
const POLL_INTERVAL_MS = 100;
/** milliseconds a run may take before the bench gives up on it */
const RUN_TIMEOUT_MS = 15 * 60 * 1000;

const REGISTER_SOURCE = `mutation ($input: RegisterTileSourceInput!) { registerTileSource(input: $input) { id } }`;
const CREATE_REGION = `mutation ($input: CreateCacheRegionInput!) { createCacheRegion(input: $input) { id subjectId } }`;
const JOB = `query ($id: ID!) { job(id: $id) {
  state error startedAt finishedAt progress { doneUnits totalUnits errors } } }`;
const STATS = `query ($regionId: ID) { cacheStats(regionId: $regionId) { tiles storedTiles failedTiles uniqueBlobs } }`;

interface JobView {
  state: string;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  progress: { doneUnits: number; totalUnits: number; errors: number };
}

// GraphQL serialises the JobState enum by its names.
const FINAL_STATES = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/**
 * Our seeder, end to end as a user drives it: a fresh database and storage, the gateway and ONE
 * tile-seeder process from dist, registerTileSource (maxConcurrentRequests = concurrency, no rate
 * limit), createCacheRegion, and polling job(id) until it is final.
 */
export async function runMapOfflineSeeder(
  context: SeedRunContext,
  area: SeedArea,
  storage: 'filesystem' | 's3',
  concurrency: number,
): Promise<ContenderResult> {
  const databaseUrl = await context.databases.clone();
  const storageDirectory =
    storage === 'filesystem' ? await mkdtemp(join(tmpdir(), 'bench-seed-fs-')) : undefined;
  const bucket = storage === 's3' ? await ScratchBucket.create(context.s3, 'seeder') : undefined;
  const queuePrefix = `{bench${randomBytes(5).toString('hex')}}`;
  const env: Record<string, string> = {
    ...context.baseEnv,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: queuePrefix,
    GATEWAY_PORT: '0',
    HEALTH_PORT: '0',
    TILE_SOURCE_ALLOWED_HOSTS: '127.0.0.1',
    ...(storageDirectory !== undefined
      ? { STORAGE_DRIVER: 'filesystem', STORAGE_FS_ROOT: storageDirectory }
      : { STORAGE_DRIVER: 's3', S3_BUCKET: bucket?.name ?? '' }),
    ...context.seederEnv,
  };
  const runLabel = `${storage}-c${concurrency}-${Date.now()}`;
  const inFlight =
    context.inFlightDirectory === undefined
      ? undefined
      : { file: join(context.inFlightDirectory, `in-flight-${runLabel}.log`), limit: concurrency };
  for (const directory of [context.inFlightDirectory, context.logDirectory]) {
    if (directory !== undefined) await mkdir(directory, { recursive: true });
  }
  const apps = await MapOfflineApps.start(env, {
    logDirectory: context.logDirectory,
    profileDirectory: context.profileDirectory,
    inFlight,
    runLabel,
  });
  if (inFlight !== undefined) console.log(`  in-flight log: ${inFlight.file}`);
  try {
    const organisationId = randomUUID();
    const token = await signDevelopmentToken({ organisationId, scopes: ['admin'], subject: 'bench' });
    const client = new GraphqlClient(apps.gatewayUrl, token);
    const { registerTileSource } = await client.data<{ registerTileSource: { id: string } }>(
      REGISTER_SOURCE,
      {
        input: {
          name: `bench fixture c${concurrency}`,
          urlTemplate: context.fixture.pngTemplate,
          format: 'PNG',
          maxConcurrentRequests: concurrency,
          // 0 = no request-rate limit: only the concurrency bounds the seeder, as it bounds mapproxy-seed.
          maxRequestsPerSecond: 0,
        },
      },
    );

    await context.fixture.resetStats();
    const fixtureCpuBefore = context.fixture.cpuMilliseconds();
    const sampler = sampleProcessTree(apps.seederPid);
    const stopMachineMeter = startMachineMeter();
    const sentAt = Date.now();
    const { createCacheRegion } = await client.data<{ createCacheRegion: { id: string; subjectId: string } }>(
      CREATE_REGION,
      {
        input: {
          name: `bench ${area.name}`,
          sourceId: registerTileSource.id,
          area: { bbox: area.bbox, minZoom: area.minZoom, maxZoom: area.maxZoom },
        },
      },
    );
    const job = await waitForFinalState(client, createCacheRegion.id, apps);
    const sample = sampler.stop();
    const machineBusyShare = stopMachineMeter();
    const fixtureCpuMs = context.fixture.cpuMilliseconds() - fixtureCpuBefore;
    const upstream = await context.fixture.stats();

    if (job.state !== 'COMPLETED' || job.progress.doneUnits !== job.progress.totalUnits) {
      throw new Error(`seeding job ended ${job.state} (${JSON.stringify(job)})\n${apps.seederOutput()}`);
    }
    const { cacheStats } = await client.data<{ cacheStats: { uniqueBlobs: number; failedTiles: number } }>(
      STATS,
      {
        regionId: createCacheRegion.subjectId,
      },
    );
    if (cacheStats.failedTiles > 0) throw new Error(`${cacheStats.failedTiles} tiles failed`);
    const startedAt = Date.parse(job.startedAt ?? '');
    const finishedAt = Date.parse(job.finishedAt ?? '');
    return {
      upstreamRequests: upstream.requests,
      upstreamBytes: upstream.bytesSent,
      wallMs: finishedAt - sentAt,
      jobMs: finishedAt - startedAt,
      peakRssBytes: sample.peakRssBytes,
      processes: sample.peakProcesses,
      cpuMs: sample.cpuMs,
      fixtureCpuMs,
      machineBusyShare,
      storedObjects:
        storageDirectory !== undefined
          ? await countFiles(storageDirectory)
          : await (bucket as ScratchBucket).countObjects(),
    };
  } finally {
    await apps.stop();
    if (env.REDIS_URL !== undefined) await deleteQueueKeys(env.REDIS_URL, queuePrefix);
    await context.databases.drop(databaseUrl);
    if (storageDirectory !== undefined) await rm(storageDirectory, { recursive: true, force: true });
    await bucket?.destroy();
  }
}

async function waitForFinalState(
  client: GraphqlClient,
  jobId: string,
  apps: MapOfflineApps,
): Promise<JobView> {
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  for (;;) {
    const { job } = await client.data<{ job: JobView }>(JOB, { id: jobId });
    if (FINAL_STATES.has(job.state)) return job;
    if (Date.now() > deadline) {
      throw new Error(`job ${jobId} still ${job.state} after ${RUN_TIMEOUT_MS} ms\n${apps.seederOutput()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** Object files under the filesystem driver's root (side files of the older two-file layout not counted). */
async function countFiles(directory: string): Promise<number> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && !entry.name.endsWith('~meta.json')).length;
}
