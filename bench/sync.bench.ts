import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { Pool } from 'undici';
import { DataSource } from 'typeorm';
import {
  DEVELOPMENT_ISSUER,
  loadOrCreateDevelopmentSigningKey,
  signDevelopmentToken,
} from '@map-offline/auth';
import type { Geometry } from 'geojson';
import {
  Change,
  JsonValue,
  DeleteRule,
  FeatureState,
  FieldDevice,
  FieldPolicy,
  FunctionClock,
  SeededRandom,
  applyChange,
} from '@map-offline/crdt';
import { dataSourceOptions } from '@map-offline/entities';
import type { BenchContext, BenchDefinition } from './support/bench-definition';
import { median } from './support/measure';
import { deleteQueueKeys } from './support/queue-keys';
import { formatCount, formatRatio, printTable } from './support/table';

/**
 * `npm run bench -- sync [--runs N] [--changes 50000] [--devices 20] [--features 5000] [--batch 100]
 * [--concurrency 8]`: offline edit batches through GraphQL, PostgreSQL and the queue, end to end.
 *
 * The gateway and the sync-merger run as their own processes (from dist) against a fresh database.
 * Each run pushes every batch into a new layer (same feature ids, so the runs are alike) with
 * `concurrency` batches in flight; a batch's latency is from the start of its pushChanges call to the
 * answer of syncResult(waitSeconds) that reports it merged. The baseline writes the same change rows
 * with plain multi-row INSERTs (one statement per batch, same concurrency) into a table shaped like
 * the change log. Needs the local stack (`npm run stack:up`).
 */
const ROOT = path.resolve(__dirname, '..', '..');

interface Settings {
  changes: number;
  devices: number;
  features: number;
  batchSize: number;
  concurrency: number;
}

interface Batch {
  deviceId: string;
  changes: Change[];
}

interface PreparedBatch {
  batchId: string;
  token: string;
  pushBody: string;
  resultBody: string;
}

interface RunFigures {
  changesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  outcomes: Record<string, number>;
}

export const bench: BenchDefinition = {
  description: 'offline edit sync: batches through GraphQL + queue + merge vs plain multi-row INSERTs',
  defaultRuns: 3,
  run: runBench,
};

