import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild } from '../support/child-process';
import { sampleProcessTree } from '../support/process-tree.sampler';
import { ContenderResult, startMachineMeter } from './contender-result';
import type { SeedArea } from './seed-area';
import type { SeedRunContext } from './seed-run-context';

const MAPPROXY_SEED = 'mapproxy-seed';
const CACHE_NAME = 'fixture_cache';

/** Fails early, with the way to install it, when the Debian package is missing. */
export function assertMapproxyInstalled(): string {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', 'mapproxy'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'mapproxy-seed is not installed: run `node scripts/stack.mjs tools` (Debian package mapproxy)',
    );
  }
}

/**
 * MapProxy's configuration for the same upstream and area, written at run time. JSON is valid YAML, so
 * no YAML writer is needed. The tile source uses GLOBAL_WEBMERCATOR (origin north-west, as XYZ), the cache
 * is MapProxy's file cache, and the seed task names the same bbox and levels.
 */
function mapproxyConfiguration(directory: string, template: string): object {
  return {
    services: { demo: null },
    layers: [{ name: 'fixture', title: 'fixture', sources: [CACHE_NAME] }],
    caches: {
      [CACHE_NAME]: {
        grids: ['GLOBAL_WEBMERCATOR'],
        sources: ['fixture_tiles'],
        format: 'image/png',
        cache: { type: 'file', directory: join(directory, 'cache'), directory_layout: 'tms' },
      },
    },
    sources: {
      fixture_tiles: {
        type: 'tile',
        url: template.replace('{z}', '%(z)s').replace('{x}', '%(x)s').replace('{y}', '%(y)s'),
        grid: 'GLOBAL_WEBMERCATOR',
      },
    },
    globals: {
      cache: {
        base_dir: join(directory, 'cache_data'),
        lock_dir: join(directory, 'locks'),
        tile_lock_dir: join(directory, 'tile_locks'),
      },
    },
  };
}

function seedConfiguration(area: SeedArea): object {
  return {
    seeds: {
      bench: {
        caches: [CACHE_NAME],
        grids: ['GLOBAL_WEBMERCATOR'],
        levels: { from: area.minZoom, to: area.maxZoom },
        coverages: ['bench_area'],
      },
    },
    coverages: { bench_area: { bbox: area.bbox, srs: 'EPSG:4326' } },
  };
}

/** `mapproxy-seed -c <concurrency>` into a fresh file cache; the wall time runs from launch to exit. */
export async function runMapproxySeed(
  context: SeedRunContext,
  area: SeedArea,
  concurrency: number,
): Promise<ContenderResult> {
  const directory = await mkdtemp(join(tmpdir(), 'bench-seed-mapproxy-'));
  try {
    const proxyFile = join(directory, 'mapproxy.yaml');
    const seedFile = join(directory, 'seed.yaml');
    await writeFile(
      proxyFile,
      JSON.stringify(mapproxyConfiguration(directory, context.fixture.pngTemplate), null, 2),
    );
    await writeFile(seedFile, JSON.stringify(seedConfiguration(area), null, 2));

    await context.fixture.resetStats();
    const fixtureCpuBefore = context.fixture.cpuMilliseconds();
    const startedAt = Date.now();
    const child = startChild(
      MAPPROXY_SEED,
      ['-f', proxyFile, '-s', seedFile, '-c', String(concurrency), '-q'],
      {
        cwd: directory,
      },
    );
    const sampler = sampleProcessTree(child.pid);
    const stopMachineMeter = startMachineMeter();
    const exitCode = await child.exited;
    const wallMs = Date.now() - startedAt;
    const sample = sampler.stop();
    const machineBusyShare = stopMachineMeter();
    const fixtureCpuMs = context.fixture.cpuMilliseconds() - fixtureCpuBefore;
    if (exitCode !== 0) throw new Error(`mapproxy-seed exited with ${exitCode}\n${child.output()}`);
    const upstream = await context.fixture.stats();
    return {
      upstreamRequests: upstream.requests,
      upstreamBytes: upstream.bytesSent,
      wallMs,
      peakRssBytes: sample.peakRssBytes,
      processes: sample.peakProcesses,
      cpuMs: sample.cpuMs,
      fixtureCpuMs,
      machineBusyShare,
      storedObjects: await countTileFiles(join(directory, 'cache')),
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function countTileFiles(directory: string): Promise<number> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.png')).length;
}
