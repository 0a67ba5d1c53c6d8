// Throughput of the upstream client against the fixture tile server (a measurement, not a test).
//   npx tsc -p libs/upstream/bench/tsconfig.bench.json && npx tsc-alias -p libs/upstream/bench/tsconfig.bench.json
//   node dist/upstream-bench/libs/upstream/bench/measure-upstream-throughput.js [tiles]
// The fixture server runs in a child process (its own core), as a real upstream would be elsewhere.
// Each run fetches the tiles in batches of 250, four batches at a time, as the seeder does.
import { ChildProcess, fork } from 'node:child_process';
import type { TileCoord } from '@map-offline/geo';
import { Agent } from 'undici';
import { createUpstreamTileClient, UpstreamTileClient, UpstreamTileSource } from '@map-offline/upstream';

const BATCH_SIZE = 250;
const BATCHES_AT_ONCE = 4;
const ZOOM = 8;
// runs per setting; the median run is reported, with the range
const REPEATS = 3;

interface RunResult {
  label: string;
  concurrency: number;
  latencyMs: number;
  tiles: number;
  seconds: number;
  tilesPerSecond: number;
  /** concurrency / latency, tiles per second; Infinity at 0 ms */
  bound: number;
  failed: number;
  medianLatencyMs: number;
  meanLatencyMs: number;
  p99LatencyMs: number;
  cpuPercent: number;
}

async function serve(): Promise<void> {
  // Loaded here only, so sharp and the world geometry do not count towards the client's RSS.
  const { startFixtureTileServer } = await import('@map-offline/fixture-tiles');
  const server = await startFixtureTileServer({ resolution: '110m', maxZoom: 12 });
  process.send?.({ url: server.url, template: server.templates.png });
  process.on('disconnect', () => {
    void server.close().then(() => process.exit(0));
  });
}

function startServerProcess(): Promise<{ child: ChildProcess; url: string; template: string }> {
  const child = fork(__filename, ['serve'], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { url: string; template: string }) => resolve({ child, ...message }));
    child.once('exit', (code) => reject(new Error(`fixture server exited with ${code}`)));
  });
}

