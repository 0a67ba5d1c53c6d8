import { spawnSync, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { MultiPolygon, Polygon } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import {
  isSeaTile,
  writeMbtiles,
  writePmtiles,
  type PackageTile,
  type TilesetMetadataInput,
} from '@map-offline/formats';
import { latitudeToRow, longitudeToColumn, planCover, type BBox, type TileCoord } from '@map-offline/geo';
import type { PinnedTile } from '@map-offline/entities';
import { blobKeyForSha256, createObjectStorage, type ObjectStorage } from '@map-offline/storage';
import { BlobCache } from '../apps/packager/src/tiles/blob-cache';
import { packageTileStream } from '../apps/packager/src/tiles/package-tile.stream';
import { TileBodies } from '../apps/packager/src/tiles/tile-bodies';
import type { ExpectedTiles } from '../apps/packager/src/verify/expected-tiles';
import { verifyMbtiles } from '../apps/packager/src/verify/mbtiles-verifier';
import { verifyPmtiles } from '../apps/packager/src/verify/pmtiles-verifier';
import type { BenchDefinition } from './support/bench-definition';
import { median } from './support/measure';
import { formatBytes, formatCount, formatRatio, formatRate, printTable } from './support/table';

/**
 * `npm run bench -- package [--runs N] [--tiles N] [--memory N]`
 *
 * The packager's tile path (pages of the tile listing -> object reads with bounded concurrency and a body
 * cache -> MBTiles or PMTiles writer -> every tile read back and checked) over the filesystem storage
 * driver, against mb-util's way in the same run: python3 walks a z/x/y folder of the same tiles and
 * inserts them with sqlite3 into a flat MBTiles in one transaction with the TMS flip (mb-util's closing
 * ANALYZE + VACUUM is left out, which only makes the baseline faster).
 *
 * Data: the first --tiles (100,000) tiles of the Aegean [19.3, 34.7, 28.3, 41.8], zoom by zoom. Tiles that
 * touch land (Natural Earth 1:50m Greece, Turkey, Albania, North Macedonia, Bulgaria) get their own body
 * (1-7 KiB, incompressible like PNG); sea tiles share one body, as they do in real caches. Prepared once
 * into .data/bench/package-<version>/ (objects through the driver, the same bytes as files for python).
 *
 * Page cache: each measurement runs twice, `cold` (the data pages of its input files, the z/x/y folder for
 * the baseline, the storage root for ours, are dropped from the page cache first with posix_fadvise
 * DONTNEED: tiles on disk, as in a real cache; file metadata stays cached) and `warm` (every input file read
 * once first: tiles in memory). Leaving it to chance made the baseline swing from 2.8 s to 11 s in one run.
 * Rows: the `driver` rows are the targets (the packager's code and settings as deployed); two kinds of
 * experiment show where the rest of the time goes: the same driver with UV_USE_IO_URING=1 (a deployment
 * setting, see ChildRequest.ioUring), and `sync-read` (see ReadPath).
 * Each measurement runs in its own child process, so peak RSS belongs to that run alone.
 * --memory N: N synthetic tiles (a third sea, 64-byte land bodies) through the same path without disk
 * seeding (bodies are made per page), to check memory stays bounded (1,000,000 tiles under 500 MB RSS).
 */
const DATASET_VERSION = 'v2';
const AREA: BBox = [19.3, 34.7, 28.3, 41.8];
const LAND_COUNTRIES = ['Greece', 'Turkey', 'Albania', 'Macedonia', 'Bulgaria'];
const DEFAULT_TILES = 100_000;
const PAGE_SIZE = 2_000;
const READ_CONCURRENCY = 32;
/** bytes of repeated bodies kept in memory, as in the packager */
const BODY_CACHE_BYTES = 32 * 1024 * 1024;
const BODY_CACHE_MAX_ENTRY_BYTES = 64 * 1024;
/** Targets of the issue: how many times faster than the baseline each container must write. */
const TARGETS = { pmtiles: 2, mbtiles: 1.5 } as const;
const CONTAINERS = ['pmtiles', 'mbtiles'] as const;
type Container = (typeof CONTAINERS)[number];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const SEA_BODY = Buffer.concat([PNG_SIGNATURE, Buffer.alloc(95, 0x5a)]);

interface DatasetTile {
  z: number;
  x: number;
  y: number;
  sha256: string;
}

interface Dataset {
  directory: string;
  storageRoot: string;
  xyzRoot: string;
  listPath: string;
  tiles: number;
  uniqueBodies: number;
  minZoom: number;
  maxZoom: number;
}

/**
 * `driver`: the filesystem storage driver, as the packager uses it. `sync-read` (experiment): the same path
 * with each object read by one synchronous readFileSync, which no server should do; it shows what the
 * asynchronous reads (a thread-pool round trip per step of each file) cost on this 2-core machine.
 */
type ReadPath = 'driver' | 'sync-read' | 'synthetic';
type CacheState = 'cold' | 'warm';
const CACHE_STATES: readonly CacheState[] = ['cold', 'warm'];

interface ChildRequest {
  container: Container;
  readPath: ReadPath;
  directory: string;
  tiles: number;
  /**
   * Runs the child with UV_USE_IO_URING=1: libuv then submits file operations through io_uring instead of
   * its thread pool (Node 20 leaves it off by default; it is read when the event loop starts, so only the
   * environment of the process can turn it on). Off for every other child, whatever the bench's own env.
   */
  ioUring?: boolean;
}

interface ChildReport {
  writeMs: number;
  verifyMs: number;
  tiles: number;
  uniqueTiles: number;
  fileBytes: number;
  objectReads: number;
  peakRssBytes: number;
}

// ---------------------------------------------------------------------------------------------- data

function landGeometry(): MultiPolygon {
  const topology = JSON.parse(
    readFileSync(require.resolve('world-atlas/countries-50m.json'), 'utf8'),
  ) as Topology<{
    countries: GeometryCollection<{ name: string }>;
  }>;
  const polygons = feature(topology, topology.objects.countries)
    .features.filter((country) => LAND_COUNTRIES.includes(country.properties.name))
    .flatMap((country) => {
      const geometry = country.geometry as Polygon | MultiPolygon;
      return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    });
  return { type: 'MultiPolygon', coordinates: polygons };
}

/** The first `count` tiles of the area, zoom by zoom, column by column, each marked land or sea. */
function* areaTiles(count: number): Generator<{ tile: TileCoord; land: boolean }> {
  const land = landGeometry();
  const [west, south, east, north] = AREA;
  let produced = 0;
  for (let z = 0; produced < count; z += 1) {
    const columns = [longitudeToColumn(west, z), longitudeToColumn(east, z)];
    const rows = [latitudeToRow(north, z), latitudeToRow(south, z)];
    const landTiles = new Set<string>();
    for (const tile of planCover(land, { minZoom: z, maxZoom: z }).tilesAt(z)) {
      if (tile.x >= columns[0] && tile.x <= columns[1] && tile.y >= rows[0] && tile.y <= rows[1]) {
        landTiles.add(`${tile.x}/${tile.y}`);
      }
    }
    for (let x = columns[0]; x <= columns[1] && produced < count; x += 1) {
      for (let y = rows[0]; y <= rows[1] && produced < count; y += 1) {
        produced += 1;
        yield { tile: { z, x, y }, land: landTiles.has(`${x}/${y}`) };
      }
    }
  }
}

/** A deterministic, incompressible body of 1-7 KiB for a land tile (xorshift32 seeded by z/x/y). */
function landBody(tile: TileCoord): Buffer {
  let state =
    (Math.imul(tile.z + 1, 0x9e3779b1) ^
      Math.imul(tile.x + 1, 0x85ebca6b) ^
      Math.imul(tile.y + 1, 0xc2b2ae35)) >>>
      0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const body = Buffer.alloc(1024 + (next() % 6144));
  PNG_SIGNATURE.copy(body);
  for (let offset = PNG_SIGNATURE.length; offset + 4 <= body.length; offset += 4)
    body.writeUInt32LE(next(), offset);
  return body;
}

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function prepareDataset(count: number): Promise<Dataset> {
  const directory = resolve(__dirname, '..', '..', '.data', 'bench', `package-${DATASET_VERSION}-${count}`);
  const dataset: Dataset = {
    directory,
    storageRoot: join(directory, 'objects'),
    xyzRoot: join(directory, 'xyz'),
    listPath: join(directory, 'tiles.json'),
    tiles: 0,
    uniqueBodies: 0,
    minZoom: 0,
    maxZoom: 0,
  };
  const markerPath = join(directory, 'complete.json');
  if (existsSync(markerPath))
    return { ...dataset, ...(JSON.parse(readFileSync(markerPath, 'utf8')) as Partial<Dataset>) };

  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  const started = performance.now();
  const storage = benchStorage(dataset.storageRoot);
  const list: DatasetTile[] = [];
  const seeded = new Set<string>();
  const pending: Promise<unknown>[] = [];
  for (const { tile, land } of areaTiles(count)) {
    const bytes = land ? landBody(tile) : SEA_BODY;
    const sha256 = sha256Hex(bytes);
    list.push({ ...tile, sha256 });
    const folder = join(dataset.xyzRoot, String(tile.z), String(tile.x));
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `${tile.y}.png`), bytes);
    if (!seeded.has(sha256)) {
      seeded.add(sha256);
      pending.push(
        storage.putIfAbsent(blobKeyForSha256(sha256), bytes, { contentType: 'image/png', sha256 }),
      );
      // The driver fsyncs every object: a few writes in flight keep the disk busy without piling up memory.
      if (pending.length >= 16) await Promise.all(pending.splice(0));
    }
  }
  await Promise.all(pending);
  writeFileSync(dataset.listPath, JSON.stringify(list));
  const prepared = {
    tiles: list.length,
    uniqueBodies: seeded.size,
    minZoom: list[0].z,
    maxZoom: list[list.length - 1].z,
  };
  writeFileSync(markerPath, JSON.stringify(prepared));
  console.log(
    `prepared ${formatCount(list.length)} tiles (${formatCount(seeded.size)} distinct bodies) in ` +
      `${((performance.now() - started) / 1000).toFixed(0)} s under ${directory}\n`,
  );
  return { ...dataset, ...prepared };
}

