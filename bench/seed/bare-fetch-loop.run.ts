import { Agent } from 'undici';
import { bboxToGeometry, planCover } from '@map-offline/geo';
import { sampleProcessTree } from '../support/process-tree.sampler';
import { ContenderResult, startMachineMeter } from './contender-result';
import { fetchFixtureTile } from './raw-fetch-put.run';
import type { SeedArea } from './seed-area';
import type { SeedRunContext } from './seed-run-context';

/**
 * What this machine allows at a given latency: `concurrency` lanes in this process, each GETting the next
 * tile (undici, keep-alive) and dropping its bytes. Nothing is stored, so no seeder can beat it; at 20 ms
 * its distance from the latency bound is the cost of the round trip itself (wake-ups of idle processes,
 * the fixture's timers, the loopback), which the bound leaves out.
 */
export async function runBareFetchLoop(
  context: SeedRunContext,
  area: SeedArea,
  concurrency: number,
): Promise<ContenderResult> {
  const tiles = [
    ...planCover(bboxToGeometry(area.bbox), { minZoom: area.minZoom, maxZoom: area.maxZoom }).tiles(),
  ];
  const upstream = new Agent({ connections: concurrency, pipelining: 1, keepAliveTimeout: 10_000 });
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
        await fetchFixtureTile(upstream, context.fixture.url, tile);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, tiles.length) }, lane));
    const wallMs = Date.now() - startedAt;
    const cpu = process.cpuUsage(cpuBefore);
    const sample = sampler.stop();
    const stats = await context.fixture.stats();
    return {
      upstreamRequests: stats.requests,
      upstreamBytes: stats.bytesSent,
      wallMs,
      peakRssBytes: sample.peakRssBytes,
      processes: 1,
      // microseconds -> milliseconds
      cpuMs: (cpu.user + cpu.system) / 1000,
      fixtureCpuMs: context.fixture.cpuMilliseconds() - fixtureCpuBefore,
      machineBusyShare: stopMachineMeter(),
      storedObjects: 0,
    };
  } finally {
    await upstream.close();
  }
}
