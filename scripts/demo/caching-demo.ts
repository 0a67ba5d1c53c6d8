import { createHash } from 'node:crypto';
import { lonLatToTile } from '@map-offline/geo';
import { DemoApi } from './demo-api';

interface JobView {
  id: string;
  subjectId: string;
  state: string;
  error: string | null;
  progress: { doneUnits: number; totalUnits: number; fraction: number; errors: number };
}

const JOB_FIELDS = 'id subjectId state error progress { doneUnits totalUnits fraction errors }';

/** The areas the demo caches: a country at low zooms and a city down to street level. */
const DEMO_AREAS = [
  { name: 'Kenya (z0-8)', bbox: [33.9, -4.7, 41.9, 5.0], minZoom: 0, maxZoom: 8 },
  { name: 'Nairobi (z0-14)', bbox: [36.75, -1.35, 36.95, -1.2], minZoom: 0, maxZoom: 14 },
];

export async function registerDemoSource(api: DemoApi, fixtureUrl: string): Promise<string> {
  const existing = await api.call<{ tileSources: { id: string; name: string }[] }>(
    '{ tileSources { id name } }',
  );
  const found = existing.tileSources.find((source) => source.name === 'demo-fixture');
  if (found) return found.id;
  const created = await api.call<{ registerTileSource: { id: string } }>(
    `mutation ($input: RegisterTileSourceInput!) { registerTileSource(input: $input) { id } }`,
    {
      input: {
        name: 'demo-fixture',
        urlTemplate: `${fixtureUrl}/basic/{z}/{x}/{y}.png`,
        format: 'PNG',
        minZoom: 0,
        maxZoom: 18,
        attribution: 'Natural Earth (fixture server)',
        maxConcurrentRequests: 32,
        maxRequestsPerSecond: 0,
      },
    },
  );
  return created.registerTileSource.id;
}

/** Estimates, caches and reports each demo area; returns the region ids, the city last. */
export async function runCachingDemo(
  api: DemoApi,
  sourceId: string,
  log: (line: string) => void,
): Promise<string[]> {
  const regionIds: string[] = [];
  for (const area of DEMO_AREAS) {
    const input = { sourceId, area: { bbox: area.bbox, minZoom: area.minZoom, maxZoom: area.maxZoom } };
    const { estimateCache: estimate } = await api.call<{
      estimateCache: {
        totalTiles: number;
        alreadyCached: number;
        estimatedDownloadBytes: number;
        exceedsLimit: boolean;
      };
    }>(
      `query ($input: EstimateCacheInput!) { estimateCache(input: $input) { totalTiles alreadyCached estimatedDownloadBytes exceedsLimit } }`,
      { input },
    );
    log(
      `estimate ${area.name}: ${estimate.totalTiles} tiles, ${estimate.alreadyCached} already cached, ` +
        `~${(estimate.estimatedDownloadBytes / 1e6).toFixed(1)} MB to download`,
    );
    const { createCacheRegion: job } = await api.call<{ createCacheRegion: JobView }>(
      `mutation ($input: CreateCacheRegionInput!) { createCacheRegion(input: $input) { ${JOB_FIELDS} } }`,
      { input: { name: area.name, sourceId, area: input.area } },
    );
    const finished = await followJob(api, job.id, (view) =>
      log(
        `  ${area.name}: ${view.progress.doneUnits}/${view.progress.totalUnits} tiles (${view.state.toLowerCase()})`,
      ),
    );
    if (finished.state !== 'COMPLETED')
      throw new Error(`${area.name} ended ${finished.state}: ${finished.error ?? ''}`);
    regionIds.push(job.subjectId);
  }
  return regionIds;
}

export async function printCacheStatistics(api: DemoApi, log: (line: string) => void): Promise<void> {
  const { cacheStats: stats } = await api.call<{
    cacheStats: {
      tiles: number;
      uniqueBlobs: number;
      storedBytes: number;
      logicalBytes: number;
      deduplicationRatio: number;
      emptyTiles: number;
      failedTiles: number;
      perZoom: { zoom: number; tiles: number; uniqueBlobs: number }[];
    };
  }>(
    '{ cacheStats { tiles uniqueBlobs storedBytes logicalBytes deduplicationRatio emptyTiles failedTiles perZoom { zoom tiles uniqueBlobs } } }',
  );
  log(
    `cache: ${stats.tiles} tiles in ${stats.uniqueBlobs} unique blobs, ${(stats.storedBytes / 1e6).toFixed(2)} MB stored ` +
      `for ${(stats.logicalBytes / 1e6).toFixed(2)} MB of tiles (de-duplication ${stats.deduplicationRatio.toFixed(2)}x), ` +
      `${stats.emptyTiles} empty, ${stats.failedTiles} failed`,
  );
  for (const zoom of stats.perZoom) log(`  z${zoom.zoom}: ${zoom.tiles} tiles, ${zoom.uniqueBlobs} unique`);
}

/** Reads a few tiles back through the gateway and checks them against the upstream's bytes. */
export async function verifyServedTiles(
  api: DemoApi,
  sourceId: string,
  fixtureUrl: string,
  log: (line: string) => void,
): Promise<void> {
  // Nairobi city centre at three zooms: inside both demo areas.
  for (const { z, x, y } of [0, 8, 14].map((zoom) => lonLatToTile(36.82, -1.28, zoom))) {
    const served = await api.getTile(sourceId, z, x, y);
    const upstream = Buffer.from(await (await fetch(`${fixtureUrl}/basic/${z}/${x}/${y}.png`)).arrayBuffer());
    const same = sha256(served) === sha256(upstream);
    if (!same) throw new Error(`tile ${z}/${x}/${y} served by the gateway differs from the upstream`);
    log(
      `tile ${z}/${x}/${y}: ${served.length} bytes, sha256 ${sha256(served).slice(0, 16)}... matches the upstream`,
    );
  }
}

async function followJob(api: DemoApi, id: string, report: (view: JobView) => void): Promise<JobView> {
  // milliseconds: the demo areas take seconds; give up after five minutes with the last state
  const deadline = Date.now() + 5 * 60_000;
  let lastReported = -1;
  for (;;) {
    const { job } = await api.call<{ job: JobView }>(`query ($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`, {
      id,
    });
    if (job.progress.doneUnits !== lastReported || ['COMPLETED', 'FAILED', 'CANCELLED'].includes(job.state)) {
      report(job);
      lastReported = job.progress.doneUnits;
    }
    if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(job.state)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.state} after 5 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