function benchStorage(rootDirectory: string): ObjectStorage {
  return createObjectStorage({
    driver: 'filesystem',
    rootDirectory,
    publicBaseUrl: 'http://127.0.0.1:1',
    presignSecret: 'bench-presign-secret-of-at-least-32-bytes',
  });
}

// ------------------------------------------------------------------------------------------ baseline

/** mb-util's disk_to_mbtiles, its schema and pragmas; times itself from the first file to the commit. */
const MB_UTIL_BASELINE = `
import os, sqlite3, sys, time
source, output = sys.argv[1], sys.argv[2]
if os.path.exists(output):
    os.remove(output)
started = time.perf_counter()
connection = sqlite3.connect(output)
cursor = connection.cursor()
cursor.execute("PRAGMA synchronous=0")
cursor.execute("PRAGMA locking_mode=EXCLUSIVE")
cursor.execute("PRAGMA journal_mode=DELETE")
cursor.execute("create table tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)")
cursor.execute("create table metadata (name text, value text)")
cursor.execute("create unique index name on metadata (name)")
cursor.execute("create unique index tile_index on tiles (zoom_level, tile_column, tile_row)")
count = 0
for zoom in os.listdir(source):
    z = int(zoom)
    for column in os.listdir(os.path.join(source, zoom)):
        folder = os.path.join(source, zoom, column)
        for name in os.listdir(folder):
            with open(os.path.join(folder, name), "rb") as handle:
                data = handle.read()
            y = int(name.split(".")[0])
            cursor.execute("insert into tiles (zoom_level, tile_column, tile_row, tile_data) values (?, ?, ?, ?)",
                           (z, int(column), (2 ** z - 1) - y, sqlite3.Binary(data)))
            count += 1
connection.commit()
connection.close()
print(count, (time.perf_counter() - started) * 1000)
`;

