import { ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { FixtureTileStats } from '@map-offline/fixture-tiles';
import type { BBox } from '@map-offline/geo';
import type { BenchDefinition } from './support/bench-definition';
import { median } from './support/measure';
import { formatCount, printTable } from './support/table';

/**
 * `npm run bench -- fixture [--seconds 5] [--in-flight 64] [--connections 64] [--pipelining 1] [--clients 1]`
 *
 * Throughput of the fixture tile server (its own process, tiles prerendered, so every measured request
 * is a cache hit) against two bare node:http servers, each in its own process: one answers a constant
 * buffer of the tiles' mean size, the other the very same tiles from a Map (what a plain Node server
 * serving cached tiles costs). All are loaded by the same keep-alive client (undici Pool, handler
 * callbacks, no streams) in one or more client processes; runs alternate between the servers and the
 * figure is the median. This file holds the bench and the helper processes it forks (client, baselines).
 */
const TARGET_TILES_PER_SECOND = 15_000;
// A client process at or above this share of one core limits the figure, not the server.
const CLIENT_SATURATED_CORES = 0.9;
// Europe, the Mediterranean and some Atlantic at z4..z7: sea, land and coast tiles in both formats.
const TILE_AREA = { bbox: [-12, 34, 32, 62] as BBox, minZoom: 4, maxZoom: 7 };
const WARM_UP_MS = 1_000;
// milliseconds to prerender the area (a few seconds) and to start listening
const START_TIMEOUT_MS = 120_000;
// clock ticks per second of /proc/<pid>/stat CPU times (USER_HZ, 100 on Linux)
const CLOCK_TICKS_PER_SECOND = 100;

const CLIENT_FLAG = '--fixture-bench-client';
const BASELINE_FLAG = '--fixture-bench-baseline';

interface LoadSettings {
  origin: string;
  paths: string[];
  durationMs: number;
  inFlight: number;
  connections: number;
  pipelining: number;
}

interface LoadResult {
  /** 200 answers */
  responses: number;
  /** other statuses and transport errors */
  failures: number;
  bodyBytes: number;
  wallMs: number;
  /** CPU (user + system) of the client process during the run, milliseconds */
  cpuMs: number;
}

interface BenchOptions {
  durationMs: number;
  inFlight: number;
  connections: number;
  pipelining: number;
  clients: number;
}

// ---------------------------------------------------------------- client process

/**
 * Keeps `inFlight` requests outstanding until the duration is over: each lane sends its next request
 * when the previous one completes. The handler API avoids a stream and a promise per response.
 */
function runLoad(settings: LoadSettings): Promise<LoadResult> {
  const pool = new Pool(settings.origin, {
    connections: settings.connections,
    pipelining: settings.pipelining,
    keepAliveTimeout: 60_000,
  });
  const result: LoadResult = { responses: 0, failures: 0, bodyBytes: 0, wallMs: 0, cpuMs: 0 };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + settings.durationMs;
  let next = 0;
  return new Promise<LoadResult>((resolve) => {
    let lanesRunning = settings.inFlight;
    const laneDone = (): void => {
      lanesRunning -= 1;
      if (lanesRunning > 0) return;
      result.wallMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      result.cpuMs = (cpu.user + cpu.system) / 1000;
      void pool.close().then(() => resolve(result));
    };
    const send = (): void => {
      if (performance.now() >= deadline) {
        laneDone();
        return;
      }
      const path = settings.paths[next % settings.paths.length];
      next += 1;
      let status = 0;
      pool.dispatch(
        { origin: settings.origin, path, method: 'GET' },
        {
          onConnect: () => undefined,
          onHeaders: (statusCode) => {
            status = statusCode;
            return true;
          },
          onData: (chunk) => {
            result.bodyBytes += chunk.length;
            return true;
          },
          onComplete: () => {
            if (status === 200) result.responses += 1;
            else result.failures += 1;
            send();
          },
          onError: () => {
            result.failures += 1;
            send();
          },
        },
      );
    };
    for (let lane = 0; lane < settings.inFlight; lane += 1) send();
  });
}

function runClientProcess(): void {
  process.once('disconnect', () => process.exit(0));
  process.on('message', (settings: LoadSettings) => {
    runLoad(settings).then(
      (result) => process.send?.(result),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}

// ---------------------------------------------------------------- baseline server processes

/** What a baseline process serves: one constant body, or the fixture's own tiles copied into a Map. */
type BaselineBodies =
  { kind: 'constant'; bodyBytes: number } | { kind: 'tiles'; origin: string; paths: string[] };

/** The headers a fixture tile carries, so every server writes the same header block. */
function tileHeaders(contentType: string, body: Buffer, etag: string): string[] {
  return [
    'Content-Type',
    contentType,
    'Content-Length',
    String(body.length),
    'ETag',
    etag,
    'Cache-Control',
    'public, max-age=86400',
    'Access-Control-Allow-Origin',
    '*',
  ];
}

async function baselineAnswers(bodies: BaselineBodies): Promise<Map<string, [string[], Buffer]>> {
  const answers = new Map<string, [string[], Buffer]>();
  if (bodies.kind === 'constant') {
    const body = Buffer.alloc(bodies.bodyBytes, 0x5a);
    answers.set('', [tileHeaders('image/png', body, '"baselinebaselinebaselinebaseline"'), body]);
    return answers;
  }
  for (const path of bodies.paths) {
    const response = await fetch(`${bodies.origin}${path}`);
    const body = Buffer.from(await response.arrayBuffer());
    answers.set(path, [
      tileHeaders(response.headers.get('content-type') ?? '', body, response.headers.get('etag') ?? ''),
      body,
    ]);
  }
  return answers;
}

/** The plainest tile servers: no parsing, no counters, no faults; one Map lookup at most. */
function runBaselineProcess(): void {
  process.once('disconnect', () => process.exit(0));
  process.once('message', (bodies: BaselineBodies) => {
    void baselineAnswers(bodies).then((answers) => {
      const constant = bodies.kind === 'constant' ? answers.get('') : undefined;
      const notFound = Buffer.from('Not Found\n');
      const server = createServer((request, response) => {
        const answer = constant ?? answers.get(request.url ?? '');
        if (answer === undefined) {
          response.writeHead(404, ['Content-Length', String(notFound.length)]);
          response.end(notFound);
          return;
        }
        response.writeHead(200, answer[0]);
        response.end(answer[1]);
      });
      server.keepAliveTimeout = 65_000;
      server.listen(0, '127.0.0.1', () => {
        process.send?.({ port: (server.address() as AddressInfo).port });
      });
    });
  });
}

// ---------------------------------------------------------------- orchestration

interface ServerUnderTest {
  name: string;
  origin: string;
  pid: number;
  bodyBytes: string;
  stop(): Promise<void>;
}

interface RunFigure {
  /** 200 answers the clients received */
  responses: number;
  tilesPerSecond: number;
  clientCores: number;
  /** highest share of a core any one client process used */
  busiestClientCores: number;
  serverCores: number;
}

function parseOptions(args: string[]): BenchOptions {
  const options: BenchOptions = {
    durationMs: 5_000,
    inFlight: 64,
    connections: 64,
    pipelining: 1,
    clients: 1,
  };
  for (let index = 0; index < args.length; index += 2) {
    const value = Number(args[index + 1]);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${args[index]} needs a positive number`);
    switch (args[index]) {
      case '--seconds':
        options.durationMs = value * 1000;
        break;
      case '--in-flight':
        options.inFlight = value;
        break;
      case '--connections':
        options.connections = value;
        break;
      case '--pipelining':
        options.pipelining = value;
        break;
      case '--clients':
        options.clients = value;
        break;
      default:
        throw new Error(`unknown option ${args[index]}`);
    }
  }
  if (options.inFlight % options.clients !== 0 || options.connections % options.clients !== 0)
    throw new Error('--in-flight and --connections must divide evenly among --clients');
  return options;
}

/** CPU (user + system) a process has used so far, milliseconds, from Linux /proc; NaN elsewhere. */
function processCpuMs(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name's closing parenthesis: utime and stime are the 12th and 13th.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

function waitForMessage<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`${what} exited (${code}) early`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as T);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function startFixture(): Promise<ServerUnderTest> {
  const entry = join(__dirname, '..', 'apps', 'fixture-tiles', 'src', 'main.js');
  const child = spawn(process.execPath, [entry], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      FIXTURE_TILES_PORT: '0',
      FIXTURE_TILES_MAX_ZOOM: String(TILE_AREA.maxZoom),
      FIXTURE_TILES_PRERENDER_ZOOMS: `${TILE_AREA.minZoom}-${TILE_AREA.maxZoom}`,
      FIXTURE_TILES_PRERENDER_BBOX: TILE_AREA.bbox.join(','),
    },
  });
  const origin = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`fixture not listening:\n${output}`)), START_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`fixture exited (${code}):\n${output}`)));
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const found = /listening on (http:\/\/[\d.]+:\d+)(?: \(prerendered in (\d+) ms\))?/.exec(output);
      if (found === null) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      // Keep draining its output so a full pipe never blocks it.
      child.stdout.resume();
      console.log(`fixture tile server ${found[1]}, prerendered in ${found[2] ?? '?'} ms`);
      resolve(found[1]);
    };
    child.stdout.on('data', onData);
  });
  return {
    name: 'fixture tile server',
    origin,
    pid: child.pid as number,
    bodyBytes: '',
    stop: () => stopChild(child),
  };
}

async function startBaseline(
  name: string,
  bodies: BaselineBodies,
  bodyBytes: string,
): Promise<ServerUnderTest> {
  const child = fork(__filename, [BASELINE_FLAG]);
  const ready = waitForMessage<{ port: number }>(child, name);
  child.send(bodies);
  const { port } = await ready;
  return {
    name,
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    bodyBytes,
    stop: () => stopChild(child),
  };
}

async function fixtureStats(origin: string): Promise<FixtureTileStats> {
  return (await (await fetch(`${origin}/__stats`)).json()) as FixtureTileStats;
}

/** One timed load from every client process at once. */
async function loadOnce(
  clients: ChildProcess[],
  server: ServerUnderTest,
  paths: string[],
  options: BenchOptions,
  durationMs: number,
): Promise<RunFigure> {
  const serverCpuBefore = processCpuMs(server.pid);
  const started = performance.now();
  const results = await Promise.all(
    clients.map((client, index) => {
      const answer = waitForMessage<LoadResult>(client, 'load client');
      const settings: LoadSettings = {
        origin: server.origin,
        // Each client starts at another place in the list, so they do not ask for the same tile in step.
        paths: [...paths.slice(index * 7), ...paths.slice(0, index * 7)],
        durationMs,
        inFlight: options.inFlight / clients.length,
        connections: options.connections / clients.length,
        pipelining: options.pipelining,
      };
      client.send(settings);
      return answer;
    }),
  );
  const wallMs = performance.now() - started;
  const serverCores = (processCpuMs(server.pid) - serverCpuBefore) / wallMs;
  const failures = results.reduce((sum, result) => sum + result.failures, 0);
  if (failures > 0) throw new Error(`${server.name}: ${failures} requests failed`);
  const responses = results.reduce((sum, result) => sum + result.responses, 0);
  const clientWallMs = Math.max(...results.map((result) => result.wallMs));
  return {
    responses,
    tilesPerSecond: (responses / clientWallMs) * 1000,
    clientCores: results.reduce((sum, result) => sum + result.cpuMs, 0) / clientWallMs,
    busiestClientCores: Math.max(...results.map((result) => result.cpuMs / result.wallMs)),
    serverCores,
  };
}

async function measureFixtureRun(
  clients: ChildProcess[],
  server: ServerUnderTest,
  paths: string[],
  options: BenchOptions,
): Promise<RunFigure> {
  const before = await fixtureStats(server.origin);
  const figure = await loadOnce(clients, server, paths, options, options.durationMs);
  const after = await fixtureStats(server.origin);
  // Every measured answer must be a cached tile: nothing rendered, and the server counted what we did.
  if (after.rendered !== before.rendered) {
    throw new Error(`the fixture rendered ${after.rendered - before.rendered} tiles during a measured run`);
  }
  const served = (after.byStatus['200'] ?? 0) - (before.byStatus['200'] ?? 0);
  if (served !== figure.responses) {
    throw new Error(`the fixture counted ${served} answers, the clients ${figure.responses}`);
  }
  return figure;
}

function formatCores(value: number): string {
  return Number.isNaN(value) ? 'n/a' : value.toFixed(2);
}

async function runBench(runs: number, args: string[]): Promise<void> {
  const options = parseOptions(args);
  console.log(
    `${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}; ${options.clients} client process(es), ` +
      `${options.inFlight} requests in flight over ${options.connections} connections ` +
      `(pipelining ${options.pipelining}), ${options.durationMs / 1000} s per run`,
  );
  // Loaded here, not at the top: the forked client and baseline processes need none of the fixture's code.
  const { tilesInBBox } = await import('@map-offline/fixture-tiles');
  const tiles = tilesInBBox(TILE_AREA.bbox, TILE_AREA.minZoom, TILE_AREA.maxZoom);
  const paths = tiles.flatMap((tile) =>
    ['png', 'mvt'].map((format) => `/basic/${tile.z}/${tile.x}/${tile.y}.${format}`),
  );

  const fixture = await startFixture();
  const servers: ServerUnderTest[] = [fixture];
  const clients: ChildProcess[] = [];
  try {
    // Every path once: all must be cached 200s; their mean size is the baseline's body size.
    let totalBytes = 0;
    for (const path of paths) {
      const response = await fetch(`${fixture.origin}${path}`);
      if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}`);
      totalBytes += (await response.arrayBuffer()).byteLength;
    }
    const meanBytes = Math.round(totalBytes / paths.length);
    fixture.bodyBytes = `${formatCount(meanBytes)} mean`;
    console.log(
      `tile set: ${formatCount(paths.length)} tiles (${tiles.length} PNG + ${tiles.length} MVT, z${TILE_AREA.minZoom}-z${TILE_AREA.maxZoom} ` +
        `over ${TILE_AREA.bbox.join(',')}), ${formatCount(meanBytes)} bytes mean\n`,
    );
    const baseline = await startBaseline(
      'node:http, constant body',
      { kind: 'constant', bodyBytes: meanBytes },
      formatCount(meanBytes),
    );
    servers.push(baseline);
    // The same tiles from a Map in a bare server: what a plain Node server serving cached tiles costs.
    servers.push(
      await startBaseline(
        'node:http, same tiles from a Map',
        { kind: 'tiles', origin: fixture.origin, paths },
        `${formatCount(meanBytes)} mean`,
      ),
    );
    for (let index = 0; index < options.clients; index += 1) clients.push(fork(__filename, [CLIENT_FLAG]));

    for (const server of servers) await loadOnce(clients, server, paths, options, WARM_UP_MS);
    const figures = new Map<ServerUnderTest, RunFigure[]>(servers.map((server) => [server, []]));
    for (let run = 0; run < runs; run += 1) {
      // Every other run goes in reverse order, so a drift in the machine's load hits every server alike.
      const order = run % 2 === 0 ? servers : [...servers].reverse();
      for (const server of order) {
        const figure =
          server === fixture
            ? await measureFixtureRun(clients, server, paths, options)
            : await loadOnce(clients, server, paths, options, options.durationMs);
        figures.get(server)?.push(figure);
      }
    }

    const medianOf = (server: ServerUnderTest, pick: (figure: RunFigure) => number): number =>
      median((figures.get(server) ?? []).map(pick));
    const tilesPerCpuSecond = (figure: RunFigure): number => figure.tilesPerSecond / figure.serverCores;
    const fixtureRate = medianOf(fixture, (figure) => figure.tilesPerSecond);
    printTable(
      [
        { header: 'server', align: 'left' },
        { header: 'body bytes' },
        ...Array.from({ length: runs }, (_, run) => ({ header: `run ${run + 1}` })),
        { header: 'median tiles/s' },
        { header: 'client cores' },
        { header: 'server cores' },
        { header: 'tiles per server CPU-s' },
      ],
      servers.map((server) => [
        server.name,
        server.bodyBytes,
        ...(figures.get(server) ?? []).map((figure) => formatCount(figure.tilesPerSecond)),
        formatCount(medianOf(server, (figure) => figure.tilesPerSecond)),
        formatCores(medianOf(server, (figure) => figure.clientCores)),
        formatCores(medianOf(server, (figure) => figure.serverCores)),
        formatCount(medianOf(server, tilesPerCpuSecond)),
      ]),
    );
    console.log('');
    for (const server of servers.filter((candidate) => candidate !== fixture)) {
      console.log(
        `fixture / ${server.name}: ` +
          `tiles/s ${(fixtureRate / medianOf(server, (figure) => figure.tilesPerSecond)).toFixed(2)}, ` +
          `tiles per server CPU-s ${(medianOf(fixture, tilesPerCpuSecond) / medianOf(server, tilesPerCpuSecond)).toFixed(2)}`,
      );
    }
    console.log(
      `(cores = CPU seconds per wall second, medians; tiles per server CPU-s is the server's cost per tile,\n` +
        `which other load on the machine disturbs less than tiles/s; load average now ${loadavg()[0].toFixed(1)})`,
    );
    const busiest = Math.max(
      ...servers.flatMap((server) => (figures.get(server) ?? []).map((figure) => figure.busiestClientCores)),
    );
    if (busiest >= CLIENT_SATURATED_CORES) {
      console.log(
        `a client process used ${busiest.toFixed(2)} of a core: the client limits these figures ` +
          '(try --pipelining 4, or --clients 2)',
      );
    }
    console.log(
      `target: at least ${formatCount(TARGET_TILES_PER_SECOND)} tiles/s: ${formatCount(fixtureRate)}, ` +
        `${fixtureRate >= TARGET_TILES_PER_SECOND ? 'met' : 'MISSED'}`,
    );
  } finally {
    await Promise.all(clients.map((client) => stopChild(client)));
    await Promise.all(servers.map((server) => server.stop()));
  }
}

export const bench: BenchDefinition = {
  description:
    'fixture tile server throughput (own process, cached tiles) vs a bare node:http server, keep-alive client',
  defaultRuns: 3,
  run: ({ runs, args }) => runBench(runs, args),
};

if (process.argv[2] === CLIENT_FLAG) runClientProcess();
if (process.argv[2] === BASELINE_FLAG) runBaselineProcess();