async function runBench(context: BenchContext): Promise<void> {
  const settings = parseSettings(context.args);
  const baseUrl = process.env.DATABASE_URL ?? 'postgres://mapoffline:mapoffline@127.0.0.1:55432/mapoffline';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:56379';
  console.log(
    `${formatCount(settings.changes)} changes from ${settings.devices} devices over ${formatCount(settings.features)} features, ` +
      `batches of ${settings.batchSize}, ${settings.concurrency} batches in flight`,
  );
  const started = performance.now();
  const batches = generateWorkload(settings, 20_261_122);
  console.log(`workload generated in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

  const database = await createBenchDatabase(baseUrl);
  const apps: ChildProcess[] = [];
  const queuePrefix = `{bsync${randomBytes(4).toString('hex')}}`;
  let api: BenchApi | undefined;
  try {
    const gatewayPort = await freePort();
    // Production mode, as deployed (docker/Dockerfile, k8s): libraries take their production paths
    // (graphql-js skips its development-only instanceof checks on every input value). Production refuses
    // development signing keys, so the key the bench signs with is given as a static public key.
    const signingKey = await loadOrCreateDevelopmentSigningKey();
    const env: Record<string, string> = {
      ...stringEnv(process.env),
      NODE_ENV: 'production',
      AUTH_ISSUER: DEVELOPMENT_ISSUER,
      AUTH_PUBLIC_KEYS: JSON.stringify({ keys: [signingKey.publicJwk] }),
      STORAGE_URL_SIGNING_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: queuePrefix,
      GATEWAY_PORT: String(gatewayPort),
      RATE_LIMIT_REQUESTS_PER_MINUTE: '1000000',
    };
    apps.push(startApp('gateway', { ...env, HEALTH_PORT: String(await freePort()) }));
    const mergerHealth = await freePort();
    apps.push(startApp('sync-merger', { ...env, HEALTH_PORT: String(mergerHealth) }));
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    await waitUntilReady(apps[0], `${gatewayUrl}/readyz`);
    await waitUntilReady(apps[1], `http://127.0.0.1:${mergerHealth}/readyz`);
    const tokens = new Map<string, string>();
    for (let device = 0; device < settings.devices; device += 1) {
      const deviceId = deviceName(device);
      tokens.set(
        deviceId,
        await signDevelopmentToken({
          organisationId: 'bench',
          scopes: ['sync:read', 'sync:write'],
          subject: deviceId,
        }),
      );
    }
    // Each batch in flight holds one request at a time (its push, then its result wait).
    api = new BenchApi(gatewayUrl, tokens, settings.concurrency);

    // Warm-up: JIT, connection pools and the first pages of every index.
    await pushAll(api, await api.createLayer('warm-up'), batches.slice(0, 40), settings.concurrency);

    const ours: RunFigures[] = [];
    const baseline: number[] = [];
    const cpuLines: string[] = [];
    for (let run = 0; run < context.runs; run += 1) {
      const layerId = await api.createLayer(`run-${run}`);
      const cpu = await CpuMeter.start(database.url, { gateway: apps[0].pid, 'sync-merger': apps[1].pid });
      ours.push(await pushAll(api, layerId, batches, settings.concurrency));
      cpuLines.push(`run ${run + 1}: ${cpu.stop(settings.changes)}`);
      baseline.push(await insertBaseline(database.url, batches, settings.concurrency));
      const last = ours[ours.length - 1];
      console.log(
        `run ${run + 1}: ${formatCount(last.changesPerSecond)} changes/s, batch p50 ${last.p50Ms.toFixed(0)} ms, ` +
          `p99 ${last.p99Ms.toFixed(0)} ms, max ${last.maxMs.toFixed(0)} ms; baseline ${formatCount(baseline[baseline.length - 1])} rows/s; ` +
          `outcomes ${JSON.stringify(last.outcomes)}`,
      );
    }
    console.log(`\nCPU milliseconds per 1,000 changes (load average then ${loadavg()[0].toFixed(1)}):`);
    for (const line of cpuLines) console.log(`  ${line}`);
    console.log(
      `\nmerge phases (mean per merge transaction, all runs; claim and commit per job): ${await mergePhases(mergerHealth)}`,
    );
    const oursRate = median(ours.map((figures) => figures.changesPerSecond));
    const baselineRate = median(baseline);
    console.log('');
    printTable(
      [{ header: 'figure (median of runs)', align: 'left' }, { header: 'value' }, { header: 'target' }],
      [
        ['end to end, changes/s', formatCount(oursRate), '>= 5,000'],
        ['100-change batch p50, ms', median(ours.map((figures) => figures.p50Ms)).toFixed(0), ''],
        ['100-change batch p99, ms', median(ours.map((figures) => figures.p99Ms)).toFixed(0), '< 250'],
        ['baseline multi-row INSERT, rows/s', formatCount(baselineRate), ''],
        ['baseline speed / end-to-end speed', formatRatio(baselineRate, oursRate), ''],
      ],
    );
  } finally {
    await api?.close();
    await Promise.all(apps.map(stopApp));
    await deleteQueueKeys(redisUrl, queuePrefix);
    // SYNC_BENCH_KEEP_DATABASE=1 leaves the database for inspection (its name is printed).
    if (process.env.SYNC_BENCH_KEEP_DATABASE === '1') console.log(`kept database ${database.url}`);
    else await database.drop();
  }
}

/** Pushes every batch with `concurrency` in flight and waits for each merge. */
async function pushAll(
  api: BenchApi,
  layerId: string,
  batches: readonly Batch[],
  concurrency: number,
): Promise<RunFigures> {
  const prepared = batches.map((batch) => api.prepare(layerId, batch));
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  let next = 0;
  let changes = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next];
      const request = prepared[next];
      next += 1;
      const pushedAt = performance.now();
      const result = await api.pushAndWait(request);
      latencies.push(performance.now() - pushedAt);
      changes += batch.changes.length;
      for (const [outcome, count] of Object.entries(result))
        outcomes[outcome] = (outcomes[outcome] ?? 0) + count;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    changesPerSecond: changes / seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1],
    outcomes,
  };
}

