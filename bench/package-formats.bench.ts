import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  syntheticPackageTiles,
  writeMbtiles,
  writePmtiles,
  type PackageTile,
  type TilesetMetadataInput,
} from '@map-offline/formats';
import type { BenchDefinition } from './support/bench-definition';

/**
 * `npm run bench -- package-formats [tiles]`: writes a PMTiles and an MBTiles file of `tiles` synthetic tiles
 * (default 1,000,000: zooms 0..10 of the world, ~1/3 of them one shared "sea" body, 48-byte land bodies),
 * each in its own child process so peak RSS belongs to one writer. Not a timed test: it reports.
 */
const FORMATS = ['pmtiles', 'mbtiles'] as const;
type Format = (typeof FORMATS)[number];
const DEFAULT_TILES = 1_000_000;

interface ChildReport {
  format: Format;
  tiles: number;
  uniqueTiles: number;
  fileBytes: number;
  seconds: number;
  peakRssBytes: number;
}

function* firstTiles(count: number): Generator<PackageTile> {
  let produced = 0;
  for (const tile of syntheticPackageTiles({ format: 'png', minZoom: 0, maxZoom: 10, bodyBytes: 48 })) {
    if (produced === count) return;
    produced += 1;
    yield tile;
  }
}

async function runChild(format: Format, count: number): Promise<ChildReport> {
  const directory = mkdtempSync(join(tmpdir(), 'package-formats-bench-'));
  const path = join(directory, `bench.${format}`);
  const metadata: TilesetMetadataInput = {
    name: 'bench',
    format: 'png',
    bounds: [-180, -85.0511287798066, 180, 85.0511287798066],
    minZoom: 0,
    maxZoom: 10,
  };
  try {
    const started = performance.now();
    const result =
      format === 'pmtiles'
        ? await writePmtiles(path, firstTiles(count), metadata)
        : await writeMbtiles(path, firstTiles(count), metadata);
    return {
      format,
      tiles: result.tileCount,
      uniqueTiles: result.uniqueTileCount,
      fileBytes: result.bytes,
      seconds: (performance.now() - started) / 1000,
      // maxRSS is in kilobytes.
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function inChild(format: Format, count: number): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--package-formats-child', format, String(count)]);
    child.once('message', (message) => resolve(message as ChildReport));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`${format} child exited with ${code}`));
    });
  });
}

export const bench: BenchDefinition = {
  description: 'PMTiles and MBTiles writers: 1,000,000 tiles, time, tiles/s, file size, peak RSS',
  defaultRuns: 1,
  async run({ args }) {
    const count = args[0] === undefined ? DEFAULT_TILES : Number(args[0]);
    for (const format of FORMATS) {
      const report = await inChild(format, count);
      console.log(
        `${report.format.padEnd(8)} ${report.tiles} tiles (${report.uniqueTiles} distinct) in ${report.seconds.toFixed(1)} s = ` +
          `${Math.round(report.tiles / report.seconds)} tiles/s, file ${(report.fileBytes / 1048576).toFixed(1)} MiB, ` +
          `peak RSS ${(report.peakRssBytes / 1048576).toFixed(0)} MiB`,
      );
    }
  },
};

if (process.argv[2] === '--package-formats-child') {
  const format = process.argv[3] as Format;
  runChild(format, Number(process.argv[4])).then(
    (report) => process.send?.(report, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