function runBaseline(dataset: Dataset, output: string): number {
  const script = join(dataset.directory, 'mb-util-baseline.py');
  writeFileSync(script, MB_UTIL_BASELINE);
  const result = spawnSync('python3', [script, dataset.xyzRoot, output], { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`python3 baseline failed: ${result.stderr || result.error?.message}`);
  const [count, milliseconds] = result.stdout.trim().split(/\s+/).map(Number);
  if (count !== dataset.tiles) throw new Error(`the baseline wrote ${count} tiles, not ${dataset.tiles}`);
  return milliseconds;
}

/** Drops (`cold`) or loads (`warm`) the data pages of every file under `root`; python3 has posix_fadvise. */
const PAGE_CACHE_SCRIPT = `
import os, sys
state, root = sys.argv[1], sys.argv[2]
for folder, _, names in os.walk(root):
    for name in names:
        descriptor = os.open(os.path.join(folder, name), os.O_RDONLY)
        try:
            if state == "cold":
                os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
            else:
                while os.read(descriptor, 1 << 20):
                    pass
        finally:
            os.close(descriptor)
`;

function setPageCache(state: CacheState, root: string): void {
  const result = spawnSync('python3', ['-c', PAGE_CACHE_SCRIPT, state, root], { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`page cache (${state}) failed: ${result.stderr || result.error?.message}`);
}

// ------------------------------------------------------------------------------- packager (child)

/** The experiment: each object as one synchronous file read (blob keys need no escaping on disk). */
function syncReadStorage(root: string): Pick<ObjectStorage, 'get'> {
  return { get: (key) => Promise.resolve(readFileSync(join(root, key))) };
}

/** Memory mode: bodies are made per page and served once, so the harness holds no body index. */
class SyntheticPages {
  private readonly pending = new Map<string, Buffer>();

  constructor(private readonly count: number) {}

  /** Small land bodies (64 bytes): the check is about memory, not disk throughput. */
  static body(tile: TileCoord): Buffer {
    return isSeaTile(tile)
      ? SEA_BODY
      : Buffer.concat([PNG_SIGNATURE, Buffer.from(`land ${tile.z}/${tile.x}/${tile.y}`.padEnd(56))]);
  }

  async *pages(): AsyncGenerator<PinnedTile[]> {
    let page: PinnedTile[] = [];
    let produced = 0;
    for (let z = 0; produced < this.count; z += 1) {
      for (let x = 0; x < 2 ** z && produced < this.count; x += 1) {
        for (let y = 0; y < 2 ** z && produced < this.count; y += 1) {
          const bytes = SyntheticPages.body({ z, x, y });
          const sha256 = sha256Hex(bytes);
          this.pending.set(sha256, bytes);
          page.push({ z, x, y, sha256 });
          produced += 1;
          if (page.length === PAGE_SIZE) {
            yield page;
            page = [];
          }
        }
      }
    }
    if (page.length > 0) yield page;
  }

  storage(): Pick<ObjectStorage, 'get'> {
    return {
      get: (key) => {
        const sha256 = key.slice(key.lastIndexOf('/') + 1);
        const body = this.pending.get(sha256);
        if (body === undefined) return Promise.reject(new Error(`no body for ${key}`));
        if (body !== SEA_BODY) this.pending.delete(sha256);
        return Promise.resolve(body);
      },
    };
  }
}

function maxZoomOf(count: number): number {
  let total = 0;
  for (let z = 0; ; z += 1) {
    total += 4 ** z;
    if (total >= count) return z;
  }
}

async function runChild(request: ChildRequest): Promise<ChildReport> {
  const workspace = mkdtempSync(join(tmpdir(), 'package-bench-'));
  const output = join(workspace, `bench.${request.container}`);
  try {
    let pages: AsyncIterable<PinnedTile[]>;
    let storage: Pick<ObjectStorage, 'get'>;
    let expected: ExpectedTiles;
    let maxZoom: number;
    let bounds: BBox;
    if (request.readPath === 'synthetic') {
      const synthetic = new SyntheticPages(request.tiles);
      pages = synthetic.pages();
      storage = synthetic.storage();
      maxZoom = maxZoomOf(request.tiles);
      bounds = [-180, -85.0511287798066, 180, 85.0511287798066];
      expected = {
        count: request.tiles,
        hashes: (tiles) => Promise.resolve(tiles.map((tile) => sha256Hex(SyntheticPages.body(tile)))),
      };
    } else {
      const list = JSON.parse(readFileSync(join(request.directory, 'tiles.json'), 'utf8')) as DatasetTile[];
      const byKey = new Map(list.map((tile) => [`${tile.z}/${tile.x}/${tile.y}`, tile.sha256]));
      pages = (async function* () {
        for (let start = 0; start < list.length; start += PAGE_SIZE)
          yield list.slice(start, start + PAGE_SIZE);
      })();
      const root = join(request.directory, 'objects');
      storage = request.readPath === 'driver' ? benchStorage(root) : syncReadStorage(root);
      maxZoom = list[list.length - 1].z;
      bounds = AREA;
      expected = {
        count: list.length,
        hashes: (tiles) => Promise.resolve(tiles.map((tile) => byKey.get(`${tile.z}/${tile.x}/${tile.y}`))),
      };
    }
    const metadata: TilesetMetadataInput & { format: 'png' } = {
      name: 'package bench',
      format: 'png',
      bounds,
      minZoom: 0,
      maxZoom,
    };
    const bodies = new TileBodies(storage, new BlobCache(BODY_CACHE_BYTES, BODY_CACHE_MAX_ENTRY_BYTES));
    const tiles: AsyncIterable<PackageTile> = packageTileStream(pages, bodies, {
      concurrency: READ_CONCURRENCY,
    });
    // The two halves of the packager's buildTileset, timed apart: write (what the baseline does), then
    // read every tile back and compare (what only the packager does).
    const writeStarted = performance.now();
    const written =
      request.container === 'pmtiles'
        ? await writePmtiles(output, tiles, metadata, { temporaryDirectory: workspace })
        : await writeMbtiles(output, tiles, metadata);
    const writeMs = performance.now() - writeStarted;
    const verifyStarted = performance.now();
    const verified =
      request.container === 'pmtiles'
        ? await verifyPmtiles(output, expected, 'png')
        : await verifyMbtiles(output, expected, 'png');
    const verifyMs = performance.now() - verifyStarted;
    if (verified.tiles !== written.tileCount) throw new Error('verification read back another tile count');
    return {
      writeMs,
      verifyMs,
      tiles: written.tileCount,
      uniqueTiles: written.uniqueTileCount,
      fileBytes: written.bytes,
      objectReads: bodies.reads,
      // maxRSS is in kilobytes.
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

function inChild(request: ChildRequest): Promise<ChildReport> {
  return new Promise((resolvePromise, reject) => {
    const child = fork(__filename, ['--package-bench-child', JSON.stringify(request)], {
      env: { ...process.env, UV_USE_IO_URING: request.ioUring === true ? '1' : '0' },
    });
    child.once('message', (message) => resolvePromise(message as ChildReport));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`${request.container} child exited with ${code}`));
    });
  });
}

// ------------------------------------------------------------------------------------------ report

function option(args: string[], name: string): number | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = Number(args[index + 1] ?? Number.NaN);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a whole number`);
  return value;
}

async function memoryCheck(tiles: number, runs: number): Promise<void> {
  const rows: string[][] = [];
  for (const container of CONTAINERS) {
    const reports: ChildReport[] = [];
    for (let run = 0; run < runs; run += 1) {
      reports.push(await inChild({ container, readPath: 'synthetic', directory: '', tiles }));
    }
    const peak = Math.max(...reports.map((report) => report.peakRssBytes));
    const writeMs = median(reports.map((report) => report.writeMs));
    const verifyMs = median(reports.map((report) => report.verifyMs));
    rows.push([
      container,
      formatCount(tiles),
      formatCount(reports[0].uniqueTiles),
      formatRate(tiles, writeMs),
      formatRate(tiles, writeMs + verifyMs),
      formatBytes(peak),
      peak < 500 * 1024 * 1024 ? 'ok (< 500 MiB)' : 'OVER 500 MiB',
    ]);
  }
  printTable(
    [
      { header: 'container', align: 'left' },
      { header: 'tiles' },
      { header: 'distinct' },
      { header: 'write' },
      { header: 'write+verify' },
      { header: 'peak RSS' },
      { header: 'bound', align: 'left' },
    ],
    rows,
  );
}

export const bench: BenchDefinition = {
  description: 'packager tile path (storage -> MBTiles/PMTiles -> verify) vs mb-util-style python3 sqlite3',
  defaultRuns: 3,
  async run({ runs, args }) {
    const memoryTiles = option(args, '--memory');
    if (memoryTiles !== undefined) {
      console.log(
        `memory check: ${formatCount(memoryTiles)} synthetic tiles, ${runs} run(s) each, peak RSS of each\n`,
      );
      await memoryCheck(memoryTiles, runs);
      return;
    }
    const dataset = await prepareDataset(option(args, '--tiles') ?? DEFAULT_TILES);
    console.log(
      `${formatCount(dataset.tiles)} tiles, zooms ${dataset.minZoom}-${dataset.maxZoom}, ` +
        `${formatCount(dataset.uniqueBodies)} distinct bodies (the rest repeat the sea body)\n`,
    );
    const output = join(mkdtempSync(join(tmpdir(), 'package-bench-baseline-')), 'baseline.mbtiles');
    const baselineMs = new Map<CacheState, number[]>(CACHE_STATES.map((state) => [state, []]));
    const ours = new Map<string, ChildReport[]>();
    const variants: {
      label: string;
      container: Container;
      readPath: ReadPath;
      states: CacheState[];
      ioUring?: boolean;
    }[] = [
      { label: 'pmtiles (driver)', container: 'pmtiles', readPath: 'driver', states: ['cold', 'warm'] },
      { label: 'mbtiles (driver)', container: 'mbtiles', readPath: 'driver', states: ['cold', 'warm'] },
      {
        label: 'pmtiles (driver, UV_USE_IO_URING=1)',
        container: 'pmtiles',
        readPath: 'driver',
        states: ['cold', 'warm'],
        ioUring: true,
      },
      {
        label: 'mbtiles (driver, UV_USE_IO_URING=1)',
        container: 'mbtiles',
        readPath: 'driver',
        states: ['cold', 'warm'],
        ioUring: true,
      },
      {
        label: 'pmtiles (sync-read experiment)',
        container: 'pmtiles',
        readPath: 'sync-read',
        states: ['warm'],
      },
      {
        label: 'mbtiles (sync-read experiment)',
        container: 'mbtiles',
        readPath: 'sync-read',
        states: ['warm'],
      },
    ];
    const objectsRoot = join(dataset.directory, 'objects');
    for (let run = 0; run < runs; run += 1) {
      for (const state of CACHE_STATES) {
        setPageCache(state, dataset.xyzRoot);
        baselineMs.get(state)?.push(runBaseline(dataset, output));
        for (const variant of variants.filter((candidate) => candidate.states.includes(state))) {
          setPageCache(state, objectsRoot);
          const report = await inChild({
            container: variant.container,
            readPath: variant.readPath,
            directory: dataset.directory,
            tiles: dataset.tiles,
            ioUring: variant.ioUring,
          });
          const key = `${state} ${variant.label}`;
          ours.set(key, [...(ours.get(key) ?? []), report]);
        }
      }
      console.log(
        `run ${run + 1} of ${runs} done, load average ${loadavg()
          .map((load) => load.toFixed(2))
          .join(' ')}`,
      );
    }
    rmSync(join(output, '..'), { recursive: true, force: true });
    const rows: string[][] = [];
    for (const state of CACHE_STATES) {
      const baseline = median(baselineMs.get(state) ?? []);
      rows.push([
        state,
        'baseline: python3 sqlite3, z/x/y files',
        formatRate(dataset.tiles, baseline),
        '',
        '',
        '',
        '',
        '',
      ]);
      for (const variant of variants.filter((candidate) => candidate.states.includes(state))) {
        const reports = ours.get(`${state} ${variant.label}`) ?? [];
        const writeMs = median(reports.map((report) => report.writeMs));
        const totalMs = median(reports.map((report) => report.writeMs + report.verifyMs));
        const target = TARGETS[variant.container];
        const passed = baseline / writeMs >= target;
        rows.push([
          state,
          variant.label,
          formatRate(dataset.tiles, writeMs),
          formatRatio(baseline, writeMs),
          variant.readPath === 'driver' && variant.ioUring !== true
            ? `${target}x ${passed ? 'met' : 'NOT met'}`
            : '(experiment)',
          formatRate(dataset.tiles, totalMs),
          formatCount(reports[0]?.objectReads ?? 0),
          formatBytes(Math.max(...reports.map((report) => report.peakRssBytes))),
        ]);
      }
    }
    printTable(
      [
        { header: 'cache', align: 'left' },
        { header: 'writer', align: 'left' },
        { header: 'write tiles/s' },
        { header: 'vs baseline' },
        { header: 'target', align: 'left' },
        { header: 'write+verify tiles/s' },
        { header: 'object reads' },
        { header: 'peak RSS' },
      ],
      rows,
    );
    const baselineRuns = CACHE_STATES.map(
      (state) => `${state} ${(baselineMs.get(state) ?? []).map((value) => value.toFixed(0)).join(', ')}`,
    );
    console.log(
      `\nmedian of ${runs} runs; baseline runs (ms): ${baselineRuns.join('; ')}` +
        '\nwrite = tiles streamed from storage into the file; verify = every tile read back and compared.',
    );
  },
};

if (process.argv[2] === '--package-bench-child') {
  runChild(JSON.parse(process.argv[3]) as ChildRequest).then(
    (report) => process.send?.(report, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