/** The same change rows, written with one multi-row INSERT per batch, `concurrency` at a time. */
async function insertBaseline(url: string, batches: readonly Batch[], concurrency: number): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  try {
    await clients[0].query(`DROP TABLE IF EXISTS baseline_change`);
    await clients[0].query(
      `CREATE TABLE baseline_change (LIKE feature_change INCLUDING DEFAULTS INCLUDING INDEXES)`,
    );
    const batchId = randomUUID();
    let next = 0;
    const started = performance.now();
    await Promise.all(
      clients.map(async (client) => {
        while (next < batches.length) {
          const batch = batches[next];
          next += 1;
          const values: unknown[] = [];
          const rows = batch.changes.map((change, index) => {
            const first = values.length;
            values.push(
              'bench',
              '00000000-0000-4000-8000-000000000000',
              change.featureId,
              batchId,
              index,
              change.deviceId,
              change.op,
              JSON.stringify(change.clock),
              change.hlc,
              JSON.stringify(change),
              'APPLIED',
            );
            return `(${Array.from({ length: 11 }, (_, offset) => `$${first + offset + 1}`).join(', ')})`;
          });
          await client.query(
            `INSERT INTO baseline_change (organisation_id, layer_id, feature_id, batch_id, change_index, device_id, op,
                                          clock, hlc, change, outcome) VALUES ${rows.join(', ')}`,
            values,
          );
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return batches.reduce((total, batch) => total + batch.changes.length, 0) / seconds;
  } finally {
    await clients[0].query(`DROP TABLE IF EXISTS baseline_change`);
    await Promise.all(clients.map((client) => client.end()));
  }
}

/**
 * Seeded: each device creates its share of the features, then edits: mostly its own features, a
 * fifth of the time another device's. Before editing another's feature it has synced half of the
 * time (its edit is then causally after what the server had); otherwise the edit is concurrent, and
 * merges or conflicts. Each device's changes are cut into batches in the order it made them.
 */
function generateWorkload(settings: Settings, seed: number): Batch[] {
  const random = new SeededRandom(seed);
  let wallTime = Date.now() - 3_600_000;
  const clock = new FunctionClock(() => wallTime);
  const devices = Array.from(
    { length: settings.devices },
    (_, index) => new FieldDevice(deviceName(index), clock),
  );
  const featureIds = Array.from({ length: settings.features }, (_, index) => featureName(index));
  const model = new Map<string, FeatureState>();
  const policy = { fields: FieldPolicy.AUTO_MERGE, deletes: DeleteRule.REVIEW };
  const perDevice = devices.map((): Change[] => []);
  const record = (device: number, change: Change): void => {
    perDevice[device].push(change);
    model.set(change.featureId, applyChange(model.get(change.featureId), change, policy).state);
  };
  featureIds.forEach((featureId, index) => {
    const device = index % settings.devices;
    wallTime += 1;
    record(
      device,
      devices[device].create(featureId, point(random), {
        name: pick(random, NAMES),
        height: random.integer(40),
      }),
    );
  });
  for (let made = settings.features; made < settings.changes; made += 1) {
    const device = random.integer(settings.devices);
    const own = random.chance(0.8);
    const featureIndex = own
      ? device + settings.devices * random.integer(Math.ceil(settings.features / settings.devices))
      : random.integer(settings.features);
    const featureId = featureIds[Math.min(featureIndex, settings.features - 1)];
    const state = model.get(featureId);
    if (!own && state !== undefined && random.chance(0.5))
      devices[device].learn(featureId, state.versionVector);
    wallTime += 1;
    const roll = random.next();
    const patch: { geometry?: Geometry; set?: Record<string, JsonValue> } =
      roll < 0.5
        ? { set: { height: random.integer(40) } }
        : roll < 0.8
          ? { set: { name: pick(random, NAMES), surveyed: random.chance(0.5) } }
          : { geometry: point(random) };
    record(device, devices[device].update(featureId, patch));
  }
  const batches: Batch[] = [];
  const chunks = perDevice.map((changes) => {
    const list: Change[][] = [];
    for (let offset = 0; offset < changes.length; offset += settings.batchSize) {
      list.push(changes.slice(offset, offset + settings.batchSize));
    }
    return list;
  });
  // Round robin over the devices, each device's batches in the order it made them.
  for (let round = 0; chunks.some((list) => round < list.length); round += 1) {
    chunks.forEach((list, device) => {
      if (round < list.length) batches.push({ deviceId: deviceName(device), changes: list[round] });
    });
  }
  return batches;
}

/**
 * The devices' side. Requests go through one undici Pool (keep-alive, a connection per request in
 * flight) rather than global fetch: fetch's WHATWG machinery cost the bench client about 32 ms of CPU
 * per 1,000 changes on the two cores it shares with what it measures.
 */
class BenchApi {
  private readonly pool: Pool;

  constructor(
    baseUrl: string,
    private readonly tokens: Map<string, string>,
    connections: number,
  ) {
    this.pool = new Pool(baseUrl, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  async createLayer(name: string): Promise<string> {
    const data = await this.call<{ createLayer: { id: string } }>(
      this.tokens.values().next().value ?? '',
      `mutation ($input: CreateLayerInput!) { createLayer(input: $input) { id } }`,
      {
        input: {
          name: `${name}-${randomBytes(3).toString('hex')}`,
          conflictPolicy: 'AUTO_MERGE',
          deleteRule: 'REVIEW',
        },
      },
    );
    return data.createLayer.id;
  }

  /**
   * The two request bodies of a batch, encoded before the clock starts: a device has its batch ready
   * when it reconnects, and the bench client shares the machine's two cores with what it measures.
   */
  prepare(layerId: string, batch: Batch): PreparedBatch {
    const batchId = randomUUID();
    const input = { layerId, deviceId: batch.deviceId, batchId, changes: batch.changes.map(toInput) };
    return {
      batchId,
      token: this.tokens.get(batch.deviceId) ?? '',
      pushBody: JSON.stringify({ query: PUSH, variables: { input } }),
      resultBody: JSON.stringify({ query: RESULT, variables: { batchId } }),
    };
  }

  /** Returns the outcome counts of the merged batch. */
  async pushAndWait(batch: PreparedBatch): Promise<Record<string, number>> {
    await this.send(batch.token, batch.pushBody);
    const data = await this.send<{ syncResult: { status: string; counts: Record<string, number> } }>(
      batch.token,
      batch.resultBody,
    );
    if (data.syncResult.status !== 'MERGED') {
      throw new Error(`batch ${batch.batchId} is ${data.syncResult.status}`);
    }
    return data.syncResult.counts;
  }

  private call<T>(token: string, query: string, variables: Record<string, unknown>): Promise<T> {
    return this.send<T>(token, JSON.stringify({ query, variables }));
  }

  private async send<T>(token: string, request: string): Promise<T> {
    const response = await this.pool.request({
      path: '/graphql',
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: request,
    });
    const body = (await response.body.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length || !body.data) {
      throw new Error(body.errors?.map((error) => error.message).join('; ') ?? `HTTP ${response.statusCode}`);
    }
    return body.data;
  }
}

const PUSH = `mutation ($input: PushChangesInput!) { pushChanges(input: $input) { id } }`;
const RESULT = `query ($batchId: ID!) { syncResult(batchId: $batchId, waitSeconds: 30) {
  status counts { applied merged conflict duplicate rejected } } }`;
const NAMES = ['acacia', 'baobab', 'cedar', 'fig', 'mango', 'neem', 'olive', 'pine'];

function toInput(change: Change): Record<string, unknown> {
  const input: Record<string, unknown> = {
    featureId: change.featureId,
    op: change.op,
    clock: change.clock,
    hlc: change.hlc,
  };
  if (change.geometry !== undefined) input.geometry = change.geometry;
  if (change.set !== undefined) input.set = change.set;
  if (change.unset !== undefined) input.unset = change.unset;
  if (change.baseClock !== undefined) input.baseClock = change.baseClock;
  return input;
}

function point(random: SeededRandom): { type: 'Point'; coordinates: number[] } {
  // Around Nairobi, to 6 decimals (about 0.1 m).
  const round = (value: number): number => Math.round(value * 1e6) / 1e6;
  return {
    type: 'Point',
    coordinates: [round(36.6 + random.next() * 0.4), round(-1.45 + random.next() * 0.3)],
  };
}

function pick<T>(random: SeededRandom, items: readonly T[]): T {
  return items[random.integer(items.length)];
}

function deviceName(index: number): string {
  return `tablet-${String(index).padStart(2, '0')}`;
}

function featureName(index: number): string {
  return `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
}

/** Mean milliseconds per merge phase, from the sync-merger's Prometheus histograms. */
async function mergePhases(healthPort: number): Promise<string> {
  const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
  const read = (suffix: string): Map<string, number> => {
    const values = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (!line.startsWith(`mapoffline_sync_merge_phase_duration_seconds_${suffix}{`)) continue;
      const phase = /phase="([^"]+)"/.exec(line)?.[1];
      if (phase !== undefined) values.set(phase, Number(line.slice(line.lastIndexOf(' ') + 1)));
    }
    return values;
  };
  const sums = read('sum');
  const counts = read('count');
  return [...sums]
    .map(
      ([phase, sum]) =>
        `${phase} ${((sum / (counts.get(phase) ?? 1)) * 1000).toFixed(1)} ms (${counts.get(phase) ?? 0})`,
    )
    .join(', ');
}

/** clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux) */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time each part of the system used during a run, from /proc (Linux): the machine is shared, so
 * wall-clock figures move with other people's work while CPU time per change mostly does not.
 * PostgreSQL is the backends connected to the bench database when the run starts.
 */
class CpuMeter {
  private constructor(
    private readonly pids: Map<string, number[]>,
    private readonly before: Map<number, number>,
    private readonly ownBefore: NodeJS.CpuUsage,
  ) {}

  static async start(url: string, apps: Record<string, number | undefined>): Promise<CpuMeter> {
    const client = new Client({ connectionString: url });
    await client.connect();
    let backends: number[];
    try {
      const rows = await client.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      backends = rows.rows.map((row) => row.pid);
    } finally {
      await client.end();
    }
    const pids = new Map<string, number[]>();
    for (const [name, pid] of Object.entries(apps)) if (pid !== undefined) pids.set(name, [pid]);
    pids.set('postgres', backends);
    const before = new Map([...pids.values()].flat().map((pid) => [pid, cpuMsOf(pid)]));
    return new CpuMeter(pids, before, process.cpuUsage());
  }

  /** One line: milliseconds of CPU per 1,000 changes for each part. */
  stop(changes: number): string {
    const perThousand = (ms: number): string => ((ms * 1000) / changes).toFixed(0);
    const parts = [...this.pids].map(([name, pids]) => {
      const used = pids.reduce(
        (sum, pid) => sum + Math.max(0, cpuMsOf(pid) - (this.before.get(pid) ?? 0)),
        0,
      );
      return `${name} ${perThousand(used)}`;
    });
    const own = process.cpuUsage(this.ownBefore);
    parts.push(`bench client ${perThousand((own.user + own.system) / 1000)}`);
    return parts.join(', ');
  }
}

/** user + system CPU milliseconds of a process; 0 once it is gone. */
function cpuMsOf(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime is field 14, stime 15.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

function parseSettings(args: readonly string[]): Settings {
  const settings: Settings = {
    changes: 50_000,
    devices: 20,
    features: 5_000,
    batchSize: 100,
    concurrency: 8,
  };
  const names: Record<string, keyof Settings> = {
    '--changes': 'changes',
    '--devices': 'devices',
    '--features': 'features',
    '--batch': 'batchSize',
    '--concurrency': 'concurrency',
  };
  for (let index = 0; index < args.length; index += 1) {
    const [flag, inline] = args[index].split('=');
    const key = names[flag];
    if (key === undefined) throw new Error(`unknown argument ${args[index]}`);
    const value = Number(inline ?? args[(index += 1)]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} must be a whole number >= 1`);
    settings[key] = value;
  }
  if (settings.features > settings.changes) throw new Error('--features must not exceed --changes');
  return settings;
}

async function createBenchDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `mapoffline_bench_sync_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(baseUrl, name);
  await adminQuery(baseUrl, `CREATE DATABASE ${name}`);
  const dataSource = new DataSource({ ...dataSourceOptions({ url, poolSize: 2 }), logging: ['error'] });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
  return { url, drop: () => adminQuery(baseUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function adminQuery(baseUrl: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(baseUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function startApp(name: string, env: Record<string, string>): ChildProcess {
  // SYNC_BENCH_PROFILE_DIR=<dir> writes a V8 CPU profile of each app there when it stops.
  const profile = process.env.SYNC_BENCH_PROFILE_DIR;
  const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const child = spawn(process.execPath, [...flags, path.join(ROOT, 'dist', 'apps', name, 'src', 'main.js')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function stopApp(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, 20_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitUntilReady(child: ChildProcess, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`a bench app exited with code ${child.exitCode} (its log is above)`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
