import { Agent as HttpAgent } from 'node:http';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Agent } from 'undici';
import { bboxToGeometry, planCover, TileCoord } from '@map-offline/geo';
import { sampleProcessTree } from '../support/process-tree.sampler';
import { ContenderResult, startMachineMeter } from './contender-result';
import { createStackS3Client, ScratchBucket } from './scratch-bucket';
import type { SeedArea } from './seed-area';
import type { SeedRunContext } from './seed-run-context';

/**
 * The floor any seeder pays to S3: `concurrency` lanes in this process, each GETting the next tile from
 * the fixture (undici, keep-alive) and PUTting its bytes to a fresh bucket (@aws-sdk/client-s3, checksums
 * only when required), one object per tile. No index, no hashing, no de-duplication, no retries.
 */
export async function runRawFetchPut(
  context: SeedRunContext,
  area: SeedArea,
  concurrency: number,
): Promise<ContenderResult> {
  const tiles = [
    ...planCover(bboxToGeometry(area.bbox), { minZoom: area.minZoom, maxZoom: area.maxZoom }).tiles(),
  ];
  const origin = context.fixture.url;
  const upstream = new Agent({ connections: concurrency, pipelining: 1, keepAliveTimeout: 10_000 });
  // Sockets as many as lanes, so the SDK's default pool (50) does not cap the loop at concurrency 64.
  const s3 = createStackS3Client(context.stack.s3, {
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: concurrency }),
  });
  const bucket = await ScratchBucket.create(s3, 'raw');
  try {
    await context.fixture.resetStats();
    const fixtureCpuBefore = context.fixture.cpuMilliseconds();
    const sampler = sampleProcessTree(process.pid, { descendants: false });
    const stopMachineMeter = startMachineMeter();
    const cpuBefore = process.cpuUsage();
    const startedAt = Date.now();
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < tiles.length) {
        const tile = tiles[next];
        next += 1;
        const bytes = await fetchFixtureTile(upstream, origin, tile);
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket.name,
            Key: `tiles/${tile.z}/${tile.x}/${tile.y}.png`,
            Body: bytes,
            ContentLength: bytes.length,
            ContentType: 'image/png',
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, tiles.length) }, lane));
    const wallMs = Date.now() - startedAt;
    const cpu = process.cpuUsage(cpuBefore);
    const sample = sampler.stop();
    const machineBusyShare = stopMachineMeter();
    const fixtureCpuMs = context.fixture.cpuMilliseconds() - fixtureCpuBefore;
    const stats = await context.fixture.stats();
    return {
      upstreamRequests: stats.requests,
      upstreamBytes: stats.bytesSent,
      wallMs,
      peakRssBytes: sample.peakRssBytes,
      processes: 1,
      // microseconds -> milliseconds
      cpuMs: (cpu.user + cpu.system) / 1000,
      fixtureCpuMs,
      machineBusyShare,
      storedObjects: await bucket.countObjects(),
    };
  } finally {
    await upstream.close();
    await bucket.destroy();
    s3.destroy();
  }
}

/** One tile from the fixture's PNG style; anything but a 200 fails the run. */
export async function fetchFixtureTile(agent: Agent, origin: string, tile: TileCoord): Promise<Buffer> {
  const response = await agent.request({
    origin,
    path: `/basic/${tile.z}/${tile.x}/${tile.y}.png`,
    method: 'GET',
  });
  const bytes = Buffer.from(await response.body.arrayBuffer());
  if (response.statusCode !== 200)
    throw new Error(`fixture answered ${response.statusCode} for ${tile.z}/${tile.x}/${tile.y}`);
  return bytes;
}