async function setLatency(url: string, latencyMs: number): Promise<void> {
  const response = await fetch(`${url}/__faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ latencyMs }),
  });
  if (!response.ok) throw new Error(`setting faults failed: HTTP ${response.status}`);
}

function tilesToFetch(count: number): TileCoord[] {
  const side = 2 ** ZOOM;
  return Array.from({ length: count }, (_, index) => ({
    z: ZOOM,
    x: index % side,
    y: Math.floor(index / side) % side,
  }));
}

async function fetchAll(client: UpstreamTileClient, source: UpstreamTileSource, tiles: TileCoord[]) {
  const batches: TileCoord[][] = [];
  for (let start = 0; start < tiles.length; start += BATCH_SIZE)
    batches.push(tiles.slice(start, start + BATCH_SIZE));
  let next = 0;
  let failed = 0;
  const latencies: number[] = [];
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next];
      next += 1;
      const { results, statistics } = await client.fetchTiles(source, batch);
      failed += results.filter((result) => result.outcome === 'FAILED').length;
      latencies.push(...statistics.latencyMilliseconds);
    }
  };
  await Promise.all(Array.from({ length: BATCHES_AT_ONCE }, worker));
  latencies.sort((left, right) => left - right);
  const sum = latencies.reduce((total, latency) => total + latency, 0);
  return {
    failed,
    medianLatencyMs: latencies[Math.floor(latencies.length / 2)] ?? 0,
    meanLatencyMs: sum / Math.max(1, latencies.length),
    p99LatencyMs: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
  };
}

async function measure(
  client: UpstreamTileClient,
  template: string,
  tiles: TileCoord[],
  concurrency: number,
  latencyMs: number,
): Promise<RunResult> {
  const source: UpstreamTileSource = {
    id: `bench-${concurrency}-${latencyMs}`,
    urlTemplate: template,
    scheme: 'xyz',
    format: 'png',
    maxConcurrentRequests: concurrency,
  };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const { failed, medianLatencyMs, meanLatencyMs, p99LatencyMs } = await fetchAll(client, source, tiles);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const bound = latencyMs === 0 ? Number.POSITIVE_INFINITY : (concurrency * 1000) / latencyMs;
  return {
    label: `concurrency ${concurrency}, latency ${latencyMs} ms`,
    concurrency,
    latencyMs,
    tiles: tiles.length,
    seconds,
    tilesPerSecond: tiles.length / seconds,
    bound,
    failed,
    medianLatencyMs,
    meanLatencyMs,
    p99LatencyMs,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100,
  };
}

/**
 * The floor this server and machine allow: bare undici request() loops with the same concurrency and
 * no politeness, retries or checks. The client is judged against the latency bound and against this.
 */
async function measureBareUndici(url: string, tiles: TileCoord[], concurrency: number): Promise<number> {
  const agent = new Agent({ connections: 128, pipelining: 1 });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tiles.length) {
        const tile = tiles[next];
        next += 1;
        const { body } = await agent.request({
          origin: url,
          path: `/basic/${tile.z}/${tile.x}/${tile.y}.png`,
          method: 'GET',
        });
        await body.arrayBuffer();
      }
    }),
  );
  const tilesPerSecond = tiles.length / ((performance.now() - started) / 1000);
  await agent.close();
  return tilesPerSecond;
}

function median<T>(runs: T[], value: (run: T) => number): T {
  return [...runs].sort((left, right) => value(left) - value(right))[Math.floor(runs.length / 2)];
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 5000);
  const { child, url, template } = await startServerProcess();
  const client = createUpstreamTileClient();
  const tiles = tilesToFetch(count);
  try {
    // Warm-up: the fixture renders each tile once and then serves it from memory.
    await setLatency(url, 0);
    await measure(client, template, tiles, 64, 0);
    for (const [concurrency, latencyMs] of [
      [32, 20],
      [64, 20],
      [32, 0],
      [64, 0],
    ]) {
      await setLatency(url, latencyMs);
      const runs: RunResult[] = [];
      const bare: number[] = [];
      for (let repeat = 0; repeat < REPEATS; repeat += 1) {
        runs.push(await measure(client, template, tiles, concurrency, latencyMs));
        bare.push(await measureBareUndici(url, tiles, concurrency));
      }
      const result = median(runs, (run) => run.tilesPerSecond);
      const bareMedian = median(bare, (value) => value);
      const range = runs.map((run) => run.tilesPerSecond.toFixed(0)).join(', ');
      const share = Number.isFinite(result.bound)
        ? ` = ${((result.tilesPerSecond / result.bound) * 100).toFixed(1)} % of the bound ${result.bound.toFixed(0)}/s`
        : '';
      process.stdout.write(
        `${result.label}: ${result.tilesPerSecond.toFixed(0)} tiles/s (runs ${range})${share}; ` +
          `bare undici loop ${bareMedian.toFixed(0)}/s, client at ${((result.tilesPerSecond / bareMedian) * 100).toFixed(0)} % of it; ` +
          `request median ${result.medianLatencyMs.toFixed(1)} / mean ${result.meanLatencyMs.toFixed(1)} / p99 ${result.p99LatencyMs.toFixed(1)} ms, ` +
          `mean in flight ${((result.tilesPerSecond * result.meanLatencyMs) / 1000).toFixed(1)}, client CPU ${result.cpuPercent.toFixed(0)} %, failed ${result.failed}\n`,
      );
    }
    // maxRSS is in kibibytes
    process.stdout.write(
      `peak RSS of the client process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`,
    );
  } finally {
    await client.close();
    child.disconnect();
  }
}

if (process.argv[2] === 'serve') {
  serve().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
